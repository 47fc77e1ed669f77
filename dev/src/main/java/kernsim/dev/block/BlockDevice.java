package kernsim.dev.block;

import kernsim.dev.code.Code;

/**
 * What a block filesystem runs on: {@code ax_driver}'s {@code BlockDriverOps} as kernel code. Every
 * operation is {@link Code} that a hart runs, usually inside the filesystem's no-preempt region.
 *
 * <p>What a device's filesystem needs beyond the blocks is here too: {@link #persist} after its fsync,
 * {@link #release} when it lets go; where a device comes from is {@link BlockDeviceNode}'s.
 *
 * <p>Results: {@code readBlock} ends in {@code SysResult.Ok(blockSize, byte[])}, {@code writeBlock} and
 * {@code flush} in {@code SysResult.Ok(0)}; a failure ends in {@code SysResult.Err(EIO)} (the source's
 * {@code DevError::Io}).
 */
public interface BlockDevice {
  int blockSize();

  long numBlocks();

  /** Reads block {@code blockId} (one region at the data's owner). */
  Code readBlock(long blockId);

  /** Writes {@code data} (exactly one block) at {@code blockId}. */
  Code writeBlock(long blockId, byte[] data);

  /** Flushes the device; the starry loop adapter's is deliberately a no-op. */
  Code flush();

  /**
   * What a filesystem's fsync adds after its operation, outside its no-preempt region: by default
   * nothing ({@code Ok(0)}). A loop device under the linux profile writes its page cache back.
   */
  default Code persist() {
    return Code.ok(0);
  }

  /**
   * The filesystem is done with the device (umount, or a failed mount): by default nothing
   * ({@code Ok(0)}). A loop device's adapter is dropped (the source's {@code Drop}: {@code mounted}
   * back to false, and under linux the page cache's sync and the mount's claim released). Once only.
   */
  default Code release() {
    return Code.ok(0);
  }
}
