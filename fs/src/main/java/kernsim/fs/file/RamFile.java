package kernsim.fs.file;

import java.util.Arrays;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingImage;
import kernsim.dev.file.FaultPlan;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * An in-memory regular file: a {@link BackingImage} owned by one actor, so each message is one region
 * under the file's lock. tmpfs ({@link kernsim.fs.memfs.MemFs}) makes one for each of its regular
 * files, and tests spawn them directly. It speaks dev's {@link BackingFile} protocol (a loop device can
 * use it as its backing file) plus what the file syscalls need. {@code Sync} makes the written bytes the
 * durable image and emits dev's {@link BackingFile.Synced}, so the durability oracle can follow it;
 * every change emits {@link Changed}. {@link SetFaults} injects the image's write and sync failures;
 * a {@link FaultPlan.Injector} (the kernel's boot files under a fault plan) fails reads, writes and syncs
 * at the Nth call or by a seeded draw, emitting {@link BackingFile.Faulted}, and delays every reply by
 * the plan's latency on the world's clock.
 *
 * <p>The actor's reference is an {@code ActorRef<BackingFile.Command>}; {@code ref.narrow()} gives an
 * {@code ActorRef<RamFile.Command>} for the requests only a RamFile understands.
 */
public final class RamFile extends AbstractBehavior<BackingFile.Command> {
  /** RamFile's own requests, on top of {@link BackingFile}'s. */
  public sealed interface Command extends BackingFile.Extension {}

  /** Writes at the current end of file, in this one region; replies {@code Ok(n, Long end)}. */
  public record Append(byte[] data, ActorRef<Reply<SysResult>> replyTo) implements Command {
    @Override
    public String toString() {
      return "Append(bytes=" + data.length + ")";
    }
  }

  /** The source's {@code set_len}: grows with zeros or shrinks; replies {@code Ok(0)}. */
  public record Truncate(long length, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Changes the image's fault options (for write-back failure paths); replies {@code Ok(0)}. */
  public record SetFaults(BackingImage.Faults faults, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Observation: {@code file} now holds {@code length} bytes (after a write, append or truncate). */
  public record Changed(String file, long length) {}

  /**
   * {@code data} now lies at {@code offset} of {@code file} (a successful WriteAt or Append), emitted in
   * the region that wrote it, so an oracle can follow a file's bytes (the client-data oracle does).
   */
  public record Written(String file, long offset, byte[] data) {
    public Written {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }
  }

  private final World world;
  private final BackingImage image;
  private final String key;
  /** Injected faults and latency ({@link FaultPlan}): none unless the kernel was given a plan. */
  private final FaultPlan.Injector faults;

  private RamFile(ActorContext<BackingFile.Command> ctx, World world, BackingImage image, FaultPlan.Injector faults) {
    super(ctx);
    this.world = world;
    this.image = image;
    this.key = world.keyOf(ctx.getSelf());
    this.faults = faults;
  }

  public static Behavior<BackingFile.Command> create(World world, BackingImage image) {
    return create(world, image, FaultPlan.Injector.NONE);
  }

  /** A file whose reads, writes and syncs go through {@code faults} (a boot file under a fault plan). */
  public static Behavior<BackingFile.Command> create(World world, BackingImage image, FaultPlan.Injector faults) {
    return Behaviors.setup(ctx -> new RamFile(ctx, world, image, faults));
  }

  /** A file holding {@code initial}, written and durable, with no faults. */
  public static Behavior<BackingFile.Command> create(World world, byte[] initial) {
    return create(world, new BackingImage(initial, BackingImage.Faults.NONE));
  }

  /** Spawns a regular RamFile named {@code name} holding {@code initial} (also its durable image). */
  public static Ops spawn(ActorContext<?> ctx, World world, String name, byte[] initial) {
    return spawn(ctx, world, name, new BackingImage(initial, BackingImage.Faults.NONE), FileKind.REGULAR);
  }

  public static Ops spawn(ActorContext<?> ctx, World world, String name, BackingImage image, FileKind kind) {
    ActorRef<BackingFile.Command> ref = ctx.spawn(create(world, image), name);
    return new Ops(ref, kind, world.keyOf(ref));
  }

  @Override
  public Receive<BackingFile.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(BackingFile.ReadAt.class, this::onReadAt)
        .onMessage(BackingFile.WriteAt.class, this::onWriteAt)
        .onMessage(BackingFile.Sync.class, this::onSync)
        .onMessage(BackingFile.Length.class, this::onLength)
        .onMessage(Append.class, this::onAppend)
        .onMessage(Truncate.class, this::onTruncate)
        .onMessage(SetFaults.class, this::onSetFaults)
        .build();
  }

  private Behavior<BackingFile.Command> onReadAt(BackingFile.ReadAt r) {
    SysResult fault = fault(FaultPlan.Op.READ);
    reply(r.replyTo(), fault != null ? fault : image.readAt(r.offset(), r.length()));
    return this;
  }

  private Behavior<BackingFile.Command> onWriteAt(BackingFile.WriteAt w) {
    SysResult fault = fault(FaultPlan.Op.WRITE);
    if (fault != null) {
      reply(w.replyTo(), fault);
      return this;
    }
    // dev's WriteAt does not copy its array; copy before keeping anything of it.
    byte[] data = Arrays.copyOf(w.data(), w.data().length);
    SysResult res = image.writeAt(w.offset(), data);
    written(res, w.offset(), data);
    changed(res);
    reply(w.replyTo(), res);
    return this;
  }

  private Behavior<BackingFile.Command> onAppend(Append a) {
    SysResult fault = fault(FaultPlan.Op.WRITE);
    if (fault != null) {
      reply(a.replyTo(), fault);
      return this;
    }
    long end = image.length();
    SysResult res = image.writeAt(end, a.data());
    written(res, end, a.data());
    changed(res);
    reply(a.replyTo(), res instanceof SysResult.Ok ok
        ? SysResult.ok(ok.value(), end + ok.value()) : res);
    return this;
  }

  /** The injected fault for this call (emitting {@link BackingFile.Faulted}), or null: it goes through. */
  private SysResult fault(FaultPlan.Op op) {
    SysResult f = faults.fail(op);
    if (f != null) {
      world.emit(new BackingFile.Faulted(key, op.id()));
    }
    return f;
  }

  /** The reply, now or after the plan's latency on the world's clock (the I/O itself took effect now). */
  private void reply(ActorRef<Reply<SysResult>> to, SysResult res) {
    if (faults.latencyNanos() > 0) {
      getContext().scheduleOnce(java.time.Duration.ofNanos(faults.latencyNanos()), to, new Reply<>(res));
    } else {
      to.tell(new Reply<>(res));
    }
  }

  private Behavior<BackingFile.Command> onTruncate(Truncate t) {
    // The size limit is the syscall's (FileSyscalls: Uapi.MAX_FILE_SIZE); the sparse image holds any loff_t.
    SysResult res = image.truncate(t.length());
    changed(res);
    t.replyTo().tell(new Reply<>(res));
    return this;
  }

  private Behavior<BackingFile.Command> onSetFaults(SetFaults f) {
    image.faults(f.faults());
    f.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<BackingFile.Command> onSync(BackingFile.Sync s) {
    SysResult fault = fault(FaultPlan.Op.SYNC);
    SysResult res = fault != null ? fault : image.sync();
    if (res.isOk()) {
      world.emit(new BackingFile.Synced(key, image.durableSnapshot()));
    }
    reply(s.replyTo(), res);
    return this;
  }

  private Behavior<BackingFile.Command> onLength(BackingFile.Length l) {
    l.replyTo().tell(new Reply<>(SysResult.ok(image.length())));
    return this;
  }

  private void written(SysResult res, long offset, byte[] data) {
    if (res instanceof SysResult.Ok ok) {
      world.emit(new Written(key, offset, ok.value() >= data.length ? data : Arrays.copyOf(data, (int) ok.value())));
    }
  }

  private void changed(SysResult res) {
    if (res.isOk()) {
      world.emit(new Changed(key, image.length()));
    }
  }

  /** Code: {@link SetFaults} at {@code file}, one region. */
  public static Code setFaults(ActorRef<BackingFile.Command> file, BackingImage.Faults faults) {
    return Code.call(file.<Command>narrow(), r -> new SetFaults(faults, r), "set_faults", Code::done);
  }

  /** {@link FileOps} over a RamFile (or any actor speaking RamFile's protocol). */
  public record Ops(ActorRef<BackingFile.Command> ref, FileKind kind, String id) implements FileOps {
    @Override
    public Code readAt(long offset, int length) {
      return Code.sleepingCall(ref, r -> new BackingFile.ReadAt(offset, length, r), "read_at", Code::done);
    }

    @Override
    public Code writeAt(long offset, byte[] data) {
      byte[] copy = data.clone();
      return Code.sleepingCall(ref, r -> new BackingFile.WriteAt(offset, copy, r), "write_at", Code::done);
    }

    @Override
    public Code append(byte[] data) {
      return Code.sleepingCall(ref, r -> new Append(data, r), "append", Code::done);
    }

    @Override
    public Code length() {
      return Code.call(ref, BackingFile.Length::new, "len", Code::done);
    }

    @Override
    public Code truncate(long length) {
      return Code.sleepingCall(ref, r -> new Truncate(length, r), "set_len", Code::done);
    }

    @Override
    public Code sync(boolean dataOnly) {
      // In memory, data and metadata become durable together: fdatasync is fsync.
      return Code.sleepingCall(ref, BackingFile.Sync::new, dataOnly ? "fdatasync" : "fsync", Code::done);
    }
  }
}
