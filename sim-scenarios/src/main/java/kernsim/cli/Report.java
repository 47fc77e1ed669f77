package kernsim.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.RunResult;
import kernsim.dev.Fix;
import kernsim.oracle.Oracles;
import kernsim.scenario.Scenario;
import kernsim.scenario.Settings;

/**
 * A run as a kernel developer reads it: the scenario and how it was run (profile, fixes, oracles,
 * strategy, seed, iteration), the verdict (for a failure: kind, oracle, message, step, actor), the
 * per-hart timeline and the minimal interleaving table. {@code run}, {@code explore} and {@code replay}
 * print these sections; {@code explore} also writes them to its report file.
 */
public final class Report {
  /** Lines are kept within this many columns where the content allows (long paths and messages wrap). */
  public static final int WIDTH = InterleavingTable.WIDTH;

  /**
   * How a run came about.
   *
   * @param parameters the strategy's parameters as the report shows them ({@code depth 3}), or null when
   *     unknown (a trace does not record them) or it has none
   */
  public record Context(
      Scenario scenario, Settings settings, String strategy, String parameters, long seed, int iteration) {}

  private Report() {}

  /** The scenario (name, title, file) and the settings (profile, fixes, regress toggles if any, oracles off, what the scenario expects). */
  public static List<String> scenario(Scenario s, Settings settings) {
    List<String> out = new ArrayList<>();
    out.add("scenario: " + s.name() + " \u2014 " + s.title() + (s.file() == null || s.file().isEmpty() ? ""
        : " (" + s.file() + ")"));
    out.add("profile:  " + settings.semantics().profile()
        + "   fixes: " + orNone(settings.semantics().fixes().stream().sorted().map(Fix::id).toList())
        + (settings.semantics().regressions().isEmpty() ? "" : "   regress: " + settings.semantics().regressList())
        + "   oracles off: " + orNone(List.copyOf(settings.oraclesOff()))
        + (settings.clientOptions(s).isEmpty() ? "" : "   client options: " + String.join(", ", settings.clientOptions(s)))
        + "   expected: " + expected(s));
    kernsim.dev.file.FaultPlan faults = s.faults().plus(settings.faults());
    if (!faults.isEmpty()) {
      out.add("faults:   " + faults + " (docs/faults.md)");
    }
    return out;
  }

  /**
   * The schedule: its number (counted from 1, as every report, JSON document and CSV row counts schedules; the
   * trace keeps the 0-based index it is derived from), strategy, its parameters and seed, which with the scenario
   * and settings fix the run.
   */
  public static String schedule(Context c) {
    return "schedule: " + String.format(Locale.ROOT, "%,d", number(c.iteration())) + " (strategy " + c.strategy()
        + (c.parameters() == null ? "" : ", " + c.parameters()) + ", seed " + c.seed() + ")";
  }

  /** A schedule's number as users see it ({@link ExploreResult#schedule}). */
  public static int number(int iteration) {
    return ExploreResult.schedule(iteration);
  }

  /** The verdict: no oracle objected, or the failure with its oracle, message, step and actor. */
  public static List<String> verdict(RunResult r, Settings settings) {
    List<String> out = new ArrayList<>();
    Optional<Failure> f = r.failure();
    if (r.powerLost()) {
      out.add("power:    lost after step " + r.powerLostAfter() + " (power-loss: the calls then in progress never returned;"
          + " docs/faults.md)");
      if (r.rebooted()) {
        out.add("reboot:   steps " + (r.powerLostAfter() + 1) + "-" + r.steps() + ": a fresh kernel over the images the loss"
            + " left, hart " + kernsim.scenario.ScenarioWorld.REBOOT_HART + " reading back what was promised durable");
      }
    }
    if (f.isEmpty()) {
      List<String> on = Oracles.NAMES.stream().filter(o -> !settings.oraclesOff().contains(o)).toList();
      out.add("verdict:  ok \u2014 no oracle objected in " + r.steps() + " steps (oracles on: " + orNone(on) + ")");
      r.incomplete().forEach((name, x) -> out.add("  " + name + ": " + x.kind().text() + " (" + x.reason() + ")"));
      return out;
    }
    Failure failure = f.get();
    String oracle = oracle(failure);
    out.add("verdict:  FAILED \u2014 " + failure.kind() + (oracle == null ? "" : " [" + oracle + "]"));
    wrapped(out, "  message: ", message(failure));
    out.add("  step:    " + failure.step() + " (of " + r.steps() + ")");
    String actor = actor(failure);
    if (actor != null) {
      out.add("  actor:   " + actor);
    }
    return out;
  }

  /** The per-hart timeline, with a heading. */
  public static List<String> timeline(Timeline t, RunResult r) {
    List<String> out = new ArrayList<>();
    out.add("timeline (" + r.steps() + " steps; each call with the steps it started and returned in):");
    out.addAll(t.render());
    return out;
  }

