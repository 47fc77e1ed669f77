package kernsim.client;

import static kernsim.fs.file.Uapi.F_GETFL;
import static kernsim.fs.file.Uapi.LOCK_EX;
import static kernsim.fs.file.Uapi.LOCK_NB;
import static kernsim.fs.file.Uapi.LOCK_SH;
import static kernsim.fs.file.Uapi.LOCK_UN;
import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_CLOEXEC;
import static kernsim.fs.file.Uapi.O_DIRECT;
import static kernsim.fs.file.Uapi.O_NONBLOCK;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import kernsim.cpu.Hart;
import kernsim.cpu.Proc;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.LibraryCall;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.cpu.Syscalls;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopAbi.LoopInfo64;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.file.FileKind;
import kernsim.fs.file.Uapi;

/**
 * systemd's {@code src/shared/loop-util.c} ({@code ../shared/seeds/systemd-loop-util.c}) as a userspace
 * library a hart runs: each operation is one statement of the scenario language
 * (a {@link LibraryCall} that expands) that runs the library's syscalls one by one, through the same kernel code as
 * any statement ({@link Hart#call}), so every syscall is a call in timelines, traces and the errno
 * oracle, and other harts (and the prober) run between them. Retry loops, back-offs and errno checks are
 * those of the seed, function by function; a back-off is {@code usleep(N)}, a virtual-time sleep, whose
 * length is drawn from the world's seeded random ({@code World.nextInt}, recorded in the trace).
 *
 * <p>The {@code LoopDevice} struct the library returns is a {@link LoopDevice} kept in the process under
 * the statement's variable ({@code d = loop_device_make(img, O_RDWR, LOCK_EX)}): the variable itself
 * holds {@code d->fd} (so plain syscalls can use it: {@code write(d, "x")}), and hidden variables hold the
 * other fds ({@code __d_lock} for {@code d->lock_fd}, {@code __d_ctl} for the control fd an operation
 * keeps while it runs). Later statements of the same hart reach it by the variable.
 *
 * <p>The default path is the seed's with {@code $SYSTEMD_LOOP_DIRECT_IO} unset: LO_FLAGS_DIRECT_IO on, the
 * O_DIRECT reopen, the direct-I/O verify and the ENOANO restart ({@link #DIRECT_IO_OFF} turns it off).
 * {@code loop_configure_broken} (a static of the process) is kept per hart, a hart being a process; a
 * LOOP_CONFIGURE that refuses its fd with EINVAL (starry, for a memfd) turns it on, and the process's
 * later makes take the LOOP_SET_FD + LOOP_SET_STATUS64 fallback.
 *
 * <p>Simplifications (each where the model has no counterpart; docs/model.md lists them too):
 * <ul>
 *   <li>The makes pass offset 0 and size 0, so a backing block device always takes the shortcut to
 *       {@code loop_device_open_from_fd}, and no size-limit verify or BLKFLSBUF is ever due.
 *   <li>{@code fd_reopen} is an open of the path the fd was opened by (no {@code /proc/self/fd}).
 *   <li>{@code sd_device} (udev's database): the node is {@code /dev/loopN}, {@code devno} is
 *       {@code makedev(7, N)} (a device LOOP_CTL_GET_FREE adds gets its node before the ioctl returns, as
 *       devtmpfs makes it; a removed index opens with ENXIO, which the seed's retry loop retries).
 *   <li>{@code block_device_remove_all_partitions} and {@code fd_get_diskseq} issue no syscall: the model
 *       has no partitions (always "none removed") and no BLKGETDISKSEQ (as on a kernel without it:
 *       EOPNOTSUPP, which the seed ignores).
 *   <li>{@code memfd_clone_fd} (memfd-util.c, not in the seed): its copy_file_range loop without the
 *       FICLONE attempt, and the sealed memfd kept O_RDWR (no read-only reopen).
 *   <li>{@code loop_device_refresh_size}: a negative argument is UINT64_MAX ("leave it"); on a device
 *       that is no loop device ({@code nr < 0}) it is ENOTTY (the seed's {@code resize_partition} finds
 *       no sysfs partition attribute).
 * </ul>
 *
 * <p>Observations ({@link ClientEvents}, kind {@code systemd}): OpStarted/OpEnded around every
 * operation, with a budget of the most virtual time its own retry loops can sleep ({@link #MAKE_BUDGET_NANOS},
 * {@link #FREE_BUDGET_NANOS}; 0 for operations without back-off). Time spent waiting for a lock another
 * client holds is not in it. Acquired when a make succeeds, Released when
 * {@code loop_device_free} gives a device it made up (just before LOOP_CLR_FD), Wrote when
 * {@code loop_device_write} writes through a device the client made.
 *
 * <p>The mutation {@code systemd-free-reversed-lock-order} ({@link Options#reversedFreeLockOrder}) moves
 * {@code loop_device_free}'s control lock after the device lock: lock the device, LOOP_CLR_FD, then
 * open and lock {@code /dev/loop-control} while still holding the device fd, then close it and remove
 * the device. That breaks the seed's "control first, device second" protocol (docs/fixes.md).
 */
public final class SystemdLoopUtil {
  private SystemdLoopUtil() {}

  public static final String KIND = "systemd";

  /** The client-side mutation that reverses loop_device_free's lock order. */
  public static final String REVERSED_FREE_LOCK_ORDER = "systemd-free-reversed-lock-order";

  /** {@code $SYSTEMD_LOOP_DIRECT_IO=0}: loop_flags_mangle leaves LO_FLAGS_DIRECT_IO off (the seed's default is on). */
  public static final String DIRECT_IO_OFF = "systemd-direct-io-off";

  /** Every client option the scenario language's {@code client-option} header takes. */
  public static final Set<String> OPTIONS = Set.of(REVERSED_FREE_LOCK_ORDER, DIRECT_IO_OFF);

  /** How the library behaves: the seed's ({@link #SEED}), mutated, or with its environment set. */
  public record Options(boolean reversedFreeLockOrder, boolean directIoOff) {
    public static final Options SEED = new Options(false, false);

    /** From the scenario's {@code client-option} names (unknown names are the parser's to refuse). */
    public static Options of(Set<String> names) {
      return new Options(names.contains(REVERSED_FREE_LOCK_ORDER), names.contains(DIRECT_IO_OFF));
    }
  }

  /** loop_flags_mangle: LO_FLAGS_DIRECT_IO on unless $SYSTEMD_LOOP_DIRECT_IO is false. */
  static int mangle(int loopFlags, Options options) {
    return options.directIoOff() ? loopFlags & ~LoopAbi.LO_FLAGS_DIRECT_IO : loopFlags | LoopAbi.LO_FLAGS_DIRECT_IO;
  }

