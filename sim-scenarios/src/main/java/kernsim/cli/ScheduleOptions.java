package kernsim.cli;

import java.util.ArrayList;
import kernsim.actors.ExploreOptions;
import kernsim.actors.RunOptions;
import kernsim.actors.StrategyKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** How schedules are chosen: {@code --strategy}, {@code --seed}, {@code --depth} (run and explore). */
final class ScheduleOptions {
  /** PCT's initial estimate of the steps per iteration (it learns the longest seen). */
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
      description = "PCT's bug depth d (d-1 priority change points), at least 1; ignored by random"
          + " (default: ${DEFAULT-VALUE}).")
  int depth;

  /** Checks the values the parser cannot: a usage mistake, reported with the usage. */
  void validate() {
    if (depth < 1) {
      throw new ParameterException(mixee.commandLine(), "--depth must be at least 1, got " + depth);
    }
  }

  /** The exploration these options describe, {@code iterations} long, each world run with {@code run}. */
  ExploreOptions explore(int iterations, RunOptions run) {
    validate();
    return new ExploreOptions(strategy, seed, iterations, depth, PCT_STEPS, run);
  }

  /** PCT's depth, or null for a strategy that has none. */
  Integer depthOrNull() {
    return strategy == StrategyKind.PCT ? depth : null;
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
