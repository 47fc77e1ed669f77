package kernsim.actors;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Delay-bounded scheduling (Emmi, Qadeer, Rakamarić: "Delay-Bounded Scheduling", POPL 2011): a
 * deterministic scheduler, deviated from at most k times.
 *
 * <p>The deterministic scheduler is round robin over actor keys that keeps running an actor while it
 * has messages: it picks the first runnable actor whose key is at or after the last one run's, wrapping
 * around, with "advance the clock" (when offered) last in the cycle. A <em>delay</em> skips the actor it
 * would pick for the next one in the cycle. The k delays fall on steps drawn from the seed uniformly
 * among the first {@code steps} steps (two delays on one step skip two candidates). With k = 0 every
 * iteration is the same schedule; a bug needing d deviations from round robin shows with probability
 * about 1/steps^d per iteration.
 */
final class DelayBoundingStrategy implements Strategy {
  private final SplittableRandom random;
  private final int[] delays;
  private final int steps;
  private String last;

  /**
   * @param delays k, the delays per iteration (at least 0)
   * @param steps the expected number of steps of an iteration, among which the delays fall
   */
  DelayBoundingStrategy(long seed, int delays, int steps) {
    if (delays < 0) {
      throw new IllegalArgumentException("delay-bounding needs at least 0 delays, got " + delays);
    }
    this.random = new SplittableRandom(seed);
    this.steps = steps;
    this.delays = new int[delays];
    int k = Math.max(1, steps);
    for (int i = 0; i < delays; i++) {
      this.delays[i] = random.nextInt(k);
    }
    Arrays.sort(this.delays);
  }

  @Override
  public StrategyKind kind() {
    return StrategyKind.DELAY_BOUNDING;
  }

  @Override
  public java.util.SortedMap<String, String> parameters() {
    return new java.util.TreeMap<>(java.util.Map.of(
        Trace.DELAYS, Integer.toString(delays.length), Trace.STEPS, Integer.toString(steps)));
  }

  @Override
  public int next(Ready ready) {
    int n = ready.size();
    int candidates = n + (ready.clockAvailable() ? 1 : 0);
    int start = 0;
    if (last != null) {
      start = n; // past every actor: the clock if offered, else wrap to the first
      for (int i = 0; i < n; i++) {
        if (ready.key(i).compareTo(last) >= 0) {
          start = i;
          break;
        }
      }
    }
    int skip = 0;
    int step = ready.step();
    for (int d : delays) {
      if (d == step) {
        skip++;
      }
    }
    int pick = (start + skip) % candidates;
    if (pick < n) {
      last = ready.key(pick);
    }
    return pick;
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