  /**
   * The seed's {@code LoopDevice} as far as the model has it. {@code fdVar} holds {@code fd},
   * {@code lockVar} {@code lock_fd} (-1 once closed); {@code nr} is -1 for a device that is no loop
   * device; {@code relinquished} devices are not cleared or removed by {@code loop_device_free}
   * (those {@code loop_device_open} returns, or after {@code loop_device_relinquish}); {@code nRef} is
   * {@code n_ref} ({@code loop_device_ref}/{@code loop_device_unref}).
   */
  public record LoopDevice(String fdVar, String lockVar, int nr, long devno, String node, String backingFile,
      boolean relinquished, boolean created, int sectorSize, long deviceSize, int nRef) {
    public LoopDevice {
      Objects.requireNonNull(fdVar, "fdVar");
      Objects.requireNonNull(lockVar, "lockVar");
    }

    LoopDevice withRelinquished(boolean on) {
      return new LoopDevice(fdVar, lockVar, nr, devno, node, backingFile, on, created, sectorSize, deviceSize, nRef);
    }

    LoopDevice withRef(int n) {
      return new LoopDevice(fdVar, lockVar, nr, devno, node, backingFile, relinquished, created, sectorSize, deviceSize, n);
    }
  }

  // ==== budgets: the most virtual time an operation's own retry loops sleep ====

  static final long USEC_PER_MSEC = 1000;
  static final int MAKE_ATTEMPTS = 64;
  static final int SET_STATUS_ATTEMPTS = 64;
  static final int REMOVE_ATTEMPTS = 38;

  /** loop_device_make_internal's back-off after failed attempt {@code n} (1-based): {@code [0, bound)} µs. */
  static long makeBackoffBoundUsec(int n) {
    return 10 * USEC_PER_MSEC + 240 * USEC_PER_MSEC * n / 64;
  }

  /** loop_configure_fallback's back-off after failed attempt {@code n}: 10 ms + {@code [0, bound)} µs. */
  static long setStatusBackoffBoundUsec(int n) {
    return 240 * USEC_PER_MSEC * n / 64;
  }

  /** The delays loop_device_free sleeps between its LOOP_CTL_REMOVE attempts, in µs, in order. */
  static long[] removeDelaysUsec() {
    long[] out = new long[REMOVE_ATTEMPTS];
    long delay = 5 * USEC_PER_MSEC;
    for (int attempt = 1; attempt <= REMOVE_ATTEMPTS; attempt++) {
      if (attempt % 5 == 0) {
        delay *= 2;
      }
      out[attempt - 1] = delay;
    }
    return out;
  }

  /**
   * loop_device_make: 63 back-offs of the outer loop, and in each of its 64 attempts up to 63 of the
   * LOOP_SET_STATUS64 fallback's (10 ms + its random part), each at its bound.
   */
  public static final long MAKE_BUDGET_NANOS;

  /** loop_device_free: the 38 sleeps between LOOP_CTL_REMOVE attempts (5 ms doubling every 5 attempts). */
  public static final long FREE_BUDGET_NANOS;

  static {
    long outer = 0;
    for (int n = 1; n < MAKE_ATTEMPTS; n++) {
      outer += makeBackoffBoundUsec(n);
    }
    long inner = 0;
    for (int n = 1; n < SET_STATUS_ATTEMPTS; n++) {
      inner += 10 * USEC_PER_MSEC + setStatusBackoffBoundUsec(n);
    }
    MAKE_BUDGET_NANOS = (outer + MAKE_ATTEMPTS * inner) * 1000;
    long free = 0;
    for (long d : removeDelaysUsec()) {
      free += d;
    }
    FREE_BUDGET_NANOS = free * 1000;
  }

  // ==== the statements ====

  /**
   * {@code var = loop_device_make(backing, open_flags, lock_op)}: {@code loop_device_make(fd, open_flags,
   * 0, 0, 0, 0, lock_op, &d)} of the backing file's fd; {@code loop_flags_mangle} turns
   * LO_FLAGS_DIRECT_IO on unless {@code direct-io-off} says {@code $SYSTEMD_LOOP_DIRECT_IO=0}. Ends in
   * {@code Ok(d->fd)} or the error.
   */
  public static Stmt make(String var, String backing, int openFlags, int lockOp, Options options) {
    return call("loop_device_make", p -> {
      started(p, "loop_device_make", MAKE_BUDGET_NANOS);
      return Code.bind(new Make(p, var, backing, null, openFlags, lockOp, mangle(0, options)).run(),
          r -> ended(p, "loop_device_make", r));
    }, backing, accMode(openFlags), lockName(lockOp)).as(var);
  }

  /**
   * {@code var = loop_device_make_by_path_at(AT_FDCWD, path, open_flags, lock_op)} (sector size 0, loop
   * flags 0): opens {@code path} with O_DIRECT if direct I/O is on, again without it if that fails;
   * {@code open_flags} -1 tries O_RDWR, then O_RDONLY on EPERM/EACCES/EROFS; then
   * loop_device_make_internal with the path, and the opened fd closed.
   */
  public static Stmt makeByPathAt(String var, String path, int openFlags, int lockOp, Options options) {
    return call("loop_device_make_by_path_at", p -> new ByPath(p, var, path, openFlags, lockOp, options).run(),
        "AT_FDCWD", "\"" + path + "\"", openFlags < 0 ? "-1" : accMode(openFlags), lockName(lockOp)).as(var);
  }

  /**
   * {@code var = loop_device_make_by_path_memory(path, open_flags, lock_op)}: the file copied into a memfd
   * ({@code memfd_clone_fd}), which loop_device_make_internal then binds; no direct I/O.
   */
  public static Stmt makeByPathMemory(String var, String path, int openFlags, int lockOp) {
    return call("loop_device_make_by_path_memory", p -> makeByPathMemory(p, var, path, openFlags, lockOp),
        "\"" + path + "\"", accMode(openFlags), lockName(lockOp)).as(var);
  }

  /** {@code loop_device_free(d)}: the seed's (static) free of the device, whatever its n_ref: {@code Ok(0)}. */
  public static Stmt free(String var, Options options) {
    return call("loop_device_free", p -> new Free(p, var, options).run(), var);
  }

  /** {@code loop_device_ref(d)}: n_ref + 1; {@code Ok(d->fd)} (the pointer the seed returns). */
  public static Stmt ref(String var) {
    return call("loop_device_ref", p -> {
      if (!(p.handle(var) instanceof LoopDevice d)) {
        return Code.err(Errno.EBADF); // assert(p) in the seed
      }
      started(p, "loop_device_ref", 0);
      p.setHandle(var, d.withRef(d.nRef() + 1));
      return ended(p, "loop_device_ref", SysResult.ok(p.fd(var)));
    }, var);
  }

  /** {@code loop_device_unref(d)}: n_ref − 1, and at 0 loop_device_free; {@code Ok(0)} (NULL). */
  public static Stmt unref(String var, Options options) {
    return call("loop_device_unref", p -> {
      if (!(p.handle(var) instanceof LoopDevice d)) {
        return Code.ok(0); // unref(NULL): nothing
      }
      if (d.nRef() > 1) {
        started(p, "loop_device_unref", 0);
        p.setHandle(var, d.withRef(d.nRef() - 1));
        return ended(p, "loop_device_unref", SysResult.ok(0));
      }
      return new Free(p, var, options).run();
    }, var);
  }

  /** {@code loop_device_relinquish(d)} / {@code loop_device_unrelinquish(d)}: no syscall; {@code Ok(0)}. */
  public static Stmt relinquish(String var, boolean on) {
    return call(on ? "loop_device_relinquish" : "loop_device_unrelinquish", p -> {
      if (!(p.handle(var) instanceof LoopDevice d)) {
        return Code.err(Errno.EBADF); // assert(d)
      }
      String op = on ? "loop_device_relinquish" : "loop_device_unrelinquish";
      started(p, op, 0);
      p.setHandle(var, d.withRelinquished(on));
      return ended(p, op, SysResult.ok(0));
    }, var);
  }

