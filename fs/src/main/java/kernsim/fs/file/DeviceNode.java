package kernsim.fs.file;

import kernsim.dev.block.BlockDeviceNode;

/**
 * What a device node in a filesystem names (the handle {@code mknod} was given, or the boot state
 * placed): the object open(2) of it gives, and, for a block device, the device a block filesystem
 * mounts. The cpu module makes them for its devices ({@code cpu.DeviceFiles}); the file syscalls and
 * {@code mount} use only this, never the device's class.
 */
public interface DeviceNode {
  /** The open file an open(2) of the node with {@code flags} gives; null when it cannot be opened (ENXIO). */
  FileOps open(int flags);

  /** The block device the node is, for {@code mount -t ext4} and mkfs; null when it is not one. */
  default BlockDeviceNode block() {
    return null;
  }
}
