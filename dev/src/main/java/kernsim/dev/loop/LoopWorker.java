package kernsim.dev.loop;

import java.util.ArrayDeque;
import java.util.function.Supplier;
import kernsim.actors.World;
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
 * A loop device's work queue under linux ({@code lo->workqueue}, a kworker): runs the kernel code
 * queued with {@link LoopDevice.QueueWork} one item at a time, in the order queued, each region racing
 * the harts' as any kernel thread's does. Only the regress toggle {@code async-autoclear} queues work
 * (the autoclear detach of 322c4293ecc5); the patched linux profile never spawns one.
 */
final class LoopWorker extends AbstractBehavior<LoopWorker.Command> {
  /** What the worker handles: work, and the replies to its code's calls. */
  sealed interface Command permits Work, Replied {}

  /** One work item: {@code work} named {@code what}. */
  record Work(String what, Supplier<Code> work) implements Command {}

  /** A reply to the running item's outstanding call. */
  record Replied(Reply<?> reply) implements Command {}

  private final Executor exec;
  private final ArrayDeque<Work> queue = new ArrayDeque<>();
  private boolean busy;

  /** The worker. Its reference takes {@link Command}s and, as they are sent, the replies to its code. */
  static Behavior<Command> create(World world) {
    Behavior<Object> outer = Behaviors.transformMessages(Object.class,
        Behaviors.<Command>setup(ctx -> new LoopWorker(ctx, world)),
        pf -> pf.match(Reply.class, r -> (Command) new Replied(r)).match(Command.class, c -> c));
    return outer.narrow();
  }

  private LoopWorker(ActorContext<Command> ctx, World world) {
    super(ctx);
    ActorRef<Object> self = ctx.getSelf().unsafeUpcast();
    this.exec = new Executor(world, self.narrow());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Work.class, w -> {
          queue.add(w);
          next();
          return this;
        })
        .onMessage(Replied.class, r -> {
          exec.onReply(r.reply());
          return this;
        })
        .build();
  }

  private void next() {
    if (busy || queue.isEmpty()) {
      return;
    }
    Work w = queue.poll();
    busy = true;
    exec.start(w.what(), w.work().get(), done -> {
      busy = false;
      next();
    });
  }
}
