package kernsim.actors;

import java.util.Optional;

/**
 * @param failing the first failing iteration, if any
 * @param iterations how many iterations ran
 * @param totalSteps steps over all iterations
 * @param last the last iteration that ran
 * @param exhaustive for {@code dfs}: how the search ended
 */
public record ExploreResult(
    Optional<RunResult> failing, int iterations, long totalSteps, RunResult last, Optional<Exhaustive> exhaustive) {
  public ExploreResult(Optional<RunResult> failing, int iterations, long totalSteps, RunResult last) {
    this(failing, iterations, totalSteps, last, Optional.empty());
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
