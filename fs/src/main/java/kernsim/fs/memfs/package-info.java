/**
 * A tmpfs-like filesystem: {@link kernsim.fs.memfs.MemFs} owns a directory tree, one region per
 * operation; each regular file is a {@link kernsim.fs.memfs.MemFile} on the backing-file protocol, so an
 * image file on tmpfs can back a loop device.
 */
package kernsim.fs.memfs;
