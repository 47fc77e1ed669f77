package kernsim.fs.ext4;

import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDeviceNode;
import kernsim.dev.code.Code;
import kernsim.fs.vfs.BlockFsDriver;
import kernsim.fs.vfs.FileSystem;
import kernsim.fs.vfs.MountTable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * ext4-lite on a block device node (a loop device's): the part of starry's {@code mount_ext4} between
 * resolving the source and resolving the target, as {@link kernsim.fs.vfs.Vfs} runs it with
 * {@code FS_CONTEXT} held. It knows the device by {@code dev.block} only.
 *
 * <ol>
 *   <li>the device node must be a block device (its {@code DeviceNode.block()}, what {@code /dev/loopN}
 *       is made with); anything else is {@code ENODEV} (the source's two downcasts);
 *   <li>{@code block_handle()}: {@link BlockDeviceNode#openBlockDevice}, its errno as is (ENXIO unbound,
 *       EBUSY already mounted, EIO write-back failure);
 *   <li>{@code new_filesystem_from_handle}: ext4-lite reads its superblock through the adapter inside
 *       the no-preempt region {@code "ext4 mount"}; a failure is EIO, and the device is released (the
 *       source drops the boxed handle on that {@code ?}), so {@code mounted} goes back to false;
 *   <li>the filesystem's actor is spawned by the mount table (kernel code cannot spawn).
 * </ol>
 *
 * It ends in {@code Ok(0, Mounted(Ext4FileSystem, writeback))}: the write-back callback
 * ({@code flush_cache_to_file}) the source stores in the mount root's {@code user_data}. The ext4
 * instance is read-write whatever {@code MS_RDONLY} says, as in the source: read-only is the mount's
 * flag ({@code mnt_want_write}), and a read-only loop device fails block writes with EIO in
 * {@code write_block}.
 */
public final class LoopExt4Driver implements BlockFsDriver {
  @Override
  public Code mount(BlockDeviceNode node, boolean readonly, ActorRef<MountTable.Command> table) {
    if (node == null) {
      return Code.err(Errno.ENODEV);
    }
    return node.openBlockDevice(dev -> Code.noPreempt("ext4 mount", () -> Ext4Lite.readSuper(dev), sb -> {
      if (!(sb instanceof SysResult.Ok ok) || !(ok.data() instanceof Superblock superblock)) {
        return Code.bind(dev.release(), x -> Code.err(Errno.EIO));
      }
      return MountTable.spawn(table, (ctx, world, name) -> new Ext4FileSystem(
              Ext4.handle(ctx.spawn(Ext4.create(world, superblock), name), dev, false)),
          fs -> Code.done(SysResult.ok(0, new Mounted(fs, node::writeback))));
    }));
  }

  /**
   * mkfs through the block cache (kernel-internal; userspace mkfs, the {@code mkfs.ext4} statement,
   * writes {@link Ext4Lite#image} through the device file instead, and a test checks both leave the same
   * bytes): take the block device ({@code as_dyn_block_device}, so EBUSY while mounted), write the
   * filesystem through it, release it, then {@code BLKFLSBUF} so the cache is written back and the
   * backing file synced (its durable image holds the filesystem). BLKFLSBUF rather than the umount
   * callback because it is the write-back userspace can ask for; it refuses a read-only device with EIO.
   * Ends in {@code Ok(0)} or the first error (the device is released on every path once made).
   */
  public static Code mkfs(BlockDeviceNode node) {
    return node.openBlockDevice(dev -> Code.bind(Ext4Lite.mkfs(dev),
        made -> Code.bind(dev.release(), released -> made instanceof SysResult.Ok ? node.flushBuffers() : Code.done(made))));
  }

  @Override
  public String toString() {
    return "LoopExt4Driver";
  }
}
