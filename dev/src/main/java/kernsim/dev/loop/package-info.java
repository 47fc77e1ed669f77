/**
 * The loop device stack of starry-kernel ({@code shared/seeds/starry-loop-device.rs}), modelled lock
 * region by lock region.
 *
 * <ul>
 *   <li>{@link kernsim.dev.loop.LoopDevice}: one actor per {@code /dev/loopN}; owns the source's
 *       {@code LoopDevice} fields. Its two sleeping mutexes ({@code file}, {@code block_cache}) are
 *       {@link kernsim.dev.code.Mutex}es; its atomics are one message each.
 *   <li>{@link kernsim.dev.loop.CacheData}: one actor per cache instance (the source's
 *       {@code Arc<CacheData>}); owns the 4 KiB chunks and the {@code dirty}/{@code mounted} atomics.
 *   <li>{@link kernsim.dev.loop.LoopBlockDevice}: the block adapter a filesystem runs on.
 *   <li>{@link kernsim.dev.loop.LoopIoctls}: the device's code as {@link kernsim.dev.code.Code} a hart
 *       runs (the ioctls, open/close, read/write, {@code as_dyn_block_device},
 *       {@code flush_cache_to_file}), handed to the loop driver of the profile, chosen once:
 *       {@code StarryLoop} (the source) or {@code LinuxLoop} (Linux 6.x), both {@code LoopDriver}s,
 *       sharing {@code Writeback} ({@code writeback_buffer}, the backing file's reads into a cache).
 *   <li>{@link kernsim.dev.loop.LoopControl}: {@code /dev/loop-control} with Linux semantics.
 *   <li>{@link kernsim.dev.loop.LoopEvents}: the observations oracles read.
 * </ul>
 *
 * <p>The source is compiled with the {@code ext4} feature ON and for riscv64 (so {@code BLKPBSZGET} is
 * handled).
 */
package kernsim.dev.loop;
