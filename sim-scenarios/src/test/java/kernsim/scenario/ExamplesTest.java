package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scenarios in {@code examples/}: races found, but not (yet) catalog entries, because no fix
 * toggle leaves them clean. Each still parses and exploration still finds what its header says.
 */
class ExamplesTest {
  @ParameterizedTest
  @ValueSource(strings = {"callback-on-wrong-mount", "umount-vs-mount-on-top", "flock-order", "shared-offset"})
  void theExampleParsesAndExplorationFindsWhatItExpects(String name) throws Exception {
    Scenario s = Scenarios.load(Path.of("..", "examples", name + ".ksim"));
    try (Simulator sim = Simulator.create()) {
      ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
      ExploreResult r = sim.explore(w, ExploreOptions.pct(1, 5000, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
      assertTrue(r.found(), name + ": nothing found");
      Failure f = r.failing().orElseThrow().failure().orElseThrow();
      assertTrue(f instanceof Failure.SafetyViolation v && s.expect().contains(v.oracle())
          || f instanceof Failure.Deadlock d && s.expect().contains("deadlock") && !d.cycle().isEmpty(), name + ": " + f);
    }
  }
}
