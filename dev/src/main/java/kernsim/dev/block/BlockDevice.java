package kernsim.dev.block;

import kernsim.dev.code.Code;

/**
 * What a block filesystem runs on: {@code ax_driver}'s {@code BlockDriverOps} as kernel code. Every
 * operation is {@link Code} that a hart runs, usually inside the filesystem's no-preempt region.
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
}
