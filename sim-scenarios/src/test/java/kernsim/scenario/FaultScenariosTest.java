package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
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
import kernsim.dev.Semantics;
import kernsim.dev.file.FaultPlan;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault scenario: PCT from a fixed seed finds each failure it expects (the other expected oracles
 * turned off, so that each is shown to fire on its own), and the trace it wrote
 * replays (from its encoded bytes, with the faults the trace header and scenario text carry) to the same
 * failure and event log. Faults are drawn from the world's seed: the same seed and faults give the same
 * event log (without faults, the recorded traces' hashes, which TraceFilesTest and DocFiguresTest check,
 * are what they were).
 */
class FaultScenariosTest {
  static final long SEED = 1;
  static final int BUDGET = 2000;

  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static ExploreResult explore(Scenario s, Settings settings, long seed, int budget) {
    ScenarioWorld w = new ScenarioWorld(s, settings);
    return sim.explore(w, ExploreOptions.pct(seed, budget, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
  }

  /** Each fault scenario with each oracle it expects: with the others it expects turned off, that one fires. */
  static Stream<org.junit.jupiter.params.provider.Arguments> expectations() throws ScenarioException {
    List<org.junit.jupiter.params.provider.Arguments> out = new java.util.ArrayList<>();
    for (String n : FaultScenarios.names()) {
      for (String o : FaultScenarios.find(n).orElseThrow().expect()) {
        if (o.equals("none")) {
          continue; // a scenario that must stay clean (power-loss-mid-flush: PowerLossTest)
        }
        out.add(org.junit.jupiter.params.provider.Arguments.of(n, o));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("expectations")
  void explorationFindsItsFailureAndItsTraceReplaysIt(String name, String oracle) throws Exception {
    Scenario s = FaultScenarios.find(name).orElseThrow();
    assertFalse(s.faults().isEmpty(), name + " injects no fault");
    List<String> others = s.expect().stream().filter(o -> !o.equals(oracle)).toList();
    ExploreResult r = explore(s, Settings.of(s, null, List.of(), others), SEED, BUDGET);
    assertTrue(r.found(), name + ": nothing found in " + BUDGET + " PCT schedules");
    RunResult failing = r.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(oracle, v.oracle(), name + " with " + others + " off: " + v.describe());

    Trace trace = TraceCodec.decode(TraceCodec.encode(failing.trace()), name);
    Scenario again = Scenarios.parse(trace.header().text(), name + ".ksim");
    assertEquals(s.faults(), again.faults());
    ReplayResult replay = sim.replay(new ScenarioWorld(again, Settings.fromOptions(trace.header().options())), trace);
    assertTrue(replay.confirmed(), name + ": " + replay);
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
  }

  @Test
  void starryReportsUmountsWritebackErrorSoTheSameBudgetFindsNothing() throws Exception {
    Scenario s = FaultScenarios.find("umount-eio").orElseThrow();
    ExploreResult r = explore(s, Settings.of(s, Semantics.STARRY.profile(), List.of(), List.of()), SEED, 300);
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome().toString());
  }

  @Test
  void cliFaultsAreRecordedInTheTraceHeaderAndReplay() throws Exception {
    Scenario s = Catalog.find("triad").orElseThrow();
    FaultPlan plan = FaultPlan.parse("write-eio%40,sync-eio%40,latency=2ms");
    Settings settings = Settings.of(s, null, List.of("mount-recheck-file", "mark-mounted-at-install"), List.of())
        .withFaults(plan);
    ScenarioWorld w = new ScenarioWorld(s, settings);
    RunResult run = sim.run(w, kernsim.actors.Strategies.forIteration(ExploreOptions.pct(7, 1, 3), 7, 200),
        w.runOptions(RunOptions.DEFAULT), 7, 0);
    Trace trace = TraceCodec.decode(TraceCodec.encode(run.trace()), "triad");
    assertEquals(plan.toString(), trace.header().options().get("faults"));
    Settings back = Settings.fromOptions(trace.header().options());
    assertEquals(plan, back.faults());
    ReplayResult replay = sim.replay(new ScenarioWorld(s, back), trace);
    assertTrue(replay.confirmed(), replay.toString());
    assertEquals(run.eventLogHash(), replay.run().eventLogHash());
    assertTrue(run.endNanos() > 0, "latency advances the virtual clock");
  }

  @Test
  void theSameSeedAndFaultsGiveTheSameEventLogAndOtherSeedsOtherFaults() throws Exception {
    Scenario s = FaultScenarios.find("umount-eio").orElseThrow();
    Settings settings = Settings.of(s, null, List.of(), List.of());
    TreeSet<String> hashes = new TreeSet<>();
    for (long seed = 1; seed <= 6; seed++) {
      ExploreResult a = explore(s, settings, seed, 5);
      ExploreResult b = explore(s, settings, seed, 5);
      assertEquals(summary(a), summary(b), "seed " + seed);
      hashes.add(summary(a));
    }
    assertTrue(hashes.size() > 1, "six seeds drew the same faults and schedules: " + hashes);
    // The faults are what makes the failure: the same scenario without its `faults` line finds nothing there.
    Scenario bare = Scenarios.parse(s.text().replace("faults sync-eio%50\n", ""), "bare.ksim");
    assertTrue(bare.faults().isEmpty());
    assertNotEquals(summary(explore(bare, settings, 1, 5)), summary(explore(s, settings, 1, 5)));
  }

  private static String summary(ExploreResult r) {
    return r.failing().map(f -> f.iteration() + ":" + f.eventLogHash()).orElse("none:" + r.last().eventLogHash());
  }
}
