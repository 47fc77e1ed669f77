package kernsim.fs.vfs;

import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import java.util.function.Function;
import java.util.function.LongFunction;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.block.BlockDeviceNode;
import kernsim.dev.code.Code;
import kernsim.fs.file.DeviceNode;
import kernsim.fs.file.FileOps;
import kernsim.dev.file.BackingFile;
import kernsim.fs.memfs.MemFs;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A stand-in for ext4 on a loop device: the device node names a backing file directly; the
 * "filesystem" is a fresh MemFs typed "ext4" (a {@link TrackedFs}, so its release is observed), and the
 * write-back callback syncs the backing file (what {@code flush_cache_to_file} ends in), so its EIO can
 * be injected with the file's faults.
 */
record FakeExt4() implements BlockFsDriver {
  /** The stand-in loop device's node: a block device that is just its backing file. */
  record FileNode(ActorRef<BackingFile.Command> file) implements DeviceNode, BlockDeviceNode {
    @Override
    public FileOps open(int flags) {
      return null;
    }

    @Override
    public BlockDeviceNode block() {
      return this;
    }

    @Override
    public Code openBlockDevice(Function<BlockDevice, Code> then) {
      throw new UnsupportedOperationException("FakeExt4 mounts the file itself");
    }

    @Override
    public Code writeback() {
      return Code.sleepingCall(file, BackingFile.Sync::new, "flush_cache_to_file", Code::done);
    }

    @Override
    public Code flushBuffers() {
      throw new UnsupportedOperationException("no buffers");
    }

    @Override
    public Code format(LongFunction<byte[]> image) {
      throw new UnsupportedOperationException("no mkfs");
    }
  }

  @Override
  public Code mount(BlockDeviceNode device, boolean readonly, ActorRef<MountTable.Command> table) {
    if (!(device instanceof FileNode node)) {
      return Code.err(Errno.ENODEV); // not a loop device
    }
    return Code.then(
        MountTable.spawn(table,
            (ctx, w, name) -> new TrackedFs(new TmpFs("ext4", ctx.spawn(MemFs.create(w), name)), w, name)),
        ok -> Code.done(SysResult.ok(0, new Mounted((FileSystem) ok.data(),
            node::writeback))));
  }
}
