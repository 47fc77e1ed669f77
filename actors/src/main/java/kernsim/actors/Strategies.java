package kernsim.actors;

/** Factories for the exploration strategies (the replay strategy comes from {@link Simulator#replay}). */
public final class Strategies {
  private Strategies() {}

  /** A uniform random walk from {@code seed}. */
  public static Strategy random(long seed) {
    return new RandomStrategy(seed);
  }

  /**
   * The strategy {@code options} name for one iteration, from that iteration's seed; {@code pctSteps} is
   * PCT's k for it.
   */
  public static Strategy forIteration(ExploreOptions options, long iterationSeed, int pctSteps) {
    return options.prefix().before(inner(options, iterationSeed, pctSteps));
  }

  private static Strategy inner(ExploreOptions options, long iterationSeed, int pctSteps) {
    return switch (options.strategy()) {
      case RANDOM -> random(iterationSeed);
      case PCT -> pct(iterationSeed, options.pctDepth(), pctSteps);
      case POS -> pos(iterationSeed);
      case DELAY_BOUNDING -> delayBounding(iterationSeed, options.delays(), pctSteps);
      case DFS -> throw new IllegalArgumentException("dfs is a search, not a strategy per iteration: use Simulator.explore");
      case REPLAY -> throw new IllegalArgumentException("replay is not an exploration strategy; replay a trace");
    };
  }

  /** Partial order sampling from {@code seed}. */
  public static Strategy pos(long seed) {
    return new PosStrategy(seed);
  }

  /** Delay bounding with {@code delays} delays among the first {@code steps} steps. */
  public static Strategy delayBounding(long seed, int delays, int steps) {
    return new DelayBoundingStrategy(seed, delays, steps);
  }

  /** PCT with depth {@code depth}, change points drawn among the first {@code steps} steps. */
  public static Strategy pct(long seed, int depth, int steps) {
    return new PctStrategy(seed, depth, steps);
  }
}