  /** {@code loop_device_flock(d, operation)}: {@code Ok(0)} or the error. */
  public static Stmt flock(String var, int operation) {
    return call("loop_device_flock", p -> deviceFlock(p, var, operation), var, lockName(operation));
  }

  /** {@code loop_device_sync(d)}: {@code fsync(d->fd)}'s result. */
  public static Stmt sync(String var) {
    return call("loop_device_sync", p -> {
      if (!(p.handle(var) instanceof LoopDevice)) {
        return Code.err(Errno.EBADF);
      }
      started(p, "loop_device_sync", 0);
      return sys(p, Syscalls.fsync(var), r -> ended(p, "loop_device_sync", r instanceof SysResult.Ok ? SysResult.ok(0) : r));
    }, var);
  }

  /** {@code var = loop_device_open(path, open_flags, lock_op)} ({@code loop_device_open_from_path}). */
  public static Stmt open(String var, String path, int openFlags, int lockOp) {
    return call("loop_device_open", p -> {
      started(p, "loop_device_open", 0);
      return Code.bind(openDevice(p, var, path, openFlags, lockOp), r -> ended(p, "loop_device_open", r));
    }, "\"" + path + "\"", accMode(openFlags), lockName(lockOp)).as(var);
  }

  /**
   * {@code var = loop_device_open_from_fd(fd, open_flags, lock_op)}: block_device_new_from_fd (fstat:
   * ENOTBLK unless a block device), then loop_device_open of its node (reopened, as the seed does).
   */
  public static Stmt openFromFd(String var, String fd, int openFlags, int lockOp) {
    return call("loop_device_open_from_fd", p -> {
      started(p, "loop_device_open_from_fd", 0);
      p.setHandle(var, null);
      return sys(p, Syscalls.fstat(fd), st -> {
        if (!(st instanceof SysResult.Ok ok)) {
          p.set(var, -1);
          return ended(p, "loop_device_open_from_fd", st);
        }
        if (ok.data() != FileKind.BLOCK_DEVICE) {
          p.set(var, -1);
          return ended(p, "loop_device_open_from_fd", SysResult.err(Errno.ENOTBLK));
        }
        return Code.bind(openDevice(p, var, fdPath(p, fd), openFlags, lockOp),
            r -> ended(p, "loop_device_open_from_fd", r));
      });
    }, fd, accMode(openFlags), lockName(lockOp)).as(var);
  }

  /** {@code loop_device_refresh_size(d, offset, size)}; a negative value is UINT64_MAX. */
  public static Stmt refreshSize(String var, long offset, long size) {
    return call("loop_device_refresh_size", p -> refreshSize(p, var, offset, size), var, offset, size);
  }

  /** {@code loop_device_set_autoclear(d, on)}: {@code Ok(1)} changed, {@code Ok(0)} already so. */
  public static Stmt setAutoclear(String var, boolean on) {
    return call("loop_device_set_autoclear", p -> setAutoclear(p, var, on), var, on ? 1 : 0);
  }

  /** {@code loop_device_set_filename(d, name)} ({@code name} null: clear it). */
  public static Stmt setFilename(String var, String name) {
    return call("loop_device_set_filename", p -> setFilename(p, var, name), var,
        name == null ? "NULL" : "\"" + name + "\"");
  }

  /**
   * {@code loop_device_write(d, offset, "data")}: not a loop-util function but what its caller does with
   * the device, {@code pwrite(d->fd, data, offset)}; on success a device the client made gets a
   * {@link ClientEvents.Wrote}.
   */
  public static Stmt write(String var, long offset, String data) {
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    Stmt pwrite = Syscalls.pwrite(var, data, offset);
    return call("loop_device_write", p -> sys(p, pwrite, r -> {
          if (r instanceof SysResult.Ok && p.handle(var) instanceof LoopDevice d && d.created() && !d.relinquished()) {
            p.world().emit(new ClientEvents.Wrote(p.name(), KIND, d.nr(), d.backingFile(), offset, bytes));
          }
          return Code.done(r);
        }), var, offset, "\"" + data + "\"");
  }

  // ==== loop_device_make_internal + loop_configure ====

  /**
   * One run of loop_device_make_internal: the state its C locals hold. {@link #run} ends in
   * {@code Ok(d->fd)} (the handle kept under {@code var}) or the error, and emits no OpStarted/OpEnded
   * (the statement that calls it does).
   */
  private static final class Make {
    final Proc p;
    final String var;
    /** The fd variable the caller passed ({@code fd}). */
    final String backing;
    /** {@code path}: what backing_file is made from (null: {@code fd_get_path(fd)}). */
    final String path;
    int openFlags;
    final int lockOp;
    int loopFlags;
    final String ctl;
    final String lock;
    /** The fd the config carries ({@code config.fd}): {@link #backing}, or a reopened one. */
    String cfgFd;
    /** {@code reopened_fd}, when open (closed when make_internal returns). */
    String reopened;
    /** {@code config.info.lo_flags}. */
    int infoFlags;
    String node;
    String backingFile;
    int nr;
    boolean lockOpen;
    boolean fdOpen;
    /** loop_with_fd holds the fd (LOOP_CONFIGURE or LOOP_SET_FD succeeded): cleanup clears it. */
    boolean withFd;
    /** The device's size in bytes (BLKGETSIZE64), once {@link #configure} succeeded. */
    long size;

    Make(Proc p, String var, String backing, String path, int openFlags, int lockOp, int loopFlags) {
      this.p = p;
      this.var = var;
      this.backing = backing;
      this.path = path;
      this.openFlags = openFlags;
      this.lockOp = lockOp;
      this.loopFlags = loopFlags;
      this.ctl = "__" + var + "_ctl";
      this.lock = "__" + var + "_lock";
      this.cfgFd = backing;
    }

    Code run() {
      p.setHandle(var, null);
      // fstat(fd): a block device covered whole is opened as it is (loop_device_open_from_fd);
      // anything else must be a regular file (stat_verify_regular).
      return sys(p, Syscalls.fstat(backing), st -> {
        if (!(st instanceof SysResult.Ok sok)) {
          return failed(st);
        }
        FileKind kind = (FileKind) sok.data();
        if (kind == FileKind.BLOCK_DEVICE) {
          return openDevice(p, var, p.path(p.fd(backing)), openFlags, lockOp); // offset 0, size 0
        }
        if (!kind.isRegularNode()) {
          return failed(SysResult.err(kind == FileKind.DIRECTORY ? Errno.EISDIR : Errno.EBADFD));
        }
        backingFile = path != null ? path : fdPath(p, backing);
        return sys(p, Syscalls.fcntl(backing, F_GETFL, 0), fl -> {
          if (!(fl instanceof SysResult.Ok flags)) {
            return failed(fl);
          }
          return Code.bind(reopen((flags.value() & O_DIRECT) != 0), r -> {
            if (r instanceof SysResult.Err) {
              return failed(r);
            }
            return sys(p, Syscalls.open("/dev/loop-control", O_RDWR | O_CLOEXEC | O_NONBLOCK).as(ctl), c -> {
              if (c instanceof SysResult.Err) {
                return closeReopened(() -> failed(c));
              }
              // sector_size 0 → 512; .lo_flags = (loop_flags & ~READ_ONLY) | (O_RDONLY ? READ_ONLY : 0) |
              // AUTOCLEAR; offset 0, size limit 0, no file name.
              infoFlags = (loopFlags & ~LoopAbi.LO_FLAGS_READ_ONLY)
                  | ((openFlags & O_ACCMODE) == O_RDONLY ? LoopAbi.LO_FLAGS_READ_ONLY : 0) | LoopAbi.LO_FLAGS_AUTOCLEAR;
              return Code.bind(attempt(0), res -> sys(p, Syscalls.close(ctl), x -> closeReopened(() -> {
                if (res instanceof SysResult.Ok) {
                  LoopDevice d = new LoopDevice(var, lock, nr, kernsim.dev.loop.LoopDevice.devId(nr), node, backingFile,
                      false, true, 512, size, 1);
                  p.setHandle(var, d);
                  p.world().emit(new ClientEvents.Acquired(p.name(), KIND, nr, backingFile));
                  return Code.done(SysResult.ok(p.fd(var)));
                }
                return failed(res);
              })));
            });
          });
        });
      });
    }

