package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategies find the small models' bugs from a fixed seed within a stated budget, find nothing
 * in the correct variants in the same budget, and every failure found replays from its own trace file
 * to the same failure and event log.
 */
class ExplorationTest {
  /** The budget every claim here is made in: PCT, depth 2, seed 1, at most this many iterations. */
  static final int BUDGET = 200;
  static final long SEED = 1;

  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static ExploreResult pct(String model) {
    return sim.explore(Models.byName(model), ExploreOptions.pct(SEED, BUDGET, 2));
  }

  /** Writes the failing run's trace, reads it back, replays it and checks it is the same run. */
  private static ReplayResult replayFromFile(String model, RunResult found, Path dir) throws Exception {
    Path file = dir.resolve(model + ".trace");
    TraceCodec.write(found.trace(), file);
    Trace read = TraceCodec.read(file);
    ReplayResult replay = sim.replay(Models.byName(model), read);
    assertEquals(found.outcome(), replay.run().outcome(), "replay reproduces the failure");
    assertEquals(found.eventLogHash(), replay.run().eventLogHash(), "replay reproduces the event log");
    assertEquals(found.log().lines(), replay.run().log().lines());
    assertTrue(replay.confirmed());
    return replay;
  }

  @Test
  void pctFindsTheLostUpdateAndReplaysIt(@TempDir Path dir) throws Exception {
    ExploreResult r = pct("lost-update");
    assertTrue(r.found(), "pct finds the lost update within " + BUDGET + " iterations");
    Failure f = r.failing().orElseThrow().failure().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, f);
    assertEquals("lost-update", v.oracle());
    assertEquals("the counter holds 1 after 2 increments", v.message());
    replayFromFile("lost-update", r.failing().get(), dir);
  }

  @Test
  void theOneMessageUpdateShowsNothingInTheSameBudget() {
    ExploreResult r = pct("atomic-update");
    assertFalse(r.found(), () -> r.last().outcome());
    assertEquals(BUDGET, r.iterations());
  }

  @Test
  void pctFindsTheDeadlockWithItsCycleAndReplaysIt(@TempDir Path dir) throws Exception {
    ExploreResult r = pct("lock-inversion");
    assertTrue(r.found(), "pct finds the lock-order deadlock within " + BUDGET + " iterations");
    Failure.Deadlock d = assertInstanceOf(Failure.Deadlock.class, r.failing().get().failure().orElseThrow());
    List<String> cycle = d.cycle().stream().map(Failure.WaitEdge::waiter).collect(Collectors.toList());
    assertEquals(List.of("world/hart-1", "world/lock-b", "world/hart-2", "world/lock-a"), cycle);
    replayFromFile("lock-inversion", r.failing().get(), dir);
  }

  @Test
  void consistentLockOrderShowsNothingInTheSameBudget() {
    ExploreResult r = pct("lock-consistent");
    assertFalse(r.found(), () -> r.last().outcome());
  }

  @Test
  void randomFindsTheLostUpdateToo() {
    ExploreResult r = sim.explore(Models.byName("lost-update"), ExploreOptions.random(SEED, BUDGET));
    assertTrue(r.found());
  }

  /** pos and delay-bounding find both bugs from the same seed and budget, and their traces replay. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"pos", "delay-bounding"})
  void theOtherSamplersFindBothBugsAndReplayThem(String strategy, @TempDir Path dir) throws Exception {
    for (String model : List.of("lost-update", "lock-inversion")) {
      ExploreOptions o = ExploreOptions.random(SEED, BUDGET).withStrategy(StrategyKind.byId(strategy));
      ExploreResult r = sim.explore(Models.byName(model), o);
      assertTrue(r.found(), strategy + " finds " + model + " within " + BUDGET);
      assertEquals(strategy, r.failing().orElseThrow().trace().header().strategy());
      replayFromFile(model, r.failing().get(), dir);
      assertFalse(sim.explore(Models.byName(model.equals("lost-update") ? "atomic-update" : "lock-consistent"), o)
          .found(), strategy + " finds nothing in the correct variant");
    }
  }

  @Test
  void aRunPastItsStepBoundIsALivelock() {
    WorldSpec spec = kernsim.actors.examples.PingPong.spec(1_000);
    ExploreOptions opts = new ExploreOptions(StrategyKind.RANDOM, SEED, 1, 3, 64, new RunOptions(100, true));
    Failure f = sim.explore(spec, opts).failing().orElseThrow().failure().orElseThrow();
    Failure.Livelock l = assertInstanceOf(Failure.Livelock.class, f);
    assertEquals(100, l.stepBound());
  }
}
