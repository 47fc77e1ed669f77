package kernsim.fs.vfs;

import java.util.function.Supplier;
import kernsim.dev.block.BlockDeviceNode;
import kernsim.dev.code.Code;
import kernsim.fs.file.DeviceNode;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The block filesystem behind {@code mount -t ext4} ({@code mount_ext4} between resolving the source
 * and resolving the target). The ext4 and loop modules implement it; the VFS runs it with
 * {@code FS_CONTEXT} held, as the source does.
 */
public interface BlockFsDriver {
  /**
   * A mounted filesystem and the write-back callback the source stores in the mount root's
   * {@code user_data} ({@code LoopDevice::flush_cache_to_file}); {@code writeback} is null for none.
   * {@code sys_umount2} runs it after the unmount and returns its error.
   */
  record Mounted(FileSystem fs, Supplier<Code> writeback) {}

  /**
   * From the source path's block device ({@code device}: its node's {@link DeviceNode#block}, null when
   * the node is no block device) to a filesystem: the device check ({@code ENODEV} when it is not one),
   * {@code block_handle()} (its error as is),
   * then {@code new_filesystem_from_handle} ({@code EIO} when it fails). Code ending in
   * {@code Ok(0, Mounted)} or {@code Err}. Actors it needs (an fs actor) it can have the mount table
   * spawn with {@link MountTable#spawn}.
   */
  Code mount(BlockDeviceNode device, boolean readonly, ActorRef<MountTable.Command> table);
}
