package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.dev.Fix;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalog entry: PCT from a fixed seed finds its race, the failure is one of the oracles the
 * scenario expects, the trace it wrote replays to the same failure and event log (from its encoded
 * bytes, as a file would), and with the entry's fix on, the same exploration budget finds nothing.
 */
class CatalogTest {
  /** PCT, seed 1, depth 3: the budget each entry is explored with, with and without its fix. */
  static final long SEED = 1;
  static final int DEPTH = 3;
  static final int BUDGET = 5000;

  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Stream<String> entries() {
    return Catalog.names().stream();
  }

  static ExploreResult explore(Scenario s, List<String> fixes) {
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, fixes, List.of()));
    return sim.explore(w, ExploreOptions.pct(SEED, BUDGET, DEPTH).withRun(w.runOptions(RunOptions.DEFAULT)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void explorationFindsTheRaceAndItsTraceReplaysIt(String name) throws Exception {
    Scenario s = Catalog.find(name).orElseThrow();
    ExploreResult r = explore(s, List.of());
    assertTrue(r.found(), name + ": nothing found in " + BUDGET + " PCT iterations");
    RunResult failing = r.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertTrue(s.expect().contains(v.oracle()), name + " expects " + s.expect() + " but " + v.oracle() + " fired: "
        + v.describe());

    Trace trace = TraceCodec.decode(TraceCodec.encode(failing.trace()), name);
    Scenario again = Scenarios.parse(trace.header().text(), name + ".ksim");
    ReplayResult replay = sim.replay(new ScenarioWorld(again, Settings.fromOptions(trace.header().options())), trace);
    assertTrue(replay.confirmed(), name + ": " + replay);
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void withItsFixTheSameBudgetFindsNothing(String name) throws Exception {
    Scenario s = Catalog.find(name).orElseThrow();
    List<String> fixes = Catalog.fixesFor(name).stream().map(Fix::id).toList();
    assertFalse(fixes.isEmpty(), name + " names no fix");
    ExploreResult r = explore(s, fixes);
    assertFalse(r.found(), () -> name + " with " + fixes + ": " + r.failing().orElseThrow().outcome());
    assertEquals(BUDGET, r.iterations());
  }

  @Test
  void theCatalogHasTheTriadFirstAndEveryEntryExplainsItself() {
    assertEquals(Catalog.DEFAULT, Catalog.names().get(0));
    assertTrue(Catalog.names().size() >= 7, "the triad and at least six other races");
    for (Scenario s : Catalog.all()) {
      assertFalse(s.description().isBlank(), s.name() + " has no header comment");
      assertFalse(s.expect().isEmpty(), s.name() + " says nothing about what exploration finds");
      assertTrue(s.description().contains("Fixed by"), s.name() + " does not name its fix");
    }
  }
}
