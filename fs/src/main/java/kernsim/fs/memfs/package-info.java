/**
 * A tmpfs-like filesystem: {@link kernsim.fs.memfs.MemFs} owns a directory tree, one region per
 * operation; each regular file is a {@link kernsim.fs.file.RamFile} child actor on the backing-file
 * protocol (plus append, truncate and fault injection), so an image file on tmpfs can back a loop device
 * and the file syscalls reach it through {@link kernsim.fs.file.RamFile.Ops}.
 */
package kernsim.fs.memfs;
