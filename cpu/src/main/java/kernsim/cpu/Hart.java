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
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A CPU hart running one process's program, one syscall at a time. Each syscall is kernel code
 * ({@code dev.code.Code}): the hart sends one message per lock region and waits for the reply, visibly
 * (a wait-for edge to the owner), so between two regions every other hart may run.
 *
 * <p>Besides replies, a hart answers the questions other harts' kernel code asks about its process (the
 * umount busy check), at once, whatever it is waiting for: that data is the process's, not the
 * syscall's.
 */
public final class Hart {
  private Hart() {}

  /** Sent to the hart's {@code onExit} actor when it has run its whole program. */
  public record Exited(ActorRef<Object> hart) {}

  /** Other harts' kernel code asks: does this process use mount {@code mountId}? Replies a Boolean. */
  public record UsesMount(int mountId, ActorRef<Reply<Boolean>> replyTo) {}

  /**
   * nanosleep: the hart asks itself to wake it after {@code nanos} of virtual time. Handling it is one
   * step (it starts a timer on the world's virtual clock); the wake-up is the reply, sent when the
   * controller advances the clock to it, so the sleep is recorded in the trace like any choice.
   */
  public record Sleep(long nanos, ActorRef<Reply<SysResult>> replyTo) {}

  /** A hart running {@code program}; {@code onExit} (may be null) hears when it is done. */
  public static Behavior<Object> create(World world, Kernel.Refs kernel, List<Stmt> program, ActorRef<Object> onExit) {
    return Behaviors.setup(ctx -> {
      String key = world.keyOf(ctx.getSelf());
      Proc proc = new Proc(key, world, ctx, kernel);
      Executor exec = new Executor(world, ctx.getSelf().narrow());
      int[] next = {0};
      Runnable[] step = new Runnable[1];
      step[0] = () -> {
        if (next[0] == program.size()) {
          world.emit(new Calls.Exited(key, program.size()));
          if (onExit != null) {
            onExit.tell(new Exited(ctx.getSelf()));
          }
          return;
        }
        Stmt s = program.get(next[0]++);
        exec.start(s.text(), call(proc, s), value -> step[0].run());
      };
      step[0].run();
      return Behaviors.receive(Object.class)
          .onMessage(Reply.class, r -> {
            exec.onReply(r);
            return Behaviors.same();
          })
          .onMessage(Sleep.class, m -> {
            ctx.scheduleOnce(java.time.Duration.ofNanos(m.nanos()), m.replyTo(), new Reply<>(SysResult.ok(0)));
            return Behaviors.same();
          })
          .onMessage(UsesMount.class, q -> {
            q.replyTo().tell(new Reply<>(proc.usesMount(q.mountId())));
            return Behaviors.same();
          })
          .build();
    });
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
    return call instanceof Syscall sys ? Syscalls.code(p, sys) : ((LibraryCall) call).code().apply(p);
  }

  /** As in C: a failed call leaves -1 in the variable, so using it gives EBADF. */
  private static void bind(Proc p, Stmt s, Object value) {
    if (s.assign() != null) {
      p.set(s.assign(), value instanceof SysResult.Ok ok ? ok.value() : -1);
    }
  }
}
