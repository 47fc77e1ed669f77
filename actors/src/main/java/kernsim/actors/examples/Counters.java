package kernsim.actors.examples;

import java.util.List;
import kernsim.actors.Monitor;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * N harts each add one to a counter device, {@code rounds} times.
 *
 * <p>In the {@link Update#TWO_MESSAGES} variant a hart reads the value in one message and writes
 * value+1 in the next, so another hart can run between them: the classic lost update. In
 * {@link Update#ONE_MESSAGE} the device increments inside one message, which (one message = one lock
 * region) cannot interleave. The {@code lost-update} monitor checks the final value.
 */
public final class Counters {
  public static final String MODEL_VERSION = "examples/1";

  public enum Update {
    TWO_MESSAGES,
    ONE_MESSAGE
  }

  private Counters() {}

  public static WorldSpec spec(Update update, int harts, int rounds) {
    String name = (update == Update.TWO_MESSAGES ? "lost-update" : "atomic-update") + "-" + harts + "x" + rounds;
    String text = "counter update=" + update + " harts=" + harts + " rounds=" + rounds;
    return WorldSpec.of(name, MODEL_VERSION, text, w -> root(w, update, harts, rounds),
        w -> List.of(new LostUpdateMonitor(harts * rounds)));
  }

  // ---- the device ----

  /** The counter device's protocol. */
  public sealed interface DeviceCommand {}

  public record Read(ActorRef<HartCommand> replyTo) implements DeviceCommand {}

  public record Write(int value, ActorRef<HartCommand> replyTo) implements DeviceCommand {}

  public record Increment(ActorRef<HartCommand> replyTo) implements DeviceCommand {}

  /** Observation: the device's value changed. */
  public record Stored(int value) {}

  static Behavior<DeviceCommand> device(World world) {
    int[] value = {0}; // the device's register; one message is one lock region over it
    return Behaviors.receive(DeviceCommand.class)
        .onMessage(Read.class, r -> {
          r.replyTo().tell(new Value(value[0]));
          return Behaviors.same();
        })
        .onMessage(Write.class, wr -> {
          value[0] = wr.value();
          world.emit(new Stored(value[0]));
          wr.replyTo().tell(Ack.INSTANCE);
          return Behaviors.same();
        })
        .onMessage(Increment.class, inc -> {
          value[0]++;
          world.emit(new Stored(value[0]));
          inc.replyTo().tell(Ack.INSTANCE);
          return Behaviors.same();
        })
        .build();
  }

  // ---- the harts ----

  /** A hart's protocol: the device's replies. */
  public sealed interface HartCommand {}

  public record Value(int value) implements HartCommand {}

  public enum Ack implements HartCommand {
    INSTANCE
  }

  static Behavior<HartCommand> hart(World world, ActorRef<DeviceCommand> device, Update update, int rounds) {
    return Behaviors.setup(ctx -> {
      ActorRef<HartCommand> self = ctx.getSelf();
      Runnable start = () -> {
        world.waitFor(self, device, "device reply");
        device.tell(update == Update.TWO_MESSAGES ? new Read(self) : new Increment(self));
      };
      start.run();
      int[] left = {rounds};
      return Behaviors.receive(HartCommand.class)
          .onMessage(Value.class, v -> {
            device.tell(new Write(v.value() + 1, self)); // the gap between the two messages is the race
            return Behaviors.same();
          })
          .onMessageEquals(Ack.INSTANCE, () -> {
            world.stopWaiting(self);
            if (--left[0] > 0) {
              start.run();
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  static Behavior<Void> root(World world, Update update, int harts, int rounds) {
    return Behaviors.setup(ctx -> {
      ActorRef<DeviceCommand> device = ctx.spawn(Behaviors.setup(c -> device(world)), "counter");
      for (int i = 1; i <= harts; i++) {
        ctx.spawn(hart(world, device, update, rounds), "hart-" + i);
      }
      return Behaviors.empty();
    });
  }

  /** Fails the run if, at the end, the counter does not hold one per increment made. */
  static final class LostUpdateMonitor implements Monitor {
    private final int expected;
    private int value;

    LostUpdateMonitor(int expected) {
      this.expected = expected;
    }

    @Override
    public String name() {
      return "lost-update";
    }

    @Override
    public void onObservation(Object observation, Verdict verdict) {
      if (observation instanceof Stored s) {
        value = s.value();
      }
    }

    @Override
    public void onEnd(Verdict verdict) {
      if (value != expected) {
        verdict.fail("the counter holds " + value + " after " + expected + " increments");
      }
    }
  }
}
