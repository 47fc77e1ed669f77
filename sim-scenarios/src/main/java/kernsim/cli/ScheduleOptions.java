package kernsim.cli;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.RunOptions;
import kernsim.actors.StrategyKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * How schedules are chosen: {@code --strategy}, {@code --seed}, and the strategies' parameters
 * {@code --depth} (pct), {@code --delays} (delay-bounding), {@code --preemption-bound} (dfs); run and explore.
 */
final class ScheduleOptions {
  /** The least k, the steps per iteration among which PCT's change points and the delays fall. */
  static final int PCT_STEPS = 64;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--strategy", paramLabel = "NAME", defaultValue = "pct",
      converter = ExplorationStrategy.class, completionCandidates = ExplorationStrategy.Candidates.class,
      description = "Exploration strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  StrategyKind strategy;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "The seed; the same seed gives the same schedules, on any machine (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--depth", paramLabel = "D", defaultValue = "3",
      description = "PCT's bug depth d (d-1 priority change points), 1 to "
          + ExploreOptions.MAX_DEPTH + "; ignored by random"
          + " (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--delays", paramLabel = "K", defaultValue = "" + ExploreOptions.DEFAULT_DELAYS,
      description = "delay-bounding's delays per schedule, 0 to "
          + ExploreOptions.MAX_DEPTH + "; ignored by the others"
          + " (default: ${DEFAULT-VALUE}).")
  int delays;

  @Option(names = "--preemption-bound", paramLabel = "K",
      description = "dfs's bound on preemptions per schedule (CHESS), at least 0; ignored by the others"
          + " (default: none, every interleaving).")
  Integer preemptionBound;

  /** Checks the values the parser cannot: a usage mistake, reported with the usage. */
  void validate() {
    if (depth < 1) {
      throw new ParameterException(mixee.commandLine(), "--depth must be at least 1, got " + depth);
    }
    if (depth > ExploreOptions.MAX_DEPTH) {
      throw new ParameterException(mixee.commandLine(), "--depth must be at most " + ExploreOptions.MAX_DEPTH
          + " (the limit), got " + depth);
    }
    if (delays < 0) {
      throw new ParameterException(mixee.commandLine(), "--delays must be at least 0, got " + delays);
    }
    if (delays > ExploreOptions.MAX_DEPTH) {
      throw new ParameterException(mixee.commandLine(), "--delays must be at most " + ExploreOptions.MAX_DEPTH
          + " (the limit), got " + delays);
    }
    if (preemptionBound != null && preemptionBound < 0) {
      throw new ParameterException(mixee.commandLine(), "--preemption-bound must be at least 0, got "
          + preemptionBound);
    }
  }

  /** The exploration these options describe, {@code iterations} long, each world run with {@code run}. */
  ExploreOptions explore(int iterations, RunOptions run) {
    validate();
    return new ExploreOptions(strategy, seed, iterations, depth, PCT_STEPS, run, delays,
        preemptionBound == null ? -1 : preemptionBound);
  }

  /** PCT's depth, or null for a strategy that has none. */
  Integer depthOrNull() {
    return strategy == StrategyKind.PCT ? depth : null;
  }

  /** delay-bounding's delays, or null for the other strategies. */
  Integer delaysOrNull() {
    return strategy == StrategyKind.DELAY_BOUNDING ? delays : null;
  }

  /** dfs's preemption bound, or null when there is none or the strategy is not dfs. */
  Integer preemptionBoundOrNull() {
    return strategy == StrategyKind.DFS ? preemptionBound : null;
  }

  /** The chosen strategy's parameters as reports show them ({@code depth 3}), or null if it has none. */
  String parameters() {
    List<String> p = new ArrayList<>();
    if (depthOrNull() != null) {
      p.add("depth " + depth);
    }
    if (delaysOrNull() != null) {
      p.add("delays " + delays);
    }
    if (preemptionBoundOrNull() != null) {
      p.add("preemption bound " + preemptionBound);
    }
    return p.isEmpty() ? null : String.join(", ", p);
  }

  /** The chosen strategy and its parameters as command-line options, to repeat a run. */
  List<String> args() {
    List<String> a = new ArrayList<>(List.of("--strategy", strategy.id()));
    if (depthOrNull() != null) {
      a.addAll(List.of("--depth", Integer.toString(depth)));
    }
    if (delaysOrNull() != null) {
      a.addAll(List.of("--delays", Integer.toString(delays)));
    }
    if (preemptionBoundOrNull() != null) {
      a.addAll(List.of("--preemption-bound", Integer.toString(preemptionBound)));
    }
    return a;
  }

  /** The parameters as JSON fields: each is null where the strategy has no such parameter. */
  void json(com.fasterxml.jackson.databind.node.ObjectNode o) {
    o.put("strategy", strategy.id());
    o.put("depth", depthOrNull());
    o.put("delays", delaysOrNull());
    o.put("preemptionBound", preemptionBoundOrNull());
  }

  /** The strategies an exploration can use, by the names {@link StrategyKind} gives them. */
  static final class ExplorationStrategy implements ITypeConverter<StrategyKind> {
    @Override
    public StrategyKind convert(String value) {
      try {
        return StrategyKind.explorationById(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }

    static final class Candidates extends ArrayList<String> {
      Candidates() {
        super(StrategyKind.explorationIds());
      }
    }
  }
}
