package kernsim.actors;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * PCT (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010). Each actor gets a random priority
 * when it first becomes runnable; the runnable actor with the highest priority always runs. At d−1
 * change points, drawn from the seed uniformly among the first {@code k} steps, the actor about to
 * run drops to a low priority (1 … d−1). A bug of depth d shows with probability at least
 * 1/(n·k^(d−1)) per iteration.
 *
 * <p>The clock has the lowest priority of all: timers fire when nothing else can run. Explore with
 * {@code random} to let a timeout overtake a pending reply.
 */
final class PctStrategy implements Strategy {
  private final SplittableRandom random;
  private final int depth;
  private final int[] changePoints;
  private final int steps;
  /** Keyed by actor key (a String, so iteration order plays no part anyway). */
  private final Map<String, Long> priorities = new HashMap<>();

  /**
   * @param depth the bug depth d (at least 1)
   * @param steps k, the expected number of steps of an iteration
   */
  PctStrategy(long seed, int depth, int steps) {
    if (depth < 1) {
      throw new IllegalArgumentException("pct depth must be at least 1, got " + depth);
    }
    this.random = new SplittableRandom(seed);
    this.depth = depth;
    this.steps = steps;
    this.changePoints = new int[depth - 1];
    int k = Math.max(1, steps);
    for (int i = 0; i < changePoints.length; i++) {
      changePoints[i] = random.nextInt(k);
    }
  }

  @Override
  public StrategyKind kind() {
    return StrategyKind.PCT;
  }

  @Override
  public java.util.SortedMap<String, String> parameters() {
    return new java.util.TreeMap<>(Map.of(Trace.DEPTH, Integer.toString(depth), Trace.STEPS, Integer.toString(steps)));
  }

  @Override
  public int next(Ready ready) {
    int n = ready.size();
    if (n == 0) {
      return 0; // only the clock
    }
    int best = highest(ready);
    int step = ready.step();
    for (int j = 0; j < changePoints.length; j++) {
      if (changePoints[j] == step) {
        priorities.put(ready.key(best), (long) (j + 1));
        best = highest(ready);
      }
    }
    return best;
  }

  private int highest(Ready ready) {
    int best = -1;
    long bestPriority = Long.MIN_VALUE;
    for (int i = 0; i < ready.size(); i++) {
      long p = priority(ready.key(i));
      if (p > bestPriority) { // ties keep the lower key: candidates come sorted
        best = i;
        bestPriority = p;
      }
    }
    return best;
  }

  private long priority(String key) {
    Long p = priorities.get(key);
    if (p == null) {
      p = depth + 1 + (long) random.nextInt(1 << 30);
      priorities.put(key, p);
    }
    return p;
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
