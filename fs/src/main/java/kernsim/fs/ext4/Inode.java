package kernsim.fs.ext4;

/**
 * An inode as one operation works on it: decoded from its table block, changed, encoded back. It
 * never leaves the hart running the operation (results carry a {@link Stat}), so it may be mutable.
 * {@code ind} caches the indirect block for the operation's duration; {@code indDirty} says it must be
 * written back with the inode.
 */
final class Inode {
  int mode;
  int links;
  long size;
  final int[] direct = new int[Layout.NDIRECT];
  int indirect;

  byte[] ind;
  boolean indDirty;

  boolean isDir() {
    return mode == Layout.MODE_DIR;
  }

  boolean isFile() {
    return mode == Layout.MODE_FILE;
  }

  /** Blocks the size covers. */
  int blockCount() {
    return (int) ((size + Layout.BLOCK - 1) / Layout.BLOCK);
  }
}
