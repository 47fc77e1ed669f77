package kernsim.fs.ext4;

/** What {@code stat} reports about an inode. */
public record Stat(int ino, Type type, long size, int links) {
  public enum Type {
    FILE,
    DIR
  }
}
