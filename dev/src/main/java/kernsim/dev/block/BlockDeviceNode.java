package kernsim.dev.block;

import java.util.function.Function;
import java.util.function.LongFunction;
import kernsim.dev.code.Code;

/**
 * A block device's node ({@code /dev/loopN}) as a block filesystem and mkfs reach it: the device's
 * driver side, without its concrete classes. The loop device's code ({@code dev.loop.LoopIoctls})
 * implements it. Every operation is {@link Code}; results are {@code SysResult}s.
 */
public interface BlockDeviceNode {
  /**
   * {@code block_handle()}: a {@link BlockDevice} a filesystem can run on (the loop device's
   * {@code as_dyn_block_device}, or Linux's {@code mount_bdev}), then {@code then} of it; its errno as
   * is when there is none (ENXIO unbound, EBUSY already mounted, EIO a failed write-back). The device
   * is the caller's to {@link BlockDevice#release} on every path once made.
   */
  Code openBlockDevice(Function<BlockDevice, Code> then);

  /**
   * The write-back the mount keeps for after umount (the source's {@code flush_cache_to_file}, stored
   * in the mount root's {@code user_data}): {@code Ok(0)} or EIO.
   */
  Code writeback();

  /** {@code BLKFLSBUF}: the device's buffers written back and the backing file synced. */
  Code flushBuffers();

  /**
   * A userspace mkfs through the device file: {@code image} (of the device's size; null: too small,
   * ENOSPC) written at offset 0, then synced.
   */
  Code format(LongFunction<byte[]> image);
}
