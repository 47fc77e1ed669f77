package kernsim.fuzz;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kernsim.actors.ChoiceLog;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategy;
import kernsim.actors.StrategyKind;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;

/**
 * Shrinks a failing schedule itself, at the level of its trace (docs/fuzz.md, "The schedule"): the
 * recorded run's steps are cut into <em>segments</em>, maximal runs of steps working for one hart (a
 * step that works for no hart goes with the segment it follows), so that its context switches are the
 * boundaries between segments. For each boundary, between a segment of hart A and one of hart B, two
 * candidates: <em>pull</em> A's next segment forward to right after the boundary (A continues instead of
 * switching), and <em>push</em> B's segment back to right before B's next one (or to the end). A
 * candidate is run as a {@link Script}; it is kept when its run fails with the same signature and has
 * fewer switches than the current one, and then the run's own recorded choices are the current
 * schedule. Passes repeat until no candidate is kept, or the budget of runs is spent. The kept run never
 * has more switches than the one given.
 */
public final class ScheduleShrinker {
  private final Simulator sim;
  private long runs;

  public ScheduleShrinker(Simulator sim) {
    this.sim = sim;
  }

  /** Runs made so far (each is one schedule). */
  public long runs() {
    return runs;
  }

  /**
   * The failing run with the fewest switches found from {@code start} (a failing run of {@code world}
   * with {@code signature}) within {@code budget} candidate runs; {@code start} itself if none is better.
   */
  public RunResult shrink(ScenarioWorld world, Scenario sc, RunResult start, String signature, int budget) {
    RunResult cur = start;
    int curSw = Coverage.switches(cur.log(), sc.hartKeys());
    int left = budget;
    boolean changed = true;
    while (changed && curSw > 0 && left > 0) {
      changed = false;
      List<ChoiceLog.Step> steps = cur.trace().steps();
      for (List<ChoiceLog.Step> cand : candidates(steps, Coverage.workedFor(cur.log(), sc.hartKeys()))) {
        if (left-- <= 0) {
          break;
        }
        Optional<RunResult> r = run(world, sc, cand, signature, cur.trace().header().seed(), cur.iteration());
        if (r.isPresent()) {
          int sw = Coverage.switches(r.get().log(), sc.hartKeys());
          if (sw < curSw) {
            cur = r.get();
            curSw = sw;
            changed = true;
            break;
          }
        }
      }
    }
    return cur;
  }

  /**
   * Runs {@code script} on {@code world} (a {@link Script}: the steps in order, each as soon as its actor
   * can run); the run if it fails with {@code signature}.
   */
  public Optional<RunResult> run(ScenarioWorld world, Scenario sc, List<ChoiceLog.Step> script, String signature,
      long seed, int iteration) {
    RunResult r;
    try {
      r = sim.run(world, new Script(script), world.runOptions(RunOptions.DEFAULT), seed, iteration);
    } catch (RuntimeException e) {
      return Optional.empty(); // kernsim itself could not run it: not the same failure
    }
    runs++;
    return r.failure().filter(f -> Signature.of(f, sc.hartKeys()).equals(signature)).map(f -> r);
  }

  /** The candidates of one pass, in the order of the boundaries they remove: pull, then push. */
  static List<List<ChoiceLog.Step>> candidates(List<ChoiceLog.Step> steps, String[] workedFor) {
    // segments: [start, end) and hart; a step for no hart joins the segment before it
    List<int[]> seg = new ArrayList<>();
    List<String> hart = new ArrayList<>();
    int n = Math.min(steps.size(), workedFor.length);
    for (int i = 0; i < n; i++) {
      String h = workedFor[i];
      if (seg.isEmpty()) {
        seg.add(new int[] {i, i + 1});
        hart.add(h);
      } else if (h != null && hart.get(hart.size() - 1) != null && !h.equals(hart.get(hart.size() - 1))) {
        seg.add(new int[] {i, i + 1});
        hart.add(h);
      } else {
        seg.get(seg.size() - 1)[1] = i + 1;
        if (hart.get(hart.size() - 1) == null) {
          hart.set(hart.size() - 1, h);
        }
      }
    }
    List<List<ChoiceLog.Step>> out = new ArrayList<>();
    for (int k = 0; k + 1 < seg.size(); k++) {
      String a = hart.get(k);
      String b = hart.get(k + 1);
      List<Integer> order = new ArrayList<>();
      for (int j = 0; j < seg.size(); j++) {
        order.add(j);
      }
      int pull = next(hart, k + 2, a);
      if (pull >= 0) {
        List<Integer> o = new ArrayList<>(order);
        o.remove(Integer.valueOf(pull));
        o.add(k + 1, pull);
        out.add(arrange(steps, seg, o, n));
      }
      int push = next(hart, k + 2, b);
      if (push < 0 && k + 2 == seg.size()) {
        continue; // B's segment is the last: to the end is where it is
      }
      List<Integer> o = new ArrayList<>(order);
      o.remove(Integer.valueOf(k + 1));
      if (push >= 0) {
        o.add(o.indexOf(push), k + 1);
      } else {
        o.add(k + 1);
      }
      out.add(arrange(steps, seg, o, n));
    }
    return out;
  }

