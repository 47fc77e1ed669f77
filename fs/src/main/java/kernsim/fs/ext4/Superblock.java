package kernsim.fs.ext4;

/**
 * The in-memory copy of an ext4-lite superblock (see {@link Layout} for the on-disk form). The mounted
 * filesystem's actor owns it; an operation gets it with the fs lock and hands back the updated free
 * counts when it releases the lock. The constructor checks the geometry, so a corrupt superblock fails
 * to decode rather than sending the filesystem off the end of its device.
 */
public record Superblock(
    int totalBlocks,
    int inodeCount,
    int blockBitmapStart,
    int blockBitmapBlocks,
    int inodeBitmapStart,
    int inodeBitmapBlocks,
    int inodeTableStart,
    int inodeTableBlocks,
    int dataStart,
    int rootInode,
    int freeBlocks,
    int freeInodes) {
  public Superblock {
    boolean ok = totalBlocks >= Layout.MIN_BLOCKS
        && inodeCount >= Layout.INODES_PER_BLOCK && inodeCount % Layout.INODES_PER_BLOCK == 0
        && blockBitmapStart == 1
        && blockBitmapBlocks == Layout.ceilDiv(totalBlocks, Layout.BITS_PER_BLOCK)
        && inodeBitmapStart == blockBitmapStart + blockBitmapBlocks
        && inodeBitmapBlocks == Layout.ceilDiv(inodeCount, Layout.BITS_PER_BLOCK)
        && inodeTableStart == inodeBitmapStart + inodeBitmapBlocks
        && inodeTableBlocks == inodeCount / Layout.INODES_PER_BLOCK
        && dataStart == inodeTableStart + inodeTableBlocks
        && dataStart < totalBlocks
        && rootInode == Layout.ROOT_INODE
        && freeBlocks >= 0 && freeBlocks <= totalBlocks - dataStart
        && freeInodes >= 0 && freeInodes <= inodeCount - 2;
    if (!ok) {
      throw new IllegalArgumentException("inconsistent ext4-lite geometry");
    }
  }

  Superblock withFree(int blocks, int inodes) {
    return new Superblock(totalBlocks, inodeCount, blockBitmapStart, blockBitmapBlocks, inodeBitmapStart,
        inodeBitmapBlocks, inodeTableStart, inodeTableBlocks, dataStart, rootInode, blocks, inodes);
  }
}
