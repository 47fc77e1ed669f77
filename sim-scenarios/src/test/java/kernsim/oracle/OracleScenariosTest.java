package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Helpers for the oracle scenarios in {@code src/test/resources/kernsim/oracle}: exploration from a seed
 * finds the race an oracle should see and its trace replays to the same failure, or a given number of
 * schedules finds nothing.
 */
abstract class OracleScenariosTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Scenario load(String name) throws Exception {
    return Scenarios.load(Path.of("src", "test", "resources", "kernsim", "oracle", name + ".ksim"));
  }

  static ScenarioWorld world(String name, String profile, List<String> fixes, List<String> off) throws Exception {
    Scenario s = load(name);
    return new ScenarioWorld(s, Settings.of(s, profile, fixes, off));
  }

  /**
   * Explores {@code w} with PCT from {@code seed}; expects {@code oracle} to fail a schedule with a message
   * containing every one of {@code parts}, then replays the trace to the same outcome. Returns the message.
   */
  static String foundAndReplayed(ScenarioWorld w, long seed, int iterations, String oracle, String... parts)
      throws Exception {
    ExploreResult x = sim.explore(w, ExploreOptions.pct(seed, iterations, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertTrue(x.found(), w.name() + ": nothing in " + x.iterations() + " schedules");
    RunResult failing = x.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(oracle, v.oracle(), v.message());
    for (String p : parts) {
      assertTrue(v.message().contains(p), "expected '" + p + "' in: " + v.message());
    }
    ReplayResult replay = sim.replay(w, failing.trace());
    assertTrue(replay.confirmed(), "replay: " + replay.run().outcome());
    assertEquals(failing.outcome(), replay.run().outcome());
    return v.message();
  }

  /** Explores {@code iterations} schedules of {@code w} with PCT from {@code seed}: no oracle objects. */
  static void quiet(ScenarioWorld w, long seed, int iterations) {
    ExploreResult x = sim.explore(w, ExploreOptions.pct(seed, iterations, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertFalse(x.found(), () -> w.name() + ": " + x.failing().orElseThrow().failure().orElseThrow());
    assertEquals(iterations, x.iterations());
  }
}
