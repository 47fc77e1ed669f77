package kernsim.fs.file;

/**
 * An anon-inode file that is none of the source's typed files (its {@code DummyFd},
 * {@code anon_inode:[dummy]}): syscalls that need a file, pipe or directory refuse it.
 */
public record AnonFd(String id) implements FileOps {
  @Override
  public FileKind kind() {
    return FileKind.ANON;
  }

  @Override
  public kernsim.dev.code.Code pollIn() {
    return kernsim.dev.code.Code.ok(0);
  }
}
