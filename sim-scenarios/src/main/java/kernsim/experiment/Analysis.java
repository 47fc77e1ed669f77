package kernsim.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import kernsim.actors.StrategyKind;

/**
 * The figures the tables and plots show, from the rows alone: per group (a scenario under one setting) and
 * strategy, the seeds that found a failure, the median schedules to it, and the speed.
 *
 * <p>The median is over every seed, a seed that found nothing counting as "more than the budget": when
 * half the seeds or more found nothing the median is {@link Double#POSITIVE_INFINITY} ("> budget").
 */
public final class Analysis {
  /** A scenario under one setting, with its rows by strategy label. */
  public record Group(String label, String scenario, Map<String, List<Row>> byStrategy) {
    public List<Row> rows(String strategy) {
      return byStrategy.getOrDefault(strategy, List.of());
    }

    /** The budget of its cells (the largest, should a plan have mixed them). */
    public int budget() {
      return byStrategy.values().stream().flatMap(List::stream).mapToInt(Row::budget).max().orElse(0);
    }
  }

  /** Per race: the strategy with the lowest median, and how it compares to random's. */
  public record Best(String strategy, double median, double randomMedian, String verdict) {}

  private final List<Group> groups = new ArrayList<>();
  private final List<String> strategies;
  private final List<Long> seeds;
  private final List<Row> rows;

  public Analysis(List<Row> rows) {
    this.rows = List.copyOf(rows);
    Map<String, Set<List<String>>> settingsOf = new LinkedHashMap<>();
    Set<String> strategies = new LinkedHashSet<>();
    Set<Long> seeds = new LinkedHashSet<>();
    Map<List<String>, Map<String, List<Row>>> byGroup = new LinkedHashMap<>();
    for (Row r : rows) {
      settingsOf.computeIfAbsent(r.scenario(), k -> new LinkedHashSet<>()).add(r.groupKey());
      strategies.add(r.strategyLabel());
      seeds.add(r.seed());
      byGroup.computeIfAbsent(r.groupKey(), k -> new LinkedHashMap<>())
          .computeIfAbsent(r.strategyLabel(), k -> new ArrayList<>()).add(r);
    }
    for (Map.Entry<List<String>, Map<String, List<Row>>> e : byGroup.entrySet()) {
      Row first = e.getValue().values().iterator().next().get(0);
      groups.add(new Group(first.group(settingsOf.get(first.scenario()).size() > 1), first.scenario(), e.getValue()));
    }
    this.strategies = List.copyOf(strategies);
    this.seeds = List.copyOf(seeds);
  }

  public List<Row> rows() {
    return rows;
  }

  public List<Group> groups() {
    return groups;
  }

  /** The strategy labels, in the order the rows first name them. */
  public List<String> strategies() {
    return strategies;
  }

  public List<Long> seeds() {
    return seeds;
  }

  /** The median schedules to the first failure over the seeds (not found: more than the budget). */
  public static double median(List<Row> rows) {
    if (rows.isEmpty()) {
      return Double.NaN;
    }
    List<Double> v = new ArrayList<>();
    for (Row r : rows) {
      v.add(r.found() ? (double) r.schedule() : Double.POSITIVE_INFINITY);
    }
    v.sort(null);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  /** The median of the cells' schedules per second. */
  public static double medianRate(List<Row> rows) {
    List<Double> v = new ArrayList<>(rows.stream().map(Row::schedulesPerSecond).toList());
    if (v.isEmpty()) {
      return Double.NaN;
    }
    v.sort(null);
    int n = v.size();
    return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
  }

  public static long found(List<Row> rows) {
    return rows.stream().filter(Row::found).count();
  }

  /** The best strategy of {@code g}, and whether it needs at most a tenth of random's median schedules. */
  public Best best(Group g) {
    // The lowest median; on a tie (two medians beyond the budget, say) the most seeds found; then plan order.
    String best = null;
    double bestMedian = Double.POSITIVE_INFINITY;
    long bestFound = -1;
    for (String s : strategies) {
      double m = median(g.rows(s));
      long f = found(g.rows(s));
      if (!Double.isNaN(m) && (best == null || m < bestMedian || (m == bestMedian && f > bestFound))) {
        best = s;
        bestMedian = m;
        bestFound = f;
      }
    }
    List<Row> random = g.rows(StrategyKind.RANDOM.id());
    double r = random.isEmpty() ? Double.NaN : median(random);
    String verdict;
    if (best == null || Double.isInfinite(bestMedian)) {
      verdict = "no strategy found it in half the seeds";
    } else if (Double.isNaN(r)) {
      verdict = "no random cells";
    } else if (Double.isInfinite(r)) {
      verdict = bestMedian * 10 <= g.budget()
          ? "yes (random's median is beyond the budget of " + fmt(g.budget()) + ")"
          : "unknown (random's median is beyond the budget of " + fmt(g.budget()) + ")";
    } else {
      verdict = bestMedian * 10 <= r ? String.format(Locale.ROOT, "yes (%.1f×)", r / bestMedian)
          : r < 10 ? String.format(Locale.ROOT, "no (%.1f×): random's median is %s schedule%s, and no strategy"
              + " needs less than one", r / bestMedian, median(r, g.budget()), r == 1 ? "" : "s")
          : String.format(Locale.ROOT, "no (%.1f×)", r / bestMedian);
    }
    return new Best(best, bestMedian, r, verdict);
  }

  /** A median as tables show it: {@code 12}, {@code 12.5}, {@code > budget}, or {@code —}. */
  public static String median(double m, int budget) {
    if (Double.isNaN(m)) {
      return "—";
    }
    if (Double.isInfinite(m)) {
      return "> " + fmt(budget);
    }
    return m == Math.rint(m) ? fmt((long) m) : String.format(Locale.ROOT, "%,.1f", m);
  }

  static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
