package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
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
import kernsim.dev.Regress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linux's race catalog ({@link LinuxRaces}), entry by entry: with its regress toggle on (the entry's own
 * {@code regress} line), PCT from seed 1 finds its race, reported by an oracle the entry expects; the trace
 * records the toggle and replays, from its encoded bytes, to the same failure and event log; with the
 * toggle off ({@code --no-regress}: the patched kernel) {@link #OFF_BUDGET} PCT schedules and as many
 * random ones from the same seed find nothing.
 */
class LinuxCatalogTest {
  static final long SEED = 1;
  static final int DEPTH = 3;
  /** Schedules the toggle-on exploration may take (each entry's race is found well within it). */
  static final int BUDGET = 2000;
  /** Schedules explored, per strategy, with the toggle off. */
  static final int OFF_BUDGET = 3000;

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
    return LinuxRaces.names().stream();
  }

  static Settings settings(Scenario s, boolean regress) {
    List<String> off = regress ? List.of() : List.of(LinuxRaces.regressFor(s.name()).orElseThrow().id());
    return Settings.of(s, null, List.of(), List.of(), off, List.of());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void withItsToggleExplorationFindsTheRaceAndItsTraceReplaysIt(String name) throws Exception {
    Scenario s = LinuxRaces.find(name).orElseThrow();
    Regress r = LinuxRaces.regressFor(name).orElseThrow();
    Settings on = settings(s, true);
    assertTrue(on.semantics().has(r), name + " does not turn " + r + " on");
    ScenarioWorld w = new ScenarioWorld(s, on);
    ExploreResult res = sim.explore(w, ExploreOptions.pct(SEED, BUDGET, DEPTH).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertTrue(res.found(), name + ": nothing found in " + BUDGET + " PCT schedules with " + r);
    RunResult failing = res.failing().orElseThrow();
    Failure f = failing.failure().orElseThrow();
    String oracle = f instanceof Failure.SafetyViolation v ? v.oracle() : f instanceof Failure.Deadlock ? "deadlock" : f.kind();
    assertTrue(s.expect().contains(oracle), name + " expects " + s.expect() + " but got " + f.describe());

    Trace trace = TraceCodec.decode(TraceCodec.encode(failing.trace()), name);
    assertEquals(r.id(), trace.header().options().get("regress"), "the trace records the toggle");
    Scenario again = Scenarios.parse(trace.header().text(), name + ".ksim");
    Settings replayed = Settings.fromOptions(trace.header().options());
    assertEquals(on, replayed);
    ReplayResult replay = sim.replay(new ScenarioWorld(again, replayed), trace);
    assertTrue(replay.confirmed(), name + ": " + replay);
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("entries")
  void withItsToggleOffNeitherPctNorRandomFindsAnything(String name) throws Exception {
    Scenario s = LinuxRaces.find(name).orElseThrow();
    Settings off = settings(s, false);
    assertTrue(off.semantics().regressions().isEmpty());
    List<ExploreOptions> strategies = new ArrayList<>();
    strategies.add(ExploreOptions.pct(SEED, OFF_BUDGET, DEPTH));
    strategies.add(ExploreOptions.random(SEED, OFF_BUDGET));
    for (ExploreOptions o : strategies) {
      ScenarioWorld w = new ScenarioWorld(s, off);
      ExploreResult res = sim.explore(w, o.withRun(w.runOptions(RunOptions.DEFAULT)));
      assertFalse(res.found(), () -> name + " without its toggle (" + o + "): " + res.failing().orElseThrow().outcome());
      assertEquals(OFF_BUDGET, res.iterations());
    }
  }

  @Test
  void everyToggleHasOneEntryAndEveryEntryCitesItsCommit() {
    List<Regress> seen = new ArrayList<>();
    for (Scenario s : LinuxRaces.all()) {
      Regress r = LinuxRaces.regressFor(s.name()).orElseThrow(() -> new AssertionError(s.name() + " names no toggle"));
      assertTrue(s.name().startsWith("linux-"), s.name());
      assertEquals("linux", s.profile(), s.name());
      assertEquals(List.of(r), s.regressions(), s.name() + "'s regress line and the index disagree");
      assertTrue(s.description().contains(r.commit()), s.name() + " does not cite " + r.commit());
      assertFalse(s.expect().isEmpty(), s.name());
      assertFalse(seen.contains(r), r + " has two entries");
      seen.add(r);
    }
    assertEquals(List.of(Regress.values()), seen.stream().sorted().toList(), "every regress toggle has an entry");
    assertTrue(seen.size() >= 4);
  }
}
