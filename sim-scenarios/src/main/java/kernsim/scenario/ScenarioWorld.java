package kernsim.scenario;

import java.util.List;
import java.util.SortedMap;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Kernel;
import kernsim.oracle.Oracles;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A scenario as a world the simulator runs: its kernel under the settings' semantics, watched by every
 * oracle the settings leave on.
 */
public final class ScenarioWorld implements WorldSpec {
  /** Bumped whenever the model changes what a scenario does step by step: old traces are refused. */
  public static final String MODEL_VERSION = "kernsim-model-1";

  private final Scenario scenario;
  private final Settings settings;

  public ScenarioWorld(Scenario scenario, Settings settings) {
    this.scenario = scenario;
    this.settings = settings;
  }

  public Scenario scenario() {
    return scenario;
  }

  public Settings settings() {
    return settings;
  }

  /** {@code base} with the deadlock and livelock oracles as the settings say. */
  public RunOptions runOptions(RunOptions base) {
    return Oracles.runOptions(base, settings.oraclesOff());
  }

  @Override
  public String name() {
    return scenario.name();
  }

  @Override
  public String modelVersion() {
    return MODEL_VERSION;
  }

  @Override
  public String text() {
    return scenario.text();
  }

  @Override
  public SortedMap<String, String> options() {
    return settings.options();
  }

  @Override
  public Behavior<?> root(World world) {
    Kernel.Spec spec = scenario.kernelSpec(settings.semantics());
    return Kernel.create(world, spec);
  }

  @Override
  public List<Monitor> monitors(World world) {
    return Oracles.monitors(settings.semantics(), settings.oraclesOff());
  }
}
