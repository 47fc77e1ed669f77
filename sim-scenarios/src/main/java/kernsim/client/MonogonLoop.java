package kernsim.client;

import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import kernsim.cpu.Proc;
import kernsim.cpu.Hart;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.LibraryCall;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.cpu.Syscalls;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;

/**
 * Monogon's {@code metropolis/pkg/loop} ({@code ../shared/seeds/monogon-loop.go}) as statements a hart
 * runs: each Go function is one statement of the scenario language that expands into the syscalls the Go
 * code makes, in its order and with its checks, run by the hart as kernel code (so other harts and the
 * prober interleave with it region by region). The {@code Device} struct lives in the process's memory
 * ({@link Proc#remember}); the statement's variable holds its handle (0, 1, …), as a Go variable holds
 * the pointer.
 *
 * <p>Results: success is a {@link SysResult.Ok} (a handle with the device path, a path, a dev_t, or 0);
 * failure is the Go error's text as a {@link String}
 * ({@code failed to allocate loop device: ioctl(LOOP_CTL_GET_FREE): no such device}), which timelines
 * show and which leaves the statement's variable at -1.
 *
 * <p>Observations ({@link ClientEvents}, kind {@code monogon}): {@code OpStarted}/{@code OpEnded} around
 * Create, Open, RefreshSize, Close and Remove; {@code Acquired} when Create returns a device;
 * {@code Released} when Close or Remove closes the fd of a device Create returned (the handle is then
 * given up, whatever LOOP_CTL_REMOVE does next); {@code Wrote} when {@link #write} succeeds through a
 * device Create returned. Budget: the seed's retry loop has no bound and never sleeps, so no operation
 * promises anything on virtual time ({@link #BUDGET_NANOS} is {@code Long.MAX_VALUE}); a Create that spins
 * for ever is the {@code livelock} oracle's (the step bound), and one blocked for ever the
 * {@code deadlock} oracle's.
 *
 * <p>Where the model departs from the Go code:
 * <ul>
 *   <li>{@code Config}'s four fields go into the loop_config as the Go code puts them: BlockSize in
 *       {@code block_size}, Flags, Offset and SizeLimit in {@code info}. What the kernel does with the
 *       offset and size limit is the profile's: starry's LOOP_CONFIGURE reads only the fd, the file name
 *       and the flags (as its seed), and the linux profile does not model them either (its javadoc).
 *   <li>The page size is 4096 ({@code os.Getpagesize()} on amd64 and riscv64).
 *   <li>{@code BackingFilePath} reads sysfs: the kernel's root tmpfs holds
 *       {@code /sys/block/loopN/loop/backing_file} for each device ({@code cpu.DeviceFiles.LoopBackingFileAttr}),
 *       the only sysfs attribute modelled.
 *   <li>An {@code *os.File} Create or Open leaks on an error path (the device fd after LOOP_CONFIGURE
 *       fails, EBUSY included) is closed in Go by its finalizer at some garbage collection; here it stays
 *       open until the process ends (deterministically), holding its O_EXCL claim.
 *   <li>{@code os.Open} adds O_CLOEXEC, which the model does not have (no exec).
 *   <li>The package's global {@code loopControlFd} and its mutex are per process (per hart), as in Go.
 * </ul>
 */
public final class MonogonLoop {
  private MonogonLoop() {}

  public static final String KIND = "monogon";

  /** The budget every operation's {@code OpStarted} carries: none (see the class comment). */
  public static final long BUDGET_NANOS = Long.MAX_VALUE;

  /** {@code os.Getpagesize()}. */
  public static final int PAGE_SIZE = 4096;

  /** {@code loopMajor}. */
  public static final int LOOP_MAJOR = 7;

  /** Config.validate's message. */
  public static final String BAD_BLOCK_SIZE =
      "BlockSize needs to be a power of two between 512 bytes and the OS page size";

  /** What calling a method on a nil {@code *Device} does in Go (a handle whose Create/Open failed). */
  public static final String NIL_DEVICE = "panic: runtime error: invalid memory address or nil pointer dereference";

  private static final String CTL = "monogon#ctl";
  /** The hidden variable of os.ReadFile's fd in BackingFilePath. */
  private static final String SYSFS = "monogon#sysfs";

