package kernsim.fs.file;

import kernsim.dev.Errno;
import kernsim.dev.code.Code;
import kernsim.dev.loop.IoctlArg;

/**
 * What a file syscall needs from the object an open file refers to. Every operation is {@link Code}:
 * one or more lock regions at the actor that owns the data, so an implementation decides its own lock
 * scopes and a syscall composes them in the source's order. Results are {@link kernsim.dev.SysResult}s:
 *
 * <ul>
 *   <li>{@link #readAt}: {@code Ok(n, byte[])} (short at end of file);
 *   <li>{@link #writeAt}: {@code Ok(n)}; {@link #append}: {@code Ok(n, Long end)}, writing at the
 *       current end of file in the same region that reads it (O_APPEND is atomic);
 *   <li>{@link #length}: {@code Ok(length)}; {@link #truncate}: {@code Ok(0)} (the source's
 *       {@code set_len}, growing or shrinking); {@link #sync}: {@code Ok(0)} or {@code Err(EIO)};
 *   <li>{@link #read}/{@link #write}: stream I/O for objects without a position (pipes), which may
 *       block (the reply waits) or fail with {@code EAGAIN} when {@code nonblock};
 *   <li>{@link #pollIn}: {@code Ok(1)} when a read would not block, else {@code Ok(0)};
 *   <li>{@link #open}/{@link #release}: an fd starts or stops referring to the object (pipes count
 *       their readers and writers).
 * </ul>
 *
 * <p>Positioned operations on an object without them answer {@code ESPIPE}; stream operations on a
 * positioned object answer {@code EINVAL}: syscalls check the kind first, so these defaults are only
 * a guard.
 */
public interface FileOps {
  FileKind kind();

  /** A stable name for reports and for the same-inode check of copy_file_range (device + inode). */
  String id();

  default Code readAt(long offset, int length) {
    return Code.err(Errno.ESPIPE);
  }

  default Code writeAt(long offset, byte[] data) {
    return Code.err(Errno.ESPIPE);
  }

  default Code append(byte[] data) {
    return Code.err(Errno.ESPIPE);
  }

  default Code length() {
    return Code.ok(0);
  }

  default Code truncate(long length) {
    return Code.err(Errno.EINVAL);
  }

  default Code sync(boolean dataOnly) {
    return Code.ok(0);
  }

  default Code read(int length, boolean nonblock) {
    return Code.err(Errno.EINVAL);
  }

  default Code write(byte[] data, boolean nonblock) {
    return Code.err(Errno.EINVAL);
  }

  default Code pollIn() {
    return Code.ok(1);
  }

  /** Whether this end can be read (pipes: the read end). */
  default boolean readEnd() {
    return true;
  }

  /** Whether this end can be written (pipes: the write end). */
  default boolean writeEnd() {
    return true;
  }

  default Code open() {
    return Code.ok(0);
  }

  default Code release() {
    return Code.ok(0);
  }

  /**
   * {@code ioctl(fd, number, arg)} on this open file: ENOTTY unless the object has ioctls (a device's
   * open file hands them to its driver). {@code arg} is what the command reads from the user.
   */
  default Code ioctl(int number, IoctlArg arg) {
    return Code.err(Errno.ENOTTY);
  }
}
