package kernsim.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import kernsim.actors.Failure;
import kernsim.actors.Monitor;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;

import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Calls;
import kernsim.scenario.Scenario;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The distinct outcomes of an exploration that ran its whole budget ({@code explore --outcomes}), graded
 * the way jcstress grades a test's results: an outcome is each hart's call results, in the scenario's hart
 * order, plus the verdict (ok, or the oracle or failure kind). Counted over every schedule, with the first
 * schedule that gave it; a failing outcome keeps that schedule's run, so its trace can be written.
 *
 * <p>Grades: {@code acceptable} for a run no oracle objected to, unless an {@code outcome} header line
 * its results match grades it otherwise; {@code interesting} for a failure the scenario's {@code expect}
 * lines name (the race it was written to show); {@code forbidden} for any other failure. A forbidden
 * outcome keeps its first run, so its trace can be written, whatever its verdict. The table does not depend on the number of workers: every schedule runs, and the first of an
 * outcome is its lowest schedule.
 *
 * <p>A run's results come from a monitor made for that run ({@link #around}), which the progress callback
 * reads on the same thread right after the run ({@link Simulator#sweep} promises that thread).
 */
final class Outcomes {
  /** How an outcome is graded. */
  enum Grade {
    ACCEPTABLE,
    INTERESTING,
    FORBIDDEN;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** An outcome: the verdict, and each hart's results in order ("…" for a call still in flight at the end). */
  record Key(String verdict, List<List<String>> results) {}

  /** One line of the table. */
  static final class Row {
    final Key key;
    final Grade grade;
    long count;
    int first;
    RunResult firstRun; // failing outcomes only

    Row(Key key, Grade grade) {
      this.key = key;
      this.grade = grade;
    }

    /** The first schedule, counted from 1 as reports count them. */
    int firstSchedule() {
      return Report.number(first);
    }
  }

  private final Scenario scenario;
  private final List<String> harts; // actor keys, world/NAME
  private final ThreadLocal<Collector> current = new ThreadLocal<>();
  private final Map<Key, Row> rows = new HashMap<>();
  private long runs;

  Outcomes(Scenario scenario) {
    this.scenario = scenario;
    this.harts = scenario.hartKeys();
  }

  /** The verdict part of an outcome: "ok", a safety violation's oracle, or the failure's kind. */
  static String verdict(RunResult r) {
    if (r.failure().isEmpty()) {
      return "ok";
    }
    Failure f = r.failure().get();
    return f instanceof Failure.SafetyViolation v ? v.oracle() : f.kind();
  }

  /**
   * A run no oracle objected to takes the grade of the first {@code outcome} header line its results
   * match ({@link Scenario.Outcome}), else {@code acceptable}; a failing run is {@code interesting} when
   * the scenario expects its oracle, else {@code forbidden}.
   */
  Grade grade(String verdict, List<List<String>> results) {
    if (verdict.equals("ok")) {
      for (Scenario.Outcome o : scenario.outcomes()) {
        if (matches(o, results)) {
          return Grade.valueOf(o.grade().toUpperCase(Locale.ROOT));
        }
      }
      return Grade.ACCEPTABLE;
    }
    return scenario.expect().contains(verdict) ? Grade.INTERESTING : Grade.FORBIDDEN;
  }

  private boolean matches(Scenario.Outcome o, List<List<String>> results) {
    for (Map.Entry<String, String> e : o.cells().entrySet()) {
      int h = scenario.hartNames().indexOf(e.getKey());
      if (h < 0 || !cell(results.get(h)).equals(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** {@code world} with a results monitor of its own on every run; the world runs exactly as without it. */
  WorldSpec around(WorldSpec world) {
    return world.withMonitorsFirst(w -> {
      Collector c = new Collector(harts);
      current.set(c);
      return List.of(c);
    });
  }

  /** A progress callback that counts each run's outcome, then hands the run to {@code next}. */
  Simulator.Progress counting(Simulator.Progress next) {
    return (iteration, result) -> {
      Collector c = current.get();
      current.remove();
      add(result, c.results());
      return next == null || next.iterationDone(iteration, result);
    };
  }

  private synchronized void add(RunResult result, List<List<String>> results) {
    runs++;
    String verdict = verdict(result);
    Key key = new Key(verdict, results);
    Row row = rows.computeIfAbsent(key, k -> {
      Row r = new Row(k, grade(verdict, results));
      r.first = Integer.MAX_VALUE;
      return r;
    });
    row.count++;
    if (result.iteration() < row.first) {
      row.first = result.iteration();
      if (result.failed() || row.grade == Grade.FORBIDDEN) {
        row.firstRun = result;
      }
    }
  }

  /** The rows, most frequent first, then by their first schedule. */
  synchronized List<Row> rows() {
    List<Row> out = new ArrayList<>(rows.values());
    out.sort(Comparator.comparingLong((Row r) -> -r.count).thenComparingInt(r -> r.first));
    return out;
  }

  synchronized long runs() {
    return runs;
  }

  /** The harts' names as the table's columns show them. */
  List<String> hartNames() {
    return scenario.hartNames();
  }

  /** A hart's results as one cell: {@code 0, EBUSY, 0}. */
  static String cell(List<String> results) {
    return results.isEmpty() ? "-" : String.join(", ", results);
  }

  /** Records each racing hart's call results as they return. */
  private static final class Collector implements Monitor {
    private final Map<String, List<String>> results = new LinkedHashMap<>();
    private final Map<String, Boolean> open = new HashMap<>();

    Collector(List<String> harts) {
      for (String h : harts) {
        results.put(h, new ArrayList<>());
      }
    }

    @Override
    public String name() {
      return "outcomes";
    }

    @Override
    public void onObservation(Object observation, String actor, Monitor.Verdict verdict) {
      if (observation instanceof Calls.Started s && results.containsKey(s.hart())) {
        open.put(s.hart(), true);
      } else if (observation instanceof Calls.Returned r && results.containsKey(r.hart())) {
        open.remove(r.hart());
        results.get(r.hart()).add(Timeline.result(r.result()));
      }
    }

    List<List<String>> results() {
      List<List<String>> out = new ArrayList<>();
      results.forEach((hart, list) -> {
        List<String> l = new ArrayList<>(list);
        if (open.containsKey(hart)) {
          l.add("…");
        }
        out.add(List.copyOf(l));
      });
      return List.copyOf(out);
    }
  }
}
