package kernsim.fs.ext4;

import static kernsim.fs.ext4.Tx.let;

import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Code;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * ext4-lite, kernsim's own small block filesystem (format: {@link Layout}): mkfs and mount. Both are
 * {@link Code} a hart runs; all their I/O goes through {@link BlockDevice#readBlock} and
 * {@link BlockDevice#writeBlock}.
 */
public final class Ext4Lite {
  private Ext4Lite() {}

  /** The largest file ext4-lite holds, in bytes. */
  public static final long MAX_FILE_SIZE = Layout.MAX_FILE_SIZE;

  /** The root directory's inode number. */
  public static final int ROOT_INODE = Layout.ROOT_INODE;

  /** The longest name, in UTF-8 bytes. */
  public static final int NAME_MAX = Layout.NAME_MAX;

  /**
   * Writes a fresh, empty filesystem: {@code Ok(0)}. EINVAL for a block size other than 512, ENOSPC for
   * a device of fewer than 16 blocks, EIO from the device. mkfs runs outside any no-preempt region: no
   * filesystem (and no fs lock) exists yet.
   */
  public static Code mkfs(BlockDevice dev) {
    if (dev.blockSize() != Layout.BLOCK) {
      return Code.err(Errno.EINVAL);
    }
    if (dev.numBlocks() < Layout.MIN_BLOCKS) {
      return Code.err(Errno.ENOSPC);
    }
    Superblock sb = Layout.geometry((int) Math.min(dev.numBlocks(), Integer.MAX_VALUE));
    Tx tx = new Tx(dev, sb, false);
    Code blockBitmap = Tx.each(0, sb.blockBitmapBlocks(), i -> tx.write(sb.blockBitmapStart() + i,
        bitmap(i, sb.dataStart(), sb.totalBlocks())));
    Code inodeBitmap = Tx.each(0, sb.inodeBitmapBlocks(), i -> tx.write(sb.inodeBitmapStart() + i,
        bitmap(i, Layout.ROOT_INODE + 1, sb.inodeCount())));
    Code inodeTable = Tx.each(0, sb.inodeTableBlocks(), i -> {
      byte[] b = new byte[Layout.BLOCK];
      if (i == Layout.ROOT_INODE / Layout.INODES_PER_BLOCK) {
        Inode root = new Inode();
        root.mode = Layout.MODE_DIR;
        root.links = 2;
        Layout.encodeInode(b, Layout.ROOT_INODE, root);
      }
      return tx.write(sb.inodeTableStart() + i, b);
    });
    // The superblock last: an interrupted mkfs leaves nothing mountable.
    return let(blockBitmap, a -> let(inodeBitmap, b -> let(inodeTable,
        c -> let(tx.write(0, Layout.encodeSuper(sb)), d -> Code.ok(0)))));
  }

  /**
   * The bytes {@link #mkfs} leaves on a device of {@code size} bytes (whole blocks; the rest zero), as
   * a userspace mkfs writes them through the block device file. Null when mkfs would refuse (fewer
   * than 16 blocks).
   */
  public static byte[] image(long size) {
    byte[] img = IMAGES.computeIfAbsent(size, Ext4Lite::makeImage);
    return img == null ? null : img.clone();
  }

  /** Images by size: a pure function of it, made once (scenarios format the same image every iteration). */
  private static final java.util.concurrent.ConcurrentHashMap<Long, byte[]> IMAGES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static byte[] makeImage(long size) {
    long blocks = size / Layout.BLOCK;
    if (blocks < Layout.MIN_BLOCKS || size > Integer.MAX_VALUE) {
      return null;
    }
    Superblock sb = Layout.geometry((int) blocks);
    byte[] img = new byte[(int) size];
    for (int i = 0; i < sb.blockBitmapBlocks(); i++) {
      put(img, sb.blockBitmapStart() + i, bitmap(i, sb.dataStart(), sb.totalBlocks()));
    }
    for (int i = 0; i < sb.inodeBitmapBlocks(); i++) {
      put(img, sb.inodeBitmapStart() + i, bitmap(i, Layout.ROOT_INODE + 1, sb.inodeCount()));
    }
    byte[] b = new byte[Layout.BLOCK];
    Inode root = new Inode();
    root.mode = Layout.MODE_DIR;
    root.links = 2;
    Layout.encodeInode(b, Layout.ROOT_INODE, root);
    put(img, sb.inodeTableStart() + Layout.ROOT_INODE / Layout.INODES_PER_BLOCK, b);
    put(img, 0, Layout.encodeSuper(sb));
    return img;
  }

  private static void put(byte[] img, int block, byte[] data) {
    System.arraycopy(data, 0, img, block * Layout.BLOCK, Layout.BLOCK);
  }

  /** Bitmap block {@code i} with the bits below {@code usedBelow} and from {@code end} on set. */
  private static byte[] bitmap(int i, int usedBelow, int end) {
    byte[] b = new byte[Layout.BLOCK];
    for (int j = 0; j < Layout.BITS_PER_BLOCK; j++) {
      long index = (long) i * Layout.BITS_PER_BLOCK + j;
      if (index < usedBelow || index >= end) {
        Layout.setBit(b, j, true);
      }
    }
    return b;
  }

  /**
   * Reads and checks the superblock: {@code Ok(0, Superblock)}; EINVAL for a wrong block size, bad
   * magic, version, checksum or geometry, or a filesystem larger than the device; EIO from the device.
   */
  public static Code readSuper(BlockDevice dev) {
    if (dev.blockSize() != Layout.BLOCK) {
      return Code.err(Errno.EINVAL);
    }
    return Code.then(dev.readBlock(0), ok -> {
      Superblock sb = ok.data() instanceof byte[] d ? Layout.decodeSuper(d) : null;
      if (sb == null || sb.totalBlocks() > dev.numBlocks()) {
        return Code.err(Errno.EINVAL);
      }
      return Code.done(SysResult.ok(0, sb));
    });
  }

  /**
   * Mounts the filesystem on {@code dev}: reads the superblock inside the no-preempt region
   * {@code "ext4 mount"}, then asks {@code host} to spawn the filesystem's actor. Ends in
   * {@code Ok(0, Ext4)}, or the errors of {@link #readSuper}. Mounting reads only; it writes nothing,
   * read-only or not.
   */
  public static Code mount(ActorRef<Ext4Host.Command> host, BlockDevice dev, boolean readOnly) {
    return Code.noPreempt("ext4 mount", () -> readSuper(dev), v -> v instanceof SysResult.Ok ok
            && ok.data() instanceof Superblock sb
        ? Code.call(host, r -> new Ext4Host.Spawn(sb, dev, readOnly, r), "ext4 mount", Code::done)
        : Code.done(v));
  }
}
