package kernsim.dev.file;

import java.util.function.Function;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a loop device needs from its backing file. {@code fs} implements it for its files; every
 * request models sleeping VFS I/O, so kernel code sends them with {@code Code.sleepingCall}.
 *
 * <p>Each request is one region at the file's owner. Replies carry a {@link kernsim.dev.SysResult}:
 * {@code ReadAt} → {@code Ok(n, byte[])}, {@code WriteAt} → {@code Ok(n)}, {@code Sync} → {@code Ok(0)}
 * or {@code Err(EIO)}, {@code Length} → {@code Ok(length)}.
 *
 * <p>Every backing-file actor emits {@link Synced} inside the region of each successful {@code Sync},
 * so the durability oracle can follow any file's durable image whatever actor implements it.
 */
public final class BackingFile {
  private BackingFile() {}

  /**
   * Observation: {@code file}'s durable image is now {@code durable}, an immutable snapshot (see
   * {@link BackingImage#durableSnapshot()}); oracles read it and never write it. Null for an image past
   * {@link BackingImage#SNAPSHOT_LIMIT}, which the durability oracle then does not check, and from a
   * {@link FileBackend} that is no file actor: what was written to the file through backends
   * ({@link FileBackend.Wrote}) is durable now.
   */
  public record Synced(String file, byte[] durable) {
    @Override
    public String toString() {
      return "Synced(" + file + ", " + (durable == null ? "no image: over " + BackingImage.SNAPSHOT_LIMIT
          + " bytes, or what was written through a backend" : durable.length + " bytes") + ")";
    }
  }

  /**
   * Observation: an injected fault ({@link FaultPlan}) failed {@code op} ({@code read}, {@code write},
   * {@code sync}) at {@code file} (the actor's key) with EIO, in the region of that call.
   */
  public record Faulted(String file, String op) {}

  /**
   * Requests a backing file understands: these four, and a file actor's own protocol, which extends
   * {@link Extension} (fs's {@code RamFile.Command}): sealed but for that one opening.
   */
  public sealed interface Command permits ReadAt, WriteAt, Sync, Length, Extension {}

  /** Where a file actor's own requests join the protocol. */
  public non-sealed interface Extension extends Command {}

  public record ReadAt(long offset, int length, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * {@code data} is not copied: as every array in a message, it is never written once sent (the
   * receiver copies what it keeps). Write-back sends each chunk's fresh copy, so a copy here would be a
   * third one per chunk on the hottest path.
   */
  public record WriteAt(long offset, byte[] data, ActorRef<Reply<SysResult>> replyTo) implements Command {
    @Override
    public String toString() {
      return "WriteAt(offset=" + offset + ", bytes=" + data.length + ")";
    }
  }

  public record Sync(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record Length(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  // ---- code: one region each; every one models sleeping I/O ----

  /** {@code read_at}: {@code Ok(n, byte[])}. */
  public static Code readAt(ActorRef<Command> file, long offset, int length, Function<SysResult, Code> then) {
    return Code.sleepingCall(file, r -> new ReadAt(offset, length, r), "read_at", then);
  }

  /** {@code write_at}, named for the path that writes: {@code Ok(n)}. The receiver copies what it keeps. */
  public static Code writeAt(ActorRef<Command> file, long offset, byte[] data, String what,
      Function<SysResult, Code> then) {
    return Code.sleepingCall(file, r -> new WriteAt(offset, data, r), what, then);
  }

  /** {@code sync_all}: {@code Ok(0)} or EIO. */
  public static Code sync(ActorRef<Command> file, Function<SysResult, Code> then) {
    return Code.sleepingCall(file, Sync::new, "sync", then);
  }

  /** The length, {@code Ok(length)}. */
  public static Code length(ActorRef<Command> file, Function<SysResult, Code> then) {
    return Code.sleepingCall(file, Length::new, "len", then);
  }
}
