package kernsim.cpu;

import java.util.List;
import kernsim.actors.World;
import kernsim.cpu.call.Call;
import kernsim.cpu.call.LibraryCall;
import kernsim.cpu.call.Syscall;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Executor;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A CPU hart running one process's program, one syscall at a time. Each syscall is kernel code
 * ({@code dev.code.Code}): the hart sends one message per lock region and waits for the reply, visibly
 * (a wait-for edge to the owner), so between two regions every other hart may run.
 *
 * <p>Besides replies, a hart answers the questions other harts' kernel code asks about its process (the
 * umount busy check), at once, whatever it is waiting for: that data is the process's, not the
 * syscall's.
 *
 * <p>Protocol: {@link Command}. The replies to its kernel code are {@code dev.code.Reply}s, which that
 * module sends to the hart's reply port as they are; the hart takes them into its protocol as
 * {@link Replied} where they arrive ({@link #wire}), so the messages delivered are the ones sent.
 */
public final class Hart extends AbstractBehavior<Hart.Command> {
  /** What a hart handles. */
  public sealed interface Command permits Sleep, UsesMount, HoldMount, Replied {}

  /** Other harts' kernel code asks: does this process use mount {@code mountId}? */
  public record UsesMount(int mountId, ActorRef<Reply<Boolean>> replyTo) implements Command, Prober.Command {}

  /**
   * After MNT_DETACH took mount {@code mountId} away: does this process have an fd on it? One that does
   * keeps it marked held, and reports the close of its last fd on it ({@code MountTable.Put}).
   */
  public record HoldMount(int mountId, ActorRef<Reply<Boolean>> replyTo) implements Command, Prober.Command {}

  /**
   * nanosleep: the hart asks itself to wake it after {@code nanos} of virtual time. Handling it is one
   * step (it starts a timer on the world's virtual clock); the wake-up is the reply, sent when the
   * controller advances the clock to it, so the sleep is recorded in the trace like any choice.
   */
  public record Sleep(long nanos, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** The reply to the call the process's kernel code is waiting for. */
  record Replied(Reply<?> reply) implements Command, Prober.Command {}

  /** Sent to the hart's {@code onExit} actor when it has run its whole program. */
  public record Exited(ActorRef<Object> hart) implements Kernel.Command {}

  private final World world;
  private final String key;
  private final Proc proc;
  private final Executor exec;
  private final List<Stmt> program;
  private final ActorRef<? super Exited> onExit;
  /** The next statement of the program. */
  private int next;
  /** Whether {@link #step} is running, and whether a statement that ended inside it asked for the next. */
  private boolean stepping;
  private boolean stepAgain;

  /**
   * A hart running {@code program}; {@code onExit} (may be null) hears when it is done. Its reference
   * takes {@link Command}s and the replies to its kernel code ({@link #wire}).
   */
  public static Behavior<Object> create(World world, Kernel.Refs kernel, List<Stmt> program,
      ActorRef<? super Exited> onExit) {
    return create(world, kernel, program, onExit, null);
  }

  /**
   * A hart that is a thread of the process whose fd table {@code files} is ({@link Proc.Files}; null: a
   * process of its own).
   */
  public static Behavior<Object> create(World world, Kernel.Refs kernel, List<Stmt> program,
      ActorRef<? super Exited> onExit, Proc.Files files) {
    return wire(Behaviors.setup(ctx -> new Hart(ctx, world, kernel, program, onExit, files)));
  }

  /** The hart on the wire: a reply its kernel code waits for is {@link Replied}, a command itself. */
  private static Behavior<Object> wire(Behavior<Command> hart) {
    return Behaviors.transformMessages(Object.class, hart,
        pf -> pf.match(Reply.class, Replied::new).match(Command.class, c -> c));
  }

  private Hart(ActorContext<Command> ctx, World world, Kernel.Refs kernel, List<Stmt> program,
      ActorRef<? super Exited> onExit, Proc.Files files) {
    super(ctx);
    this.world = world;
    this.key = world.keyOf(ctx.getSelf());
    ActorRef<Object> self = ctx.getSelf().unsafeUpcast();
    this.proc = files == null ? new Proc(key, world, ctx, kernel, ctx.getSelf().narrow())
        : new Proc(key, world, ctx, kernel, ctx.getSelf().narrow(), files);
    this.exec = new Executor(world, self.narrow());
    this.program = List.copyOf(program);
    this.onExit = onExit;
    step();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Replied.class, this::onReplied)
        .onMessage(Sleep.class, this::onSleep)
        .onMessage(UsesMount.class, this::onUsesMount)
        .onMessage(HoldMount.class, this::onHoldMount)
        .build();
  }

  /**
   * Runs the next statement, or reports the program done. A statement that ends without a message (a
   * {@code dup}, an {@code EBADF}) ends inside {@code exec.start}, whose callback asks for the next one: that
   * request is noted and served by the loop here, not by a nested call, so a program of any length runs in
   * a bounded stack (100,000 {@code dup}s once overflowed it). The statements run in the same order either way.
   */
  private void step() {
    if (stepping) {
      stepAgain = true;
      return;
    }
    stepping = true;
    try {
      do {
        stepAgain = false;
        if (next == program.size()) {
          world.emit(new Calls.Exited(key, program.size()));
          if (onExit != null) {
            onExit.tell(new Exited(getContext().getSelf().unsafeUpcast()));
          }
          return;
        }
        Stmt s = program.get(next++);
        exec.start(s.text(), call(proc, s), value -> step());
      } while (stepAgain);
    } finally {
      stepping = false;
    }
  }

  private Behavior<Command> onReplied(Replied r) {
    exec.onReply(r.reply());
    return this;
  }

  private Behavior<Command> onSleep(Sleep m) {
    getContext().scheduleOnce(java.time.Duration.ofNanos(m.nanos()), m.replyTo(), new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onHoldMount(HoldMount q) {
    q.replyTo().tell(new Reply<>(proc.holdMount(q.mountId())));
    return this;
  }

  private Behavior<Command> onUsesMount(UsesMount q) {
    q.replyTo().tell(new Reply<>(proc.usesMount(q.mountId())));
    return this;
  }

  /**
   * Statement {@code s} as kernel code the process {@code p} runs: a call of the process (numbered by
   * {@link Proc#nextCall}) emits its {@link Calls.Started} with the call resolved, runs its code, binds
   * its variable and emits its {@link Calls.Returned}; an expanding statement (see {@link Stmt}) runs its
   * library code and binds its variable, its syscalls being calls of their own. Harts, the prober and
   * the libraries run every statement through here, so timelines and oracles see them all alike.
   */
  public static Code call(Proc p, Stmt s) {
    return Code.defer(() -> {
      if (s.expands()) {
        return Code.bind(code(p, s.call()), value -> {
          bind(p, s, value);
          return Code.done(value);
        });
      }
      World world = p.world();
      int index = p.nextCall();
      Call call = s.call() instanceof Syscall sys ? sys.resolve(p::fd) : s.call();
      world.emit(new Calls.Started(p.name(), index, s.text(), call, world.nanoTime()));
      return Code.bind(code(p, call), value -> {
        bind(p, s, value);
        world.emit(new Calls.Returned(p.name(), index, s.text(), call, value, world.nanoTime()));
        return Code.done(value);
      });
    });
  }

  /**
   * Syscall statement {@code s} as a library call that is itself a call of the process (see
   * {@link LibraryCall}) makes it inside itself: its kernel code only, resolved when it starts, with no
   * observation and no variable bound.
   */
  public static Code inside(Proc p, Stmt s) {
    return Code.defer(() -> code(p, s.call() instanceof Syscall sys ? sys.resolve(p::fd) : s.call()));
  }

  private static Code code(Proc p, Call call) {
    if (call instanceof Syscall sys) {
      return Syscalls.code(p, sys);
    }
    if (call instanceof LibraryCall lib) {
      return lib.code().apply(p);
    }
    throw new IllegalStateException("a call of no kind: " + call);
  }

  /** As in C: a failed call leaves -1 in the variable, so using it gives EBADF. */
  private static void bind(Proc p, Stmt s, Object value) {
    if (s.assign() != null) {
      p.set(s.assign(), value instanceof SysResult.Ok ok ? ok.value() : -1);
    }
  }
}
