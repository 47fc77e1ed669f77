package kernsim.fs.file;

import java.util.Objects;
import java.util.function.Function;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.FileBackend;

/**
 * The backend a loop device binds from an open file ({@code file.inner().backend()} in the source): a
 * tmpfs file's actor as it is, any other {@code File} (a regular file on ext4, a device node) through its
 * {@link FileOps}, so the device's reads and writes run that file's own kernel code on the calling hart
 * (ext4's operation under its lock; another loop device's {@code read_at}/{@code write_at}).
 */
public final class FileBackends {
  private FileBackends() {}

  /**
   * What LOOP_SET_FD and LOOP_CONFIGURE bind for {@code ops}, or null when it is no {@code File} in the
   * source's sense (a directory, a pipe, a memfd, an anon inode: the downcast fails, EINVAL).
   * {@code loopDevice} is the device number when {@code ops} is a loop device's open node, else -1.
   */
  public static FileBackend of(FileOps ops, int loopDevice) {
    return of(ops, loopDevice, null);
  }

  /** {@link #of(FileOps, int)}, with the loop device's actor when {@code ops} is its open node. */
  public static FileBackend of(FileOps ops, int loopDevice,
      org.apache.pekko.actor.typed.ActorRef<kernsim.dev.loop.LoopDevice.Command> device) {
    if (ops instanceof RamFile.Ops r) {
      return FileBackend.of(r.ref());
    }
    FileBackend.Kind kind = switch (ops.kind()) {
      case REGULAR -> FileBackend.Kind.REGULAR;
      case BLOCK_DEVICE -> FileBackend.Kind.BLOCK_DEVICE;
      case CHAR_DEVICE -> FileBackend.Kind.CHAR_DEVICE;
      case DIRECTORY, PIPE, MEMFD, ANON -> null;
    };
    return kind == null ? null : new Ops(ops, kind, loopDevice, device);
  }

  /**
   * A {@code File} that is no file actor, as a backend: each operation is the open file's own code.
   * Renders as its key ({@code ext4:<fs>:<ino>}, {@code loopN}).
   */
  static final class Ops implements FileBackend {
    private final FileOps ops;
    private final Kind kind;
    private final int loopDevice;
    private final org.apache.pekko.actor.typed.ActorRef<kernsim.dev.loop.LoopDevice.Command> device;

    Ops(FileOps ops, Kind kind, int loopDevice,
        org.apache.pekko.actor.typed.ActorRef<kernsim.dev.loop.LoopDevice.Command> device) {
      this.ops = Objects.requireNonNull(ops, "ops");
      this.kind = kind;
      this.loopDevice = loopDevice;
      this.device = device;
    }

    @Override
    public org.apache.pekko.actor.typed.ActorRef<kernsim.dev.loop.LoopDevice.Command> loopDeviceRef() {
      return device;
    }

    @Override
    public String key() {
      return ops.id();
    }

    @Override
    public Kind kind() {
      return kind;
    }

    @Override
    public int loopDevice() {
      return loopDevice;
    }

    @Override
    public Code readAt(long offset, int length, Function<SysResult, Code> then) {
      return Code.bind(ops.readAt(offset, length), v -> then.apply((SysResult) v));
    }

    @Override
    public Code writeAt(long offset, byte[] data, String what, Function<SysResult, Code> then) {
      return Code.bind(ops.writeAt(offset, data), v -> then.apply((SysResult) v));
    }

    @Override
    public Code sync(Function<SysResult, Code> then) {
      return Code.bind(ops.sync(true), v -> then.apply((SysResult) v));
    }

    /** A device node's length is what BLKGETSIZE64 answers ({@code Ok(0, bytes)}), as its size. */
    @Override
    public Code length(Function<SysResult, Code> then) {
      return Code.bind(ops.length(), v -> then.apply(
          v instanceof SysResult.Ok ok && ok.data() instanceof Long bytes ? SysResult.ok(bytes) : (SysResult) v));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ops x && x.ops.equals(ops);
    }

    @Override
    public int hashCode() {
      return key().hashCode(); // not the ops': their devices hash by identity
    }

    @Override
    public String toString() {
      return key();
    }
  }
}
