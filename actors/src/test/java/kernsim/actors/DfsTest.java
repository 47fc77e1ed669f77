package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import kernsim.actors.examples.Counters;
import kernsim.actors.examples.PingPong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exhaustive search against a reference: every schedule of a small model enumerated without any
 * reduction, each reduced here to its Mazurkiewicz trace (per touched name, the order of the steps on it).
 * dfs must run exactly one complete execution per trace, find the bugs, and say "no violation in any
 * interleaving" where there are none.
 */
class DfsTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** Enumerates every schedule, odometer-style: the reference, with no reduction at all. */
  static final class Everything implements Strategy {
    final List<int[]> path = new ArrayList<>(); // {chosen, candidates}
    int pos;
    final List<String> actors = new ArrayList<>();
    final List<List<String>> touched = new ArrayList<>();
    final List<Boolean> global = new ArrayList<>();
    /** Per step, the step that sent the ordinary message it processed, or -1 (the receive edge). */
    final List<Integer> from = new ArrayList<>();
    /** Per step, the coarse names (Footprint#touched: a send touches the receiver), the dependence before. */
    final List<List<String>> coarse = new ArrayList<>();
    /**
     * Preemptions of the schedule just run: steps of another thread while the last step's thread could go on.
     * A thread is a causal chain of messages: a step belongs to the thread of the step that began it (sent
     * what it processes, or created its actor), or, when no step did or the world's root did, to its own
     * actor's. (Written apart from DfsExplorer's, as the reference.)
     */
    int preemptions;
    /** Per step, its thread (null for the clock). */
    final List<String> threadOfStep = new ArrayList<>();

    @Override
    public StrategyKind kind() {
      return StrategyKind.DFS;
    }

    @Override
    public boolean wantsFootprints() {
      return true;
    }

    @Override
    public int next(Ready ready) {
      int n = ready.size() + (ready.clockAvailable() ? 1 : 0);
      if (pos == path.size()) {
        path.add(new int[] {0, n});
      }
      assertEquals(path.get(pos)[1], n, "the model repeats itself");
      int c = path.get(pos++)[0];
      String chosen = c == ready.size() ? Run.CLOCK : ready.key(c);
      // a step's thread: its sender's, or its own actor when no step sent what it processes
      String[] threads = new String[ready.size()];
      String current = threadOfStep.isEmpty() ? null : threadOfStep.get(threadOfStep.size() - 1);
      boolean currentCanGoOn = false;
      for (int i = 0; i < ready.size(); i++) {
        int from = ready.sender(i);
        boolean begun = from >= 0 && threadOfStep.get(from) != null && !actors.get(from).equals(actors.get(0));
        threads[i] = begun ? threadOfStep.get(from) : ready.key(i); // the root (the first step's actor) is the harness
        currentCanGoOn |= threads[i].equals(current);
      }
      String thread = c == ready.size() ? null : threads[c];
      if (currentCanGoOn && !current.equals(thread)) {
        preemptions++;
      }
      threadOfStep.add(thread);
      actors.add(chosen);
      return c;
    }

    @Override
    public void stepDone(Footprint step) {
      touched.add(step.fine());
      global.add(step.global());
      from.add(step.receivedFrom());
      coarse.add(step.touched());
    }

    /** The trace of the schedule just run in the coarse dependence: per name, the order of the steps on it. */
    String coarseTrace() {
      TreeMap<String, List<String>> perName = new TreeMap<>();
      Map<String, Integer> occurrence = new HashMap<>();
      List<String> globals = new ArrayList<>();
      for (int i = 0; i < actors.size(); i++) {
        String event = actors.get(i) + "#" + occurrence.merge(actors.get(i), 1, Integer::sum);
        if (global.get(i)) {
          perName.values().forEach(l -> l.add(event));
          globals.add(event);
        } else {
          for (String name : coarse.get(i)) {
            perName.computeIfAbsent(name, k -> new ArrayList<>(globals)).add(event);
          }
        }
      }
      return perName + " " + globals;
    }

    /**
     * The trace of the schedule just run, in the message-passing dependence (Footprint#fine): per name, the
     * order of the steps on it, each step with the send it received.
     */
    String trace() {
      TreeMap<String, List<String>> perName = new TreeMap<>();
      Map<String, Integer> occurrence = new HashMap<>();
      List<String> globals = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < actors.size(); i++) {
        String id = actors.get(i) + "#" + occurrence.merge(actors.get(i), 1, Integer::sum);
        ids.add(id);
        String event = from.get(i) >= 0 ? id + "<" + ids.get(from.get(i)) : id;
        if (global.get(i)) {
          perName.values().forEach(l -> l.add(event));
          globals.add(event);
        } else {
          for (String name : touched.get(i)) {
            perName.computeIfAbsent(name, k -> new ArrayList<>(globals)).add(event);
          }
        }
      }
      return perName + " " + globals;
    }

    /** Moves to the next schedule; false when all have run. */
    boolean advance() {
      actors.clear();
      touched.clear();
      global.clear();
      from.clear();
      coarse.clear();
      threadOfStep.clear();
      preemptions = 0;
      pos = 0;
      while (!path.isEmpty()) {
        int[] last = path.get(path.size() - 1);
        if (++last[0] < last[1]) {
          return true;
        }
        path.remove(path.size() - 1);
      }
      return false;
    }

    @Override
    public boolean nextBoolean() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int nextInt(int bound) {
      throw new UnsupportedOperationException();
    }
  }

  record Reference(int schedules, int traces, boolean anyFailure) {}

  /**
   * The dependence's soundness, schedule by schedule: every schedule of one trace ends with the same verdict
   * (the failure's kind and, for a safety violation, its oracle and message) and the same final state of the
   * clock. A step that commuted with one it did not would show here as two verdicts for one trace.
   */
  static void sameVerdictPerTrace(Map<String, String> verdicts, String trace, RunResult r) {
    String verdict = r.failure().map(f -> f instanceof Failure.SafetyViolation v ? v.oracle() + ": " + v.message() : f.kind())
        .orElse("ok") + " @" + r.endNanos();
    String before = verdicts.putIfAbsent(trace, verdict);
    if (before != null) {
      assertEquals(before, verdict, "two schedules of one trace end differently: " + trace);
    }
  }

  /**
   * Every schedule, once: per bound b in [0, maxBound], the traces with a schedule of at most b preemptions;
   * the fewest preemptions of a failing schedule (or -1); null when the model has more than {@code cap} schedules.
   */
  record ByBound(int schedules, int[] traces, int allTraces, int fewestToFail) {}

  static ByBound referenceByBound(WorldSpec spec, int maxBound, int cap) {
    Everything e = new Everything();
    Map<String, Integer> fewest = new HashMap<>();
    Map<String, String> verdicts = new HashMap<>();
    int schedules = 0;
    int fail = -1;
    do {
      RunResult r = sim.run(spec, e, RunOptions.DEFAULT, 0, schedules++);
      if (schedules > cap) {
        return null;
      }
      sameVerdictPerTrace(verdicts, e.trace(), r);
      if (r.failed() && (fail < 0 || e.preemptions < fail)) {
        fail = e.preemptions;
      }
      fewest.merge(e.trace(), e.preemptions, Math::min);
    } while (e.advance());
    int[] traces = new int[maxBound + 1];
    for (int p : fewest.values()) {
      for (int b = p; b <= maxBound; b++) {
        traces[b]++;
      }
    }
    return new ByBound(schedules, traces, fewest.size(), fail);
  }

  static Reference reference(WorldSpec spec) {
    return reference(spec, Integer.MAX_VALUE);
  }

  /** Every schedule; the traces counted are those with a schedule of at most {@code bound} preemptions. */
  static Reference reference(WorldSpec spec, int bound) {
    Everything e = new Everything();
    Set<String> traces = new HashSet<>();
    Map<String, String> verdicts = new HashMap<>();
    int schedules = 0;
    boolean failed = false;
    do {
      RunResult r = sim.run(spec, e, RunOptions.DEFAULT, 0, schedules++);
      failed |= r.failed();
      sameVerdictPerTrace(verdicts, e.trace(), r);
      if (e.preemptions <= bound) {
        traces.add(e.trace());
      }
    } while (e.advance());
    return new Reference(schedules, traces.size(), failed);
  }

  static ExploreResult dfs(WorldSpec spec, int bound) {
    return sim.explore(spec, ExploreOptions.dfs(1_000_000, bound));
  }

  private static void exploresExactlyEveryTrace(WorldSpec spec) {
    Reference ref = reference(spec);
    assertFalse(ref.anyFailure(), spec.name() + " has no bug in any schedule");
    assertTrue(ref.schedules() > ref.traces(), "the reduction has something to reduce: " + ref);
    ExploreResult r = dfs(spec, -1);
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome());
    Exhaustive x = r.exhaustive().orElseThrow();
    assertEquals("no violation in any interleaving", x.verdict());
    assertEquals("space", x.endedBy());
    assertEquals(ref.traces(), x.classes(), "one class per Mazurkiewicz trace, against " + ref);
    assertEquals(x.classes(), x.completeExecutions(), "no class is run twice: " + x);
    assertTrue(x.executions() < ref.schedules(), x + " vs " + ref);
  }

  /**
   * The message-passing dependence merges what the coarse one (a send dependent with every step of its
   * receiver) kept apart: over the drawn worlds and the example models, the unbounded search runs one execution
   * per trace of the finer dependence, fewer than the coarse traces (each of which the search used to run).
   */
  @Test
  void theMessagePassingDependenceRunsFewerExecutions() {
    int fine = 0;
    int coarse = 0;
    long executions = 0;
    List<WorldSpec> specs = new ArrayList<>(List.of(Counters.spec(Counters.Update.ONE_MESSAGE, 3, 1),
        Models.byName("lock-consistent"), PingPong.spec(3)));
    for (long seed = 1; seed <= 12; seed++) {
      specs.add(RandomModels.spec(seed));
    }
    for (WorldSpec spec : specs) {
      Everything e = new Everything();
      Set<String> f = new HashSet<>();
      Set<String> c = new HashSet<>();
      int n = 0;
      do {
        sim.run(spec, e, RunOptions.DEFAULT, 0, n++);
        f.add(e.trace());
        c.add(e.coarseTrace());
        if (n > 20_000) {
          break;
        }
      } while (e.advance());
      if (n > 20_000) {
        continue;
      }
      assertTrue(f.size() <= c.size(), spec.text() + ": " + f.size() + " fine traces, " + c.size() + " coarse");
      Exhaustive x = dfs(spec, -1).exhaustive().orElseThrow();
      assertEquals(f.size(), x.classes(), spec.text());
      fine += f.size();
      coarse += c.size();
      executions += x.executions();
    }
    assertTrue(fine < coarse, fine + " fine traces against " + coarse + " coarse");
    assertTrue(executions < coarse, executions + " executions against " + coarse + " coarse traces");
  }

  @Test
  void theAtomicUpdateHasAsManyClassesAsTraces() {
    exploresExactlyEveryTrace(Counters.spec(Counters.Update.ONE_MESSAGE, 2, 1));
  }

  @Test
  void threeHartsTwoRounds() {
    exploresExactlyEveryTrace(Counters.spec(Counters.Update.ONE_MESSAGE, 3, 1));
  }

  @Test
  void consistentLockOrderHasAsManyClassesAsTraces() {
    exploresExactlyEveryTrace(Models.byName("lock-consistent"));
  }

  /**
   * Ping-pong by hand: the root's step spawns both players and serves to pong; after it, ping's start
   * (its Create) and pong's first return both touch ping, in either order, and everything after is one
   * causal chain. Two Mazurkiewicz traces: ping starts before the ball reaches it (two steps for ping),
   * or the ball arrives first and ping starts and returns in one step.
   */
  @Test
  void pingPongHasTwoTraces() {
    WorldSpec spec = PingPong.spec(3);
    Reference ref = reference(spec);
    Exhaustive x = dfs(spec, -1).exhaustive().orElseThrow();
    assertEquals(2, ref.traces(), ref.toString());
    assertEquals(2, x.classes(), x.toString());
    assertEquals(2, x.completeExecutions(), x.toString());
  }

  @Test
  void dfsFindsTheLostUpdateAndItsTraceReplays() throws Exception {
    ExploreResult r = dfs(Models.byName("lost-update"), -1);
    assertTrue(r.found());
    Failure.SafetyViolation v =
        assertInstanceOf(Failure.SafetyViolation.class, r.failing().orElseThrow().failure().orElseThrow());
    assertEquals("the counter holds 1 after 2 increments", v.message());
    RunResult found = r.failing().get();
    assertEquals("dfs", found.trace().header().strategy());
    ReplayResult replay = sim.replay(Models.byName("lost-update"), found.trace());
    assertTrue(replay.confirmed());
    assertEquals(found.eventLogHash(), replay.run().eventLogHash());
  }

  @Test
  void dfsFindsTheDeadlock() {
    ExploreResult r = dfs(Models.byName("lock-inversion"), -1);
    assertTrue(r.found());
    assertInstanceOf(Failure.Deadlock.class, r.failing().orElseThrow().failure().orElseThrow());
  }

  @Test
  void boundedSearchSaysWhatEndedIt() {
    WorldSpec spec = Counters.spec(Counters.Update.ONE_MESSAGE, 3, 1);
    Exhaustive unbounded = dfs(spec, -1).exhaustive().orElseThrow();
    Exhaustive zero = dfs(spec, 0).exhaustive().orElseThrow();
    assertTrue(zero.complete());
    assertTrue(zero.classes() <= unbounded.classes(), zero + " " + unbounded);
    if (zero.boundReached()) {
      assertEquals("no violation up to preemption bound 0", zero.verdict());
      assertEquals("bound", zero.endedBy());
    }
    Exhaustive wide = dfs(spec, 1_000).exhaustive().orElseThrow();
    assertFalse(wide.boundReached());
    assertEquals(unbounded.classes(), wide.classes(), "a bound never reached loses no class");
    assertEquals("no violation in any interleaving", wide.verdict());
  }

  /**
   * Bounded, the search must reach every trace that has a schedule within the bound (it can reach no
   * other: it never runs past the bound), though the reduction alone would pick representatives past it.
   */
  @Test
  void theBoundedSearchReachesEveryTraceWithinTheBound() {
    for (WorldSpec spec : List.of(Counters.spec(Counters.Update.ONE_MESSAGE, 3, 1), Models.byName("lock-consistent"),
        Counters.spec(Counters.Update.ONE_MESSAGE, 2, 2))) {
      for (int bound = 0; bound <= 2; bound++) {
        Reference ref = reference(spec, bound);
        Exhaustive x = dfs(spec, bound).exhaustive().orElseThrow();
        assertEquals(ref.traces(), x.classes(), spec.name() + " bound " + bound + ": " + x + " vs " + ref);
      }
    }
  }

  /**
   * A dozen distinct worlds drawn from seeds (RandomModels): unbounded, one complete execution per trace; bounded, for bounds 0
   * to 3, exactly the traces that have a schedule within the bound. The bounded search lets an explored choice
   * sleep below a cut when that is sound (see DfsExplorer); a wrong rule loses traces here.
   */
  @Test
  void drawnWorldsHaveTheReferencesTracesAtEveryBound() {
    int checked = 0;
    Set<String> seen = new HashSet<>();
    for (long seed = 1; seed <= 80 && checked < 12; seed++) {
      WorldSpec spec = RandomModels.spec(seed);
      if (!seen.add(spec.text())) {
        continue; // the same world drawn again
      }
      ByBound ref = referenceByBound(spec, 3, 3_000);
      if (ref == null) {
        continue;
      }
      checked++;
      Exhaustive all = dfs(spec, -1).exhaustive().orElseThrow();
      assertEquals(ref.allTraces(), all.classes(), spec.text() + ": " + all);
      assertEquals(all.classes(), all.completeExecutions(), spec.text() + ": " + all);
      for (int bound = 0; bound <= 3; bound++) {
        Exhaustive x = dfs(spec, bound).exhaustive().orElseThrow();
        assertEquals(ref.traces()[bound], x.classes(), spec.text() + " bound " + bound + ": " + x);
      }
    }
    assertTrue(checked >= 8, "enough drawn worlds are small enough to enumerate: " + checked);
  }

  /**
   * Interleaved's bug needs a preemption: the reference finds the fewest any failing schedule has, k; the search
   * bounded at k - 1 proves it absent up to that bound, and bounded at k finds it, and its trace replays.
   */
  @Test
  void aBoundedSearchFindsABugAtItsBoundAndNotBelow() throws Exception {
    WorldSpec spec = Interleaved.spec(false);
    ByBound ref = referenceByBound(spec, 3, 100_000);
    int k = ref.fewestToFail();
    assertTrue(k >= 1, "the lost update needs a preemption: " + k);
    ExploreResult below = dfs(spec, k - 1);
    assertFalse(below.found());
    assertEquals("no violation up to preemption bound " + (k - 1), below.exhaustive().orElseThrow().verdict());
    ExploreResult at = dfs(spec, k);
    assertTrue(at.found(), at.exhaustive().orElseThrow().toString());
    RunResult found = at.failing().orElseThrow();
    assertEquals(Integer.toString(k), found.trace().header().strategyParameters().get(Trace.PREEMPTION_BOUND));
    ReplayResult replay = sim.replay(spec, found.trace());
    assertTrue(replay.confirmed());
  }

  /** Interleaved fixed: clean up to bound 1, where the bound cut traces, and every trace within it explored. */
  @Test
  void theFixedModelIsCleanUpToBoundOne() {
    WorldSpec spec = Interleaved.spec(true);
    ByBound ref = referenceByBound(spec, 1, 100_000);
    assertEquals(-1, ref.fewestToFail());
    assertTrue(ref.traces()[1] < ref.allTraces(), "the bound cuts traces: " + ref.traces()[1] + " of " + ref.allTraces());
    ExploreResult r = dfs(spec, 1);
    assertFalse(r.found());
    Exhaustive x = r.exhaustive().orElseThrow();
    assertEquals("no violation up to preemption bound 1", x.verdict());
    assertEquals("bound", x.endedBy());
    assertEquals(ref.traces()[1], x.classes(), x.toString());
  }

  /**
   * The search is the same run to run: in a second Simulator the same counts, and for a bug the same failing
   * execution with the same event log. (The message-passing view keys messages by identity while they are
   * queued; nothing of that order may leak into the search.)
   */
  @Test
  void theSearchIsTheSameRunToRun() {
    try (Simulator other = Simulator.create()) {
      for (WorldSpec spec : List.of(RandomModels.spec(2), Models.byName("lock-consistent"), Interleaved.spec(false))) {
        for (int bound : new int[] {-1, 1}) {
          ExploreResult a = dfs(spec, bound);
          ExploreResult b = other.explore(spec, ExploreOptions.dfs(1_000_000, bound));
          assertEquals(a.exhaustive(), b.exhaustive(), spec.name() + " bound " + bound);
          assertEquals(a.failing().map(RunResult::eventLogHash), b.failing().map(RunResult::eventLogHash));
        }
      }
    }
  }

  @Test
  void aBudgetEndsTheSearchAndSaysSo() {
    Exhaustive x = sim.explore(Counters.spec(Counters.Update.ONE_MESSAGE, 3, 1), ExploreOptions.dfs(3, -1))
        .exhaustive().orElseThrow();
    assertFalse(x.complete());
    assertEquals("budget", x.endedBy());
    assertEquals(3, x.executions());
  }
}
