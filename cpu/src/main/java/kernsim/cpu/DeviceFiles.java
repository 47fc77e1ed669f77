package kernsim.cpu;

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
}