  /** The Go {@code Device}: {@code num}, {@code dev} (a hidden fd variable), {@code closed}; and whether Create made it. */
  record Device(int num, String devVar, boolean closed, boolean created, String backing) {
    Device close() {
      return new Device(num, devVar, true, created, backing);
    }

    String path() {
      return "/dev/loop" + num;
    }
  }

  // ==== statements ====

  /** {@code Create(f, Config{BlockSize, Flags})}: {@code backingFd} is the variable of the open backing file. */
  public static Stmt create(String backingFd, long blockSize, int flags) {
    return create(backingFd, blockSize, flags, 0, 0);
  }

  /**
   * {@code Create(f, Config{BlockSize, Flags, Offset, SizeLimit})}: Offset and SizeLimit go into the
   * config's {@code info.offset} and {@code info.sizeLimit} as they are (the Go code checks neither).
   */
  public static Stmt create(String backingFd, long blockSize, int flags, long offset, long sizeLimit) {
    Object[] args = offset != 0 || sizeLimit != 0 ? new Object[] {backingFd, blockSize, flags, offset, sizeLimit}
        : flags != 0 ? new Object[] {backingFd, blockSize, flags} : new Object[] {backingFd, blockSize};
    Config c = new Config(blockSize, flags, offset, sizeLimit);
    return call("monogon_create", p -> op(p, "Create", () -> create(p, backingFd, c)), args);
  }

  /** The Go {@code Config}: BlockSize, Flags, Offset, SizeLimit (uint64s, so any long's bits). */
  record Config(long blockSize, int flags, long offset, long sizeLimit) {}

  /** {@code var config loopConfig}'s info as Create fills it: .flags, .offset, .sizeLimit; the rest zero. */
  static LoopAbi.LoopInfo64 info(Config c) {
    return new LoopAbi.LoopInfo64(0, 0, 0, c.offset(), c.sizeLimit(), 0, 0, c.flags(), null, null);
  }

  /** {@code Open(path)}. */
  public static Stmt open(String path) {
    return call("monogon_open", p -> op(p, "Open", () -> open(p, path)), "\"" + path + "\"");
  }

  /** {@code d.DevPath()}: {@code Ok(0, "/dev/loopN")}. */
  public static Stmt devPath(String handle) {
    return call("monogon_dev_path", p -> withDevice(p, handle, d -> d.closed()
        ? Code.done("device is closed") : Code.done(SysResult.ok(0, d.path()))), handle);
  }

  /** {@code d.Dev()}: {@code Ok(unix.Mkdev(7, num))}. */
  public static Stmt dev(String handle) {
    return call("monogon_dev", p -> withDevice(p, handle, d -> d.closed()
        ? Code.done("device is closed") : Code.done(SysResult.ok(mkdev(LOOP_MAJOR, d.num())))), handle);
  }

  /**
   * {@code d.BackingFilePath()}: {@code os.ReadFile("/sys/block/loopN/loop/backing_file")} — open,
   * read, close — as {@code Ok(length, contents)} (the path and its newline, as the Go code returns it),
   * or {@code failed to get backing file path: open /sys/block/loopN/loop/backing_file: …}. It needs
   * neither an open device nor a live handle: only the number.
   */
  public static Stmt backingFilePath(String handle) {
    return call("monogon_backing_file_path", p -> withDevice(p, handle, d -> {
      String path = "/sys/block/loop" + d.num() + "/loop/backing_file";
      String fail = "failed to get backing file path: ";
      return Code.bind(sys(p, Syscalls.open(path, kernsim.fs.file.Uapi.O_RDONLY)), o -> {
        if (!(o instanceof SysResult.Ok opened)) {
          return Code.done(fail + "open " + path + ": " + strerror(o));
        }
        p.set(SYSFS, opened.value());
        return kernsim.fs.file.FileOps.readBytes(sys(p, Syscalls.read(SYSFS, 4096)),
            err -> Code.bind(sys(p, Syscalls.close(SYSFS)), x -> Code.done(fail + "read " + path + ": " + strerror(err))),
            bytes -> Code.bind(sys(p, Syscalls.close(SYSFS)),
                x -> Code.done(SysResult.ok(bytes.length, new String(bytes, StandardCharsets.UTF_8)))));
      });
    }), handle);
  }

