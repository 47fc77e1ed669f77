/**
 * The VFS: the mount table and the mount syscalls of starry-mount.rs.
 *
 * <p>{@link kernsim.fs.vfs.MountTable} owns {@code FS_CONTEXT} (a mutex) and the mount tree;
 * {@link kernsim.fs.vfs.Vfs} holds the syscalls as kernel code, with the source's lock scopes: a path
 * walk holds the context while it looks names up at each filesystem's owner and steps onto mounts, and
 * each mountpoint operation is its own region, so other harts run in between where the source lets
 * them. A filesystem is a {@link kernsim.fs.vfs.FileSystem} handle; tmpfs and its kin are
 * {@link kernsim.fs.memfs.MemFs} ({@link kernsim.fs.vfs.TmpFs}), overlay is a read-only merged view
 * ({@link kernsim.fs.vfs.Overlay}), ext4 comes from a {@link kernsim.fs.vfs.BlockFsDriver}
 * ({@link kernsim.fs.ext4.LoopExt4Driver} for ext4-lite on a loop device), and the busy check asks the
 * task list through {@link kernsim.fs.vfs.Tasks}. When the last mount of a filesystem goes (umount2,
 * MNT_DETACH) the syscall runs its {@link kernsim.fs.vfs.FileSystem#release}, the source's drop.
 */
package kernsim.fs.vfs;