    private Code failed(Object error) {
      p.set(var, -1);
      return Code.done(error);
    }

    /**
     * LO_FLAGS_DIRECT_IO is the knob, O_DIRECT follows it: if they differ, fd_reopen(fd, (DIRECT_IO ?
     * O_DIRECT : 0)|O_CLOEXEC|O_NONBLOCK|open_flags). A failed reopen for O_DIRECT goes on without
     * direct I/O; one without O_DIRECT is the error.
     */
    private Code reopen(boolean oDirect) {
      boolean direct = (loopFlags & LoopAbi.LO_FLAGS_DIRECT_IO) != 0;
      if (direct == oDirect) {
        return Code.ok(0);
      }
      String to = "__" + var + "_backing";
      return sys(p, Syscalls.open(fdPath(p, backing), (direct ? O_DIRECT : 0) | O_CLOEXEC | O_NONBLOCK | openFlags).as(to),
          r -> {
            if (r instanceof SysResult.Err) {
              if (!direct) {
                return Code.done(r);
              }
              loopFlags &= ~LoopAbi.LO_FLAGS_DIRECT_IO; // "Continuing without."
              return Code.ok(0);
            }
            reopened = to;
            cfgFd = to; // from now on, operate on the new fd
            return Code.ok(0);
          });
    }

    private Code closeReopened(java.util.function.Supplier<Code> then) {
      if (reopened == null) {
        return then.get();
      }
      String fd = reopened;
      reopened = null;
      return sys(p, Syscalls.close(fd), x -> then.get());
    }

    /** The GET_FREE loop: attempt {@code n} (0-based), under the control lock. */
    Code attempt(int n) {
      return sys(p, Syscalls.flock(ctl, LOCK_EX), l -> {
        if (l instanceof SysResult.Err) {
          return Code.done(l);
        }
        return sys(p, Syscalls.ioctl(ctl, LoopControl.LOOP_CTL_GET_FREE, Ioctl.None.INSTANCE), f -> {
          if (!(f instanceof SysResult.Ok ok)) {
            return Code.done(f);
          }
          nr = (int) ok.value();
          return Code.bind(configure(), r -> {
            if (!(r instanceof SysResult.Err err)) {
              return Code.done(r);
            }
            Errno e = err.errno();
            // ERRNO_IS_DEVICE_ABSENT (ENODEV, ENXIO, ENOENT), EBUSY, EUCLEAN, ENOANO.
            if (!Set.of(Errno.ENODEV, Errno.ENXIO, Errno.ENOENT, Errno.EBUSY, Errno.EUCLEAN, Errno.ENOANO).contains(e)) {
              return Code.done(r);
            }
            return sys(p, Syscalls.flock(ctl, LOCK_UN), u -> {
              if (u instanceof SysResult.Err) {
                return Code.done(u);
              }
              int failed = n + 1;
              if (failed >= MAKE_ATTEMPTS) {
                return Code.err(Errno.EBUSY);
              }
              Code restart = e == Errno.ENOANO && (infoFlags & LoopAbi.LO_FLAGS_DIRECT_IO) != 0 ? bufferedRestart()
                  : Code.ok(0);
              return Code.bind(restart, rs -> {
                if (rs instanceof SysResult.Err) {
                  return Code.done(rs);
                }
                long usec = p.world().nextInt((int) makeBackoffBoundUsec(failed)); // random_u64_range
                return sys(p, Syscalls.usleep(usec), s -> attempt(failed));
              });
            });
          });
        });
      });
    }

    /**
     * The ENOANO restart: direct I/O off in the config and the open flags, config.fd reopened without
     * O_DIRECT (fd_reopen), the old reopened fd closed, the new one the config's and the one to close.
     */
    private Code bufferedRestart() {
      infoFlags &= ~LoopAbi.LO_FLAGS_DIRECT_IO;
      openFlags &= ~O_DIRECT;
      String to = "__" + var + "_buffered";
      return sys(p, Syscalls.open(fdPath(p, cfgFd), O_CLOEXEC | O_NONBLOCK | openFlags).as(to), r -> {
        if (r instanceof SysResult.Err) {
          return Code.done(r); // "Failed to reopen file descriptor without O_DIRECT"
        }
        return closeReopened(() -> {
          reopened = to;
          cfgFd = to;
          return Code.ok(0);
        });
      });
    }

