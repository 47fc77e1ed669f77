package kernsim.dev.file;

import java.util.Objects;
import java.util.function.Function;
import kernsim.actors.Keys;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a loop device keeps of its backing file: the source's {@code FileBackend}
 * ({@code file.inner().backend()}), whatever kind of {@code File} the fd was. Each operation is kernel
 * code the calling hart runs: for a tmpfs file ({@link #of(ActorRef)}) one sleeping region at the file's
 * actor, as before; for a file on ext4 the filesystem's operation (its lock, block I/O inside its
 * no-preempt region); for a device node the device's own {@code read_at}/{@code write_at}. {@code fs}
 * makes the latter two from its open files.
 *
 * <p>Observations: a file actor reports its own writes and its durable image ({@link BackingFile.Synced}).
 * A backend that is no file actor ({@link #reportsItself()} false) reports, in the hart's step that ends
 * each successful operation, a {@link Wrote} for a write and a {@link BackingFile.Synced} with a null image
 * for a sync, so the oracles that follow what reaches a backing file (durability, client-data,
 * silent-loss) follow such a file from what was written to it through its backends.
 */
public interface FileBackend {
  /** What {@code S_IFMT} the file has: the linux profile binds only regular files and block devices. */
  enum Kind {
    REGULAR,
    BLOCK_DEVICE,
    CHAR_DEVICE
  }

  /**
   * Observation: {@code data} was written at {@code offset} of {@code file} (a backend's key) through a
   * backend that is no file actor.
   */
  record Wrote(String file, long offset, byte[] data) {
    @Override
    public String toString() {
      return "Wrote(" + file + ", offset=" + offset + ", bytes=" + data.length + ")";
    }
  }

  /** The file's name in observations: a file actor's key, {@code ext4:<fs>:<ino>}, {@code loopN}. */
  String key();

  Kind kind();

  /** The loop device number this file is the node of, or -1. */
  default int loopDevice() {
    return -1;
  }

  /** The loop device this file is the node of (linux's {@code loop_validate_file} walks it), or null. */
  default ActorRef<kernsim.dev.loop.LoopDevice.Command> loopDeviceRef() {
    return null;
  }

  /** Whether the file's owner emits its writes and durable images itself (a file actor does). */
  default boolean reportsItself() {
    return false;
  }

  /** {@code read_at}: continues with {@code Ok(n, byte[])} or an errno. */
  Code readAt(long offset, int length, Function<SysResult, Code> then);

  /** {@code write_at}, named for the path that writes: continues with {@code Ok(n)} or an errno. */
  Code writeAt(long offset, byte[] data, String what, Function<SysResult, Code> then);

  /** {@code sync(true)}: continues with {@code Ok(0)} or an errno. */
  Code sync(Function<SysResult, Code> then);

  /** {@code location().len()}: continues with {@code Ok(length)} or an errno. */
  Code length(Function<SysResult, Code> then);

  /** A tmpfs file (a file actor speaking {@link BackingFile}'s protocol). */
  static FileBackend of(ActorRef<BackingFile.Command> ref) {
    return new Actor(ref);
  }

  /**
   * A file actor as a backend: one sleeping region per operation ({@link BackingFile}'s helpers). It
   * renders as the actor's key, as the reference it replaced did, so event logs are unchanged.
   */
  final class Actor implements FileBackend {
    private final ActorRef<BackingFile.Command> ref;

    Actor(ActorRef<BackingFile.Command> ref) {
      this.ref = Objects.requireNonNull(ref, "ref");
    }

    public ActorRef<BackingFile.Command> ref() {
      return ref;
    }

    @Override
    public String key() {
      return Keys.of(ref);
    }

    @Override
    public Kind kind() {
      return Kind.REGULAR;
    }

    @Override
    public boolean reportsItself() {
      return true;
    }

    @Override
    public Code readAt(long offset, int length, Function<SysResult, Code> then) {
      return BackingFile.readAt(ref, offset, length, then);
    }

    @Override
    public Code writeAt(long offset, byte[] data, String what, Function<SysResult, Code> then) {
      return BackingFile.writeAt(ref, offset, data, what, then);
    }

    @Override
    public Code sync(Function<SysResult, Code> then) {
      return BackingFile.sync(ref, then);
    }

    @Override
    public Code length(Function<SysResult, Code> then) {
      return BackingFile.length(ref, then);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Actor a && a.ref.equals(ref);
    }

    @Override
    public int hashCode() {
      return key().hashCode();
    }

    @Override
    public String toString() {
      return Keys.of(ref);
    }
  }
}
