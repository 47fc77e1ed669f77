package kernsim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.actors.TraceFormatException;
import kernsim.actors.TraceMismatchException;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Runs a trace again and checks it gives the recorded run. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Replays a trace: shows the run and confirms the recorded failure and event-log hash.",
    description = {
      "Rebuilds the world from TRACE alone (the scenario's text, profile, fixes and oracles are in its header),"
          + " runs it on the recorded choices, and prints the report: the verdict, the per-hart timeline and"
          + " the interleaving table.",
      "Then confirms that the run ended as recorded (same outcome, same number of steps, same event-log hash),"
          + " or reports the first step at which the run left the trace.",
      "Exits 0 when confirmed, 1 when not, 2 when the trace cannot be read (missing, truncated, corrupt, or"
          + " recorded by a kernsim with another model)."
    })
final class ReplayCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TRACE", description = "A trace file written by 'kernsim explore'.")
  Path file;

  @Option(names = "--json", description = "Print one JSON document instead (see docs/cli.md).")
  boolean json;

  @picocli.CommandLine.Mixin ViewOptions view;

  @Override
  public Integer call() {
    Trace trace = read(file);
    Trace.Header h = trace.header();
    Scenario scenario;
    try {
      scenario = main.source().parse(h.text(), h.scenario() + ".ksim (in " + file + ")");
    } catch (ScenarioException e) {
      throw new Main.UserError("cannot replay " + file + ": its scenario does not parse:\n" + e.getMessage(), e);
    }
    Settings settings;
    try {
      settings = Settings.fromOptions(h.options());
    } catch (IllegalArgumentException e) {
      throw new Main.UserError("cannot replay " + file + ": its settings are not understood: " + e.getMessage(), e);
    }
    ScenarioWorld world = new ScenarioWorld(scenario, settings);
    Timeline.Recorder recorder = new Timeline.Recorder(scenario.hartKeys());
    ReplayResult replay;
    try (Simulator sim = Simulator.create()) {
      replay = sim.replay(view.around(recorder.around(world)), trace);
      // A replay that confirms the recorded run must also be the schedule its header names.
      String lie = replay.confirmed() ? sim.scheduleMismatch(world, trace) : null;
      if (lie != null) {
        throw new TraceMismatchException(lie);
      }
    } catch (TraceMismatchException e) {
      throw new Main.UserError("cannot replay " + file + ": " + e.getMessage(), e);
    }
    RunResult r = replay.run();
    Timeline timeline = recorder.timeline();
    StepView steps = view.view(r);
    Trace.Footer recorded = replay.recorded();
    Failure.ReplayDivergence divergence =
        r.failure().orElse(null) instanceof Failure.ReplayDivergence d ? d : null;

    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.document("replay");
      o.put("trace", file.toString());
      Json.scenario(o, scenario, settings);
      o.put("modelVersion", h.modelVersion());
      o.put("strategy", h.strategy());
      o.putNull("depth");
      o.put("seed", h.seed());
      Json.run(o, r, timeline);
      ObjectNode rec = o.putObject("recorded");
      rec.put("outcome", recorded.outcome());
      rec.put("steps", recorded.steps());
      rec.put("eventLogHash", recorded.eventLogHash());
      o.put("confirmed", replay.confirmed());
      if (divergence == null) {
        o.putNull("divergence");
      } else {
        ObjectNode d = o.putObject("divergence");
        d.put("step", divergence.step());
        d.put("expected", divergence.expected());
        d.put("found", divergence.found());
      }
      view.json(o, steps);
      Json.print(w, o);
    } else {
      w.println("kernsim replay " + file);
      w.println("recorded: on model " + h.modelVersion() + ", " + recorded.steps() + " steps, ending "
          + recorded.outcome() + ", event-log hash " + recorded.eventLogHash());
      List<String> out = new ArrayList<>(Report.run(context(scenario, settings, h), r, timeline, view.regionsFor(steps)));
      view.report(out, steps);
      out.forEach(w::println);
      w.println();
      confirmation(replay, divergence).forEach(w::println);
    }
    if (view.html != null) {
      HtmlPage.write(view.html, "kernsim replay " + file, context(scenario, settings, h), r, timeline, steps,
          "kernsim replay " + file);
      if (!json) {
        w.println("html:    " + view.html);
      }
    }
    w.flush();
    return replay.confirmed() ? Main.OK : Main.NOT_AS_EXPECTED;
  }

  /** The report's context; a trace made from another's prefix says so where the parameters go. */
  private static Report.Context context(Scenario scenario, Settings settings, Trace.Header h) {
    String prefix = h.strategyParameters().get(kernsim.actors.Prefix.STEPS);
    String made = prefix == null ? null : "after " + prefix + " steps of "
        + h.strategyParameters().get(kernsim.actors.Prefix.ORIGIN);
    return new Report.Context(scenario, settings, h.strategy(), made, h.seed(), h.iteration());
  }

  private static List<String> confirmation(ReplayResult replay, Failure.ReplayDivergence divergence) {
    RunResult r = replay.run();
    Trace.Footer recorded = replay.recorded();
    List<String> out = new ArrayList<>();
    if (replay.confirmed()) {
      out.add("replay: CONFIRMED \u2014 same outcome, same " + r.steps() + " steps, same event-log hash "
          + r.eventLogHash());
      return out;
    }
    out.add("replay: NOT confirmed");
    if (divergence != null) {
      Report.wrapped(out, "  first diverging step: ", divergence.step() + ": the trace expects "
          + divergence.expected() + ", the run has " + divergence.found());
    }
    Report.wrapped(out, "  outcome: ", r.outcome() + (replay.sameOutcome() ? " (as recorded)"
        : " (recorded: " + recorded.outcome() + ")"));
    out.add("  steps:   " + r.steps() + (r.steps() == recorded.steps() ? " (as recorded)"
        : " (recorded: " + recorded.steps() + ")"));
    out.add("  event-log hash: " + r.eventLogHash() + (replay.sameHash() ? " (as recorded)"
        : " (recorded: " + recorded.eventLogHash() + ")"));
    return out;
  }

  /** The trace in {@code file}; anything that keeps it from being read is the user's input problem. */
  static Trace read(Path file) {
    if (Files.isDirectory(file)) {
      throw new Main.UserError(file + ": error: is a directory, not a trace file", null, true);
    }
    try {
      return TraceCodec.read(file);
    } catch (kernsim.actors.BoundedFiles.RefusedInputException e) {
      throw new Main.UserError(file + ": error: " + e.getMessage(), e, true);
    } catch (NoSuchFileException e) {
      throw new Main.UserError("no such trace file: " + file, e);
    } catch (IOException e) {
      throw new Main.UserError("cannot read the trace " + file + ": " + Main.describe(e), e);
    } catch (TraceFormatException e) {
      throw new Main.UserError(e.getMessage(), e); // names the file and what is wrong with it
    } catch (RuntimeException e) {
      // Kryo reports some corruptions (an absurd length, a bad varint) as its own unchecked exceptions.
      throw new Main.UserError(file + " is not a readable kernsim trace: " + Main.describe(e), e);
    }
  }
}
