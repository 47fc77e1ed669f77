package kernsim.actors;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Partial order sampling (Yuan, Yang, Gu: "Partial Order Aware Concurrency Sampling", CAV 2018). Every
 * pending event gets a random priority and the highest-priority one runs; after it ran, every pending
 * event that races with it gets a fresh priority. Events far apart in the partial order are thereby
 * sampled close to uniformly, where a random walk favours the interleavings of the many short ones.
 *
 * <p>An actor's pending event is its next step. A step races with the pending events of every actor
 * its {@link Footprint} names (the actor that ran, whose next step is a new event, and every actor it
 * sent to, spawned, stopped or changed the waits of). The clock's pending event (when offered) races
 * with every step, as a clock advance commutes with nothing: it is re-drawn after every step, and a
 * clock advance re-draws everything.
 */
final class PosStrategy implements Strategy {
  private final SplittableRandom random;
  /** Pending events' priorities by actor key (String keys: no iteration order involved). */
  private final Map<String, Long> priorities = new HashMap<>();
  private long clockPriority;
  private boolean clockDrawn;

  PosStrategy(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public StrategyKind kind() {
    return StrategyKind.POS;
  }

  @Override
  public boolean wantsFootprints() {
    return true;
  }

  @Override
  public int next(Ready ready) {
    int n = ready.size();
    int best = -1;
    long bestPriority = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      long p = priorities.computeIfAbsent(ready.key(i), k -> random.nextLong());
      if (best < 0 || p > bestPriority) { // ties keep the lower key: candidates come sorted
        best = i;
        bestPriority = p;
      }
    }
    if (ready.clockAvailable()) {
      if (!clockDrawn) {
        clockPriority = random.nextLong();
        clockDrawn = true;
      }
      if (best < 0 || clockPriority > bestPriority) {
        best = n;
      }
    }
    return best;
  }

  @Override
  public void stepDone(Footprint step) {
    clockDrawn = false;
    if (step.global()) {
      priorities.clear();
      return;
    }
    for (int i = 0; i < step.size(); i++) {
      priorities.remove(step.name(i));
    }
  }

  @Override
  public boolean nextBoolean() {
    return random.nextBoolean();
  }

  @Override
  public int nextInt(int bound) {
    return random.nextInt(bound);
  }
}
