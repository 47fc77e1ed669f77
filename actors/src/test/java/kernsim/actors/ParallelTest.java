package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kernsim.actors.examples.Counters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** An exploration's result does not depend on how many workers run it. */
class ParallelTest {
  /** Lost update with three harts: the first failing iteration is a few in, so workers race past it. */
  static final WorldSpec BUGGY = Counters.spec(Counters.Update.TWO_MESSAGES, 3, 2);
  static final WorldSpec CORRECT = Counters.spec(Counters.Update.ONE_MESSAGE, 3, 2);

  @ParameterizedTest
  @EnumSource(value = StrategyKind.class, names = {"RANDOM", "PCT", "POS", "DELAY_BOUNDING"})
  void theSameFailureAndTraceOnOneTwoAndThreeWorkers(StrategyKind kind) {
    for (long seed = 1; seed <= 4; seed++) {
      ExploreOptions o = ExploreOptions.random(seed, 300).withStrategy(kind);
      ExploreResult one = Simulator.explore(BUGGY, o, 1, null);
      assertTrue(one.found(), kind + " seed " + seed);
      for (int workers = 2; workers <= 3; workers++) {
        ExploreResult many = Simulator.explore(BUGGY, o, workers, null);
        String what = kind + " seed " + seed + ", " + workers + " workers";
        assertEquals(one.failing().get().iteration(), many.failing().orElseThrow().iteration(), what);
        assertEquals(one.iterations(), many.iterations(), what);
        assertEquals(one.totalSteps(), many.totalSteps(), what);
        assertArrayEquals(TraceCodec.encode(one.failing().get().trace()),
            TraceCodec.encode(many.failing().get().trace()), what);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = StrategyKind.class, names = {"RANDOM", "PCT"})
  void theSameCountsWithoutAFailure(StrategyKind kind) {
    ExploreOptions o = ExploreOptions.random(7, 200).withStrategy(kind);
    ExploreResult one = Simulator.explore(CORRECT, o, 1, null);
    ExploreResult two = Simulator.explore(CORRECT, o, 2, null);
    assertFalse(two.found());
    assertEquals(200, two.iterations());
    assertEquals(one.totalSteps(), two.totalSteps());
    assertEquals(one.last().eventLogHash(), two.last().eventLogHash());
  }

  /** A sweep runs the whole budget past failures; its first failure and counts are the same on any workers. */
  @ParameterizedTest
  @EnumSource(value = StrategyKind.class, names = {"RANDOM", "PCT"})
  void aSweepRunsEveryIterationAndKeepsTheLowestFailure(StrategyKind kind) {
    ExploreOptions o = ExploreOptions.random(3, 200).withStrategy(kind);
    ExploreResult first = Simulator.explore(BUGGY, o, 1, null);
    java.util.List<Integer> failing = new java.util.ArrayList<>();
    ExploreResult one = Simulator.sweep(BUGGY, o, 1, (i, r) -> {
      if (r.failed()) {
        failing.add(r.iteration());
      }
      return true;
    });
    assertEquals(200, one.iterations());
    assertTrue(failing.size() > 1, "more than one failing iteration in the budget: " + failing);
    assertEquals(first.failing().orElseThrow().iteration(), one.failing().orElseThrow().iteration());
    assertEquals(failing.get(0), one.failing().get().iteration());
    for (int workers = 2; workers <= 3; workers++) {
      java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
      ExploreResult many = Simulator.sweep(BUGGY, o, workers, (i, r) -> {
        if (r.failed()) {
          seen.add(r.iteration());
        }
        return true;
      });
      String what = kind + ", " + workers + " workers";
      assertEquals(200, many.iterations(), what);
      assertEquals(one.totalSteps(), many.totalSteps(), what);
      assertEquals(new java.util.TreeSet<>(failing), new java.util.TreeSet<>(seen), what);
      assertArrayEquals(TraceCodec.encode(one.failing().get().trace()),
          TraceCodec.encode(many.failing().orElseThrow().trace()), what);
    }
  }
}
