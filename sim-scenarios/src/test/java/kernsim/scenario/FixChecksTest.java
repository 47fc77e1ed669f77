package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixes of docs/fixes.md against scenarios of their own ({@code examples/fixes/}), phrased unlike the
 * catalog's: other call orders, paths, devices and flags. Each row is a scenario, the fixes that do not
 * close its race (exploration from seed 1 finds it, and its trace replays to the same failure and
 * event-log hash) and the fixes that do (the same strategy's budget finds nothing). docs/fixes.md lists
 * what each found, under which strategy, with and without its fix.
 */
class FixChecksTest {
  static final long SEED = 1;
  static final int BUDGET = 1000;

  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** scenario, strategy, fixes that leave the race open, fixes that close it. */
  static Stream<Arguments> checks() {
    return Stream.of(
        // mount-recheck-slot alone does not keep two mounts from both being live (docs/fixes.md).
        Arguments.of("two-mounts-three-dirs", StrategyKind.POS, List.of("mount-recheck-slot"),
            List.of("mount-recheck-slot", "mark-mounted-at-install", "flush-own-cache")),
        Arguments.of("two-mounts-three-dirs", StrategyKind.POS, List.of("mount-recheck-slot", "mark-mounted-at-install"),
            List.of("mount-recheck-slot", "mark-mounted-at-install", "flush-own-cache")),
        Arguments.of("mount-twice-then-again", StrategyKind.RANDOM, List.of("mount-recheck-slot"),
            List.of("mount-recheck-slot", "mark-mounted-at-install", "flush-own-cache")),
        Arguments.of("set-fd-ro-two-devices", StrategyKind.PCT, List.of(), List.of("write-at-file-first")),
        Arguments.of("configure-ro-loop1", StrategyKind.PCT, List.of("configure-flags-first"),
            List.of("configure-flags-first", "write-at-file-first")),
        Arguments.of("configure-ro-loop1", StrategyKind.RANDOM, List.of("write-at-file-first"),
            List.of("configure-flags-first", "write-at-file-first")),
        Arguments.of("clr-fd-vs-mount-on-loop1", StrategyKind.RANDOM, List.of("mount-recheck-file"),
            List.of("mount-recheck-file", "mark-mounted-at-install")),
        Arguments.of("clr-fd-vs-mount-on-loop1", StrategyKind.POS, List.of("mark-mounted-at-install"),
            List.of("mount-recheck-file", "mark-mounted-at-install")),
        Arguments.of("umount-callback-vs-clr-fd", StrategyKind.PCT, List.of(), List.of("flush-own-cache")));
  }

  static Scenario load(String name) throws Exception {
    return Scenarios.load(Path.of("..", "examples", "fixes", name + ".ksim"));
  }

  static ExploreResult explore(Scenario s, StrategyKind strategy, List<String> fixes) {
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, fixes, List.of()));
    return sim.explore(w, ExploreOptions.pct(SEED, BUDGET, 3).withStrategy(strategy)
        .withRun(w.runOptions(RunOptions.DEFAULT)));
  }

  @ParameterizedTest(name = "{0} {1} with {2}")
  @MethodSource("checks")
  void withoutTheClosingFixesExplorationFindsTheRaceAndReplaysIt(String name, StrategyKind strategy,
      List<String> open, List<String> closed) throws Exception {
    Scenario s = load(name);
    ExploreResult r = explore(s, strategy, open);
    assertTrue(r.found(), name + " with " + open + ": nothing found in " + BUDGET + " " + strategy + " schedules");
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

  @ParameterizedTest(name = "{0} {1} with {3}")
  @MethodSource("checks")
  void withTheClosingFixesTheSameBudgetFindsNothing(String name, StrategyKind strategy, List<String> open,
      List<String> closed) throws Exception {
    ExploreResult r = explore(load(name), strategy, closed);
    assertFalse(r.found(), () -> name + " with " + closed + ": " + r.failing().orElseThrow().outcome());
    assertEquals(BUDGET, r.iterations());
  }
}