  /** {@code d.RefreshSize()}: LOOP_SET_CAPACITY on the device's fd. */
  public static Stmt refreshSize(String handle) {
    return call("monogon_refresh_size", p -> withDevice(p, handle, d -> op(p, "RefreshSize",
        () -> d.closed() ? Code.done("device is closed")
            : Code.bind(sys(p, Syscalls.ioctl(d.devVar(), LoopIoctl.LOOP_SET_CAPACITY)), r -> errnoOrOk(r)))),
        handle);
  }

  /** {@code d.Close()}. */
  public static Stmt close(String handle) {
    return call("monogon_close", p -> withDevice(p, handle, d -> op(p, "Close",
        () -> d.closed() ? Code.done("device is closed")
            : Code.bind(closeDevice(p, handle, d, "close"), err -> Code.done(err == null ? SysResult.ok(0) : err)))),
        handle);
  }

  /** {@code d.Remove()}: LOOP_CLR_FD, Close, LOOP_CTL_REMOVE. */
  public static Stmt remove(String handle) {
    return call("monogon_remove", p -> withDevice(p, handle, d -> op(p, "Remove",
        () -> d.closed() ? Code.done("device is closed") : remove(p, handle, d))), handle);
  }

  /**
   * The caller's {@code unix.Pwrite(devFd, data, offset)} through the device a handle holds (not part of
   * pkg/loop: the data the client-data oracle follows). Emits {@code Wrote} on success through a device
   * Create returned.
   */
  public static Stmt write(String handle, long offset, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    return call("monogon_write", p -> withDevice(p, handle,
        d -> d.closed() ? Code.done("device is closed")
            : Code.bind(sys(p, Syscalls.pwrite(d.devVar(), text, offset)), r -> {
              if (r instanceof SysResult.Ok ok) {
                if (d.created()) {
                  p.world().emit(new ClientEvents.Wrote(p.name(), KIND, d.num(), d.backing(), offset,
                      ok.value() >= data.length ? data : java.util.Arrays.copyOf(data, (int) ok.value())));
                }
                return Code.done(ok);
              }
              return Code.done(strerror(r));
            })), handle, offset, "\"" + text + "\"");
  }

  // ==== Create ====

  private static Code create(Proc p, String backingFd, Config c) {
    long blockSize = c.blockSize();
    if (blockSize != 0 && (blockSize < 512 || blockSize > PAGE_SIZE || Long.bitCount(blockSize) > 1)) {
      return Code.done(BAD_BLOCK_SIZE);
    }
    LoopAbi.LoopInfo64 info = info(c);
    return Code.bind(ensureFds(p), err -> err != null
        ? Code.done("failed to access loop control device: " + err)
        : createLoop(p, backingFd, (int) blockSize, info));
  }

  /** {@code ensureFds}: opens /dev/loop-control once per process; null, or the os.Open error's text. */
  private static Code ensureFds(Proc p) {
    if (p.fd(CTL) >= 0) {
      return Code.done(null);
    }
    return Code.bind(sys(p, Syscalls.open("/dev/loop-control", O_RDONLY)), r -> {
      if (r instanceof SysResult.Ok ok) {
        p.set(CTL, ok.value());
        return Code.done(null);
      }
      return Code.done("open /dev/loop-control: " + strerror(r));
    });
  }