  private static int next(List<String> hart, int from, String h) {
    for (int j = from; j < hart.size(); j++) {
      if (h != null && h.equals(hart.get(j))) {
        return j;
      }
    }
    return -1;
  }

  private static List<ChoiceLog.Step> arrange(List<ChoiceLog.Step> steps, List<int[]> seg, List<Integer> order,
      int n) {
    List<ChoiceLog.Step> out = new ArrayList<>(steps.size());
    for (int j : order) {
      out.addAll(steps.subList(seg.get(j)[0], seg.get(j)[1]));
    }
    out.addAll(steps.subList(n, steps.size()));
    return out;
  }

  /**
   * Answers the choices from a script of steps, in order, each as soon as it can be taken: at each
   * choice, of the steps not yet taken, the first whose actor is runnable (or, for a clock step, when the
   * clock may advance); the values that step drew are answered to its handler in order (a value the run
   * asks for that the step did not draw, or draws below another bound, is 0 or false). When no step of
   * the script can be taken, it falls back deterministically: the actor of the last step again if it is
   * runnable, else the first runnable actor by key, else the clock. The run's own choices are recorded as
   * ever, so its trace replays it with {@code kernsim replay}; the trace names the strategy
   * {@code replay}, as its choices come from a recorded schedule rearranged, not from a seed.
   */
  static final class Script implements Strategy {
    private final List<ChoiceLog.Step> steps;
    private final Map<String, ArrayDeque<Integer>> byActor = new HashMap<>();
    private final ArrayDeque<Integer> clock = new ArrayDeque<>();
    private ChoiceLog.Step current;
    private int drawn;
    private String last;

    Script(List<ChoiceLog.Step> steps) {
      this.steps = List.copyOf(steps);
      for (int i = 0; i < steps.size(); i++) {
        String a = steps.get(i).actor();
        (a == null ? clock : byActor.computeIfAbsent(a, x -> new ArrayDeque<>())).add(i);
      }
    }

    @Override
    public StrategyKind kind() {
      return StrategyKind.REPLAY;
    }

    @Override
    public int next(Ready ready) {
      int best = Integer.MAX_VALUE;
      int pick = -1;
      for (int i = 0; i < ready.size(); i++) {
        ArrayDeque<Integer> q = byActor.get(ready.key(i));
        if (q != null && !q.isEmpty() && q.peekFirst() < best) {
          best = q.peekFirst();
          pick = i;
        }
      }
      if (ready.clockAvailable() && !clock.isEmpty() && clock.peekFirst() < best) {
        best = clock.pollFirst();
        pick = ready.size();
      } else if (pick >= 0) {
        byActor.get(ready.key(pick)).pollFirst();
      }
      if (pick >= 0) {
        current = steps.get(best);
      } else {
        current = null;
        pick = fallback(ready);
      }
      drawn = 0;
      last = pick < ready.size() ? ready.key(pick) : null;
      return pick;
    }

    private int fallback(Ready ready) {
      for (int i = 0; i < ready.size(); i++) {
        if (ready.key(i).equals(last)) {
          return i;
        }
      }
      return ready.size() > 0 ? 0 : ready.size();
    }

    @Override
    public boolean nextBoolean() {
      ChoiceLog.Draw d = draw();
      return d != null && d.isBoolean() && d.value() != 0;
    }

    @Override
    public int nextInt(int bound) {
      ChoiceLog.Draw d = draw();
      return d != null && !d.isBoolean() && d.bound() == bound ? d.value() : 0;
    }

    private ChoiceLog.Draw draw() {
      if (current == null || drawn >= current.draws().size()) {
        return null;
      }
      return current.draws().get(drawn++);
    }
  }
}
