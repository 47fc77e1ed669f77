package kernsim.conform;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * The C library calls conformance makes, bound by JNA (no native code of ours). Types follow the glibc
 * prototypes on x86-64 Linux: {@code size_t}/{@code ssize_t}/{@code unsigned long} are {@link NativeLong},
 * {@code off_t} is a Java {@code long} (64 bits there). {@code open} and {@code ioctl} are variadic in C,
 * so they are declared with a trailing {@code Object...}: JNA then calls them with the variadic
 * convention. Every call returns -1 on failure; {@link Sys} reads errno with {@link Native#getLastError()},
 * which JNA saves right after each call.
 *
 * <p>Only {@link Sys} calls these: it names the errno and turns each call into a {@link RealResult}.
 */
interface LibC extends Library {
  /** Loaded on first use, so merely loading the conform classes never needs libc. */
  final class Holder {
    private Holder() {}

    static final LibC INSTANCE = Native.load("c", LibC.class);
  }

  int open(String path, int flags, Object... mode);

  int close(int fd);

  int dup(int fd);

  NativeLong read(int fd, byte[] buf, NativeLong count);

  NativeLong write(int fd, byte[] buf, NativeLong count);

  NativeLong pread(int fd, byte[] buf, NativeLong count, long offset);

  NativeLong pwrite(int fd, byte[] buf, NativeLong count, long offset);

  long lseek(int fd, long offset, int whence);

  int fsync(int fd);

  int fdatasync(int fd);

  int flock(int fd, int operation);

  int ftruncate(int fd, long length);

  int fallocate(int fd, int mode, long offset, long len);

  /** {@code ioctl(fd, request, arg)}: arg is a {@code Long} (a value), a {@code Pointer}, or null (NULL). */
  int ioctl(int fd, NativeLong request, Object... arg);

  int mount(String source, String target, String fstype, NativeLong flags, String data);

  int umount2(String target, int flags);

  int mkdir(String path, int mode);

  int geteuid();

  /** glibc 2.32+: the errno's macro name ("EBUSY"), or null for a number it does not know. */
  String strerrorname_np(int errnum);
}
