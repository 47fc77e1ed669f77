package kernsim.cpu;

import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.loop.LoopControlCalls;
import kernsim.dev.loop.LoopIoctls;
import kernsim.fs.file.FileKind;
import kernsim.fs.file.FileOps;

/** Device nodes as open files: what {@code open("/dev/loop0")} and {@code /dev/loop-control} give. */
public final class DeviceFiles {
  private DeviceFiles() {}

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
  }

  /** An open {@code /dev/loop-control}: ioctls only. */
  public record LoopControlFile(LoopControlCalls control) implements FileOps {
    @Override
    public FileKind kind() {
      return FileKind.CHAR_DEVICE;
    }

    @Override
    public String id() {
      return "loop-control";
    }
  }
  /**
   * {@code /sys/block/loopN/loop/backing_file}, Linux's sysfs attribute (both profiles: starry has no
   * sysfs, and Monogon's {@code BackingFilePath} reads it): the bound file's path and a newline, read
   * under the device's {@code lo_lock} when the read runs. The {@code loop/} group exists only while a
   * file is bound, so opening it for an unbound device is ENOENT; reading an attribute whose group went
   * away since the open is ENODEV (kernfs). Reports a size of 4096, as sysfs does.
   */
  public record LoopBackingFileAttr(LoopIoctls loop) implements FileOps {
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
