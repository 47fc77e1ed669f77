package kernsim.junit;

import java.util.Objects;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The world an {@link ActorTest} runs in: one fresh actor tree per schedule. The test method drives it:
 * {@link #spawn} its behaviours, {@link #tell} them, {@link #run} the world to quiescence under the
 * schedule being explored, {@link #ask} what they hold, and assert.
 *
 * <p>The test method runs on a thread of its own, in turn with the world: while it runs, no actor does, and
 * while actors run, it waits in {@link #run} or {@link #ask}. Every call here is executed inside the world,
 * by its root actor ({@code world}); spawned actors are its children ({@code world/NAME}). Call these
 * methods only from the test method's thread, and reach actors only through them (a {@code tell} from the
 * test thread itself would leave the deterministic scheduler, and the schedule fails saying so).
 *
 * <p>Quiescence: no actor has a message to handle, and no timer is due within {@link #HORIZON} of virtual
 * time (kernsim's clock jumps; a timer never makes the test wait). The clock moves only at quiescence, so
 * an ask's time-out fires only when nothing else can happen.
 */
public final class ActorWorld {
  /** How far ahead in virtual time {@link #run} lets timers fire before it calls the world quiescent. */
  public static final java.time.Duration HORIZON = java.time.Duration.ofDays(1);

  private final Iteration iteration;

  ActorWorld(Iteration iteration) {
    this.iteration = iteration;
  }

  private Iteration iteration() {
    if (iteration == null) {
      throw new IllegalStateException("this ActorWorld is JUnit's stand-in: use the one an @ActorTest method is given");
    }
    return iteration;
  }

  /** Spawns {@code behavior} as {@code world/NAME}. */
  public <T> ActorRef<T> spawn(Behavior<T> behavior, String name) {
    Objects.requireNonNull(behavior, "behavior");
    Objects.requireNonNull(name, "name");
    return iteration().call(ctx -> ctx.spawn(behavior, name));
  }

  /** Sends {@code message} to {@code to}, from inside the world; it is handled once the world runs. */
  public <T> void tell(ActorRef<T> to, T message) {
    Objects.requireNonNull(to, "to");
    iteration().call(ctx -> {
      to.tell(message);
      return null;
    });
  }

  /** Runs the world, under the schedule being explored, until it is quiescent. */
  public void run() {
    iteration().runToQuiescence();
  }

  /**
   * Sends the request {@code request} makes with a reply-to address, runs the world to quiescence, and
   * returns the reply.
   *
   * @throws AssertionError if no reply arrived by quiescence
   */
  public <Req, Res> Res ask(ActorRef<Req> to, Function<ActorRef<Res>, Req> request) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(request, "request");
    return iteration().ask(to, request);
  }

  /** The world's virtual time, in nanoseconds since the schedule began. */
  public long nanoTime() {
    Iteration it = iteration();
    return it.call(ctx -> it.world().nanoTime());
  }

  /** kernsim's handle on the running world (recorded choices, observations for monitors). Use it from actors. */
  public kernsim.actors.World kernsim() {
    return iteration().world();
  }
}
