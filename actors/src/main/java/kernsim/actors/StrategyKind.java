package kernsim.actors;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Exploration strategies. Their names are stable: the same strings appear in the CLI, traces and reports. */
public enum StrategyKind {
  /** Uniform random walk over the runnable actors (and "advance the clock"). */
  RANDOM("random"),
  /** Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010) with depth d. */
  PCT("pct"),
  /** Feeds a recorded trace back through the same code. */
  REPLAY("replay");

  private final String id;

  StrategyKind(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  public static StrategyKind byId(String id) {
    for (StrategyKind k : values()) {
      if (k.id.equals(id.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown strategy '" + id + "' (expected one of: "
            + Arrays.stream(values()).map(StrategyKind::id).collect(Collectors.joining(", ")) + ")");
  }

  @Override
  public String toString() {
    return id;
  }
}
