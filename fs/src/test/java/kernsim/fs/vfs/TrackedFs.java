package kernsim.fs.vfs;

import kernsim.actors.World;
import kernsim.dev.code.Code;

/** A filesystem that behaves as {@code inner} and emits {@link Released} when the VFS releases it. */
record TrackedFs(FileSystem inner, World world, String name) implements FileSystem {
  /** Observation: the hart running a umount2 or mount reached {@code fs}'s release. */
  record Released(String fs) {}

  @Override
  public String type() {
    return inner.type();
  }

  @Override
  public long rootIno() {
    return inner.rootIno();
  }

  @Override
  public Code lookup(long dir, String name) {
    return inner.lookup(dir, name);
  }

  @Override
  public Code readdir(long dir) {
    return inner.readdir(dir);
  }

  @Override
  public Code mkdir(long dir, String name) {
    return inner.mkdir(dir, name);
  }

  @Override
  public Code create(long dir, String name) {
    return inner.create(dir, name);
  }

  @Override
  public Code release() {
    // Emitted when the hart gets here, so its place among other observations is the release's.
    return Code.defer(() -> {
      world.emit(new Released(name));
      return Code.ok(0);
    });
  }
}
