package kernsim.cpu;

import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import java.util.function.Function;
import kernsim.dev.block.BlockDeviceNode;
import kernsim.dev.code.Code;
import kernsim.dev.loop.IoctlArg;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopControlCalls;
import kernsim.dev.loop.LoopIoctls;
import kernsim.fs.file.FileKind;
import kernsim.fs.file.DeviceNode;
import kernsim.fs.file.FileOps;
import kernsim.fs.file.Uapi;

/**
 * The kernel's device nodes ({@link DeviceNode}s: what {@code /dev/loopN}, {@code /dev/loop-control}
 * and {@code /sys/block/loopN/loop/backing_file} name) and the open files they give. A node renders as
 * the handle it wraps, so event logs show {@code LoopIoctls(loopN)} as before.
 */
public final class DeviceFiles {
  private DeviceFiles() {}

  /** {@code /dev/loopN}: opens as a {@link Loop} (O_EXCL: an exclusive open); the block device ext4 mounts. */
  public static final class LoopNode implements DeviceNode {
    private final LoopIoctls loop;

    public LoopNode(LoopIoctls loop) {
      this.loop = java.util.Objects.requireNonNull(loop, "loop");
    }

    @Override
    public FileOps open(int flags) {
      return new Loop(loop, (flags & Uapi.O_EXCL) != 0);
    }

    @Override
    public BlockDeviceNode block() {
      return loop;
    }

    @Override
    public String toString() {
      return loop.toString();
    }
  }

  /**
   * {@code /dev/loop-control}: opens as a {@link LoopControlFile}; {@code devtmpfs} makes the node of a
   * device LOOP_CTL_ADD or GET_FREE creates, {@code removed} takes a removed device's nodes away (linux).
   */
  public static final class LoopControlNode implements DeviceNode {
    private final LoopControlCalls control;
    private final Function<LoopControl.Added, Code> devtmpfs;
    private final java.util.function.IntFunction<Code> removed;

    public LoopControlNode(LoopControlCalls control, Function<LoopControl.Added, Code> devtmpfs,
        java.util.function.IntFunction<Code> removed) {
      this.control = java.util.Objects.requireNonNull(control, "control");
      this.devtmpfs = java.util.Objects.requireNonNull(devtmpfs, "devtmpfs");
      this.removed = java.util.Objects.requireNonNull(removed, "removed");
    }

    @Override
    public FileOps open(int flags) {
      return new LoopControlFile(control, devtmpfs, removed);
    }

    @Override
    public String toString() {
      return "LoopControlCalls";
    }
  }

  /**
   * An open {@code /dev/loopN}: I/O goes through the device to its backing file (the source's
   * {@code DeviceOps::read_at/write_at}); opening and closing follow its exclusive-open rules.
   */
  public record Loop(LoopIoctls loop, boolean exclusive) implements FileOps {
    @Override
    public FileKind kind() {
      return FileKind.BLOCK_DEVICE;
    }

    @Override
    public String id() {
      return "loop" + loop.number();
    }

    @Override
    public Code readAt(long offset, int length) {
      return loop.readAt(offset, length);
    }

    @Override
    public Code writeAt(long offset, byte[] data) {
      return loop.writeAt(offset, data);
    }

    @Override
    public Code length() {
      return loop.blkGetSize(true);
    }

    @Override
    public Code open() {
      return loop.open(exclusive);
    }

    /** fsync/fdatasync: under linux {@code blkdev_fsync}; starry has none (0). */
    @Override
    public Code sync(boolean dataOnly) {
      return loop.fsync();
    }

    @Override
    public Code release() {
      return loop.close(exclusive);
    }

    @Override
    public Code ioctl(int number, IoctlArg arg) {
      return loop.ioctl(number, arg, exclusive);
    }
  }

  /** An open {@code /dev/loop-control}: ioctls only. */
  public record LoopControlFile(LoopControlCalls control, Function<LoopControl.Added, Code> devtmpfs,
      java.util.function.IntFunction<Code> removed) implements FileOps {
    @Override
    public FileKind kind() {
      return FileKind.CHAR_DEVICE;
    }

    @Override
    public String id() {
      return "loop-control";
    }

    /**
     * loop-control takes a plain integer; an fd- or struct-typed argument is no command of its: ENOTTY.
     * A device ADD or GET_FREE made gets its node before the call returns (devtmpfs, in loop_add). Under
     * linux a device LOOP_CTL_REMOVE removed loses its nodes before the call returns ({@code del_gendisk}:
     * devtmpfs and sysfs), so an ADD of its index makes them again.
     */
    @Override
    public Code ioctl(int number, IoctlArg arg) {
      if (!(arg instanceof IoctlArg.Int) && arg != IoctlArg.none()) {
        return Code.err(Errno.ENOTTY);
      }
      long value = arg instanceof IoctlArg.Int i ? i.value() : 0;
      return Code.bind(control.ioctl(number, value), r -> {
        if (r instanceof SysResult.Ok ok && ok.data() instanceof LoopControl.Added a) {
          return Code.bind(a.fresh() || control.linux() ? devtmpfs.apply(a) : Code.ok(0), x -> Code.ok(a.index()));
        }
        if (r instanceof SysResult.Ok && number == LoopControl.LOOP_CTL_REMOVE && control.linux()) {
          return Code.bind(removed.apply((int) value), x -> Code.done(r));
        }
        return Code.done(r);
      });
    }
  }
  /**
   * {@code /sys/block/loopN/loop/backing_file}, Linux's sysfs attribute (both profiles: starry has no
   * sysfs, and Monogon's {@code BackingFilePath} reads it): the bound file's path and a newline, read
   * under the device's {@code lo_lock} when the read runs. The {@code loop/} group exists only while a
   * file is bound, so opening it for an unbound device is ENOENT; reading an attribute whose group went
   * away since the open is ENODEV (kernfs). Reports a size of 4096, as sysfs does.
   */
  public record LoopBackingFileAttr(LoopIoctls loop) implements FileOps, DeviceNode {
    /** The attribute is its own open file (it keeps no per-open state). */
    @Override
    public FileOps open(int flags) {
      return this;
    }

    @Override
    public FileKind kind() {
      return FileKind.REGULAR;
    }

    @Override
    public String id() {
      return "sysfs:loop" + loop.number() + ":backing_file";
    }

    @Override
    public Code open() {
      return Code.bind(loop.backingFilePath(), r -> r instanceof SysResult.Ok ? Code.ok(0) : Code.done(r));
    }

    @Override
    public Code readAt(long offset, int length) {
      return Code.bind(loop.backingFilePath(), r -> {
        if (!(r instanceof SysResult.Ok ok && ok.data() instanceof String path)) {
          return Code.err(Errno.ENODEV); // LoopIoctls.backingFilePath: Ok(length, the path) or an errno
        }
        byte[] all = path.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int from = (int) Math.min(offset, all.length);
        byte[] part = java.util.Arrays.copyOfRange(all, from, (int) Math.min(all.length, from + (long) length));
        return Code.done(SysResult.ok(part.length, part));
      });
    }

    @Override
    public Code writeAt(long offset, byte[] data) {
      return Code.err(Errno.EACCES); // mode 0444
    }

    @Override
    public Code length() {
      return Code.ok(4096);
    }
  }
}
