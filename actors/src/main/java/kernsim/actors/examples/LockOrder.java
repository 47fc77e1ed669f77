package kernsim.actors.examples;

import java.util.ArrayDeque;
import java.util.List;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Two harts take two lock actors, hart-1 in the order A, B and hart-2 in the order B, A (or, in the
 * fixed variant, both A then B). A lock that is held records a wait-for edge to its owner and each
 * hart one to the lock it waits for, so a deadlock is reported with its cycle.
 */
public final class LockOrder {
  private LockOrder() {}

  public static WorldSpec spec(boolean opposite) {
    String name = opposite ? "lock-order-inversion" : "lock-order-consistent";
    return WorldSpec.of(name, Counters.MODEL_VERSION, "locks opposite=" + opposite,
        w -> root(w, opposite), w -> List.of());
  }

  public sealed interface LockCommand {}

  public record Acquire(ActorRef<HartCommand> replyTo) implements LockCommand {}

  public record Release(ActorRef<HartCommand> owner) implements LockCommand {}

  public sealed interface HartCommand {}

  public record Granted(String lock) implements HartCommand {}

  static Behavior<LockCommand> lock(World world, String name) {
    return Behaviors.setup(ctx -> {
      ArrayDeque<ActorRef<HartCommand>> waiters = new ArrayDeque<>();
      @SuppressWarnings("unchecked")
      ActorRef<HartCommand>[] owner = new ActorRef[1];
      Runnable grantNext = () -> {
        owner[0] = waiters.poll();
        if (owner[0] == null) {
          world.stopWaiting(ctx.getSelf());
        } else {
          world.waitFor(ctx.getSelf(), owner[0], "held");
          owner[0].tell(new Granted(name));
        }
      };
      return Behaviors.receive(LockCommand.class)
          .onMessage(Acquire.class, a -> {
            waiters.add(a.replyTo());
            if (owner[0] == null) {
              grantNext.run();
            }
            return Behaviors.same();
          })
          .onMessage(Release.class, r -> {
            if (r.owner().equals(owner[0])) {
              grantNext.run();
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  static Behavior<HartCommand> hart(World world, ActorRef<LockCommand> first, ActorRef<LockCommand> second) {
    return Behaviors.setup(ctx -> {
      ActorRef<HartCommand> self = ctx.getSelf();
      world.waitFor(self, first, "acquire");
      first.tell(new Acquire(self));
      int[] held = {0};
      return Behaviors.receive(HartCommand.class)
          .onMessage(Granted.class, g -> {
            world.stopWaiting(self);
            if (++held[0] == 1) {
              world.waitFor(self, second, "acquire");
              second.tell(new Acquire(self));
            } else {
              second.tell(new Release(self));
              first.tell(new Release(self));
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  static Behavior<Void> root(World world, boolean opposite) {
    return Behaviors.setup(ctx -> {
      ActorRef<LockCommand> a = ctx.spawn(lock(world, "lock-a"), "lock-a");
      ActorRef<LockCommand> b = ctx.spawn(lock(world, "lock-b"), "lock-b");
      ctx.spawn(hart(world, a, b), "hart-1");
      ctx.spawn(opposite ? hart(world, b, a) : hart(world, a, b), "hart-2");
      return Behaviors.empty();
    });
  }
}
