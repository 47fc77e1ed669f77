package kernsim.cpu;

import static kernsim.fs.file.Uapi.F_ADD_SEALS;
import static kernsim.fs.file.Uapi.LOCK_EX;
import static kernsim.fs.file.Uapi.LOCK_NB;
import static kernsim.fs.file.Uapi.LOCK_SH;
import static kernsim.fs.file.Uapi.LOCK_UN;
import static kernsim.fs.file.Uapi.F_GETFL;
import static kernsim.fs.file.Uapi.F_GET_SEALS;
import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_APPEND;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_DIRECTORY;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_NONBLOCK;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static kernsim.fs.file.Uapi.O_TRUNC;
import static kernsim.fs.file.Uapi.O_WRONLY;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDeviceNode;
import kernsim.dev.code.Code;
import kernsim.dev.loop.BoundFile;
import kernsim.dev.loop.FdArg;
import kernsim.dev.loop.IoctlArg;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.ext4.Ext4FileSystem;
import kernsim.fs.ext4.Ext4Lite;
import kernsim.fs.file.Directory;
import kernsim.fs.file.FileKind;
import kernsim.fs.file.FileOps;
import kernsim.fs.file.FileSyscalls;
import kernsim.fs.file.Flocks;
import kernsim.fs.file.OpenFile;
import kernsim.fs.file.RamFile;
import kernsim.fs.file.UserOffset;
import kernsim.fs.vfs.FileSystem;
import kernsim.fs.vfs.Location;

/**
 * The syscall table: each method builds the {@link Stmt} a program writes, and its kernel code routes
 * to the module that owns the object ({@code fs.vfs} for paths and mounts, {@code fs.file} for open
 * files, {@code dev.loop} for loop devices). fd arguments are program variables ("fd", "ld"), read
 * when the statement runs.
 */
public final class Syscalls {
  private Syscalls() {}

  // ==== paths and mounts ====

  public static Stmt mkdir(String path) {
    return Stmt.of("mkdir(" + q(path) + ")", p -> p.kernel().vfs().mkdir(path));
  }

  public static Stmt mount(String source, String target, String type, int flags, String data) {
    return Stmt.of("mount(" + q(source) + ", " + q(target) + ", " + q(type) + ", " + flags + ")",
        p -> p.kernel().vfs().mount(source, target, type, flags, data));
  }

  public static Stmt umount2(String target, int flags) {
    return Stmt.of("umount2(" + q(target) + ", " + flags + ")", p -> p.kernel().vfs().umount2(target, flags));
  }

  public static Stmt pivotRoot(String newRoot, String putOld) {
    return Stmt.of("pivot_root(" + q(newRoot) + ", " + q(putOld) + ")",
        p -> p.kernel().vfs().pivotRoot(newRoot, putOld));
  }

  /**
   * {@code mkfs.ext4 DEVICE} as userspace runs it: a fresh ext4-lite image (sized to the backing file)
   * written through the device file with {@code write_at} and synced, not through the block cache.
   * Ends in {@code Ok(0)}, or the device's errno (EPERM unbound, EROFS read-only, ENOSPC too small).
   */
  public static Stmt mkfsExt4(String device) {
    return Stmt.of("mkfs.ext4(" + q(device) + ")", p -> Code.then(p.kernel().vfs().open(device), ok -> {
      Location loc = (Location) ok.data();
      BlockDeviceNode block = loc.node().device() == null ? null : loc.node().device().block();
      return block != null ? block.format(Ext4Lite::image) : Code.err(Errno.ENOTBLK);
    }));
  }

  // ==== open and close ====

  /** open(2): {@code Ok(fd)}. Creates with O_CREAT (EEXIST only with O_EXCL), truncates with O_TRUNC. */
  public static Stmt open(String path, int flags) {
    return Stmt.of("open(" + q(path) + ", " + openFlags(flags) + ")", p -> open(p, path, flags));
  }

