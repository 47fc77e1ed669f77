package kernsim.dev.loop;

import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Code;

/**
 * The source's {@code LoopBlockDevice}: the block adapter a filesystem mounted on a loop device runs on.
 * A plain object, like the source's boxed adapter: it holds its cache (the {@code Arc<CacheData>}), a
 * 512-byte block size and the {@code ro} captured when it was made. Its operations are {@link Code}
 * run by the filesystem's hart; each touches the cache in one region.
 *
 * <p>{@link #flush()} is deliberately a no-op, as in the source (ext4 calls it inside SpinNoPreempt).
 * Dropping the adapter is explicit ({@link #drop()}), since Java has no {@code Drop}.
 */
public final class LoopBlockDevice implements BlockDevice {
  public static final int BLOCK_SIZE = 512;

  private final World world;
  private final String device;
  private final CacheRef cache;
  private final boolean ro;
  /** The device's driver: what the drop and a filesystem's fsync add is its ({@link LoopDriver}). */
  private final LoopDriver driver;
  private boolean dropped;

  private LoopBlockDevice(World world, String device, CacheRef cache, boolean ro, LoopDriver driver) {
    this.world = world;
    this.device = device;
    this.cache = cache;
    this.ro = ro;
    this.driver = driver;
  }

  /**
   * {@code LoopBlockDevice::new}: stores {@code mounted = true} in the cache (one region), then the
   * adapter exists, over {@code cache} (starry's block cache, or the linux profile's page cache) of the
   * device {@code driver} drives. Ends in {@code Ok(0, adapter)}.
   */
  static Code create(World world, String device, CacheRef cache, boolean ro, LoopDriver driver) {
    return CacheData.storeMounted(cache, true, () -> {
      LoopBlockDevice dev = new LoopBlockDevice(world, device, cache, ro, driver);
      world.emit(new LoopEvents.AdapterCreated(device, cache.id(), ro));
      return Code.done(SysResult.ok(0, dev));
    });
  }

  /** {@code Drop}: stores {@code mounted = false} in the cache. Ends in {@code Ok(0)}. */
  @Override
  public Code release() {
    return drop();
  }

  /** {@code Drop}, as {@link #release}. */
  public Code drop() {
    if (dropped) {
      throw new IllegalStateException("adapter over " + cache.id() + " dropped twice");
    }
    dropped = true;
    // Reported as the drop begins: from here on the adapter does no more I/O, and once the store lands
    // another mount may create the next adapter before this hart runs again.
    world.emit(new LoopEvents.AdapterDropped(device, cache.id()));
    // Then the driver's part: nothing under starry; Linux's kill_block_super syncs the page cache and
    // releases the filesystem's claim (bdev_release; autoclear detaches at the last opener).
    return CacheData.storeMounted(cache, false, driver::afterAdapterDrop);
  }

  /**
   * What a filesystem's fsync does after its own flush: nothing under starry (its {@code flush()} is a
   * no-op); under linux {@code sync_blockdev}, the page cache written back (EIO if that fails).
   */
  @Override
  public Code persist() {
    return driver.persistFromFs();
  }

  public String device() {
    return device;
  }

  public CacheRef cache() {
    return cache;
  }

  public boolean readOnly() {
    return ro;
  }

  @Override
  public int blockSize() {
    return BLOCK_SIZE;
  }

  @Override
  public long numBlocks() {
    return cache.totalLen() / BLOCK_SIZE;
  }

  /** Whether {@code [byteOff, byteOff + len)} ends within total_len (the source's checked_add test). */
  private boolean inBounds(long blockId, int len) {
    if (blockId < 0 || blockId > Long.MAX_VALUE / BLOCK_SIZE) {
      return false; // the source's usize multiplication would wrap; no such offset is in bounds
    }
    long byteOff = blockId * BLOCK_SIZE;
    return byteOff <= Long.MAX_VALUE - len && byteOff + len <= cache.totalLen();
  }

  @Override
  public Code readBlock(long blockId) {
    if (!inBounds(blockId, BLOCK_SIZE)) {
      return Code.err(Errno.EIO);
    }
    long byteOff = blockId * BLOCK_SIZE;
    return Code.frame("read_block", driver.cacheRead(cache, byteOff, BLOCK_SIZE, "read_block"));
  }

  @Override
  public Code writeBlock(long blockId, byte[] data) {
    if (ro) {
      return Code.err(Errno.EIO);
    }
    if (!inBounds(blockId, data.length)) {
      return Code.err(Errno.EIO);
    }
    long byteOff = blockId * BLOCK_SIZE;
    byte[] copy = data.clone();
    return Code.frame("write_block", driver.cacheWrite(cache, blockId, byteOff, copy, "write_block", v -> {
      if (v instanceof SysResult.Ok) {
        world.emit(new LoopEvents.WriteBlockAcked(device, cache.id(), blockId, copy.clone()));
      }
      return Code.done(v);
    }));
  }

  /** Intentionally a no-op: the source's ext4 calls it inside SpinNoPreempt, where VFS I/O would sleep. */
  @Override
  public Code flush() {
    return Code.ok(0);
  }

  @Override
  public String toString() {
    return "LoopBlockDevice(" + cache.id() + (ro ? ", ro" : "") + ")";
  }
}