  /** The {@code for} loop of Create: every EBUSY (from the open or from LOOP_CONFIGURE) starts it again. */
  private static Code createLoop(Proc p, String backingFd, int blockSize, LoopAbi.LoopInfo64 info) {
    Code getFree = sys(p, Syscalls.ioctl(CTL, LoopControl.LOOP_CTL_GET_FREE, Ioctl.None.INSTANCE));
    return Code.bind(getFree, free -> {
      if (!(free instanceof SysResult.Ok ok)) {
        return Code.done("failed to allocate loop device: ioctl(LOOP_CTL_GET_FREE): " + strerror(free));
      }
      int num = (int) ok.value();
      String path = "/dev/loop" + num;
      return Code.bind(sys(p, Syscalls.open(path, O_RDWR | O_EXCL)), opened -> {
        if (opened instanceof SysResult.Err e) {
          return e.errno() == Errno.EBUSY
              ? createLoop(p, backingFd, blockSize, info) // "We have lost the race, get a new device"
              : Code.done("failed to open newly-allocated loop device: open " + path + ": " + strerror(opened));
        }
        // A fresh hidden variable per open: an fd the loop leaks stays where it was.
        String devVar = next(p, "monogon#dev");
        if (!(opened instanceof SysResult.Ok ok2)) {
          throw new IllegalStateException("open ended in " + opened);
        }
        p.set(devVar, ok2.value());
        Code configure = sys(p, Syscalls.ioctlConfigure(devVar, backingFd, blockSize, info));
        return Code.bind(configure, r -> {
          if (r instanceof SysResult.Err e) {
            return e.errno() == Errno.EBUSY
                ? createLoop(p, backingFd, blockSize, info) // the device fd leaks, as in the Go code
                : Code.done("ioctl(LOOP_CONFIGURE): " + strerror(r));
          }
          String backing = p.path(p.fd(backingFd));
          Device d = new Device(num, devVar, false, true, backing);
          int handle = store(p, d);
          p.world().emit(new ClientEvents.Acquired(p.name(), KIND, num, backing));
          return Code.done(SysResult.ok(handle, d.path()));
        });
      });
    });
  }

  // ==== Open ====

  private static Code open(Proc p, String path) {
    return Code.bind(sys(p, Syscalls.open(path, O_RDONLY)), opened -> {
      if (!(opened instanceof SysResult.Ok ok)) {
        return Code.done("failed to open device: open " + path + ": " + strerror(opened));
      }
      String devVar = next(p, "monogon#dev");
      p.set(devVar, ok.value());
      return Code.bind(sys(p, Syscalls.ioctl(devVar, LoopIoctl.LOOP_GET_STATUS64)), st -> {
        if (st instanceof SysResult.Ok s && s.data() instanceof LoopAbi.LoopInfo64 info) {
          Device d = new Device(info.number(), devVar, false, false, "");
          return Code.done(SysResult.ok(store(p, d), d.path()));
        }
        return Code.bind(sys(p, Syscalls.close(devVar)), x -> Code.done(st instanceof SysResult.Err e
            && e.errno() == Errno.EINVAL ? "not a loop device"
            : "failed to determine state of potential loop device: " + strerror(st)));
      });
    });
  }

  // ==== Close and Remove ====

  /** {@code Close}: marks the handle closed, then closes its fd ({@code Released} if Create made it). */
  private static Code closeDevice(Proc p, String handle, Device d, String what) {
    p.setHandle(key(p.fd(handle)), d.close());
    if (d.created()) {
      p.world().emit(new ClientEvents.Released(p.name(), KIND, d.num()));
    }
    return Code.bind(sys(p, Syscalls.close(d.devVar())), r -> r instanceof SysResult.Ok ? Code.done(null)
        : Code.done(what + " " + d.path() + ": " + strerror(r)));
  }

  private static Code remove(Proc p, String handle, Device d) {
    return Code.bind(sys(p, Syscalls.ioctl(d.devVar(), LoopIoctl.LOOP_CLR_FD)), clr -> {
      if (!(clr instanceof SysResult.Ok)) {
        return Code.done(strerror(clr));
      }
      return Code.bind(closeDevice(p, handle, d, "close"), closeErr -> {
        if (closeErr != null) {
          return Code.done("failed to close device: " + closeErr);
        }
        // loopControlFd is nil when this process never created a device: Fd() is then ^uintptr(0), EBADF.
        Code rm = sys(p, Syscalls.ioctl(CTL, LoopControl.LOOP_CTL_REMOVE, new Ioctl.Int(d.num())));
        return Code.bind(rm, r -> errnoOrOk(r));
      });
    });
  }

  // ==== helpers ====

  /** An operation: OpStarted, the body, OpEnded with "ok" or the error; the body's result is the statement's. */
  private static Code op(Proc p, String name, java.util.function.Supplier<Code> body) {
    return Code.defer(() -> {
      p.world().emit(new ClientEvents.OpStarted(p.name(), KIND, name, p.world().nanoTime(), BUDGET_NANOS));
      return Code.bind(body.get(), r -> {
        p.world().emit(new ClientEvents.OpEnded(p.name(), KIND, name, p.world().nanoTime(),
            r instanceof SysResult.Ok ? "ok" : String.valueOf(r)));
        return Code.done(r);
      });
    });
  }

