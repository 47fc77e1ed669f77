package kernsim.fs.file;

/**
 * What kind of object an open file refers to. The source's syscalls branch on the Rust type behind an
 * fd ({@code File}, {@code Directory}, {@code Pipe}, {@code Memfd}, others); these are those types.
 */
public enum FileKind {
  /** A regular file on some filesystem (tmpfs, ext4-lite) or a test {@link RamFile}. */
  REGULAR,
  DIRECTORY,
  PIPE,
  /** A character device node (opened through the VFS, so a {@code File} in the source). */
  CHAR_DEVICE,
  /** A block device node such as {@code /dev/loop0} (a {@code File} in the source). */
  BLOCK_DEVICE,
  /** memfd_create: a regular file with seals; {@code File::from_fd} unwraps it to its inner file. */
  MEMFD,
  /** Anything else: an anon inode such as the source's {@code DummyFd}. */
  ANON;

  /** Whether the source's {@code File::from_fd} succeeds (it unwraps memfds onto their inner file). */
  public boolean isFile() {
    return this == REGULAR || this == CHAR_DEVICE || this == BLOCK_DEVICE || this == MEMFD;
  }

  /** The node type the source's metadata reports: a memfd's inner file is a regular file. */
  public boolean isRegularNode() {
    return this == REGULAR || this == MEMFD;
  }

  /** Whether the open file has a position that read/write/lseek use. */
  public boolean seekable() {
    return isFile() || this == DIRECTORY;
  }
}