  /**
   * The minimal interleaving table, with a heading, and for a failure the step it was detected in and the
   * calls then in progress; empty when there are no racing harts.
   */
  public static List<String> interleaving(Timeline t, RunResult r) {
    return interleaving(t, r, null);
  }

  /**
   * The interleaving table as {@link #interleaving(Timeline, RunResult)}, at the level of the source's
   * regions when {@code regions} is not null (a row each time another hart's region starts).
   */
  public static List<String> interleaving(Timeline t, RunResult r, StepView regions) {
    if (t.racing().isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (regions == null) {
      out.add("interleaving (a column per hart, a row each time another hart's call starts or returns):");
    } else {
      out.add("interleaving by region (a column per hart, a row each time another hart's steps run, with the"
          + " source's regions they ran):");
    }
    for (String line : regions == null ? InterleavingTable.calls(t, WIDTH - 2, InterleavingTable.MAX_ROWS)
        : InterleavingTable.regions(regions, t, WIDTH - 2, InterleavingTable.MAX_ROWS)) {
      out.add("  " + line);
    }
    if (r.failure().isPresent()) {
      Failure f = r.failure().get();
      String oracle = oracle(f);
      String actor = actor(f);
      out.add("  step " + f.step() + ": " + f.kind() + (oracle == null ? "" : " [" + oracle + "]")
          + (actor == null ? "" : " in " + actor));
      List<Timeline.Event> open = t.inProgress();
      if (!open.isEmpty()) {
        wrapped(out, "  calls then in progress: ", String.join("; ", open.stream()
            .map(e -> e.hart().replaceFirst("^world/", "") + " " + e.call().text()
                + " (since step " + e.call().startStep() + ")")
            .toList()));
      }
    }
    return out;
  }

  /** Everything about one run: scenario and settings, schedule, verdict, timeline, interleaving. */
  public static List<String> run(Context c, RunResult r, Timeline t) {
    return run(c, r, t, null);
  }

  /** {@link #run(Context, RunResult, Timeline)}, the interleaving by region when {@code regions} is not null. */
  public static List<String> run(Context c, RunResult r, Timeline t, StepView regions) {
    List<String> out = new ArrayList<>(scenario(c.scenario(), c.settings()));
    out.add(schedule(c));
    out.add("");
    out.addAll(verdict(r, c.settings()));
    out.add("");
    out.addAll(timeline(t, r));
    List<String> table = interleaving(t, r, regions);
    if (!table.isEmpty()) {
      out.add("");
      out.addAll(table);
    }
    return out;
  }

  /** The event log, one line per step ({@code step time actor type summary}), for the report file. */
  public static List<String> eventLog(RunResult r) {
    List<String> out = new ArrayList<>();
    out.add("event log (" + r.steps() + " steps: step, virtual time, actor, message; hash " + r.eventLogHash() + "):");
    for (String line : r.log().lines()) {
      out.add("  " + line);
    }
    return out;
  }

  // ---- a failure's parts ----

  /** The oracle that failed the run: a monitor's name, or deadlock/livelock; null for the other kinds. */
  public static String oracle(Failure f) {
    if (f instanceof Failure.SafetyViolation v) {
      return v.oracle();
    }
    if (f instanceof Failure.Deadlock) {
      return Oracles.DEADLOCK;
    }
    if (f instanceof Failure.Livelock) {
      return Oracles.LIVELOCK;
    }
    return null;
  }

  /** What went wrong, in one line (without the oracle and actor, which have fields of their own). */
  public static String message(Failure f) {
    return f instanceof Failure.SafetyViolation v ? v.message() : f.describe();
  }

  /** The actor whose step the failure was detected in, or null when none (end-of-run checks, deadlocks). */
  public static String actor(Failure f) {
    String a = null;
    if (f instanceof Failure.SafetyViolation v) {
      a = v.actor();
    } else if (f instanceof Failure.UnexpectedException u) {
      a = u.actor();
    }
    return a == null || a.isEmpty() ? null : a;
  }

  // ---- helpers ----

  /** What a scenario expects exploration to report: its oracles, or "no violation". */
  static String expected(Scenario s) {
    List<String> e = s.expect().stream().filter(x -> !x.equals("none")).toList();
    return e.isEmpty() ? "no violation" : String.join(", ", e);
  }

  static String orNone(List<String> items) {
    return items.isEmpty() ? "none" : String.join(", ", items);
  }

  /** {@code first} then {@code text}, wrapped to {@link #WIDTH} with continuation lines indented. */
  static void wrapped(List<String> out, String first, String text) {
    List<String> lines = InterleavingTable.wrap(text, Math.max(20, WIDTH - first.length()));
    for (int i = 0; i < lines.size(); i++) {
      out.add((i == 0 ? first : " ".repeat(first.length())) + lines.get(i));
    }
  }
}
