package kernsim.dev.loop;

import java.util.Arrays;

/**
 * Observations the loop stack emits ({@code World.emit}) for oracles. Devices are named {@code loopN},
 * caches {@code loopN#g} ({@link CacheRef#id}), backing files by their actor key. Each record says who
 * emits it and when, because oracles order them against each other:
 *
 * <ul>
 *   <li>actor-side events ({@link BlockWritten}, {@link CacheInstalled}, {@link CacheCleared},
 *       {@link FileBound}, {@link FileUnbound}) are emitted inside the region that makes the change, so
 *       they are ordered exactly as the changes are;
 *   <li>hart-side events ({@link WriteBlockAcked}, {@link AdapterCreated}, {@link AdapterDropped},
 *       {@link PersistReturned}, {@link BackingWrite}) are emitted by the code a hart runs, at the
 *       point the source returns or issues the I/O.
 * </ul>
 *
 * Byte arrays are copies; do not mutate them.
 */
public final class LoopEvents {
  private LoopEvents() {}

  /** CacheData: write_block's copy landed in {@code cache} (dirty is now set). */
  public record BlockWritten(String device, String cache, long blockId, byte[] data) {
    @Override
    public String toString() {
      return "BlockWritten(" + cache + ", block " + blockId + ", " + data.length + " bytes)";
    }
  }

  /**
   * Hart (linux): a write of the device file ({@code blkdev_write_iter}) put {@code data} at byte
   * {@code offset} into the device's page cache and returned it as written. Emitted as the write returns.
   */
  public record DeviceWritten(String device, long offset, byte[] data) {
    @Override
    public String toString() {
      return "DeviceWritten(" + device + ", offset " + offset + ", " + data.length + " bytes)";
    }
  }

  /**
   * Hart: {@code call} returned to its caller the error the cache's write-back met on {@code device}
   * (linux: fsync's and fdatasync's EIO; BLKFLSBUF and the last close swallow it; starry: BLKFLSBUF's,
   * LOOP_CLR_FD's, mount's and umount2's EIO).
   */
  public record WritebackErrorReported(String device, String call) {}

  /**
   * The device's write-back ({@code writeback_buffer}) met an I/O error at its backing file {@code file}:
   * a write or the closing sync failed ({@code op}: {@code write}, {@code sync}). The errseq oracle
   * follows it to a {@link WritebackErrorReported} (docs/faults.md).
   */
  public record WritebackFailed(String device, String file, String op) {}

  /** Hart: {@code write_block} returned success to its caller, for {@code cache} of {@code device}. */
  public record WriteBlockAcked(String device, String cache, long blockId, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof WriteBlockAcked w && device.equals(w.device) && cache.equals(w.cache)
          && blockId == w.blockId && Arrays.equals(data, w.data);
    }

    @Override
    public int hashCode() {
      return (device.hashCode() * 31 + cache.hashCode()) * 31 + Long.hashCode(blockId);
    }

    @Override
    public String toString() {
      return "WriteBlockAcked(" + cache + ", block " + blockId + ", " + data.length + " bytes)";
    }
  }

  /** LoopDevice: {@code cache} became the device's current cache (as_dyn_block_device's third step). */
  public record CacheInstalled(String device, String cache, int totalLen) {}

  /** LoopDevice: the device's cache slot was emptied; it held {@code cache}. */
  public record CacheCleared(String device, String cache) {}

  /** Hart: a block adapter over {@code cache} was created ({@code mounted} stored true). */
  public record AdapterCreated(String device, String cache, boolean ro) {}

  /** Hart: the adapter over {@code cache} was dropped ({@code mounted} stored false). */
  public record AdapterDropped(String device, String cache) {}

  /** LoopDevice: {@code file} was bound (LOOP_SET_FD / LOOP_CONFIGURE stored it under the file lock). */
  public record FileBound(String device, String file, String path, boolean readOnlyOpen) {}

  /** LoopDevice: the backing file was unbound (LOOP_CLR_FD). */
  public record FileUnbound(String device, String file) {}

  /**
   * LoopDevice (linux): {@code __loop_clr_fd} tore the device down while {@code others} openers or mounts
   * that are not the tearing-down call's own held it (0 when nobody else did). The {@code detach} oracle
   * fails on {@code others > 0}.
   */
  public record TornDown(String device, int others) {}

  /**
   * Hart (linux): a release that decided to detach the device (autoclear at the last close) is done: a
   * {@code close} returns to its caller at this step, an umount ({@code call} umount-writeback) has let go of
   * the device. The {@code detach} oracle fails if the device still has its backing file at this step.
   */
  public record DetachReturned(String device, String call) {}

  /**
   * Hart: a call the source promises persists the cache returned success. {@code call} is
   * {@code BLKFLSBUF}, {@code LOOP_CLR_FD} or {@code umount-writeback}; {@code cache} is the cache it
   * found current (null if none), {@code file} the backing file it held (null if none), {@code wroteBack}
   * whether it actually wrote back (the cache was dirty).
   */
  public record PersistReturned(String device, String call, String cache, String file, boolean wroteBack) {}

  /**
   * Hart: a write is being sent to backing file {@code file} through {@code device} ({@code via}:
   * {@code write_at} or {@code writeback}). {@code readOnlyOpen}: the file was bound from an
   * {@code O_RDONLY} fd, so this write should never happen (the read-only oracle fails on it).
   */
  public record BackingWrite(String device, String file, long offset, int length, boolean readOnlyOpen, String via) {}

  /** CacheData: {@code mounted} was stored on {@code cache}. */
  public record MountedStored(String device, String cache, boolean mounted) {}

  /** LoopDevice: {@code ro} was stored (set_lo_flags' second store, or BLKROSET through it). */
  public record RoStored(String device, boolean ro) {}
}
