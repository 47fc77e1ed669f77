package kernsim.cpu;

import java.util.List;
import kernsim.actors.World;
import kernsim.dev.SysResult;
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
        if (s.expands()) {
          exec.start(s.text(), s.code().apply(proc), value -> {
            if (s.assign() != null) {
              proc.set(s.assign(), value instanceof SysResult.Ok ok ? ok.value() : -1);
            }
            step[0].run();
          });
        } else {
          run(world, key, proc, exec, proc.nextCall(), s, value -> step[0].run());
        }
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
   * Syscall statement {@code s} as code a library (an expanding statement, see {@link Stmt}) runs on the
   * process {@code p}: the same {@link Calls.Started}, variable binding and {@link Calls.Returned} as a
   * statement of the program gets, so timelines and oracles see the library's syscalls one by one.
   */
  public static kernsim.dev.code.Code syscall(Proc p, Stmt s) {
    return kernsim.dev.code.Code.defer(() -> {
      World world = p.world();
      int index = p.nextCall();
      world.emit(new Calls.Started(p.name(), index, s.text(), world.nanoTime()));
      return kernsim.dev.code.Code.bind(s.code().apply(p), value -> {
        if (s.assign() != null) {
          p.set(s.assign(), value instanceof SysResult.Ok ok ? ok.value() : -1);
        }
        world.emit(new Calls.Returned(p.name(), index, s.text(), value, world.nanoTime()));
        return kernsim.dev.code.Code.done(value);
      });
    });
  }

  /**
   * Runs statement {@code s} as call {@code index} of the process {@code key}: emits its
   * {@link Calls.Started}, runs its kernel code, binds its variable, emits its {@link Calls.Returned},
   * then hands the result to {@code then}. Harts and the prober run their calls through here, so
   * timelines and oracles see both alike.
   */
  static void run(World world, String key, Proc proc, Executor exec, int index, Stmt s,
      java.util.function.Consumer<Object> then) {
    world.emit(new Calls.Started(key, index, s.text(), world.nanoTime()));
    exec.start(s.text(), s.code().apply(proc), value -> {
      if (s.assign() != null) {
        // As in C: a failed call leaves -1 in the variable, so using it gives EBADF.
        proc.set(s.assign(), value instanceof SysResult.Ok ok ? ok.value() : -1);
      }
      world.emit(new Calls.Returned(key, index, s.text(), value, world.nanoTime()));
      then.accept(value);
    });
  }
}
