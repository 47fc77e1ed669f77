package kernsim.fs.file;

import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A memfd (memfd_create): an in-memory regular file and its seal mask, owned by one actor (the inode's
 * lock: a seal check and the write it guards are one region, as in Linux's shmem).
 *
 * <p>Seals, as Linux enforces them: {@code F_SEAL_WRITE} (and {@code F_SEAL_FUTURE_WRITE}) make every
 * write {@code EPERM}; {@code F_SEAL_GROW} makes a write past the end, or a truncate that grows,
 * {@code EPERM}; {@code F_SEAL_SHRINK} makes a truncate that shrinks {@code EPERM}; {@code F_SEAL_SEAL}
 * makes adding seals {@code EPERM}. A memfd created without {@code MFD_ALLOW_SEALING} starts with
 * {@code F_SEAL_SEAL}.
 *
 * <p>Two ways in, as in the source: the seal-aware ones ({@code Memfd::write_at},
 * {@code set_len_sealed}) and {@link SetLen}, the inner file's raw {@code set_len} that the source's
 * fallocate calls after checking the seals itself, in separate regions.
 */
public final class Memfd extends AbstractBehavior<Memfd.Command> {
  public sealed interface Command {}

  public record ReadAt(long offset, int length, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Seal-aware write; replies {@code Ok(n)} or {@code EPERM}. */
  public record WriteAt(long offset, byte[] data, ActorRef<Reply<SysResult>> replyTo) implements Command {
    @Override
    public String toString() {
      return "WriteAt(offset=" + offset + ", bytes=" + data.length + ")";
    }
  }

  /** Seal-aware write at the end of file; replies {@code Ok(n, Long end)} or {@code EPERM}. */
  public record Append(byte[] data, ActorRef<Reply<SysResult>> replyTo) implements Command {
    @Override
    public String toString() {
      return "Append(bytes=" + data.length + ")";
    }
  }

  public record Length(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** The inner file's {@code set_len}: no seal check. */
  public record SetLen(long length, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code set_len_sealed}: {@code EPERM} when a grow or shrink seal forbids it. */
  public record SetLenSealed(long length, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Replies {@code Ok(seals)}. */
  public record GetSeals(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Replies {@code Ok(0)}, or {@code EPERM} once {@code F_SEAL_SEAL} is set. */
  public record AddSeals(int seals, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** fsync on a memfd is a successful no-op: the bytes are already where they live. */
  public record Sync(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  private final BackingImage image = BackingImage.ofSize(0);
  private int seals;

  private Memfd(ActorContext<Command> ctx, int seals) {
    super(ctx);
    this.seals = seals;
  }

  /** A new, empty memfd; {@code allowSealing} is {@code MFD_ALLOW_SEALING}. */
  public static Behavior<Command> create(boolean allowSealing) {
    return Behaviors.setup(ctx -> new Memfd(ctx, allowSealing ? 0 : Uapi.F_SEAL_SEAL));
  }

  public static Ops spawn(ActorContext<?> ctx, World world, String name, boolean allowSealing) {
    ActorRef<Command> ref = ctx.spawn(create(allowSealing), name);
    return new Ops(ref, world.keyOf(ref));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ReadAt.class, r -> reply(r.replyTo(), image.readAt(r.offset(), r.length())))
        .onMessage(WriteAt.class, w -> reply(w.replyTo(), writeSealed(w.offset(), w.data())))
        .onMessage(Append.class, this::onAppend)
        .onMessage(Length.class, l -> reply(l.replyTo(), SysResult.ok(image.length())))
        .onMessage(SetLen.class, s -> reply(s.replyTo(), setLen(s.length())))
        .onMessage(SetLenSealed.class, this::onSetLenSealed)
        .onMessage(GetSeals.class, g -> reply(g.replyTo(), SysResult.ok(seals)))
        .onMessage(AddSeals.class, this::onAddSeals)
        .onMessage(Sync.class, s -> reply(s.replyTo(), SysResult.ok(0)))
        .build();
  }

  private Behavior<Command> reply(ActorRef<Reply<SysResult>> to, SysResult result) {
    to.tell(new Reply<>(result));
    return this;
  }

  private SysResult writeSealed(long offset, byte[] data) {
    if ((seals & (Uapi.F_SEAL_WRITE | Uapi.F_SEAL_FUTURE_WRITE)) != 0) {
      return SysResult.err(Errno.EPERM);
    }
    if ((seals & Uapi.F_SEAL_GROW) != 0 && offset + data.length > image.length()) {
      return SysResult.err(Errno.EPERM);
    }
    return image.writeAt(offset, data);
  }

  private Behavior<Command> onAppend(Append a) {
    long end = image.length();
    SysResult res = writeSealed(end, a.data());
    return reply(a.replyTo(), res instanceof SysResult.Ok ok ? SysResult.ok(ok.value(), end + ok.value()) : res);
  }

  private SysResult setLen(long length) {
    return image.truncate(length); // the size limit is the syscall's (FileSyscalls: Uapi.MAX_FILE_SIZE)
  }

  private Behavior<Command> onSetLenSealed(SetLenSealed s) {
    long cur = image.length();
    if ((s.length() < cur && (seals & Uapi.F_SEAL_SHRINK) != 0)
        || (s.length() > cur && (seals & Uapi.F_SEAL_GROW) != 0)) {
      return reply(s.replyTo(), SysResult.err(Errno.EPERM));
    }
    return reply(s.replyTo(), setLen(s.length()));
  }

  private Behavior<Command> onAddSeals(AddSeals a) {
    if ((seals & Uapi.F_SEAL_SEAL) != 0) {
      return reply(a.replyTo(), SysResult.err(Errno.EPERM));
    }
    seals |= a.seals();
    return reply(a.replyTo(), SysResult.ok(0));
  }

  /** {@link FileOps} over a memfd; the extra methods are the source's {@code Memfd} wrapper. */
  public record Ops(ActorRef<Command> ref, String id) implements FileOps {
    @Override
    public FileKind kind() {
      return FileKind.MEMFD;
    }

    @Override
    public Code readAt(long offset, int length) {
      return Code.sleepingCall(ref, r -> new ReadAt(offset, length, r), "memfd read_at", Code::done);
    }

    /** Seal-aware, like the source's {@code Memfd::write_at}. */
    @Override
    public Code writeAt(long offset, byte[] data) {
      return Code.sleepingCall(ref, r -> new WriteAt(offset, data, r), "memfd write_at", Code::done);
    }

    @Override
    public Code append(byte[] data) {
      return Code.sleepingCall(ref, r -> new Append(data, r), "memfd append", Code::done);
    }

    @Override
    public Code length() {
      return Code.call(ref, Length::new, "memfd len", Code::done);
    }

    /** The inner file's raw {@code set_len}. */
    @Override
    public Code truncate(long length) {
      return Code.sleepingCall(ref, r -> new SetLen(length, r), "memfd set_len", Code::done);
    }

    @Override
    public Code sync(boolean dataOnly) {
      return Code.call(ref, Sync::new, "memfd sync", Code::done);
    }

    public Code setLenSealed(long length) {
      return Code.sleepingCall(ref, r -> new SetLenSealed(length, r), "memfd set_len_sealed", Code::done);
    }

    public Code getSeals() {
      return Code.call(ref, GetSeals::new, "memfd get_seals", Code::done);
    }

    public Code addSeals(int seals) {
      return Code.call(ref, r -> new AddSeals(seals, r), "memfd add_seals", Code::done);
    }
  }
}
