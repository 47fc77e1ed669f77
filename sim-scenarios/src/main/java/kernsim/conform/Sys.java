package kernsim.conform;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import kernsim.dev.Errno;

/**
 * The real syscalls, on real fds and real paths, each as a {@link RealResult}: the call's value, or the
 * errno it set ({@link Native#getLastError()} read right after a -1). No name mapping and no safety
 * checks happen here: that is {@link RealSandbox}'s and {@link RealProcess}'s job, and they are the only
 * callers (apart from tests of this layer on plain temp files).
 */
final class Sys {
  private Sys() {}

  /** No buffer passed to an ioctl is smaller than this: larger than every structure a loop ioctl reads or writes. */
  static final int IOCTL_BUFFER = 512;

  /** The largest read a call may ask for: the bytes are held in memory twice (Java and native). */
  static final int MAX_IO = 64 << 20;

  private static LibC c() {
    return LibC.Holder.INSTANCE;
  }

  /**
   * Why real calls cannot run here, or empty: conformance needs 64-bit x86 Linux (the structures'
   * layouts and the ioctl numbers are that ABI's). Root and a loop driver are {@link RealSandbox}'s
   * further conditions.
   */
  static Optional<String> unsupported() {
    if (!Platform.isLinux()) {
      return Optional.of("not Linux (os.name " + System.getProperty("os.name") + ")");
    }
    if (!Platform.is64Bit() || !"x86-64".equals(Platform.ARCH)) {
      return Optional.of("not x86-64 Linux (the loop structures are laid out for x86-64; arch " + Platform.ARCH + ")");
    }
    return Optional.empty();
  }

  /** This process's effective uid (0: root). */
  static int euid() {
    return c().geteuid();
  }

  /** The errno's C name: glibc's, else the model's table, else {@code errno N}. */
  static String errnoName(int errno) {
    try {
      String n = c().strerrorname_np(errno);
      if (n != null) {
        return n;
      }
    } catch (UnsatisfiedLinkError older) {
      // glibc before 2.32 has no strerrorname_np: fall back to the model's names
    }
    for (Errno e : Errno.values()) {
      if (e.number() == errno) {
        return e.name();
      }
    }
    return "errno " + errno;
  }

  private static RealResult of(long ret) {
    return ret == -1 ? RealResult.err(Native.getLastError()) : RealResult.ok(ret);
  }

  /** open(2); the mode is 0644 (the model has no permissions; O_CREAT needs one). */
  static RealResult open(String path, int flags) {
    return of(c().open(path, flags, 0644));
  }

  static RealResult close(int fd) {
    return of(c().close(fd));
  }

  static RealResult dup(int fd) {
    return of(c().dup(fd));
  }

  static RealResult read(int fd, int count) {
    byte[] buf = new byte[count];
    long n = c().read(fd, buf, new NativeLong(count)).longValue();
    return n < 0 ? RealResult.err(Native.getLastError()) : RealResult.ok(n, Arrays.copyOf(buf, (int) n));
  }

  static RealResult pread(int fd, int count, long offset) {
    byte[] buf = new byte[count];
    long n = c().pread(fd, buf, new NativeLong(count), offset).longValue();
    return n < 0 ? RealResult.err(Native.getLastError()) : RealResult.ok(n, Arrays.copyOf(buf, (int) n));
  }

  static RealResult write(int fd, byte[] data) {
    return of(c().write(fd, data, new NativeLong(data.length)).longValue());
  }

  static RealResult pwrite(int fd, byte[] data, long offset) {
    return of(c().pwrite(fd, data, new NativeLong(data.length), offset).longValue());
  }

  static RealResult lseek(int fd, long offset, int whence) {
    return of(c().lseek(fd, offset, whence));
  }

  static RealResult fsync(int fd) {
    return of(c().fsync(fd));
  }

  static RealResult fdatasync(int fd) {
    return of(c().fdatasync(fd));
  }

  static RealResult flock(int fd, int operation) {
    return of(c().flock(fd, operation));
  }

  static RealResult ftruncate(int fd, long length) {
    return of(c().ftruncate(fd, length));
  }

  static RealResult fallocate(int fd, int mode, long offset, long len) {
    return of(c().fallocate(fd, mode, offset, len));
  }

  static RealResult mount(String source, String target, String fstype, long flags, String data) {
    return of(c().mount(source, target, fstype, new NativeLong(flags), data));
  }

  static RealResult umount2(String target, int flags) {
    return of(c().umount2(target, flags));
  }

  static RealResult mkdir(String path, int mode) {
    return of(c().mkdir(path, mode));
  }

  /** The request as glibc's {@code unsigned long}: zero-extended (BLKGETSIZE64 is 0x80081272). */
  private static NativeLong request(int cmd) {
    return new NativeLong(cmd & 0xFFFF_FFFFL);
  }

  /** {@code ioctl(fd, cmd, value)}: an integer argument, passed as a full 64-bit word. */
  static RealResult ioctl(int fd, int cmd, long value) {
    return of(c().ioctl(fd, request(cmd), Long.valueOf(value)));
  }

  /** {@code ioctl(fd, cmd, NULL)}. */
  static RealResult ioctlNull(int fd, int cmd) {
    return of(c().ioctl(fd, request(cmd), (Object) null));
  }

  /**
   * {@code ioctl(fd, cmd, p)} with a pointer to memory the caller owns (at least {@link #IOCTL_BUFFER}
   * bytes); what the kernel wrote there is the caller's to read afterwards.
   */
  static RealResult ioctl(int fd, int cmd, Pointer p) {
    return of(c().ioctl(fd, request(cmd), p));
  }

  /** A zeroed buffer for one ioctl's pointer argument. */
  static Memory ioctlBuffer() {
    Memory m = new Memory(IOCTL_BUFFER);
    m.clear();
    return m;
  }

  /** Whether a path exists without following a final symlink. */
  static boolean exists(String path) {
    return Files.exists(Path.of(path), java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }
}