  private static Code open(Proc p, String path, int flags) {
    var vfs = p.kernel().vfs();
    Code found = (flags & O_CREAT) == 0
        ? vfs.open(path)
        : Code.bind(vfs.create(path), r -> r instanceof SysResult.Err e && e.errno() == Errno.EEXIST
            && (flags & O_EXCL) == 0 ? vfs.open(path) : Code.done(r));
    return Code.then(found, ok -> {
      Location loc = (Location) ok.data();
      boolean writes = (flags & O_ACCMODE) != O_RDONLY;
      if (loc.node().isDir() && writes) {
        return Code.err(Errno.EISDIR);
      }
      if (!loc.node().isDir() && (flags & O_DIRECTORY) != 0) {
        return Code.err(Errno.ENOTDIR);
      }
      FileOps ops = fileOps(loc, path, flags);
      if (ops == null) {
        return Code.err(Errno.ENXIO);
      }
      return Code.then(ops.open(), opened -> {
        OpenFile f = OpenFile.open(p.ctx(), p.world(), p.nextName("file"), ops, flags);
        int fd = p.fds().install(f);
        if (fd < 0) {
          return Code.bind(ops.release(), x -> Code.err(Errno.EMFILE));
        }
        p.opened(fd, loc.mountId(), path);
        if ((flags & O_TRUNC) != 0 && writes && ops.kind() == FileKind.REGULAR) {
          return Code.then(ops.truncate(0), t -> Code.ok(fd));
        }
        return Code.ok(fd);
      });
    });
  }

  /** The open-file object for what a path names; null when nothing can be opened there. */
  private static FileOps fileOps(Location loc, String path, int flags) {
    FileSystem.Node node = loc.node();
    String id = loc.fs().type() + ":" + loc.mountId() + ":" + node.ino();
    return switch (node.kind()) {
      case DIR -> new Directory(id);
      case FILE -> {
        if (node.file() != null) {
          yield new RamFile.Ops(node.file(), FileKind.REGULAR, id);
        }
        yield loc.fs() instanceof Ext4FileSystem e ? e.fileOps(node.ino()) : null;
      }
      case DEVICE -> node.device() == null ? null : node.device().open(flags);
    };
  }

  /**
   * close(2). The fd leaves the table first; when it was the description's last fd and the description
   * ever flocked, its lock is released ({@code locks_remove_file}, one region at the flock owner) before
   * the object's own release, as Linux's {@code __fput} orders them.
   */
  public static Stmt close(String fd) {
    return Stmt.of("close(" + fd + ")", p -> {
      int n = p.fd(fd);
      OpenFile f = p.fds().get(n);
      p.closed(n);
      Code closed = p.fds().close(n);
      Flocks.Owner owner = f == null || p.fds().refersTo(f) ? null : p.dropFlockOwner(f);
      return owner == null ? closed
          : Code.bind(Flocks.unlock(p.kernel().flocks(), f.ops().id(), owner), x -> closed);
    });
  }

  // ==== flock (fs.file.Flocks) ====

  /**
   * flock(fd, cmd): LOCK_SH or LOCK_EX (with LOCK_NB: EAGAIN instead of waiting), or LOCK_UN, on the
   * open file description {@code fd} refers to. See {@link Flocks#flock}.
   */
  public static Stmt flock(String fd, int cmd) {
    return Stmt.of("flock(" + fd + ", " + lockOps(cmd) + ")", p -> {
      OpenFile f = p.fds().get(p.fd(fd));
      return Flocks.flock(p.kernel().flocks(), f, () -> p.flockOwner(f), cmd);
    });
  }

  /** flock operations by their C names, e.g. {@code LOCK_EX|LOCK_NB}; other bits as a number. */
  static String lockOps(int cmd) {
    List<String> names = new ArrayList<>();
    int[] bits = {LOCK_SH, LOCK_EX, LOCK_UN, LOCK_NB};
    String[] bitNames = {"LOCK_SH", "LOCK_EX", "LOCK_UN", "LOCK_NB"};
    int rest = cmd;
    for (int i = 0; i < bits.length; i++) {
      if ((cmd & bits[i]) != 0) {
        names.add(bitNames[i]);
        rest &= ~bits[i];
      }
    }
    if (rest != 0 || names.isEmpty()) {
      names.add(Integer.toString(rest));
    }
    return String.join("|", names);
  }

  // ==== sleeping (virtual time) ====

