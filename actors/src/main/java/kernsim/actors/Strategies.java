package kernsim.actors;

/** Factories for the exploration strategies (the replay strategy comes from {@link Simulator#replay}). */
public final class Strategies {
  private Strategies() {}

  /** A uniform random walk from {@code seed}. */
  public static Strategy random(long seed) {
    return new RandomStrategy(seed);
  }

  /** PCT with depth {@code depth}, change points drawn among the first {@code steps} steps. */
  public static Strategy pct(long seed, int depth, int steps) {
    return new PctStrategy(seed, depth, steps);
  }
}
