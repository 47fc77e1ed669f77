package kernsim.actors.stress;

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
 * Pekko's scheduler for a stress ActorSystem ({@code pekko.scheduler.implementation}): real time, every
 * delay multiplied by {@code kernsim.stress.time-scale} (0.01: a model's 10 ms back-off sleeps 100 µs).
 * A delay that scales below {@link #INLINE_NANOS} is not put on the timer wheel (whose tick is 1 ms) but
 * handed to the execution context at once. Only calls from the default dispatcher's threads, where
 * the worlds' actors run, are scaled: Pekko's own machinery (the logger's start-up time-out, asked from
 * the thread that creates the system; its internal dispatcher) keeps real time. Only stress mode selects
 * this scheduler; controlled runs keep {@link kernsim.actors.VirtualScheduler}.
 */
public final class ScaledScheduler implements Scheduler, Closeable {
  static final String SCALE = "kernsim.stress.time-scale";
  static final long INLINE_NANOS = 50_000;
  private final LightArrayRevolverScheduler delegate;
  private final double scale;

  public ScaledScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    this.delegate = new LightArrayRevolverScheduler(config, log, threadFactory);
    this.scale = config.hasPath(SCALE) ? config.getDouble(SCALE) : 1.0;
  }

  private static boolean model() {
    return Thread.currentThread().getName().contains(".actor.default-dispatcher-");
  }

  private FiniteDuration scaled(FiniteDuration d) {
    return FiniteDuration.fromNanos((long) Math.max(0, d.toNanos() * scale));
  }

  @Override
  public Cancellable schedule(
      FiniteDuration initialDelay, FiniteDuration interval, Runnable runnable, ExecutionContext ec) {
    if (!model()) {
      return delegate.schedule(initialDelay, interval, runnable, ec);
    }
    FiniteDuration every = scaled(interval);
    if (every.toNanos() < 1_000_000) {
      every = FiniteDuration.fromNanos(1_000_000);
    }
    return delegate.schedule(scaled(initialDelay), every, runnable, ec);
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable runnable, ExecutionContext ec) {
    if (!model()) {
      return delegate.scheduleOnce(delay, runnable, ec);
    }
    FiniteDuration d = scaled(delay);
    if (d.toNanos() < INLINE_NANOS) {
      ec.execute(runnable);
      return Done.INSTANCE;
    }
    return delegate.scheduleOnce(d, runnable, ec);
  }

  @Override
  public double maxFrequency() {
    return delegate.maxFrequency();
  }

  @Override
  public void close() {
    delegate.close();
  }

  /** A task already handed over: it can no longer be cancelled. */
  private enum Done implements Cancellable {
    INSTANCE;

    @Override
    public boolean cancel() {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }
  }
}
