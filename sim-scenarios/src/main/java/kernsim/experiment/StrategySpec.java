package kernsim.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import kernsim.actors.ExploreOptions;
import kernsim.actors.RunOptions;
import kernsim.actors.StrategyKind;

/**
 * An exploration strategy with every one of its parameters set (the plan's values, else the defaults), as
 * a cell runs it and the CSV names it: {@code pct} with {@code depth=3}.
 *
 * <p>The strategies are {@link StrategyKind}'s, under its names: a plan can name any strategy an
 * exploration can use ({@link #exploring()}). What a plan can set for each is {@link #PARAMETERS}.
 */
public record StrategySpec(StrategyKind kind, SortedMap<String, Long> parameters) {
  public StrategySpec {
    parameters = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
  }

  /**
   * A parameter of a strategy that a plan can set: its name in the plan and the CSV, the strategy it
   * belongs to, its least and greatest values, what it means, and how it sets the exploration's options. The default is
   * the exploration's own ({@code read} of the default options), so it cannot drift from the CLI's.
   */
  public record Parameter(String name, StrategyKind strategy, long min, long max, String meaning,
      java.util.function.ToLongFunction<ExploreOptions> read, BiFunction<ExploreOptions, Long, ExploreOptions> set) {
    long defaultValue() {
      return read.applyAsLong(base(strategy, 1, 1, RunOptions.DEFAULT));
    }
  }

  /**
   * Every strategy parameter a plan can set. A strategy added to {@link StrategyKind} is usable in plans at
   * once, with its defaults; its parameters become settable by a line here.
   */
  public static final List<Parameter> PARAMETERS = List.of(
      new Parameter("depth", StrategyKind.PCT, 1, ExploreOptions.MAX_DEPTH, "PCT's bug depth d (d-1 priority change points)",
          ExploreOptions::pctDepth, (o, v) -> with(o, Math.toIntExact(v), o.delays(), o.preemptionBound())),
      new Parameter("delays", StrategyKind.DELAY_BOUNDING, 0, ExploreOptions.MAX_DEPTH, "delay-bounding's delays per schedule",
          ExploreOptions::delays, (o, v) -> with(o, o.pctDepth(), Math.toIntExact(v), o.preemptionBound())),
      new Parameter("preemption-bound", StrategyKind.DFS, 0, Integer.MAX_VALUE,
          "dfs's bound on preemptions per schedule (CHESS); none by default",
          ExploreOptions::preemptionBound, (o, v) -> with(o, o.pctDepth(), o.delays(), Math.toIntExact(v))));

  private static ExploreOptions with(ExploreOptions o, int depth, int delays, int preemptionBound) {
    return new ExploreOptions(o.strategy(), o.seed(), o.iterations(), depth, o.pctSteps(), o.run(), delays,
        preemptionBound);
  }

  /** The strategies an exploration (and so a plan) can use, in {@link StrategyKind}'s order. */
  public static List<StrategyKind> exploring() {
    return StrategyKind.exploring();
  }

  /** The parameters {@code kind} has. */
  public static List<Parameter> parametersOf(StrategyKind kind) {
    return PARAMETERS.stream().filter(p -> p.strategy() == kind).toList();
  }

  /** {@code kind} with {@code given} on top of its defaults (the caller checked the names and values). */
  public static StrategySpec of(StrategyKind kind, Map<String, Long> given) {
    TreeMap<String, Long> all = new TreeMap<>();
    for (Parameter p : parametersOf(kind)) {
      long v = given.getOrDefault(p.name(), p.defaultValue());
      if (v >= p.min()) { // a default below the least value is "none" (dfs's preemption bound): not set
        all.put(p.name(), v);
      }
    }
    return new StrategySpec(kind, all);
  }

  /** The strategy's name, as {@link StrategyKind} spells it. */
  public String name() {
    return kind.id();
  }

  /** {@code depth=3}, several joined by {@code ;}; empty for a strategy without parameters. */
  public String parameterText() {
    List<String> p = new ArrayList<>();
    parameters.forEach((k, v) -> p.add(k + "=" + v));
    return String.join(";", p);
  }

  /** {@code pct depth=3}, or {@code random}: how tables and plots name it. */
  public String label() {
    String p = parameterText().replace(';', ' ');
    return p.isEmpty() ? name() : name() + " " + p;
  }

  /** The exploration of one cell: this strategy from {@code seed}, {@code budget} schedules, runs as {@code run}. */
  public ExploreOptions options(long seed, int budget, RunOptions run) {
    ExploreOptions o = base(kind, seed, budget, run);
    for (Parameter p : parametersOf(kind)) {
      if (parameters.containsKey(p.name())) {
        o = p.set().apply(o, parameters.get(p.name()));
      }
    }
    return o;
  }

  private static ExploreOptions base(StrategyKind kind, long seed, int budget, RunOptions run) {
    // ExploreOptions' defaults of every parameter, as the CLI's
    return ExploreOptions.random(seed, budget).withRun(run).withStrategy(kind);
  }

  @Override
  public String toString() {
    return label();
  }
}
