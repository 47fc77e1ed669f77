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
 * @param strategies the strategies with their parameters
 * @param seeds the seeds every (scenario, settings, strategy) runs from
 */
public record Plan(String title, int budget, List<Target> scenarios, List<StrategySpec> strategies, List<Long> seeds) {
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

  /** The cells, in the plan's order: scenario, then profile, then fix set, then strategy, then seed. */
  public List<Cell> cells() {
    List<Cell> cells = new ArrayList<>();
    for (Target t : scenarios) {
      for (StrategySpec s : strategies) {
        for (long seed : seeds) {
          cells.add(new Cell(t, s, seed, budget));
        }
      }
    }
    return cells;
  }
}