  /**
   * nanosleep(ns): the hart sleeps {@code nanos} of virtual time ({@link Hart.Sleep}); it wakes when the
   * controller advances the clock to it, so other harts run meanwhile and the wake-up is a recorded
   * choice. {@code Ok(0)}; EINVAL for a negative time. Only harts sleep (the prober never does).
   */
  public static Stmt nanosleep(long nanos) {
    return Stmt.of("nanosleep(" + nanos + ")", p -> sleep(p, nanos));
  }

  /** usleep(us): {@link #nanosleep} of {@code micros} × 1000 ns, as glibc's usleep does. */
  public static Stmt usleep(long micros) {
    return Stmt.of("usleep(" + micros + ")", p -> sleep(p, micros < 0 ? -1 : Math.multiplyExact(micros, 1000L)));
  }

  private static Code sleep(Proc p, long nanos) {
    if (nanos < 0) {
      return Code.err(Errno.EINVAL);
    }
    return Code.call(p.ctx().getSelf(), r -> new Hart.Sleep(nanos, r), "nanosleep", Code::done);
  }

  // ==== I/O on open files (fs.file) ====

  public static Stmt write(String fd, String text) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    return Stmt.of("write(" + fd + ", " + q(text) + ")", p -> FileSyscalls.write(p.fds(), p.fd(fd), data));
  }

  public static Stmt pwrite(String fd, String text, long offset) {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    return Stmt.of("pwrite64(" + fd + ", " + q(text) + ", " + offset + ")",
        p -> FileSyscalls.pwrite64(p.fds(), p.fd(fd), data, offset));
  }

  public static Stmt read(String fd, int length) {
    return Stmt.of("read(" + fd + ", " + length + ")", p -> FileSyscalls.read(p.fds(), p.fd(fd), length));
  }

  public static Stmt pread(String fd, int length, long offset) {
    return Stmt.of("pread64(" + fd + ", " + length + ", " + offset + ")",
        p -> FileSyscalls.pread64(p.fds(), p.fd(fd), length, offset));
  }

  public static Stmt lseek(String fd, long offset, int whence) {
    return Stmt.of("lseek(" + fd + ", " + offset + ", " + whence + ")",
        p -> FileSyscalls.lseek(p.fds(), p.fd(fd), offset, whence));
  }

  public static Stmt fsync(String fd) {
    return Stmt.of("fsync(" + fd + ")", p -> FileSyscalls.fsync(p.fds(), p.fd(fd)));
  }

  public static Stmt ftruncate(String fd, long length) {
    return Stmt.of("ftruncate(" + fd + ", " + length + ")", p -> FileSyscalls.ftruncate(p.fds(), p.fd(fd), length));
  }

  public static Stmt readv(String fd, int... lens) {
    int[] iov = lens.clone();
    return Stmt.of("readv(" + fd + ", " + Arrays.toString(iov) + ")",
        p -> FileSyscalls.readv(p.fds(), p.fd(fd), iov));
  }

  public static Stmt writev(String fd, String... parts) {
    byte[][] iov = iov(parts);
    return Stmt.of("writev(" + fd + ", " + quoted(parts) + ")",
        p -> FileSyscalls.writev(p.fds(), p.fd(fd), iov));
  }

  public static Stmt preadv(String fd, int[] lens, long offset) {
    int[] iov = lens.clone();
    return Stmt.of("preadv(" + fd + ", " + Arrays.toString(iov) + ", " + offset + ")",
        p -> FileSyscalls.preadv(p.fds(), p.fd(fd), iov, offset));
  }

  public static Stmt pwritev(String fd, String[] parts, long offset) {
    byte[][] iov = iov(parts);
    return Stmt.of("pwritev(" + fd + ", " + quoted(parts) + ", " + offset + ")",
        p -> FileSyscalls.pwritev(p.fds(), p.fd(fd), iov, offset));
  }

  public static Stmt preadv2(String fd, int[] lens, long offset, int flags) {
    int[] iov = lens.clone();
    return Stmt.of("preadv2(" + fd + ", " + Arrays.toString(iov) + ", " + offset + ", " + flags + ")",
        p -> FileSyscalls.preadv2(p.fds(), p.fd(fd), iov, offset, flags));
  }

  public static Stmt pwritev2(String fd, String[] parts, long offset, int flags) {
    byte[][] iov = iov(parts);
    return Stmt.of("pwritev2(" + fd + ", " + quoted(parts) + ", " + offset + ", " + flags + ")",
        p -> FileSyscalls.pwritev2(p.fds(), p.fd(fd), iov, offset, flags));
  }

  /**
   * truncate(path, length) as root: the path resolves as open(2) resolves it (the same open-file object),
   * without starting an open file (FileSyscalls.truncate never releases one).
   */
  public static Stmt truncate(String path, long length) {
    return Stmt.of("truncate(" + q(path) + ", " + length + ")",
        p -> FileSyscalls.truncate((at, flags) -> Code.then(p.kernel().vfs().open(at), ok -> {
          Location loc = (Location) ok.data();
          FileOps ops = fileOps(loc, at, flags);
          return ops == null ? Code.err(Errno.ENXIO)
              : Code.done(SysResult.ok(0, new FileSyscalls.Resolved(ops, 0, 0, 0644)));
        }), FileSyscalls.Cred.ROOT, path, length));
  }

  public static Stmt fallocate(String fd, int mode, long offset, long len) {
    return Stmt.of("fallocate(" + fd + ", " + mode + ", " + offset + ", " + len + ")",
        p -> FileSyscalls.fallocate(p.fds(), p.fd(fd), mode, offset, len));
  }

  public static Stmt fdatasync(String fd) {
    return Stmt.of("fdatasync(" + fd + ")", p -> FileSyscalls.fdatasync(p.fds(), p.fd(fd)));
  }

  public static Stmt syncFileRange(String fd, long offset, long nbytes, int flags) {
    return Stmt.of("sync_file_range(" + fd + ", " + offset + ", " + nbytes + ", " + flags + ")",
        p -> FileSyscalls.syncFileRange(p.fds(), p.fd(fd), offset, nbytes, flags));
  }

  public static Stmt fadvise64(String fd, long offset, long len, int advice) {
    return Stmt.of("fadvise64(" + fd + ", " + offset + ", " + len + ", " + advice + ")",
        p -> FileSyscalls.fadvise64(p.fds(), p.fd(fd), offset, len, advice));
  }

  // ==== transfers between fds (offsets: null is a NULL pointer, else a fresh cell per run) ====

  public static Stmt sendfile(String outFd, String inFd, Long offset, long count) {
    return Stmt.of("sendfile(" + outFd + ", " + inFd + ", " + ptr(offset) + ", " + count + ")",
        p -> FileSyscalls.sendfile(p.fds(), p.fd(outFd), p.fd(inFd), cell(offset), count));
  }

  public static Stmt copyFileRange(String fdIn, Long offIn, String fdOut, Long offOut, long len, int flags) {
    return Stmt.of("copy_file_range(" + fdIn + ", " + ptr(offIn) + ", " + fdOut + ", " + ptr(offOut) + ", " + len
        + ", " + flags + ")",
        p -> FileSyscalls.copyFileRange(p.fds(), p.fd(fdIn), cell(offIn), p.fd(fdOut), cell(offOut), len, flags));
  }

  public static Stmt splice(String fdIn, Long offIn, String fdOut, Long offOut, long len, int flags) {
    return Stmt.of("splice(" + fdIn + ", " + ptr(offIn) + ", " + fdOut + ", " + ptr(offOut) + ", " + len + ", "
        + flags + ")",
        p -> FileSyscalls.splice(p.fds(), p.fd(fdIn), cell(offIn), p.fd(fdOut), cell(offOut), len, flags));
  }

  // ==== anonymous files and fds (memfds and pipes are on no mount) ====

  /** memfd_create(name, flags): {@code Ok(fd)}, bound with {@code .as("var")}. */
  public static Stmt memfdCreate(String name, int flags) {
    return Stmt.of("memfd_create(" + q(name) + ", " + flags + ")",
        p -> FileSyscalls.memfdCreate(p.fds(), p.kernel().anon(), name, flags));
  }

  /** pipe2([readVar, writeVar], flags): sets both variables (-1 both when it fails); {@code Ok(0)}. */
  public static Stmt pipe2(String readVar, String writeVar, int flags) {
    return Stmt.of("pipe2([" + readVar + ", " + writeVar + "], " + flags + ")",
        p -> Code.bind(FileSyscalls.pipe2(p.fds(), p.kernel().anon(), flags), r -> {
          List<?> ends = r instanceof SysResult.Ok ok ? (List<?>) ok.data() : List.of(-1, -1);
          p.set(readVar, (Integer) ends.get(0));
          p.set(writeVar, (Integer) ends.get(1));
          return Code.done(r);
        }));
  }

  public static Stmt fcntl(String fd, int cmd, int arg) {
    return Stmt.of("fcntl(" + fd + ", " + fcntlCmd(cmd) + ", " + arg + ")",
        p -> FileSyscalls.fcntl(p.fds(), p.fd(fd), cmd, arg));
  }

  /** dup(fd): {@code Ok(new fd)}, which is on the same mount (and path) as {@code fd}. */
  public static Stmt dup(String fd) {
    return Stmt.of("dup(" + fd + ")", p -> {
      int old = p.fd(fd);
      return Code.then(FileSyscalls.dup(p.fds(), old), ok -> {
        p.duplicated(old, (int) ok.value());
        return Code.done(ok);
      });
    });
  }

  // ==== ioctl ====

  /** ioctl(fd, cmd) with no argument, or with an integer one (BLKROSET, BLKRASET, loop-control's). */
  public static Stmt ioctl(String fd, LoopIoctl cmd) {
    return ioctl(fd, cmd.name(), cmd.number(), null);
  }

  public static Stmt ioctl(String fd, LoopIoctl cmd, int arg) {
    return ioctl(fd, cmd.name() + ", " + arg, cmd.number(), (long) arg);
  }

  /** LOOP_SET_FD: the argument is another fd variable, resolved when the call runs. */
  public static Stmt ioctlFd(String fd, LoopIoctl cmd, String argFd) {
    return Stmt.of("ioctl(" + fd + ", " + cmd.name() + ", " + argFd + ")",
        p -> ioctlTo(p, fd, cmd.number(), () -> new IoctlArg.File(fdArg(p, argFd))));
  }

  /** A loop-control ioctl (LOOP_CTL_GET_FREE, LOOP_CTL_ADD, LOOP_CTL_REMOVE) by name and number. */
  public static Stmt ioctl(String fd, String name, int number, Long arg) {
    IoctlArg a = arg == null ? IoctlArg.none() : IoctlArg.of(arg);
    return Stmt.of("ioctl(" + fd + ", " + name + ")", p -> ioctlTo(p, fd, number, () -> a));
  }

  /** LOOP_SET_FD's fd as the source's {@code get_file_like} + downcast to File would find it. */
  private static FdArg fdArg(Proc p, String fdVar) {
    int n = p.fd(fdVar);
    OpenFile f = n < 0 ? null : p.fds().get(n);
    if (f == null) {
      return FdArg.bad(Errno.EBADF);
    }
    if (!(f.ops() instanceof RamFile.Ops r)) {
      return FdArg.bad(Errno.EINVAL);
    }
    return FdArg.of(new BoundFile(r.ref(), p.path(n), (f.flags() & O_ACCMODE) == O_RDONLY));
  }

  // ==== names ====

  private static String q(String s) {
    return '"' + s + '"';
  }

  private static String quoted(String[] parts) {
    return Arrays.stream(parts).map(Syscalls::q).collect(Collectors.joining(", ", "[", "]"));
  }

  private static byte[][] iov(String[] parts) {
    return Arrays.stream(parts).map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
  }

  /** A {@code loff_t *} argument as C shows it. */
  private static String ptr(Long offset) {
    return offset == null ? "NULL" : "&" + offset;
  }

  private static UserOffset cell(Long offset) {
    return offset == null ? null : new UserOffset(offset);
  }

  private static String fcntlCmd(int cmd) {
    return switch (cmd) {
      case F_GETFL -> "F_GETFL";
      case F_ADD_SEALS -> "F_ADD_SEALS";
      case F_GET_SEALS -> "F_GET_SEALS";
      default -> Integer.toString(cmd);
    };
  }

  /** open flags by their C names, e.g. {@code O_RDWR|O_CREAT}. */
  static String openFlags(int flags) {
    List<String> names = new ArrayList<>();
    int mode = flags & O_ACCMODE;
    names.add(mode == O_WRONLY ? "O_WRONLY" : mode == O_RDWR ? "O_RDWR" : "O_RDONLY");
    int[] bits = {O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_DIRECTORY};
    String[] bitNames = {"O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DIRECTORY"};
    for (int i = 0; i < bits.length; i++) {
      if ((flags & bits[i]) != 0) {
        names.add(bitNames[i]);
      }
    }
    return String.join("|", names);
  }

  // ==== ioctls with an fd or struct argument, safe on any fd (for the scenario language) ====
  // Fully qualified names keep the imports above untouched.

  /**
   * LOOP_SET_FD or LOOP_CHANGE_FD with {@code argFd} resolved when the call runs, like {@link #ioctlFd}, but
   * sent safely to any fd: loop-control (which reads an integer) and other files answer ENOTTY.
   */
  public static Stmt ioctlSetFd(String fd, LoopIoctl cmd, String argFd) {
    return Stmt.of("ioctl(" + fd + ", " + cmd.name() + ", " + argFd + ")",
        p -> ioctlTo(p, fd, cmd.number(), () -> new IoctlArg.File(fdArg(p, argFd))));
  }

  /**
   * LOOP_CONFIGURE: a {@code loop_config} of {@code backingFd} (resolved when the call runs, as
   * {@code LOOP_SET_FD}'s), {@code blockSize} and {@code info} (its flags and file name).
   */
  public static Stmt ioctlConfigure(String fd, String backingFd, int blockSize, kernsim.dev.loop.LoopAbi.LoopInfo64 info) {
    return Stmt.of("ioctl(" + fd + ", LOOP_CONFIGURE, {fd: " + backingFd + ", block_size: " + blockSize + ", flags: "
        + info.flags() + ", file_name: " + q(info.fileNameString()) + "})",
        p -> ioctlTo(p, fd, LoopIoctl.LOOP_CONFIGURE.number(), () -> new IoctlArg.Config(
            new kernsim.dev.loop.LoopAbi.LoopConfig(p.fd(backingFd), blockSize, info), fdArg(p, backingFd))));
  }

  /** LOOP_SET_STATUS with a {@code loop_info} (the source reads its name and flags). */
  public static Stmt ioctlSetStatus(String fd, kernsim.dev.loop.LoopAbi.LoopInfo info) {
    return Stmt.of("ioctl(" + fd + ", LOOP_SET_STATUS, {flags: " + info.flags() + ", name: " + q(info.nameString())
        + "})", p -> ioctlTo(p, fd, LoopIoctl.LOOP_SET_STATUS.number(), () -> new IoctlArg.Status(info)));
  }

  /** LOOP_SET_STATUS64 with a {@code loop_info64} (the source reads its file name and flags). */
  public static Stmt ioctlSetStatus64(String fd, kernsim.dev.loop.LoopAbi.LoopInfo64 info) {
    return Stmt.of("ioctl(" + fd + ", LOOP_SET_STATUS64, {flags: " + info.flags() + ", file_name: "
        + q(info.fileNameString()) + "})", p -> ioctlTo(p, fd, LoopIoctl.LOOP_SET_STATUS64.number(), () -> new IoctlArg.Status64(info)));
  }

  /**
   * The one ioctl routing: {@code ioctl(fdVar, number, arg)} goes to whatever the fd is open on
   * ({@link FileOps#ioctl}: a loop device's driver, loop-control, ENOTTY for anything else); EBADF
   * for an fd that is not open. {@code arg} is resolved only then (an fd argument when the call runs).
   */
  private static Code ioctlTo(Proc p, String fdVar, int number, java.util.function.Supplier<IoctlArg> arg) {
    OpenFile f = p.fds().get(p.fd(fdVar));
    if (f == null) {
      return Code.err(Errno.EBADF);
    }
    return f.ops().ioctl(number, arg.get());
  }
}
