package kernsim.actors;

/**
 * @param strategy {@code random} or {@code pct}
 * @param seed the exploration's seed; iteration i runs on {@link Simulator#iterationSeed(long, int)}
 * @param iterations how many iterations at most
 * @param pctDepth PCT's bug depth d (ignored by random)
 * @param pctSteps PCT's initial estimate of k, the steps of an iteration (it then learns the longest seen)
 * @param run how each world runs
 */
public record ExploreOptions(
    StrategyKind strategy, long seed, int iterations, int pctDepth, int pctSteps, RunOptions run) {
  public ExploreOptions {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive, got " + iterations);
    }
    if (pctDepth < 1) {
      throw new IllegalArgumentException("pct depth must be at least 1, got " + pctDepth);
    }
  }

  /** The same exploration with other run options (e.g. a larger step bound). */
  public ExploreOptions withRun(RunOptions other) {
    return new ExploreOptions(strategy, seed, iterations, pctDepth, pctSteps, other);
  }

  public static ExploreOptions pct(long seed, int iterations, int depth) {
    return new ExploreOptions(StrategyKind.PCT, seed, iterations, depth, 64, RunOptions.DEFAULT);
  }

  public static ExploreOptions random(long seed, int iterations) {
    return new ExploreOptions(StrategyKind.RANDOM, seed, iterations, 3, 64, RunOptions.DEFAULT);
  }
}
