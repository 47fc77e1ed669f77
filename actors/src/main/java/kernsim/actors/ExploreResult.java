package kernsim.actors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * @param failing the first failing iteration, if any
 * @param iterations how many iterations ran
 * @param totalSteps steps over all iterations
 * @param last the last iteration that ran
 * @param exhaustive for {@code dfs}: how the search ended
 * @param incomplete over the same iterations as the counts: per oracle and reason, the schedules it did not
 *     check fully ({@link Monitor#incomplete}), in oracle, kind and reason order; empty when every oracle
 *     checked every schedule fully. Like the counts, it does not depend on the number of workers.
 */
public record ExploreResult(Optional<RunResult> failing, int iterations, long totalSteps, RunResult last,
    Optional<Exhaustive> exhaustive, List<Incomplete> incomplete) {
  public ExploreResult {
    incomplete = List.copyOf(incomplete);
  }

  public ExploreResult(Optional<RunResult> failing, int iterations, long totalSteps, RunResult last, Tally incomplete) {
    this(failing, iterations, totalSteps, last, Optional.empty(), incomplete.rows());
  }

  /** How many of an exploration's schedules one oracle did not check fully, for one reason. */
  public record Incomplete(String oracle, Monitor.Incomplete.Kind kind, String reason, int schedules) {
    /**
     * As the report shows it, out of {@code of} schedules: {@code errno: 37 of 600 schedules not decided (search
     * budget 1,000,000 configurations)}; a late check adds that the end-of-run check decided.
     */
    public String describe(int of) {
      return String.format(java.util.Locale.ROOT, "%s: %,d of %,d schedules %s (%s%s)", oracle, schedules, of,
          kind.text(), reason, kind == Monitor.Incomplete.Kind.CHECKED_LATE ? "; the end-of-run check decided" : "");
    }
  }

  /** Counts runs' {@link RunResult#incomplete} into {@link Incomplete} rows. Not thread-safe. */
  public static final class Tally {
    private final TreeMap<String, TreeMap<Monitor.Incomplete, Integer>> counts = new TreeMap<>();

    /** Counts {@code r}'s oracles that did not check it fully. */
    public Tally add(RunResult r) {
      return add(r.incomplete());
    }

    /** Counts one run's {@link RunResult#incomplete}. */
    public Tally add(java.util.Map<String, Monitor.Incomplete> run) {
      run.forEach((oracle, x) -> add(oracle, x, 1));
      return this;
    }

    /** Adds rows counted elsewhere (another worker's, a cluster member's). */
    public Tally addAll(List<Incomplete> rows) {
      for (Incomplete row : rows) {
        add(row.oracle(), new Monitor.Incomplete(row.kind(), row.reason()), row.schedules());
      }
      return this;
    }

    private void add(String oracle, Monitor.Incomplete x, int n) {
      counts.computeIfAbsent(oracle, k -> new TreeMap<>()).merge(x, n, Integer::sum);
    }

    /** The rows, in oracle, kind and reason order. */
    public List<Incomplete> rows() {
      List<Incomplete> out = new ArrayList<>();
      counts.forEach((oracle, m) -> m.forEach((x, n) -> out.add(new Incomplete(oracle, x.kind(), x.reason(), n))));
      return out;
    }
  }

  public boolean found() {
    return failing.isPresent();
  }

  /**
   * A schedule's number as every report, JSON document, CSV row and test message shows it: its 0-based iteration
   * index (the one the trace header keeps and the schedule is derived from) plus one. One place for that fact.
   */
  public static int schedule(int iteration) {
    return iteration + 1;
  }

  /** {@code n} as an English ordinal with grouping ("1st", "22nd", "1,011th"): "the Nth schedule explored". */
  public static String ordinal(long n) {
    long m = n % 100;
    String suffix = m >= 11 && m <= 13 ? "th" : switch ((int) (n % 10)) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return String.format(java.util.Locale.ROOT, "%,d", n) + suffix;
  }
}
