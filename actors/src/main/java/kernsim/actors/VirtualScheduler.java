package kernsim.actors;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.LightArrayRevolverScheduler;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko's scheduler for a simulation ActorSystem ({@code pekko.scheduler.implementation}).
 *
 * <p>A call made on the controller thread while a world runs (typed timers, ask time-outs, back-off
 * sleeps of the model) goes on the world's virtual clock: it never sleeps, and a due task runs on the
 * controller thread when the controller advances the clock. Calls from any other thread belong to
 * Pekko's own machinery outside worlds and go to an ordinary {@link LightArrayRevolverScheduler}.
 *
 * <p>Virtual tasks run inline on the controller thread, whatever execution context they name: that
 * is what keeps them in the trace's order.
 */
public final class VirtualScheduler implements Scheduler, Closeable {
  private final LightArrayRevolverScheduler delegate;
  private volatile Controller controller;

  public VirtualScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    this.delegate = new LightArrayRevolverScheduler(config, log, threadFactory);
  }

  void attach(Controller controller) {
    this.controller = controller;
  }

  private boolean virtual() {
    Controller c = controller;
    return c != null && c.isOwner();
  }

  @Override
  public Cancellable schedule(
      FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable, ExecutionContext ec) {
    if (virtual()) {
      long every = interval.toNanos();
      if (every <= 0) {
        throw new IllegalArgumentException("a periodic timer needs a positive interval: " + interval);
      }
      return controller.schedule(initialDelay.toNanos(), every, runnable);
    }
    return delegate.schedule(initialDelay, interval, runnable, ec);
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext ec) {
    if (virtual()) {
      return controller.schedule(delay.toNanos(), 0, runnable);
    }
    return delegate.scheduleOnce(delay, runnable, ec);
  }

  @Override
  public double maxFrequency() {
    return delegate.maxFrequency();
  }

  /** Closes the real scheduler, which runs its {@code TaskRunOnClose} tasks; worlds drop theirs at their end. */
  @Override
  public void close() {
    delegate.close();
  }
}
