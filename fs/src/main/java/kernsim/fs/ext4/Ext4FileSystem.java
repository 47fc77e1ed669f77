package kernsim.fs.ext4;

import java.util.Objects;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.fs.vfs.FileSystem;

/**
 * A mounted ext4-lite filesystem as the VFS sees it. Each directory operation is one ext4 operation
 * (fs lock, block I/O in the no-preempt region, unlock) on {@link #handle}. Nodes carry neither a file
 * actor nor a device: ext4 file data lives in blocks, not in an actor, so the file syscalls reach it
 * through {@link Ext4FileOps} ({@link #fileOps}).
 */
public record Ext4FileSystem(Ext4 handle) implements FileSystem {
  public Ext4FileSystem {
    Objects.requireNonNull(handle, "handle");
  }

  @Override
  public String type() {
    return "ext4";
  }

  @Override
  public long rootIno() {
    return Ext4Lite.ROOT_INODE;
  }

  @Override
  public Code lookup(long dir, String name) {
    if (!fits(dir)) {
      return Code.err(Errno.ENOENT);
    }
    return handle.lookupAt((int) dir, name, (ino, st) -> node(ino, st.type() == Stat.Type.DIR ? Kind.DIR : Kind.FILE));
  }

  @Override
  public Code readdir(long dir) {
    return fits(dir) ? handle.readdirAt((int) dir) : Code.err(Errno.ENOENT);
  }

  @Override
  public Code mkdir(long dir, String name) {
    return fits(dir) ? Code.then(handle.mkdirAt((int) dir, name), ok -> node(ok.value(), Kind.DIR))
        : Code.err(Errno.ENOENT);
  }

  @Override
  public Code create(long dir, String name) {
    return fits(dir) ? Code.then(handle.createAt((int) dir, name), ok -> node(ok.value(), Kind.FILE))
        : Code.err(Errno.ENOENT);
  }

  /**
   * Dropping the filesystem: the ext4 umount (waits for the fs lock, flushes the device inside the
   * no-preempt region), then releasing its block device (a loop adapter is dropped: {@code mounted=false}).
   * A second release finds the fs unmounted (EINVAL) and releases nothing again. Ends in {@code Ok(0)}.
   */
  @Override
  public Code release() {
    return Code.bind(handle.umount(), v -> v instanceof SysResult.Ok
        ? Code.bind(handle.device().release(), d -> Code.ok(0))
        : Code.ok(0));
  }

  /** The file operations of regular file {@code ino} on this filesystem. */
  public Ext4FileOps fileOps(long ino) {
    return new Ext4FileOps(handle, ino);
  }

  private static boolean fits(long ino) {
    return ino > 0 && ino <= Integer.MAX_VALUE;
  }

  private static Code node(long ino, Kind kind) {
    return Code.done(SysResult.ok(ino, new Node(ino, kind, null, null)));
  }
}
