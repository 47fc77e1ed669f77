package kernsim.dev.loop;

import java.util.function.LongFunction;
import kernsim.dev.code.Code;

/**
 * A loop driver: the code behind every entry point of {@code /dev/loopN}, as one profile has it.
 * {@link StarryLoop} is starry-kernel's ({@code starry-loop-device.rs}), {@link LinuxLoop} Linux 6.x's
 * ({@code drivers/block/loop.c} with the block layer around it). {@link LoopIoctls} picks one when the
 * device's code is made (at boot, from the semantics' profile) and hands every call to it, so neither
 * driver asks which profile it is. The write-back of a page cache to the backing file, which both
 * drivers do, is {@link Writeback}'s.
 *
 * <p>Results are {@code SysResult}s as {@link LoopIoctls} documents them.
 */
interface LoopDriver {
  /** An ioctl the driver knows by name; {@code exclusiveFd}: the ioctl's fd was opened O_EXCL. */
  Code ioctl(LoopIoctl command, IoctlArg arg, boolean exclusiveFd);

  /** An ioctl number neither the driver nor the block layer knows: ENOTTY (starry) or EINVAL (Linux). */
  Code unknownIoctl();

  Code open(boolean exclusive);

  Code close(boolean exclusive);

  /** {@code read_at} of the device file: ends in {@code Ok(n, bytes)}. */
  Code readAt(long offset, int length);

  Code writeAt(long offset, byte[] data);

  /** A userspace mkfs through the device file ({@link LoopIoctls#format}). */
  Code format(LongFunction<byte[]> image);

  /** fsync/fdatasync of the device file. */
  Code fsync();

  /** {@code as_dyn_block_device} / {@code mount_bdev}: ends in {@code Ok(0, LoopBlockDevice)}. */
  Code asDynBlockDevice();

  /** The write-back the mount stores for after umount ({@code flush_cache_to_file}). */
  Code flushCacheToFile();

  /** What the block adapter's drop does after {@code mounted = false}: ends in {@code Ok(0)}. */
  Code afterAdapterDrop();

  /** What a filesystem's fsync adds after its own flush ({@link kernsim.dev.block.BlockDevice#persist}). */
  Code persistFromFs();

  /**
   * A block adapter's read of its cache ({@code read_block}): starry's cache holds every chunk; the linux
   * page cache fills a page it does not hold from the backing file first. {@code Ok(length, byte[])} or EIO.
   */
  default Code cacheRead(CacheRef cd, long byteOffset, int length, String what) {
    return CacheData.readBlock(cd, byteOffset, length, what);
  }

  /** A block adapter's write into its cache ({@code write_block}), as {@link #cacheRead}: {@code Ok(0)} or EIO. */
  default Code cacheWrite(CacheRef cd, long blockId, long byteOffset, byte[] data, String what,
      java.util.function.Function<kernsim.dev.SysResult, Code> then) {
    return CacheData.writeBlock(cd, blockId, byteOffset, data, what, then);
  }
}
