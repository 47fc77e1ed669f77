package kernsim.fs.file;

/**
 * A directory as an open file sees it, for the file syscalls' directory branches (lseek, fsync, the
 * EISDIR paths). Listing is the VFS's business; here a directory has no bytes and syncs trivially.
 */
public record Directory(String id) implements FileOps {
  @Override
  public FileKind kind() {
    return FileKind.DIRECTORY;
  }
}
