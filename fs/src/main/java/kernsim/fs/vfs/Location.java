package kernsim.fs.vfs;

/**
 * Where a path resolved to (axfs-ng's {@code Location}): the mount, its filesystem, the node, and
 * whether the node is the root of that mount. Immutable; a hart may hold one while the mount tree
 * changes, as the source holds an {@code Arc<Mountpoint>}, so it can name a mount that has since been
 * unmounted.
 */
public record Location(int mountId, FileSystem fs, FileSystem.Node node, boolean rootOfMount) {
  public FileSystem.Kind kind() {
    return node.kind();
  }

  public long ino() {
    return node.ino();
  }
}
