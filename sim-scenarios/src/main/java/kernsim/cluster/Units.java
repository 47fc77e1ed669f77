package kernsim.cluster;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import kernsim.actors.ExploreOptions;
import kernsim.actors.RunOptions;
import kernsim.actors.StrategyKind;
import kernsim.experiment.Cell;
import kernsim.experiment.Plan;
import kernsim.experiment.StrategySpec;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;

/**
 * What a unit of work carries, so that a worker rebuilds exactly the coordinator's world and options from
 * the message alone, as a replay does from a trace: the scenario's text and the settings' trace-header
 * form, the exploration's options field by field. A worker needs no file of the coordinator's.
 */
final class Units {
  private Units() {}

  /** A scenario under its settings. */
  record World(String name, String file, String text, Map<String, String> settings) {
    static World of(Scenario s, Settings settings) {
      return new World(s.name(), s.file(), s.text(), new TreeMap<>(settings.options()));
    }

    Scenario scenario() throws ScenarioException {
      Scenario s = Scenarios.parse(text, file == null ? name + ".ksim" : file);
      if (!s.name().equals(name)) {
        throw new IllegalStateException("the scenario text names '" + s.name() + "', the unit '" + name + "'");
      }
      return s;
    }

    ScenarioWorld world() throws ScenarioException {
      return new ScenarioWorld(scenario(), Settings.fromOptions(settings));
    }
  }

  /** An exploration: the world and {@link ExploreOptions}' fields. */
  record Exploration(World world, String strategy, long seed, int iterations, int depth, int pctSteps, int maxSteps,
      boolean clockChoices, boolean deadlocks, boolean livelocks, int delays, int preemptionBound) {
    static Exploration of(World world, ExploreOptions o) {
      RunOptions r = o.run();
      return new Exploration(world, o.strategy().id(), o.seed(), o.iterations(), o.pctDepth(), o.pctSteps(),
          r.maxSteps(), r.clockChoices(), r.deadlocks(), r.livelocks(), o.delays(), o.preemptionBound());
    }

    ExploreOptions options() {
      return new ExploreOptions(StrategyKind.byId(strategy), seed, iterations, depth, pctSteps,
          new RunOptions(maxSteps, clockChoices, deadlocks, livelocks), delays, preemptionBound);
    }
  }

  /** An experiment cell: how the plan named the scenario, the world, the strategy, the seed and the budget. */
  record CellSpec(String source, World world, String strategy, SortedMap<String, Long> parameters, long seed,
      int budget) {
    static CellSpec of(Cell c) {
      return new CellSpec(c.target().source(), World.of(c.target().scenario(), c.target().settings()),
          c.strategy().name(), new TreeMap<>(c.strategy().parameters()), c.seed(), c.budget());
    }

    Cell cell() throws ScenarioException {
      Plan.Target t = new Plan.Target(source, world.scenario(), Settings.fromOptions(world.settings()));
      return new Cell(t, new StrategySpec(StrategyKind.byId(strategy), parameters), seed, budget);
    }
  }
}
