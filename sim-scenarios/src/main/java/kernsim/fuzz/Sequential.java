package kernsim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategy;
import kernsim.actors.StrategyKind;
import kernsim.actors.Trace;
import kernsim.cli.Timeline;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;

/**
 * Whether a failure needs an interleaving at all (docs/fuzz.md, "Sequential failures"): the program is
 * run with its harts one after another, in each order of the harts (at most {@link #MAX_ORDERS}), and
 * if one of those runs fails with the same signature, the failure is the program's own, not a race: a
 * read of a pipe whose only writer is the reader, a flock a hart waits on forever that it holds itself.
 *
 * <p>"One after another": a hart runs until it has ended or can go no further, and only then the next
 * one in the order starts. At each choice, an actor that is not a hart runs first (it serves the harts
 * that have started, the lowest key first), then the clock (a started hart's sleep or time-out), then
 * the first hart of the order that can run. A hart blocked for good is passed over, as a sequential
 * program stuck there would stop; one that a later hart unblocks runs again once that one blocks or ends.
 * Drawn values are 0 and false.
 */
public final class Sequential implements Strategy {
  /** At most this many hart orders are tried (3 harts: all 6). */
  public static final int MAX_ORDERS = 6;

  /** A sequential run failing like the finding: the hart order and the run. */
  public record Run(List<String> order, RunResult run) {
    /** The run's trace, its header naming the strategy {@code sequential}. */
    public Trace trace() {
      Trace t = run.trace();
      Trace.Header h = t.header();
      TreeMap<String, String> options = new TreeMap<>(h.options());
      return new Trace(new Trace.Header(h.formatVersion(), h.modelVersion(), h.scenario(), h.scenarioHash(), h.text(),
          "sequential", h.seed(), h.iteration(), options), t.keys(), t.choices(), t.footer());
    }
  }

  private final List<String> order;

  Sequential(List<String> order) {
    this.order = List.copyOf(order);
  }

  /** The first hart order (of at most {@link #MAX_ORDERS}) whose sequential run fails with {@code signature}. */
  public static Optional<Run> find(Simulator sim, ScenarioWorld world, Scenario sc, String signature) {
    for (List<String> o : orders(sc.hartKeys())) {
      RunResult r;
      Timeline.Recorder calls = new Timeline.Recorder(sc.hartKeys());
      try {
        r = sim.run(calls.around(world), new Sequential(o), world.runOptions(RunOptions.DEFAULT), 0, 0);
      } catch (RuntimeException e) {
        continue; // kernsim itself could not run it: no evidence either way
      }
      if (!oneAtATime(calls.timeline())
          || r.failure().map(f -> !Signature.of(f, sc.hartKeys()).equals(signature)).orElse(true)) {
        continue;
      }
      return Optional.of(new Run(o, r));
    }
    return Optional.empty();
  }

  /**
   * Whether the calls of a run did not overlap: no call that returned was in flight while a call of
   * another hart ran. The strategy runs one hart at a time, but a hart's call can wait on another hart
   * (umount2's busy check asks every process, `UsesMount`), and the hart that answers then goes on with
   * its own program; a run where that happened interleaved calls, and is no evidence that the failure
   * needs none. A call that never returns (blocked for good) may overlap the later harts' calls, as a
   * sequential program stuck there would stop. The setup's calls ran before any hart's.
   */
  static boolean oneAtATime(Timeline timeline) {
    record Interval(int start, int end, String hart) {}
    List<Interval> returned = new ArrayList<>();
    for (Timeline.Hart h : timeline.harts()) {
      if (!h.isSetup()) {
        for (Timeline.Call c : h.calls()) {
          if (c.returned()) {
            returned.add(new Interval(c.startStep(), c.endStep(), h.key()));
          }
        }
      }
    }
    returned.sort(java.util.Comparator.comparingInt(Interval::start));
    // By start: a call overlaps an earlier one of another hart iff it starts before the latest end among the
    // other harts' calls so far, so keep the latest end and its hart, and the latest end of any other hart.
    int top = Integer.MIN_VALUE;
    String topHart = null;
    int second = Integer.MIN_VALUE;
    for (Interval c : returned) {
      if (c.start() < (c.hart().equals(topHart) ? second : top)) {
        return false;
      }
      if (c.end() > top) {
        if (!c.hart().equals(topHart)) {
          second = top;
          topHart = c.hart();
        }
        top = c.end();
      } else if (!c.hart().equals(topHart) && c.end() > second) {
        second = c.end();
      }
    }
    return true;
  }

  /** The harts' orders, the given one first, then in lexicographic order of positions, at most MAX_ORDERS. */
  static List<List<String>> orders(List<String> harts) {
    List<List<String>> out = new ArrayList<>();
    permute(new ArrayList<>(harts), 0, out);
    return out;
  }

  private static void permute(List<String> a, int k, List<List<String>> out) {
    if (out.size() >= MAX_ORDERS) {
      return;
    }
    if (k >= a.size()) {
      out.add(List.copyOf(a));
      return;
    }
    for (int i = k; i < a.size(); i++) {
      List<String> b = new ArrayList<>(a);
      b.add(k, b.remove(i));
      permute(b, k + 1, out);
    }
  }

  @Override
  public StrategyKind kind() {
    return StrategyKind.REPLAY; // relabelled "sequential" in the saved trace (Run.trace)
  }

  @Override
  public int next(Ready ready) {
    for (int i = 0; i < ready.size(); i++) {
      if (hart(ready.key(i)) < 0) {
        return i;
      }
    }
    if (ready.clockAvailable()) {
      return ready.size();
    }
    int pick = 0;
    int best = Integer.MAX_VALUE;
    for (int i = 0; i < ready.size(); i++) {
      int h = hart(ready.key(i));
      if (h < best) {
        best = h;
        pick = i;
      }
    }
    return pick;
  }

  private int hart(String key) {
    for (int i = 0; i < order.size(); i++) {
      String h = order.get(i);
      if (key.equals(h) || key.startsWith(h + "/")) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public boolean nextBoolean() {
    return false;
  }

  @Override
  public int nextInt(int bound) {
    return 0;
  }
}
