package kernsim.cpu;

import java.util.ArrayDeque;
import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.code.Executor;
import kernsim.dev.code.Reply;
import kernsim.dev.loop.Uevent;
import kernsim.fs.file.Uapi;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A udev-like prober ({@code world/prober}): a process that reacts to each loop device {@link Uevent}
 * the way udev's block rules do — open the device read-only, take {@code flock(LOCK_SH|LOCK_NB)} and skip
 * the device if that fails (udev leaves alone a device userspace holds locked), read the first block
 * (blkid), close. Each step is a syscall statement run through the same kernel code and the same
 * {@link Hart#call} as a hart's, so its calls are {@code cpu.Calls} observations of key
 * {@code world/prober} (timelines and the errno oracle see them) and race with the harts region by
 * region: its open is what makes LOOP_CTL_REMOVE EBUSY, its shared lock what makes a client's
 * {@code flock(LOCK_EX|LOCK_NB)} EAGAIN.
 *
 * <p>Events are handled one at a time, in the order they arrive (udev serialises events of one device;
 * one worker keeps the order deterministic). Events before {@link Start} (the setup program, which runs
 * alone) are ignored: the prober starts with the harts. It never exits.
 */
public final class Prober extends AbstractBehavior<Prober.Command> {
  /** What the prober handles. */
  public sealed interface Command permits Start, Probe, Hart.UsesMount, Hart.HoldMount, Hart.Replied {}

  /** The harts start: from now on uevents are probed. */
  public enum Start implements Command { INSTANCE }

  /** A loop device's uevent (delivered as the {@link Uevent} itself, see {@link #create}). */
  record Probe(Uevent event) implements Command {}

  /** How much the prober reads: the first block, as blkid's superblock probes start. */
  public static final int READ_BYTES = 4096;

  private final Proc proc;
  private final Executor exec;
  private final ArrayDeque<Uevent> queue = new ArrayDeque<>();
  private boolean started;
  private boolean busy;

  /**
   * The prober. Its reference takes {@link Command}s, the {@link Uevent}s loop devices send and the
   * replies to its kernel code, as they are sent: it takes them into its protocol where they arrive
   * ({@link Probe}, {@link Hart.Replied}).
   */
  public static Behavior<Object> create(World world, Kernel.Refs kernel) {
    return Behaviors.transformMessages(Object.class, Behaviors.<Command>setup(ctx -> new Prober(ctx, world, kernel)),
        pf -> pf.match(Uevent.class, Probe::new).match(Reply.class, Hart.Replied::new).match(Command.class, c -> c));
  }

  private Prober(ActorContext<Command> ctx, World world, Kernel.Refs kernel) {
    super(ctx);
    this.proc = new Proc(world.keyOf(ctx.getSelf()), world, ctx, kernel, null);
    ActorRef<Object> self = ctx.getSelf().unsafeUpcast();
    this.exec = new Executor(world, self.narrow());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Start.INSTANCE, this::onStart)
        .onMessage(Probe.class, this::onProbe)
        .onMessage(Hart.Replied.class, this::onReplied)
        .onMessage(Hart.UsesMount.class, this::onUsesMount)
        .onMessage(Hart.HoldMount.class, this::onHoldMount)
        .build();
  }

  private Behavior<Command> onStart() {
    started = true;
    return this;
  }

  private Behavior<Command> onProbe(Probe p) {
    if (started) {
      queue.add(p.event());
      if (!busy) {
        next();
      }
    }
    return this;
  }

  private Behavior<Command> onReplied(Hart.Replied r) {
    exec.onReply(r.reply());
    return this;
  }

  private Behavior<Command> onHoldMount(Hart.HoldMount q) {
    q.replyTo().tell(new Reply<>(proc.holdMount(q.mountId())));
    return this;
  }

  private Behavior<Command> onUsesMount(Hart.UsesMount q) {
    q.replyTo().tell(new Reply<>(proc.usesMount(q.mountId())));
    return this;
  }

  /** Probes the next queued device: open, flock(LOCK_SH|LOCK_NB) (else skipped), read, close. */
  private void next() {
    Uevent e = queue.poll();
    if (e == null) {
      busy = false;
      return;
    }
    busy = true;
    String dev = "/dev/" + e.device();
    Stmt open = Syscalls.open(dev, Uapi.O_RDONLY).as("dev");
    Stmt lock = Syscalls.flock("dev", Uapi.LOCK_SH | Uapi.LOCK_NB);
    Stmt read = Syscalls.read("dev", READ_BYTES);
    Stmt close = Syscalls.close("dev");
    run(open, opened -> {
      if (!(opened instanceof SysResult.Ok)) {
        next();
        return;
      }
      run(lock, locked -> {
        if (!(locked instanceof SysResult.Ok)) {
          run(close, x -> next()); // skipped: held locked
          return;
        }
        run(read, r -> run(close, x -> next()));
      });
    });
  }

  private void run(Stmt s, java.util.function.Consumer<Object> then) {
    exec.start(s.text(), Hart.call(proc, s), then);
  }
}
