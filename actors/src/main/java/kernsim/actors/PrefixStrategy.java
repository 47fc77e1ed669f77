package kernsim.actors;

import java.util.SortedMap;

/**
 * A {@link Prefix} in front of an exploration strategy: the prefix's steps are answered from its recorded
 * choices (as a replay answers them: a run that offers something else diverges), then {@code inner} makes
 * every choice, seeing the steps counted from the prefix's end (so PCT's change points and delay-bounding's
 * delays fall after it). It is {@code inner}'s kind, with the prefix's header options added to its parameters.
 */
final class PrefixStrategy implements Strategy {
  private final Prefix prefix;
  private final Strategy inner;
  private final ReplayStrategy replay;
  /** Steps the prefix has answered so far. */
  private int taken;
  /** Whether the inner strategy has taken over (from the first step past the prefix on). */
  private boolean onward;

  PrefixStrategy(Prefix prefix, Strategy inner) {
    this.prefix = prefix;
    this.inner = inner;
    this.replay = new ReplayStrategy(new ChoiceLog(prefix.keyList(), prefix.data()));
  }

  /** The replay of the prefix, whose divergence the run reports. */
  ReplayStrategy replay() {
    return replay;
  }

  @Override
  public StrategyKind kind() {
    return inner.kind();
  }

  @Override
  public SortedMap<String, String> parameters() {
    SortedMap<String, String> p = inner.parameters();
    p.putAll(prefix.parameters());
    return p;
  }

  @Override
  public boolean wantsFootprints() {
    return inner.wantsFootprints();
  }

  @Override
  public void stepDone(Footprint step) {
    if (onward) {
      inner.stepDone(step);
    }
  }

  @Override
  public int next(Ready ready) {
    if (taken < prefix.steps()) {
      taken++;
      return replay.next(ready);
    }
    onward = true;
    int offset = prefix.steps();
    return inner.next(new Ready() {
      @Override
      public int size() {
        return ready.size();
      }

      @Override
      public String key(int i) {
        return ready.key(i);
      }

      @Override
      public boolean clockAvailable() {
        return ready.clockAvailable();
      }

      @Override
      public int step() {
        return ready.step() - offset;
      }
    });
  }

  @Override
  public boolean nextBoolean() {
    return onward ? inner.nextBoolean() : replay.nextBoolean();
  }

  @Override
  public int nextInt(int bound) {
    return onward ? inner.nextInt(bound) : replay.nextInt(bound);
  }
}
