package kernsim.fs.ext4;

import java.util.Objects;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.fs.file.FileKind;
import kernsim.fs.file.FileOps;

/**
 * A regular file of an ext4-lite filesystem as the file syscalls see it. Every operation is one ext4
 * operation on {@link #handle} (fs lock, block I/O inside the no-preempt region, unlock), so two
 * harts' calls on the file never interleave inside one; {@link #append} finds the end and writes in
 * that one operation. {@link #sync} is ext4's fsync, which flushes the block device (then, outside the
 * no-preempt region, {@code BlockDevice.persist}: under linux the device's page cache is written back): on a loop device a
 * no-op, as in the source, so it does not reach the backing file.
 */
public record Ext4FileOps(Ext4 handle, long ino) implements FileOps {
  public Ext4FileOps {
    Objects.requireNonNull(handle, "handle");
    if (ino <= 0 || ino > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ino " + ino);
    }
  }

  @Override
  public FileKind kind() {
    return FileKind.REGULAR;
  }

  /** {@code ext4:<fs key>:<ino>}: same id, same inode (copy_file_range's check). */
  @Override
  public String id() {
    return "ext4:" + handle.key() + ":" + ino;
  }

  @Override
  public Code readAt(long offset, int length) {
    return handle.read((int) ino, offset, length);
  }

  @Override
  public Code writeAt(long offset, byte[] data) {
    return handle.write((int) ino, offset, data);
  }

  @Override
  public Code append(byte[] data) {
    return handle.append((int) ino, data);
  }

  @Override
  public Code length() {
    return Code.then(handle.stat((int) ino), ok -> Code.done(SysResult.ok(ok.value())));
  }

  @Override
  public Code truncate(long length) {
    return handle.truncate((int) ino, length);
  }

  /** fsync and fdatasync alike: ext4-lite has no separate metadata journal to skip. */
  @Override
  public Code sync(boolean dataOnly) {
    return Code.then(handle.fsync((int) ino), ok -> handle.device().persist());
  }

  @Override
  public String toString() {
    return id();
  }
}
