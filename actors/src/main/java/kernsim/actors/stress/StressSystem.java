package kernsim.actors.stress;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * An ActorSystem for stress runs: Pekko's default dispatcher (a fork-join pool over every core), no
 * controller, and real time scaled by {@link ScaledScheduler}. Worlds run side by side below
 * {@code /user}, each as {@code /user/NAME/world}, started and stopped from any thread.
 */
public final class StressSystem implements AutoCloseable {
  private static final AtomicInteger SYSTEMS = new AtomicInteger();

  private final ActorSystem<Command> system;

  private sealed interface Command {}

  private record Start(String name, Behavior<?> root) implements Command {}

  private record Stop(String name) implements Command {}

  public StressSystem(double timeScale) {
    if (!(timeScale > 0)) {
      throw new IllegalArgumentException("the time scale must be positive, got " + timeScale);
    }
    Config config = ConfigFactory.parseString(String.format(Locale.ROOT, """
        pekko {
          scheduler.implementation = "kernsim.actors.stress.ScaledScheduler"
          scheduler.tick-duration = 1ms
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          loglevel = WARNING
          stdout-loglevel = WARNING
          coordinated-shutdown.run-by-jvm-shutdown-hook = off
        }
        kernsim.stress.time-scale = %s
        """, Double.toString(timeScale))).withFallback(ConfigFactory.load());
    this.system = ActorSystem.create(guardian(), "kernsim-stress-" + SYSTEMS.incrementAndGet(), config);
  }

  private static Behavior<Command> guardian() {
    return Behaviors.setup(ctx -> Behaviors.receive(Command.class)
        .onMessage(Start.class, s -> {
          @SuppressWarnings("unchecked")
          Behavior<Object> root = (Behavior<Object>) s.root();
          ctx.spawn(Behaviors.setup(c -> {
            c.spawn(root, "world");
            return Behaviors.empty();
          }), s.name());
          return Behaviors.same();
        })
        .onMessage(Stop.class, s -> {
          ctx.getChild(s.name()).ifPresent(ctx::stop);
          return Behaviors.same();
        })
        .build());
  }

  /** Starts a world as {@code /user/NAME/world}; the name must not be in use. */
  public void start(String name, Behavior<?> root) {
    system.tell(new Start(name, root));
  }

  /** Stops the world started as {@code name} and everything below it. */
  public void stop(String name) {
    system.tell(new Stop(name));
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
      // leave it: the JVM ends soon
    }
  }
}
