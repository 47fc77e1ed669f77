package kernsim.experiment;

import java.util.ArrayList;
import java.util.List;
import kernsim.scenario.Scenario;
import kernsim.scenario.Settings;

/**
 * An experiment: a grid of scenarios × settings (profile, fixes) × strategies × seeds, every cell explored
 * for at most {@link #budget()} schedules. Read from a TOML file by {@link PlanReader}; docs/experiments.md
 * gives the format.
 *
 * @param title what the experiment is, for the tables' heading
 * @param budget schedules per cell at most
 * @param scenarios the scenarios, each with the settings it runs under (a scenario × profile × fix set)
 * @param strategies the strategies with their parameters, each with its seeds
 * @param seeds the plan's seeds, those of every strategy that does not name its own
 */
public record Plan(String title, int budget, List<Target> scenarios, List<Arm> strategies, List<Long> seeds) {
  public Plan {
    scenarios = List.copyOf(scenarios);
    strategies = List.copyOf(strategies);
    seeds = List.copyOf(seeds);
  }

  /**
   * One scenario under one setting.
   *
   * @param source how the plan named the scenario: a catalog or client scenario's name, or a file's path
   */
  public record Target(String source, Scenario scenario, Settings settings) {}

  /** A strategy and the seeds it runs from (the plan's, unless its table names its own). */
  public record Arm(StrategySpec strategy, List<Long> seeds) {
    public Arm {
      seeds = List.copyOf(seeds);
    }
  }

  /** The cells, in the plan's order: scenario, then profile, then fix set, then strategy, then seed. */
  public List<Cell> cells() {
    List<Cell> cells = new ArrayList<>();
    for (Target t : scenarios) {
      for (Arm a : strategies) {
        for (long seed : a.seeds()) {
          cells.add(new Cell(t, a.strategy(), seed, budget));
        }
      }
    }
    return cells;
  }
}
