package kernsim.fs.vfs;

import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.fs.memfs.MemFs;
import org.apache.pekko.actor.typed.ActorRef;

/** A {@link MemFs} as a mounted filesystem (tmpfs, proc, sysfs, devtmpfs, devpts, cgroup2). */
public record TmpFs(String type, ActorRef<MemFs.Command> fs) implements FileSystem {
  @Override
  public long rootIno() {
    return MemFs.ROOT;
  }

  @Override
  public Code lookup(long dir, String name) {
    return node(MemFs.lookup(fs, dir, name));
  }

  @Override
  public Code readdir(long dir) {
    return MemFs.readdir(fs, dir);
  }

  @Override
  public Code mkdir(long dir, String name) {
    return node(MemFs.mkdir(fs, dir, name));
  }

  @Override
  public Code create(long dir, String name) {
    return node(MemFs.create(fs, dir, name));
  }

  /** An overlay's copy-up into this tmpfs: a file holding {@code data}, made in one region. */
  public Code copyUp(long dir, String name, byte[] data) {
    return node(MemFs.copyUp(fs, dir, name, data));
  }

  @Override
  public Code mknod(long dir, String name, kernsim.fs.file.DeviceNode device) {
    return node(MemFs.mknod(fs, dir, name, device));
  }

  @Override
  public Code remove(long dir, String name, boolean directory) {
    return directory ? MemFs.rmdir(fs, dir, name) : MemFs.unlink(fs, dir, name);
  }

  /** MemFs's entry as the VFS's node. */
  private static Code node(Code memfsCall) {
    return MemFs.entry(memfsCall, e -> {
      FileSystem.Kind kind = switch (e.kind()) {
        case DIR -> FileSystem.Kind.DIR;
        case FILE -> FileSystem.Kind.FILE;
        case DEVICE -> FileSystem.Kind.DEVICE;
      };
      return Code.done(SysResult.ok(e.ino(), new FileSystem.Node(e.ino(), kind, e.file(), e.device())));
    });
  }
}
