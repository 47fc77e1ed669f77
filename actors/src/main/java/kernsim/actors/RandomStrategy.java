package kernsim.actors;

import java.util.SplittableRandom;

/** A uniform random walk: each candidate, the clock included, is equally likely at every step. */
final class RandomStrategy implements Strategy {
  private final SplittableRandom random;

  RandomStrategy(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public StrategyKind kind() {
    return StrategyKind.RANDOM;
  }

  @Override
  public int next(Ready ready) {
    int n = ready.size() + (ready.clockAvailable() ? 1 : 0);
    return n == 1 ? 0 : random.nextInt(n);
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