  /** The device behind a handle variable, or Go's nil-pointer panic for a handle whose Create/Open failed. */
  private static Code withDevice(Proc p, String handle, Function<Device, Code> then) {
    return Code.defer(() -> {
      int h = p.fd(handle);
      Object d = h < 0 ? null : p.handle(key(h));
      return d instanceof Device dev ? then.apply(dev) : Code.done(NIL_DEVICE);
    });
  }

  /** A syscall's kernel code, built when the hart reaches it (it reads the variables of that moment). */
  private static Code sys(Proc p, Stmt s) {
    return Hart.inside(p, s);
  }

  /** The statement of pkg/loop's function {@code name}: a call of the process, its syscalls made inside it. */
  private static Stmt call(String name, Function<Proc, Code> code, Object... args) {
    return Stmt.of(new LibraryCall(KIND, name, java.util.Arrays.stream(args).map(String::valueOf).toList(), false,
        code));
  }

  private static Code errnoOrOk(Object r) {
    return Code.done(r instanceof SysResult.Ok ? SysResult.ok(0) : strerror(r));
  }

  private static int store(Proc p, Device d) {
    Object n = p.handle("monogon#devices");
    int handle = n == null ? 0 : (Integer) n;
    p.setHandle("monogon#devices", handle + 1);
    p.setHandle(key(handle), d);
    return handle;
  }

  private static String key(int handle) {
    return "monogon#device" + handle;
  }

  private static String next(Proc p, String prefix) {
    Object n = p.handle(prefix + "s");
    int i = n == null ? 0 : (Integer) n;
    p.setHandle(prefix + "s", i + 1);
    return prefix + i;
  }

  /** {@code unix.Mkdev(major, minor)}. */
  static long mkdev(long major, long minor) {
    return ((major & 0x00000fffL) << 8) | ((major & 0xfffff000L) << 32)
        | (minor & 0x000000ffL) | ((minor & 0xffffff00L) << 12);
  }

  /** A result as Go's {@code syscall.Errno.Error()} prints it. */
  static String strerror(Object r) {
    if (!(r instanceof SysResult.Err e)) {
      return String.valueOf(r);
    }
    return switch (e.errno()) {
      case EPERM -> "operation not permitted";
      case ENOENT -> "no such file or directory";
      case EINTR -> "interrupted system call";
      case EIO -> "input/output error";
      case ENXIO -> "no such device or address";
      case E2BIG -> "argument list too long";
      case EBADF -> "bad file descriptor";
      case EAGAIN -> "resource temporarily unavailable";
      case ENOMEM -> "cannot allocate memory";
      case EACCES -> "permission denied";
      case EFAULT -> "bad address";
      case ENOTBLK -> "block device required";
      case EBUSY -> "device or resource busy";
      case EEXIST -> "file exists";
      case EXDEV -> "invalid cross-device link";
      case ENODEV -> "no such device";
      case ENOTDIR -> "not a directory";
      case EISDIR -> "is a directory";
      case EINVAL -> "invalid argument";
      case ENFILE -> "too many open files in system";
      case EMFILE -> "too many open files";
      case ENOTTY -> "inappropriate ioctl for device";
      case EFBIG -> "file too large";
      case ENOSPC -> "no space left on device";
      case ESPIPE -> "illegal seek";
      case EROFS -> "read-only file system";
      case EPIPE -> "broken pipe";
      case ERANGE -> "numerical result out of range";
      case ENAMETOOLONG -> "file name too long";
      case ENOSYS -> "function not implemented";
      case ENOTEMPTY -> "directory not empty";
      case ELOOP -> "too many levels of symbolic links";
      case EOVERFLOW -> "value too large for defined data type";
      case EOPNOTSUPP -> "operation not supported";
      case EUCLEAN -> "structure needs cleaning";
      case ENOBUFS -> "no buffer space available";
      case ENOANO -> "no anode";
      case EBADFD -> "file descriptor in bad state";
    };
  }
}