    /** loop_configure(nr, …): {@code Ok(0)} with the fd in {@code var} and the device's size in {@link #size}, or the error. */
    Code configure() {
      node = "/dev/loop" + nr;
      withFd = false;
      fdOpen = false;
      lockOpen = false;
      // sd_device_new_from_devname + sd_device_get_devnum: the node's name and makedev(7, nr).
      return sys(p, Syscalls.open(node, O_CLOEXEC | O_NONBLOCK | openFlags).as(var), o -> {
        if (o instanceof SysResult.Err) {
          return Code.done(o);
        }
        fdOpen = true;
        // open_lock_fd(fd, LOCK_EX): fd_reopen(fd, O_RDONLY|O_CLOEXEC|O_NONBLOCK|O_NOCTTY), then flock.
        return sys(p, Syscalls.open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK).as(lock), lo -> {
          if (lo instanceof SysResult.Err) {
            return fail(lo);
          }
          lockOpen = true;
          return sys(p, Syscalls.flock(lock, LOCK_EX), lk -> {
            if (lk instanceof SysResult.Err) {
              return fail(lk);
            }
            // loop_is_bound: LOOP_GET_STATUS64 succeeds → bound → EBUSY; ENXIO → unbound; else the error.
            return sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_GET_STATUS64), st -> {
              if (st instanceof SysResult.Ok) {
                return fail(SysResult.err(Errno.EBUSY));
              }
              if (!(st instanceof SysResult.Err e && e.errno() == Errno.ENXIO)) {
                return fail(st);
              }
              // block_device_remove_all_partitions: the model has none (0: nothing removed).
              return broken() ? setFdFallback() : loopConfigure();
            });
          });
        });
      });
    }

    private boolean broken() {
      return p.handle(BROKEN) != null;
    }

    private Code loopConfigure() {
      return sys(p, Syscalls.ioctlConfigure(var, cfgFd, 512, LoopInfo64.of("", infoFlags)), c -> {
        if (c instanceof SysResult.Err e) {
          // Fall back only if LOOP_CONFIGURE is not supported (EINVAL counts): propagate the rest.
          if (!notSupported(e.errno()) && e.errno() != Errno.EINVAL) {
            return fail(c);
          }
          p.setHandle(BROKEN, Boolean.TRUE);
          return setFdFallback();
        }
        withFd = true; // loop_with_fd = TAKE_FD(fd)
        // loop_configure_verify: block_size 512 → blockdev_get_sector_size (a mismatch marks it broken);
        // no size limit and no PARTSCAN to check; then loop_configure_verify_direct_io.
        return sys(p, Syscalls.ioctl(var, LoopIoctl.BLKSSZGET), ss -> {
          if (!(ss instanceof SysResult.Ok ok)) {
            return fail(ss);
          }
          boolean bad = !(ok.data() instanceof Number n) || n.longValue() != 512;
          return verifyDirectIo(() -> {
            if (bad) {
              p.setHandle(BROKEN, Boolean.TRUE); // LOOP_CONFIGURE doesn't work: remember, and say EBUSY
              return fail(SysResult.err(Errno.EBUSY));
            }
            return finish();
          });
        });
      });
    }

    /**
     * loop_configure_verify_direct_io: with LO_FLAGS_DIRECT_IO asked for, LOOP_GET_STATUS64 must show it,
     * else ENOANO ("retrying in buffered IO mode"); the GET_STATUS64's own error is the error.
     */
    private Code verifyDirectIo(java.util.function.Supplier<Code> then) {
      if ((infoFlags & LoopAbi.LO_FLAGS_DIRECT_IO) == 0) {
        return then.get();
      }
      return sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_GET_STATUS64), st -> {
        if (!(st instanceof SysResult.Ok ok) || !(ok.data() instanceof LoopInfo64 got)) {
          return fail(st);
        }
        if ((got.flags() & LoopAbi.LO_FLAGS_DIRECT_IO) == 0) {
          return fail(SysResult.err(Errno.ENOANO));
        }
        return then.get();
      });
    }

    private Code setFdFallback() {
      return sys(p, Syscalls.ioctlFd(var, LoopIoctl.LOOP_SET_FD, cfgFd), s -> {
        if (s instanceof SysResult.Err) {
          return fail(s);
        }
        withFd = true;
        // loop_configure_fallback: only LOOP_SET_STATUS_SETTABLE_FLAGS (AUTOCLEAR, PARTSCAN) via
        // LOOP_SET_STATUS64.
        LoopInfo64 copy = LoopInfo64.of("", infoFlags & (LoopAbi.LO_FLAGS_AUTOCLEAR | LoopAbi.LO_FLAGS_PARTSCAN));
        return Code.bind(setStatusRetried(copy, 0), r -> {
          if (r instanceof SysResult.Err) {
            return fail(r);
          }
          // No offset or size limit: no BLKFLSBUF. block_size 512: LOOP_SET_BLOCK_SIZE (errors
          // ignored), then the sector size must match.
          return sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_SET_BLOCK_SIZE, 512),
              b -> sys(p, Syscalls.ioctl(var, LoopIoctl.BLKSSZGET), ss -> {
                if (!(ss instanceof SysResult.Ok ok)) {
                  return fail(ss);
                }
                if (!(ok.data() instanceof Number n) || n.longValue() != 512) {
                  return fail(SysResult.err(Errno.EIO));
                }
                // LO_FLAGS_DIRECT_IO: LOOP_SET_DIRECT_IO(1), errors ignored; then verify it.
                Code dio = (infoFlags & LoopAbi.LO_FLAGS_DIRECT_IO) == 0 ? Code.ok(0)
                    : sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_SET_DIRECT_IO, 1), x -> Code.ok(0));
                return Code.bind(dio, x -> verifyDirectIo(this::finish));
              }));
        });
      });
    }

    /** LOOP_SET_STATUS64, retried on EAGAIN up to 64 attempts, sleeping 10 ms + random(240 ms × n/64). */
    private Code setStatusRetried(LoopInfo64 copy, int n) {
      return sys(p, Syscalls.ioctlSetStatus64(var, copy), r -> {
        if (!(r instanceof SysResult.Err e)) {
          return Code.done(r);
        }
        int failed = n + 1;
        if (e.errno() != Errno.EAGAIN || failed >= SET_STATUS_ATTEMPTS) {
          return Code.done(r);
        }
        long usec = 10 * USEC_PER_MSEC + p.world().nextInt((int) setStatusBackoffBoundUsec(failed));
        return sys(p, Syscalls.usleep(usec), s -> setStatusRetried(copy, failed));
      });
    }

    /** fd_get_diskseq (not modelled), the lock_op switch, the device size. */
    private Code finish() {
      Code locked = switch (lockOp & ~LOCK_NB) {
        case LOCK_SH -> sys(p, Syscalls.flock(lock, lockOp), Code::done); // downgrade
        case LOCK_UN -> sys(p, Syscalls.close(lock), x -> {
          lockOpen = false;
          p.set(lock, -1);
          return Code.ok(0);
        });
        default -> Code.ok(0); // LOCK_EX: already in effect
      };
      return Code.bind(locked, l -> {
        if (l instanceof SysResult.Err) {
          return fail(l);
        }
        return sys(p, Syscalls.ioctl(var, LoopIoctl.BLKGETSIZE64), sz -> {
          if (!(sz instanceof SysResult.Ok ok)) {
            return fail(sz);
          }
          if (!lockOpen) {
            p.set(lock, -1);
          }
          size = ok.data() instanceof Number n ? n.longValue() : 0;
          return Code.ok(0);
        });
      });
    }

    /**
     * loop_configure's cleanups on an error, in the reverse of their declaration: lock_fd closed, fd
     * closed (if not taken), loop_with_fd cleared (LOOP_CLR_FD, errors ignored) and closed.
     */
    private Code fail(Object error) {
      Code closeLock = lockOpen ? sys(p, Syscalls.close(lock), x -> Code.ok(0)) : Code.ok(0);
      return Code.bind(closeLock, x -> {
        lockOpen = false;
        p.set(lock, -1);
        if (!fdOpen) {
          return Code.done(error);
        }
        fdOpen = false;
        Code clear = withFd ? sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_CLR_FD), y -> Code.ok(0)) : Code.ok(0);
        return Code.bind(clear, y -> sys(p, Syscalls.close(var), z -> Code.done(error)));
      });
    }
  }

  /** {@code fd_get_path(fd)} / the path fd_reopen opens: the path the fd was opened by ("" for a memfd). */
  private static String fdPath(Proc p, String fd) {
    return p.path(p.fd(fd));
  }

  /** The process's {@code static bool loop_configure_broken}, kept as a handle of the process. */
  private static final String BROKEN = "__systemd_loop_configure_broken";

  private static boolean notSupported(Errno e) {
    return e == Errno.EOPNOTSUPP || e == Errno.ENOTTY || e == Errno.ENOSYS;
  }

  // ==== loop_device_free ====

  private static final class Free {
    final Proc p;
    final String var;
    final Options options;
    final String ctl;
    LoopDevice d;
    boolean control;

    Free(Proc p, String var, Options options) {
      this.p = p;
      this.var = var;
      this.options = options;
      this.ctl = "__" + var + "_ctl";
    }

    Code run() {
      if (!(p.handle(var) instanceof LoopDevice dev)) {
        return Code.ok(0); // loop_device_free(NULL): nothing
      }
      d = dev;
      started(p, "loop_device_free", FREE_BUDGET_NANOS);
      boolean ours = d.nr() >= 0 && !d.relinquished(); // !LOOP_DEVICE_IS_FOREIGN(d) && !d->relinquished
      // d->lock_fd = safe_close(d->lock_fd)
      Code dropLock = p.fd(d.lockVar()) >= 0
          ? sys(p, Syscalls.close(d.lockVar()), x -> {
            p.set(d.lockVar(), -1);
            return Code.ok(0);
          })
          : Code.ok(0);
      return Code.bind(dropLock, x -> {
        Code lockControl = ours && !options.reversedFreeLockOrder() ? lockControl() : Code.ok(0);
        return Code.bind(lockControl, y -> Code.bind(releaseDevice(ours), z -> Code.bind(remove(), w -> {
          Code closeControl = control ? sys(p, Syscalls.close(ctl), v -> Code.ok(0)) : Code.ok(0);
          return Code.bind(closeControl, v -> {
            p.setHandle(var, null);
            return ended(p, "loop_device_free", SysResult.ok(0));
          });
        })));
      });
    }

    /** open("/dev/loop-control") and flock(LOCK_EX); failures are logged and ignored. */
    private Code lockControl() {
      return sys(p, Syscalls.open("/dev/loop-control", O_RDWR | O_CLOEXEC | O_NONBLOCK).as(ctl), c -> {
        if (c instanceof SysResult.Err) {
          return Code.ok(0);
        }
        control = true;
        return sys(p, Syscalls.flock(ctl, LOCK_EX), l -> Code.ok(0));
      });
    }

    /** fsync; for our device flock(fd, LOCK_EX), LOOP_CLR_FD (errors ignored); close. */
    private Code releaseDevice(boolean ours) {
      if (p.fd(d.fdVar()) < 0) {
        return Code.ok(0);
      }
      return sys(p, Syscalls.fsync(d.fdVar()), s -> {
        Code clear = !ours ? Code.ok(0)
            : sys(p, Syscalls.flock(d.fdVar(), LOCK_EX), l -> {
              // block_device_remove_all_partitions: none in the model.
              if (d.created()) {
                p.world().emit(new ClientEvents.Released(p.name(), KIND, d.nr()));
              }
              return sys(p, Syscalls.ioctl(d.fdVar(), LoopIoctl.LOOP_CLR_FD),
                  c -> options.reversedFreeLockOrder() ? lockControl() : Code.ok(0));
            });
        return Code.bind(clear, c -> sys(p, Syscalls.close(d.fdVar()), x -> Code.ok(0)));
      });
    }

    /** LOOP_CTL_REMOVE, retried on EBUSY: 38 more attempts, 5 ms doubling every 5 attempts. */
    private Code remove() {
      return control ? removeAttempt(1, 5 * USEC_PER_MSEC) : Code.ok(0);
    }

    private Code removeAttempt(int attempt, long delay) {
      return sys(p, Syscalls.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, new Ioctl.Int(d.nr())), r -> {
        if (!(r instanceof SysResult.Err e)) {
          return Code.ok(0);
        }
        if (e.errno() != Errno.EBUSY || attempt > REMOVE_ATTEMPTS) {
          return Code.ok(0); // logged, given up
        }
        long next = attempt % 5 == 0 ? delay * 2 : delay;
        return sys(p, Syscalls.usleep(next), s -> removeAttempt(attempt + 1, next));
      });
    }
  }

  // ==== loop_device_open and the small setters ====

  /**
   * loop_device_open of the device node {@code path}: {@code Ok(d->fd)} with the handle kept (relinquished:
   * not ours to destroy), or the error (every fd it opened closed, -1 in {@code var}). No OpStarted/OpEnded.
   */
  private static Code openDevice(Proc p, String var, String path, int openFlags, int lockOp) {
    String lock = "__" + var + "_lock";
    p.setHandle(var, null);
    p.set(lock, -1);
    return sys(p, Syscalls.open(path, O_CLOEXEC | O_NONBLOCK | openFlags).as(var), o -> {
      if (o instanceof SysResult.Err) {
        return Code.done(o);
      }
      Function<Object, Code> fail = err -> {
        Code closeLock = p.fd(lock) >= 0 ? sys(p, Syscalls.close(lock), x -> Code.ok(0)) : Code.ok(0);
        return Code.bind(closeLock, x -> sys(p, Syscalls.close(var), y -> {
          p.set(lock, -1);
          p.set(var, -1);
          return Code.done(err);
        }));
      };
      Code locked = (lockOp & ~LOCK_NB) == LOCK_UN ? Code.ok(0) : openLockFd(p, path, lock, lockOp);
      return Code.bind(locked, l -> {
        if (l instanceof SysResult.Err) {
          return fail.apply(l);
        }
        // LOOP_GET_STATUS64: a failure leaves nr -1 (not a loop device), and is no error.
        return sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_GET_STATUS64), st -> {
          int nr = st instanceof SysResult.Ok ok && ok.data() instanceof LoopInfo64 info ? info.number() : -1;
          return sys(p, Syscalls.ioctl(var, LoopIoctl.BLKSSZGET), ss -> {
            if (!(ss instanceof SysResult.Ok sok)) {
              return fail.apply(ss);
            }
            return sys(p, Syscalls.ioctl(var, LoopIoctl.BLKGETSIZE64), sz -> {
              if (!(sz instanceof SysResult.Ok zok)) {
                return fail.apply(sz);
              }
              int sector = sok.data() instanceof Number n ? n.intValue() : 0;
              long size = zok.data() instanceof Number n ? n.longValue() : 0;
              p.setHandle(var, new LoopDevice(var, lock, nr, nr >= 0 ? kernsim.dev.loop.LoopDevice.devId(nr) : 0, path,
                  null, true, false, sector, size, 1));
              return Code.done(SysResult.ok(p.fd(var)));
            });
          });
        });
      });
    });
  }

  /**
   * open_lock_fd: fd_reopen(fd, O_RDONLY|O_CLOEXEC|O_NONBLOCK|O_NOCTTY) (an open of the node) into
   * {@code lock}, then flock; on a failed flock the new fd is closed again (its _cleanup_close_).
   */
  private static Code openLockFd(Proc p, String node, String lock, int operation) {
    return sys(p, Syscalls.open(node, O_RDONLY | O_CLOEXEC | O_NONBLOCK).as(lock), lo -> {
      if (lo instanceof SysResult.Err) {
        p.set(lock, -1);
        return Code.done(lo);
      }
      return sys(p, Syscalls.flock(lock, operation), l -> {
        if (!(l instanceof SysResult.Err)) {
          return Code.ok(0);
        }
        return sys(p, Syscalls.close(lock), x -> {
          p.set(lock, -1);
          return Code.done(l);
        });
      });
    });
  }

  /**
   * loop_device_flock: LOCK_UN closes lock_fd; without a lock fd, open_lock_fd makes one and locks it;
   * otherwise flock(lock_fd, operation) changes its mode.
   */
  private static Code deviceFlock(Proc p, String var, int operation) {
    if (!(p.handle(var) instanceof LoopDevice d)) {
      return Code.err(Errno.EBADF); // assert(d)
    }
    started(p, "loop_device_flock", 0);
    String lock = d.lockVar();
    if ((operation & ~LOCK_NB) == LOCK_UN) {
      if (p.fd(lock) < 0) {
        return ended(p, "loop_device_flock", SysResult.ok(0));
      }
      return sys(p, Syscalls.close(lock), x -> {
        p.set(lock, -1);
        return ended(p, "loop_device_flock", SysResult.ok(0));
      });
    }
    if (p.fd(lock) < 0) {
      String node = d.node() != null ? d.node() : fdPath(p, var);
      return Code.bind(openLockFd(p, node, lock, operation), r -> ended(p, "loop_device_flock", r));
    }
    return sys(p, Syscalls.flock(lock, operation),
        r -> ended(p, "loop_device_flock", r instanceof SysResult.Ok ? SysResult.ok(0) : r));
  }

  // ==== loop_device_make_by_path_at and loop_device_make_by_path_memory ====

  /** One run of loop_device_make_by_path_at(AT_FDCWD, …). */
  private static final class ByPath {
    final Proc p;
    final String var;
    final String path;
    final int requested;
    final int lockOp;
    final int loopFlags;
    final String file;
    static final int BASIC = O_CLOEXEC | O_NONBLOCK;

    ByPath(Proc p, String var, String path, int openFlags, int lockOp, Options options) {
      this.p = p;
      this.var = var;
      this.path = path;
      this.requested = openFlags;
      this.lockOp = lockOp;
      this.loopFlags = mangle(0, options);
      this.file = "__" + var + "_file";
    }

    Code run() {
      String op = "loop_device_make_by_path_at";
      p.setHandle(var, null);
      started(p, op, MAKE_BUDGET_NANOS);
      int direct = (loopFlags & LoopAbi.LO_FLAGS_DIRECT_IO) != 0 ? O_DIRECT : 0;
      int rdwr = requested >= 0 ? requested : O_RDWR;
      return Code.bind(openDirectOrNot(direct, rdwr), r -> {
        if (!(r instanceof SysResult.Err first)) {
          return makeWith(requested < 0 ? O_RDWR : requested, op);
        }
        Errno e = first.errno();
        // Retry read-only? Only when open_flags < 0 and the error is a privilege one or EROFS.
        if (requested >= 0 || !(e == Errno.EPERM || e == Errno.EACCES || e == Errno.EROFS)) {
          p.set(var, -1);
          return ended(p, op, r);
        }
        return Code.bind(openDirectOrNot(direct, O_RDONLY), ro -> {
          if (ro instanceof SysResult.Err) {
            p.set(var, -1);
            return ended(p, op, r); // the original error
          }
          return makeWith(O_RDONLY, op);
        });
      });
    }

    /** xopenat with O_DIRECT (when asked for), and on failure at once again without it. */
    private Code openDirectOrNot(int direct, int access) {
      return sys(p, Syscalls.open(path, BASIC | direct | access).as(file), r -> {
        if (r instanceof SysResult.Err && direct != 0) {
          return sys(p, Syscalls.open(path, BASIC | access).as(file), Code::done);
        }
        return Code.done(r);
      });
    }

    /** loop_device_make_internal(path, fd, open_flags, 0, 0, 0, loop_flags, lock_op); then fd closed. */
    private Code makeWith(int openFlags, String op) {
      return Code.bind(new Make(p, var, file, path, openFlags, lockOp, loopFlags).run(),
          r -> sys(p, Syscalls.close(file), x -> {
            p.set(file, -1);
            return ended(p, op, r);
          }));
    }
  }

  /** The bytes copy_bytes asks copy_file_range for at a time (its COPY_BUFFER_SIZE, 16 KiB). */
  static final int COPY_CHUNK = 16 * 1024;

  /**
   * loop_device_make_by_path_memory: open O_RDONLY, fstat (EBADF unless a regular file or block
   * device), memfd_clone_fd (systemd's memfd-util.c, not in the seed: fstat, memfd_create, copy_bytes as
   * its copy_file_range loop, then seals for O_RDONLY or lseek to 0 for O_RDWR), the original closed,
   * loop_device_make_internal of the memfd with direct I/O off, and the memfd closed on return.
   */
  private static Code makeByPathMemory(Proc p, String var, String path, int openFlags, int lockOp) {
    String op = "loop_device_make_by_path_memory";
    String file = "__" + var + "_file";
    String mfd = "__" + var + "_mfd";
    p.setHandle(var, null);
    started(p, op, MAKE_BUDGET_NANOS);
    Function<Object, Code> failed = err -> {
      p.set(var, -1);
      return ended(p, op, err);
    };
    Function<Object, Code> closeFileThenFail = err -> sys(p, Syscalls.close(file), x -> failed.apply(err));
    return sys(p, Syscalls.open(path, O_CLOEXEC | O_NONBLOCK | O_RDONLY).as(file), o -> {
      if (o instanceof SysResult.Err) {
        return failed.apply(o);
      }
      return sys(p, Syscalls.fstat(file), st -> {
        if (!(st instanceof SysResult.Ok ok)) {
          return closeFileThenFail.apply(st);
        }
        if (!((FileKind) ok.data()).isRegularNode() && ok.data() != FileKind.BLOCK_DEVICE) {
          return closeFileThenFail.apply(SysResult.err(Errno.EBADF));
        }
        String fn = path.substring(path.lastIndexOf('/') + 1); // path_extract_filename
        if (fn.isEmpty()) {
          return closeFileThenFail.apply(SysResult.err(Errno.EINVAL));
        }
        boolean ro = (openFlags & O_ACCMODE) == O_RDONLY;
        // memfd_clone_fd(fd, fn, open_flags|O_CLOEXEC): fstat, then memfd_create.
        return sys(p, Syscalls.fstat(file), st2 -> {
          if (st2 instanceof SysResult.Err) {
            return closeFileThenFail.apply(st2);
          }
          int mfdFlags = Uapi.MFD_CLOEXEC | (ro ? Uapi.MFD_ALLOW_SEALING : 0);
          return sys(p, Syscalls.memfdCreate(fn, mfdFlags).as(mfd), m -> {
            if (m instanceof SysResult.Err) {
              return closeFileThenFail.apply(m);
            }
            Function<Object, Code> closeBothThenFail = err -> sys(p, Syscalls.close(mfd), x -> closeFileThenFail.apply(err));
            return Code.bind(copyBytes(p, file, mfd), c -> {
              if (c instanceof SysResult.Err) {
                return closeBothThenFail.apply(c);
              }
              // O_RDONLY: memfd_set_sealed (then fd_reopen read-only, not modelled: no /proc/self/fd);
              // O_RDWR: back to the start.
              Stmt finish = ro
                  ? Syscalls.fcntl(mfd, Uapi.F_ADD_SEALS, Uapi.F_SEAL_SEAL | Uapi.F_SEAL_SHRINK | Uapi.F_SEAL_GROW | Uapi.F_SEAL_WRITE)
                  : Syscalls.lseek(mfd, 0, Uapi.SEEK_SET);
              return sys(p, finish, f -> {
                if (f instanceof SysResult.Err) {
                  return closeBothThenFail.apply(f);
                }
                // fd = safe_close(fd): the original closed early; then make_internal of the memfd.
                return sys(p, Syscalls.close(file), x -> {
                  p.set(file, -1);
                  int loopFlags = 0; // loop_flags &= ~LO_FLAGS_DIRECT_IO (and the statement passes 0)
                  return Code.bind(new Make(p, var, mfd, null, openFlags, lockOp, loopFlags).run(),
                      r -> sys(p, Syscalls.close(mfd), y -> {
                        p.set(mfd, -1);
                        return ended(p, op, r);
                      }));
                });
              });
            });
          });
        });
      });
    });
  }

  /** copy_bytes(from, to, UINT64_MAX, COPY_REFLINK) as its copy_file_range loop, until it copies 0. */
  private static Code copyBytes(Proc p, String from, String to) {
    return sys(p, Syscalls.copyFileRange(from, null, to, null, COPY_CHUNK, 0), r -> {
      if (!(r instanceof SysResult.Ok ok)) {
        return Code.done(r);
      }
      return ok.value() == 0 ? Code.ok(0) : copyBytes(p, from, to);
    });
  }

  private static Code refreshSize(Proc p, String var, long offset, long size) {
    if (!(p.handle(var) instanceof LoopDevice d)) {
      return Code.err(Errno.EBADF); // assert(d) in the seed
    }
    started(p, "loop_device_refresh_size", 0);
    if (d.nr() < 0) {
      return ended(p, "loop_device_refresh_size", SysResult.err(Errno.ENOTTY));
    }
    return sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_GET_STATUS64), st -> {
      if (!(st instanceof SysResult.Ok ok) || !(ok.data() instanceof LoopInfo64 info)) {
        return ended(p, "loop_device_refresh_size", st);
      }
      if (size < 0 && offset < 0) {
        return ended(p, "loop_device_refresh_size", SysResult.ok(0));
      }
      // As the seed: a UINT64_MAX argument equals no real value, so it does not count as "unchanged".
      if (info.sizeLimit() == size && info.offset() == offset) {
        return ended(p, "loop_device_refresh_size", SysResult.ok(0));
      }
      LoopInfo64 changed = new LoopInfo64(info.device(), info.inode(), info.rdevice(), offset < 0 ? info.offset() : offset,
          size < 0 ? info.sizeLimit() : size, info.number(), info.encryptType(), info.flags(), info.fileName(),
          info.cryptName());
      return sys(p, Syscalls.ioctlSetStatus64(var, changed),
          r -> ended(p, "loop_device_refresh_size", r instanceof SysResult.Ok ? SysResult.ok(0) : r));
    });
  }

  private static Code setAutoclear(Proc p, String var, boolean on) {
    if (!(p.handle(var) instanceof LoopDevice)) {
      return Code.err(Errno.EBADF);
    }
    started(p, "loop_device_set_autoclear", 0);
    return sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_GET_STATUS64), st -> {
      if (!(st instanceof SysResult.Ok ok) || !(ok.data() instanceof LoopInfo64 info)) {
        return ended(p, "loop_device_set_autoclear", st);
      }
      if (on == ((info.flags() & LoopAbi.LO_FLAGS_AUTOCLEAR) != 0)) {
        return ended(p, "loop_device_set_autoclear", SysResult.ok(0));
      }
      int flags = on ? info.flags() | LoopAbi.LO_FLAGS_AUTOCLEAR : info.flags() & ~LoopAbi.LO_FLAGS_AUTOCLEAR;
      return sys(p, Syscalls.ioctlSetStatus64(var, withFlags(info, flags)),
          r -> ended(p, "loop_device_set_autoclear", r instanceof SysResult.Ok ? SysResult.ok(1) : r));
    });
  }

  private static Code setFilename(Proc p, String var, String name) {
    if (!(p.handle(var) instanceof LoopDevice)) {
      return Code.err(Errno.EBADF);
    }
    started(p, "loop_device_set_filename", 0);
    if (name != null && name.getBytes(StandardCharsets.UTF_8).length >= LoopAbi.LO_NAME_SIZE) {
      return ended(p, "loop_device_set_filename", SysResult.err(Errno.ENOBUFS));
    }
    return sys(p, Syscalls.ioctl(var, LoopIoctl.LOOP_GET_STATUS64), st -> {
      if (!(st instanceof SysResult.Ok ok) || !(ok.data() instanceof LoopInfo64 info)) {
        return ended(p, "loop_device_set_filename", st);
      }
      String want = name == null ? "" : name;
      if (info.fileNameString().equals(want)) {
        return ended(p, "loop_device_set_filename", SysResult.ok(0));
      }
      LoopInfo64 named = new LoopInfo64(info.device(), info.inode(), info.rdevice(), info.offset(), info.sizeLimit(),
          info.number(), info.encryptType(), info.flags(), LoopAbi.name(want), info.cryptName());
      return sys(p, Syscalls.ioctlSetStatus64(var, named),
          r -> ended(p, "loop_device_set_filename", r instanceof SysResult.Ok ? SysResult.ok(1) : r));
    });
  }

  // ==== helpers ====

  /** The loop_info64 LOOP_GET_STATUS64 gave, with {@code lo_flags} changed (SET_FLAG on it). */
  private static LoopInfo64 withFlags(LoopInfo64 info, int flags) {
    return new LoopInfo64(info.device(), info.inode(), info.rdevice(), info.offset(), info.sizeLimit(), info.number(),
        info.encryptType(), flags, info.fileName(), info.cryptName());
  }

  /** Runs syscall statement {@code s} as a call of the process, then {@code then} of its result. */
  private static Code sys(Proc p, Stmt s, Function<Object, Code> then) {
    return Code.bind(Hart.call(p, s), then);
  }

  /** The statement of loop-util's operation {@code name}: a library call that runs its syscalls one by one. */
  private static Stmt call(String name, Function<Proc, Code> code, Object... args) {
    return Stmt.of(new LibraryCall(KIND, name, java.util.Arrays.stream(args).map(String::valueOf).toList(), true,
        code));
  }

  private static void started(Proc p, String op, long budgetNanos) {
    p.world().emit(new ClientEvents.OpStarted(p.name(), KIND, op, p.world().nanoTime(), budgetNanos));
  }

  private static Code ended(Proc p, String op, Object result) {
    p.world().emit(new ClientEvents.OpEnded(p.name(), KIND, op, p.world().nanoTime(),
        result instanceof SysResult.Ok ok ? "ok " + ok.value() : String.valueOf(result)));
    return Code.done(result);
  }

  private static String accMode(int flags) {
    return (flags & O_ACCMODE) == O_RDONLY ? "O_RDONLY" : "O_RDWR";
  }

  static String lockName(int op) {
    String base = switch (op & ~LOCK_NB) {
      case LOCK_SH -> "LOCK_SH";
      case LOCK_EX -> "LOCK_EX";
      default -> "LOCK_UN";
    };
    return (op & LOCK_NB) != 0 ? base + "|LOCK_NB" : base;
  }
}
