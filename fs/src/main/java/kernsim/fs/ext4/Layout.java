package kernsim.fs.ext4;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The on-disk format of ext4-lite. Everything lives in 512-byte blocks reached only through
 * {@code BlockDevice.readBlock}/{@code writeBlock}; integers are big-endian, unsigned 32-bit unless said.
 *
 * <pre>
 * block 0                      superblock
 *   0  magic        0x45584C31 ("EXL1")
 *   4  version      1
 *   8  block size   512
 *  12  total blocks N (the device's, capped at 2^31-1)
 *  16  inode count  I (inode 0 is reserved and never used; the root is inode 1)
 *  20  block bitmap start, 24 its block count   (ceil(N / 4096))
 *  28  inode bitmap start, 32 its block count   (ceil(I / 4096))
 *  36  inode table start,  40 its block count   (I / 8)
 *  44  first data block
 *  48  root inode   1
 *  52  free blocks, 56 free inodes
 *  60  CRC-32 of bytes 0..59
 * block bitmap                 bit b (block b/4096, byte (b%4096)/8, bit b%8, LSB first) set = block b
 *                              in use; metadata blocks and the bits past N are set at mkfs
 * inode bitmap                 the same for inodes; inode 0 and the bits past I are set at mkfs
 * inode table                  8 inodes of 64 bytes per block, inode i in slot i
 *   0  mode  u16: 0 free, 1 regular file, 2 directory
 *   2  links u16: 1 for a file; 2 + subdirectories for a directory
 *   4  size  u64 (bytes; a directory's is a multiple of 512)
 *  12  10 direct block pointers (0 = hole)
 *  52  one indirect block pointer: a block of 128 pointers (0 = none)
 *  56  unused
 * directory blocks             8 entries of 64 bytes: inode u32 (0 = free slot), name length u16,
 *                              2 unused bytes, name (UTF-8, at most 56 bytes, zero-padded); no "."/".."
 *                              entries, so a path may not use ".."
 * </pre>
 *
 * <p>A file holds at most 10 + 128 blocks ({@link #MAX_FILE_SIZE} bytes). Blocks past the end of a file
 * and holes read as zeros. mkfs writes the superblock last, so an interrupted mkfs does not mount.
 */
final class Layout {
  private Layout() {}

  static final int BLOCK = 512;
  static final int MAGIC = 0x45584C31;
  static final int VERSION = 1;
  static final int BITS_PER_BLOCK = BLOCK * 8;
  static final int INODE_SIZE = 64;
  static final int INODES_PER_BLOCK = BLOCK / INODE_SIZE;
  static final int NDIRECT = 10;
  static final int PTRS_PER_BLOCK = BLOCK / 4;
  static final int MAX_FILE_BLOCKS = NDIRECT + PTRS_PER_BLOCK;
  static final long MAX_FILE_SIZE = (long) MAX_FILE_BLOCKS * BLOCK;
  static final int DIRENT_SIZE = 64;
  static final int DIRENTS_PER_BLOCK = BLOCK / DIRENT_SIZE;
  static final int NAME_MAX = 56;
  static final int ROOT_INODE = 1;
  /** Smallest device mkfs accepts: metadata plus a few data blocks. */
  static final int MIN_BLOCKS = 16;

  static final int MODE_FREE = 0;
  static final int MODE_FILE = 1;
  static final int MODE_DIR = 2;

  /** The geometry of a new filesystem on {@code totalBlocks} blocks (free counts as after mkfs). */
  static Superblock geometry(int totalBlocks) {
    // One inode per 4 blocks, at least 16, a whole number of inode-table blocks.
    int inodes = Math.max(16, Math.min(totalBlocks / 4, 1 << 16));
    inodes = (inodes + INODES_PER_BLOCK - 1) / INODES_PER_BLOCK * INODES_PER_BLOCK;
    int bbBlocks = ceilDiv(totalBlocks, BITS_PER_BLOCK);
    int ibBlocks = ceilDiv(inodes, BITS_PER_BLOCK);
    int itBlocks = inodes / INODES_PER_BLOCK;
    int bbStart = 1;
    int ibStart = bbStart + bbBlocks;
    int itStart = ibStart + ibBlocks;
    int dataStart = itStart + itBlocks;
    return new Superblock(totalBlocks, inodes, bbStart, bbBlocks, ibStart, ibBlocks, itStart, itBlocks,
        dataStart, ROOT_INODE, totalBlocks - dataStart, inodes - 2);
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  // ---- superblock ----

  static byte[] encodeSuper(Superblock s) {
    ByteBuffer b = ByteBuffer.allocate(BLOCK);
    b.putInt(MAGIC).putInt(VERSION).putInt(BLOCK).putInt(s.totalBlocks()).putInt(s.inodeCount())
        .putInt(s.blockBitmapStart()).putInt(s.blockBitmapBlocks())
        .putInt(s.inodeBitmapStart()).putInt(s.inodeBitmapBlocks())
        .putInt(s.inodeTableStart()).putInt(s.inodeTableBlocks())
        .putInt(s.dataStart()).putInt(s.rootInode()).putInt(s.freeBlocks()).putInt(s.freeInodes());
    b.putInt(crc(b.array(), 60));
    return b.array();
  }

  /** The superblock in {@code block}, or null if it is not a valid ext4-lite superblock. */
  static Superblock decodeSuper(byte[] block) {
    if (block == null || block.length != BLOCK) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(block);
    if (b.getInt(0) != MAGIC || b.getInt(4) != VERSION || b.getInt(8) != BLOCK || b.getInt(60) != crc(block, 60)) {
      return null;
    }
    b.position(12);
    try {
      return new Superblock(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt(),
          b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getInt());
    } catch (IllegalArgumentException e) {
      return null; // inconsistent geometry
    }
  }

  private static int crc(byte[] data, int len) {
    CRC32 c = new CRC32();
    c.update(data, 0, len);
    return (int) c.getValue();
  }

  // ---- bitmaps ----

  static boolean bit(byte[] block, int i) {
    return (block[i >>> 3] & (1 << (i & 7))) != 0;
  }

  static void setBit(byte[] block, int i, boolean on) {
    if (on) {
      block[i >>> 3] |= (byte) (1 << (i & 7));
    } else {
      block[i >>> 3] &= (byte) ~(1 << (i & 7));
    }
  }

  /** The first clear bit in {@code block}, or -1. */
  static int firstClear(byte[] block) {
    for (int i = 0; i < BLOCK; i++) {
      if (block[i] != (byte) 0xFF) {
        return i * 8 + Integer.numberOfTrailingZeros(~block[i] & 0xFF);
      }
    }
    return -1;
  }

  // ---- inodes ----

  static int inodeBlock(Superblock s, int ino) {
    return s.inodeTableStart() + ino / INODES_PER_BLOCK;
  }

  static Inode decodeInode(byte[] block, int ino) {
    ByteBuffer b = ByteBuffer.wrap(block);
    int off = (ino % INODES_PER_BLOCK) * INODE_SIZE;
    Inode in = new Inode();
    in.mode = Short.toUnsignedInt(b.getShort(off));
    in.links = Short.toUnsignedInt(b.getShort(off + 2));
    in.size = b.getLong(off + 4);
    for (int i = 0; i < NDIRECT; i++) {
      in.direct[i] = b.getInt(off + 12 + 4 * i);
    }
    in.indirect = b.getInt(off + 12 + 4 * NDIRECT);
    return in;
  }

  static void encodeInode(byte[] block, int ino, Inode in) {
    ByteBuffer b = ByteBuffer.wrap(block);
    int off = (ino % INODES_PER_BLOCK) * INODE_SIZE;
    b.putShort(off, (short) in.mode);
    b.putShort(off + 2, (short) in.links);
    b.putLong(off + 4, in.size);
    for (int i = 0; i < NDIRECT; i++) {
      b.putInt(off + 12 + 4 * i, in.direct[i]);
    }
    b.putInt(off + 12 + 4 * NDIRECT, in.indirect);
  }

  static int pointer(byte[] indirect, int i) {
    return ByteBuffer.wrap(indirect).getInt(4 * i);
  }

  static void setPointer(byte[] indirect, int i, int block) {
    ByteBuffer.wrap(indirect).putInt(4 * i, block);
  }

  // ---- directory entries ----

  static int direntInode(byte[] block, int slot) {
    return ByteBuffer.wrap(block).getInt(slot * DIRENT_SIZE);
  }

  static String direntName(byte[] block, int slot) {
    ByteBuffer b = ByteBuffer.wrap(block);
    int off = slot * DIRENT_SIZE;
    int len = Math.min(Short.toUnsignedInt(b.getShort(off + 4)), NAME_MAX);
    return new String(block, off + 8, len, StandardCharsets.UTF_8);
  }

  static void setDirent(byte[] block, int slot, int ino, String name) {
    int off = slot * DIRENT_SIZE;
    java.util.Arrays.fill(block, off, off + DIRENT_SIZE, (byte) 0);
    if (ino != 0) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      ByteBuffer b = ByteBuffer.wrap(block);
      b.putInt(off, ino);
      b.putShort(off + 4, (short) n.length);
      System.arraycopy(n, 0, block, off + 8, n.length);
    }
  }
}
