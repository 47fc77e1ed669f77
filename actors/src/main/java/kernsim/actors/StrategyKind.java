package kernsim.actors;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Exploration strategies: the one list of their names. The same strings appear in the CLI (its parser,
 * its help and its completion candidates), in trace headers, in reports and in JSON, and they all come
 * from here; a name is never spelled out anywhere else.
 */
public enum StrategyKind {
  /** Uniform random walk over the runnable actors (and "advance the clock"). */
  RANDOM("random", true, "a uniform random walk"),
  /** Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010) with depth d. */
  PCT("pct", true, "PCT (Burckhardt et al., ASPLOS 2010): random priorities, d-1 change points"),
  /** Partial order sampling (Yuan et al., CAV 2018): random priorities, re-drawn for racing events. */
  POS("pos", true, "partial order sampling (Yuan et al., CAV 2018): priorities re-drawn for racing steps"),
  /** Delay-bounded scheduling (Emmi, Qadeer, Rakamarić, POPL 2011) with k delays. */
  DELAY_BOUNDING("delay-bounding", true,
      "delay bounding (Emmi et al., POPL 2011): round robin deviated from at --delays k points"),
  /** Exhaustive search with dynamic partial-order reduction, optionally preemption-bounded. */
  DFS("dfs", true, "exhaustive search with source-set DPOR (Abdulla et al., POPL 2014), optionally"
      + " --preemption-bound k (CHESS)"),
  /** Feeds a recorded trace back through the same code. */
  REPLAY("replay", false, "answers every choice from a trace");

  private final String id;
  private final boolean explores;
  private final String summary;

  StrategyKind(String id, boolean explores, String summary) {
    this.id = id;
    this.explores = explores;
    this.summary = summary;
  }

  /** The stable name. */
  public String id() {
    return id;
  }

  /** Whether an exploration can use it ({@code replay} only reads traces back). */
  public boolean explores() {
    return explores;
  }

  /** One line saying what it does, for help texts. */
  public String summary() {
    return summary;
  }

  /** The strategies an exploration can use, in declaration order. */
  public static List<StrategyKind> exploring() {
    return Arrays.stream(values()).filter(StrategyKind::explores).toList();
  }

  /** The exploration strategies' names, in declaration order. */
  public static List<String> explorationIds() {
    return exploring().stream().map(StrategyKind::id).toList();
  }

  /** Any strategy by its name (case-insensitive). */
  public static StrategyKind byId(String id) {
    return find(id, Arrays.asList(values()));
  }

  /** An exploration strategy by its name (case-insensitive); {@code replay} is refused. */
  public static StrategyKind explorationById(String id) {
    return find(id, exploring());
  }

  private static StrategyKind find(String id, List<StrategyKind> among) {
    for (StrategyKind k : among) {
      if (k.id.equals(id.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown strategy '" + id + "' (expected one of: "
        + among.stream().map(StrategyKind::id).collect(Collectors.joining(", ")) + ")");
  }

  @Override
  public String toString() {
    return id;
  }
}
