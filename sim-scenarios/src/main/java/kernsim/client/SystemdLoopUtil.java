package kernsim.client;

import static kernsim.fs.file.Uapi.F_GETFL;
import static kernsim.fs.file.Uapi.LOCK_EX;
import static kernsim.fs.file.Uapi.LOCK_NB;
import static kernsim.fs.file.Uapi.LOCK_SH;
import static kernsim.fs.file.Uapi.LOCK_UN;
import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_CLOEXEC;
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
 * <p>Simplifications (each where the model has no counterpart; docs/model.md lists them too):
 * <ul>
 *   <li>{@code fstat}/{@code S_ISBLK}/{@code stat_verify_regular}: the backing fd is taken to be a
 *       regular file (the model has no fstat); a backing block device's shortcut to
 *       {@code loop_device_open_from_fd} is not modelled.
 *   <li>{@code $SYSTEMD_LOOP_DIRECT_IO} is taken as off: the model has no direct I/O, so
 *       {@code LO_FLAGS_DIRECT_IO}, the O_DIRECT reopen and the ENOANO restart never happen.
 *   <li>{@code sd_device} (udev's database): the node is {@code /dev/loopN}, {@code devno} is
 *       {@code makedev(7, N)} (a device LOOP_CTL_GET_FREE adds gets its node before the ioctl returns, as
 *       devtmpfs makes it; a removed index opens with ENXIO, which the seed's retry loop retries).
 *   <li>{@code block_device_remove_all_partitions} and {@code fd_get_diskseq} issue no syscall: the model
 *       has no partitions (always "none removed") and no BLKGETDISKSEQ (as on a kernel without it:
 *       EOPNOTSUPP, which the seed ignores).
 *   <li>{@code loop_device_refresh_size}: the model's {@code loop_info64} has no offset or size limit
 *       (both read as 0), so only a change away from 0 issues LOOP_SET_STATUS64; a negative argument is
 *       UINT64_MAX ("leave it"); on a device that is no loop device ({@code nr < 0}) it is ENOTTY (the
 *       seed's {@code resize_partition} finds no sysfs partition attribute).
 *   <li>{@code loop_configure_broken} (a static of the process) is kept per hart.
 * </ul>
 *
 * <p>Observations ({@link ClientEvents}, kind {@code systemd}): OpStarted/OpEnded around every
 * operation, with a budget of the most virtual time its own retry loops can sleep ({@link #MAKE_BUDGET_NANOS},
 * {@link #FREE_BUDGET_NANOS}; 0 for operations without back-off). Time spent waiting for a lock another
 * client holds is not in it. Acquired when {@code loop_device_make} succeeds, Released when
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

  /** Every client option the scenario language's {@code client-option} header takes. */
  public static final Set<String> OPTIONS = Set.of(REVERSED_FREE_LOCK_ORDER);

  /** How the library behaves: the seed's ({@link #SEED}), or mutated. */
  public record Options(boolean reversedFreeLockOrder) {
    public static final Options SEED = new Options(false);

    /** From the scenario's {@code client-option} names (unknown names are the parser's to refuse). */
    public static Options of(Set<String> names) {
      return new Options(names.contains(REVERSED_FREE_LOCK_ORDER));
    }
  }

  /**
   * The seed's {@code LoopDevice} as far as the model has it. {@code fdVar} holds {@code fd},
   * {@code lockVar} {@code lock_fd} (-1 once closed); {@code nr} is -1 for a device that is no loop
   * device; {@code relinquished} devices are not cleared or removed by {@code loop_device_free}
   * (those {@code loop_device_open} returns).
   */
  public record LoopDevice(String fdVar, String lockVar, int nr, long devno, String node, String backingFile,
      boolean relinquished, boolean created, int sectorSize, long deviceSize) {
    public LoopDevice {
      Objects.requireNonNull(fdVar, "fdVar");
      Objects.requireNonNull(lockVar, "lockVar");
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
   * 0, 0, 0, 0, lock_op, &d)} of the backing file's fd. Ends in {@code Ok(d->fd)} or the error.
   */
  public static Stmt make(String var, String backing, int openFlags, int lockOp) {
    return call("loop_device_make", p -> new Make(p, var, backing, openFlags, lockOp).run(), backing,
        accMode(openFlags), lockName(lockOp)).as(var);
  }

  /** {@code loop_device_free(d)} (as {@code loop_device_unref} of the last reference): {@code Ok(0)}. */
  public static Stmt free(String var, Options options) {
    return call("loop_device_free", p -> new Free(p, var, options).run(), var);
  }

  /** {@code var = loop_device_open(path, open_flags, lock_op)} ({@code loop_device_open_from_path}). */
  public static Stmt open(String var, String path, int openFlags, int lockOp) {
    return call("loop_device_open", p -> openDevice(p, var, path, openFlags, lockOp), "\"" + path + "\"",
        accMode(openFlags), lockName(lockOp)).as(var);
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

  /** One run of loop_device_make: the state its C locals hold. */
  private static final class Make {
    final Proc p;
    final String var;
    final String backing;
    final int openFlags;
    final int lockOp;
    final String ctl;
    final String lock;
    final LoopInfo64 info;
    String node;
    int nr;
    boolean lockOpen;
    boolean fdOpen;
    /** loop_with_fd holds the fd (LOOP_CONFIGURE or LOOP_SET_FD succeeded): cleanup clears it. */
    boolean withFd;

    Make(Proc p, String var, String backing, int openFlags, int lockOp) {
      this.p = p;
      this.var = var;
      this.backing = backing;
      this.openFlags = openFlags;
      this.lockOp = lockOp;
      this.ctl = "__" + var + "_ctl";
      this.lock = "__" + var + "_lock";
      // .lo_flags = (loop_flags & ~READ_ONLY) | (O_RDONLY ? READ_ONLY : 0) | AUTOCLEAR; no file name.
      int flags = ((openFlags & O_ACCMODE) == O_RDONLY ? LoopAbi.LO_FLAGS_READ_ONLY : 0) | LoopAbi.LO_FLAGS_AUTOCLEAR;
      this.info = LoopInfo64.of("", flags);
    }

    Code run() {
      p.setHandle(var, null);
      started(p, "loop_device_make", MAKE_BUDGET_NANOS);
      // fstat + stat_verify_regular: not modelled (a regular file is assumed). fd_get_path: the path it
      // was opened by. f_flags = fcntl(fd, F_GETFL).
      String backingFile = p.path(p.fd(backing));
      return sys(p, Syscalls.fcntl(backing, F_GETFL, 0), fl -> {
        if (fl instanceof SysResult.Err) {
          return ended(p, "loop_device_make", fl);
        }
        // LO_FLAGS_DIRECT_IO is off and the fd has no O_DIRECT: no reopen.
        return sys(p, Syscalls.open("/dev/loop-control", O_RDWR | O_CLOEXEC | O_NONBLOCK).as(ctl), c -> {
          if (c instanceof SysResult.Err) {
            return ended(p, "loop_device_make", c);
          }
          return Code.bind(attempt(0), r -> sys(p, Syscalls.close(ctl), x -> {
            if (r instanceof SysResult.Ok) {
              LoopDevice d = new LoopDevice(var, lock, nr, kernsim.dev.loop.LoopDevice.devId(nr), node, backingFile, false, true, 512,
                  ((SysResult.Ok) r).data() instanceof Long size ? size : 0);
              p.setHandle(var, d);
              p.world().emit(new ClientEvents.Acquired(p.name(), KIND, nr, backingFile));
              return ended(p, "loop_device_make", SysResult.ok(p.fd(var)));
            }
            p.set(var, -1);
            return ended(p, "loop_device_make", r);
          }));
        });
      });
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
            if (r instanceof SysResult.Ok) {
              return Code.done(r);
            }
            Errno e = ((SysResult.Err) r).errno();
            // ERRNO_IS_DEVICE_ABSENT (ENODEV, ENXIO, ENOENT), EBUSY, EUCLEAN (ENOANO cannot happen here).
            if (!Set.of(Errno.ENODEV, Errno.ENXIO, Errno.ENOENT, Errno.EBUSY, Errno.EUCLEAN).contains(e)) {
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
              long usec = p.world().nextInt((int) makeBackoffBoundUsec(failed)); // random_u64_range
              return sys(p, Syscalls.usleep(usec), s -> attempt(failed));
            });
          });
        });
      });
    }

    /** loop_configure(nr, …): {@code Ok(0, device size)} with the fd in {@code var}, or the error. */
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
              if (((SysResult.Err) st).errno() != Errno.ENXIO) {
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
      return sys(p, Syscalls.ioctlConfigure(var, backing, 512, info), c -> {
        if (c instanceof SysResult.Err e) {
          if (!notSupported(e.errno()) && e.errno() != Errno.EINVAL) {
            return fail(c);
          }
          p.setHandle(BROKEN, Boolean.TRUE);
          return setFdFallback();
        }
        withFd = true; // loop_with_fd = TAKE_FD(fd)
        // loop_configure_verify: block_size 512 → blockdev_get_sector_size; no size limit, no
        // PARTSCAN, no DIRECT_IO to check.
        return sys(p, Syscalls.ioctl(var, LoopIoctl.BLKSSZGET), ss -> {
          if (!(ss instanceof SysResult.Ok ok)) {
            return fail(ss);
          }
          if (!(ok.data() instanceof Number n) || n.longValue() != 512) {
            p.setHandle(BROKEN, Boolean.TRUE); // LOOP_CONFIGURE doesn't work: remember, and say EBUSY
            return fail(SysResult.err(Errno.EBUSY));
          }
          return finish();
        });
      });
    }

    private Code setFdFallback() {
      return sys(p, Syscalls.ioctlFd(var, LoopIoctl.LOOP_SET_FD, backing), s -> {
        if (s instanceof SysResult.Err) {
          return fail(s);
        }
        withFd = true;
        // loop_configure_fallback: only the settable flags (AUTOCLEAR, PARTSCAN) via LOOP_SET_STATUS64.
        LoopInfo64 copy = LoopInfo64.of("", info.flags() & (LoopAbi.LO_FLAGS_AUTOCLEAR | LoopAbi.LO_FLAGS_PARTSCAN));
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
                return finish();
              }));
        });
      });
    }

    /** LOOP_SET_STATUS64, retried on EAGAIN up to 64 attempts, sleeping 10 ms + random(240 ms × n/64). */
    private Code setStatusRetried(LoopInfo64 copy, int n) {
      return sys(p, Syscalls.ioctlSetStatus64(var, copy), r -> {
        if (r instanceof SysResult.Ok) {
          return Code.done(r);
        }
        int failed = n + 1;
        if (((SysResult.Err) r).errno() != Errno.EAGAIN || failed >= SET_STATUS_ATTEMPTS) {
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
          long size = ok.data() instanceof Number n ? n.longValue() : 0;
          return Code.done(SysResult.ok(0, size));
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
        if (r instanceof SysResult.Ok) {
          return Code.ok(0);
        }
        if (((SysResult.Err) r).errno() != Errno.EBUSY || attempt > REMOVE_ATTEMPTS) {
          return Code.ok(0); // logged, given up
        }
        long next = attempt % 5 == 0 ? delay * 2 : delay;
        return sys(p, Syscalls.usleep(next), s -> removeAttempt(attempt + 1, next));
      });
    }
  }

  // ==== loop_device_open and the small setters ====

  private static Code openDevice(Proc p, String var, String path, int openFlags, int lockOp) {
    String lock = "__" + var + "_lock";
    p.setHandle(var, null);
    p.set(lock, -1);
    started(p, "loop_device_open", 0);
    return sys(p, Syscalls.open(path, O_CLOEXEC | O_NONBLOCK | openFlags).as(var), o -> {
      if (o instanceof SysResult.Err) {
        return ended(p, "loop_device_open", o);
      }
      Function<Object, Code> fail = err -> {
        Code closeLock = p.fd(lock) >= 0 ? sys(p, Syscalls.close(lock), x -> Code.ok(0)) : Code.ok(0);
        return Code.bind(closeLock, x -> sys(p, Syscalls.close(var), y -> {
          p.set(lock, -1);
          p.set(var, -1);
          return ended(p, "loop_device_open", err);
        }));
      };
      Code locked = (lockOp & ~LOCK_NB) == LOCK_UN ? Code.ok(0)
          : sys(p, Syscalls.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK).as(lock), lo -> lo instanceof SysResult.Err
              ? Code.done(lo) : sys(p, Syscalls.flock(lock, lockOp), Code::done));
      return Code.bind(locked, l -> {
        if (l instanceof SysResult.Err) {
          return fail.apply(l);
        }
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
              p.setHandle(var, new LoopDevice(var, lock, nr, nr >= 0 ? kernsim.dev.loop.LoopDevice.devId(nr) : 0, path, null, true, false,
                  sector, size));
              return ended(p, "loop_device_open", SysResult.ok(p.fd(var)));
            });
          });
        });
      });
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
      // The model's loop_info64 has no offset or size limit: both are 0.
      long newSize = size < 0 ? info.sizeLimit() : size;
      long newOffset = offset < 0 ? info.offset() : offset;
      if (info.sizeLimit() == newSize && info.offset() == newOffset) {
        return ended(p, "loop_device_refresh_size", SysResult.ok(0));
      }
      return sys(p, Syscalls.ioctlSetStatus64(var, LoopInfo64.of(info.fileNameString(), info.flags())),
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
      return sys(p, Syscalls.ioctlSetStatus64(var, LoopInfo64.of(info.fileNameString(), flags)),
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
      return sys(p, Syscalls.ioctlSetStatus64(var, LoopInfo64.of(want, info.flags())),
          r -> ended(p, "loop_device_set_filename", r instanceof SysResult.Ok ? SysResult.ok(1) : r));
    });
  }

  // ==== helpers ====

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
        result instanceof SysResult.Ok ? "ok" : String.valueOf(result)));
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
