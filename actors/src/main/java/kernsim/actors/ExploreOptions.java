package kernsim.actors;

/**
 * @param strategy an exploration strategy
 * @param seed the exploration's seed; iteration i runs on {@link Simulator#iterationSeed(long, int)}
 * @param iterations how many iterations at most
 * @param pctDepth PCT's bug depth d (ignored by random)
 * @param pctSteps the least k, the steps of an iteration among which PCT's change points and
 *     delay-bounding's delays fall (see {@link Simulator#explore})
 * @param run how each world runs
 * @param delays delay-bounding's k, the delays per iteration
 * @param preemptionBound dfs's preemption bound, or a negative number for none
 * @param prefix the steps every iteration starts with, replayed from a trace ({@link Prefix#NONE}: none)
 */
public record ExploreOptions(StrategyKind strategy, long seed, int iterations, int pctDepth, int pctSteps,
    RunOptions run, int delays, int preemptionBound, Prefix prefix) {
  /** Delay-bounding's default number of delays. */
  public static final int DEFAULT_DELAYS = 2;
  /**
   * The largest PCT depth and delay-bounding delay count: each is an array of that many entries per
   * iteration, and more change points or delays than any run has steps explore nothing more.
   */
  public static final int MAX_DEPTH = 10_000;

  public ExploreOptions(
      StrategyKind strategy, long seed, int iterations, int pctDepth, int pctSteps, RunOptions run) {
    this(strategy, seed, iterations, pctDepth, pctSteps, run, DEFAULT_DELAYS, -1);
  }

  public ExploreOptions(StrategyKind strategy, long seed, int iterations, int pctDepth, int pctSteps,
      RunOptions run, int delays, int preemptionBound) {
    this(strategy, seed, iterations, pctDepth, pctSteps, run, delays, preemptionBound, Prefix.NONE);
  }

  public ExploreOptions {
    if (!strategy.explores()) {
      throw new IllegalArgumentException(strategy + " is not an exploration strategy");
    }
    if (delays < 0 || delays > MAX_DEPTH) {
      throw new IllegalArgumentException("delays must be 0 to " + MAX_DEPTH + ", got " + delays);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive, got " + iterations);
    }
    if (pctDepth < 1 || pctDepth > MAX_DEPTH) {
      throw new IllegalArgumentException("pct depth must be 1 to " + MAX_DEPTH + ", got " + pctDepth);
    }
    java.util.Objects.requireNonNull(prefix, "prefix");
    if (prefix.present() && strategy == StrategyKind.DFS) {
      throw new IllegalArgumentException("dfs does not explore from a prefix (yet): use random, pct, pos or"
          + " delay-bounding");
    }
  }

  /** The same exploration, every iteration starting with {@code p}. */
  public ExploreOptions withPrefix(Prefix p) {
    return new ExploreOptions(strategy, seed, iterations, pctDepth, pctSteps, run, delays, preemptionBound, p);
  }

  /** The same exploration with other run options (e.g. a larger step bound). */
  public ExploreOptions withRun(RunOptions other) {
    return new ExploreOptions(strategy, seed, iterations, pctDepth, pctSteps, other, delays, preemptionBound, prefix);
  }

  /** The same exploration with another strategy. */
  public ExploreOptions withStrategy(StrategyKind other) {
    return new ExploreOptions(other, seed, iterations, pctDepth, pctSteps, run, delays, preemptionBound, prefix);
  }

  /** An exhaustive search, at most {@code executions} long, bounded in preemptions (negative: unbounded). */
  public static ExploreOptions dfs(int executions, int preemptionBound) {
    return new ExploreOptions(StrategyKind.DFS, 0, executions, 3, 64, RunOptions.DEFAULT, DEFAULT_DELAYS,
        preemptionBound);
  }

  public static ExploreOptions pct(long seed, int iterations, int depth) {
    return new ExploreOptions(StrategyKind.PCT, seed, iterations, depth, 64, RunOptions.DEFAULT);
  }

  public static ExploreOptions random(long seed, int iterations) {
    return new ExploreOptions(StrategyKind.RANDOM, seed, iterations, 3, 64, RunOptions.DEFAULT);
  }
}
