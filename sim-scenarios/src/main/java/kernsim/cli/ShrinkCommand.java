package kernsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.actors.ReplayResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.actors.TraceFormatException;
import kernsim.actors.TraceMismatchException;
import kernsim.fuzz.Shrinker;
import kernsim.fuzz.Signature;
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

/** Shrinks a failing trace's scenario and schedule, keeping its failure's signature (docs/fuzz.md). */
@Command(
    name = "shrink",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Shrinks a failing trace: fewer harts, calls, setup lines, simpler arguments, fewer context switches.",
    description = {
      "Replays TRACE, takes its failure's signature (oracle + site), then drops harts, statements and setup"
          + " lines and simplifies arguments, keeping each change only while exploring the smaller scenario"
          + " for N schedules still finds the same signature (the current schedule carried over first); and"
          + " shrinks the schedule itself from the trace's choices, moving a hart's steps together while the"
          + " failure stays: the result never has more context switches than TRACE.",
      "Writes OUT.ksim and OUT.trace (default: TRACE's name with .shrunk), replays the new trace to confirm"
          + " it, and prints the sizes before and after (harts, calls, switches).",
      "Exits 0 when the shrunk trace replays to the same signature, 1 when not, 2 on bad input."
    })
final class ShrinkCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TRACE", description = "A failing trace (kernsim explore, kernsim fuzz).")
  Path file;

  @Option(names = "--budget", paramLabel = "N", defaultValue = "200",
      description = "Schedules explored per candidate (default: ${DEFAULT-VALUE}).")
  int budget;

  @Option(names = "--seed", paramLabel = "N",
      description = "The explorations' seed (default: the trace's).")
  Long seed;

  @Option(names = "--out", paramLabel = "OUT", description = "Output path without extension.")
  Path out;

  @Override
  public Integer call() {
    Trace trace;
    try {
      trace = TraceCodec.read(file);
    } catch (IOException e) {
      throw new Main.UserError("cannot read the trace " + file + ": " + Main.describe(e), e);
    } catch (TraceFormatException e) {
      throw new Main.UserError("cannot read the trace " + file + ": " + e.getMessage(), e);
    }
    Trace.Header h = trace.header();
    Scenario scenario;
    try {
      scenario = main.source().parse(h.text(), h.scenario() + ".ksim (in " + file + ")");
    } catch (ScenarioException e) {
      throw new Main.UserError("cannot shrink " + file + ": its scenario does not parse:\n" + e.getMessage(), e);
    }
    Settings settings;
    try {
      settings = Settings.fromOptions(h.options());
    } catch (IllegalArgumentException e) {
      throw new Main.UserError("cannot shrink " + file + ": its settings are not understood: " + e.getMessage(), e);
    }
    PrintWriter w = spec.commandLine().getOut();
    String base = file.getFileName().toString().replaceFirst("\\.trace$", "");
    Path stem = out != null ? out : file.resolveSibling(base + ".shrunk");
    try (Simulator sim = Simulator.create()) {
      ScenarioWorld world = new ScenarioWorld(scenario, settings);
      ReplayResult original;
      try {
        original = sim.replay(world, trace);
      } catch (TraceMismatchException e) {
        throw new Main.UserError("cannot shrink " + file + ": " + e.getMessage(), e);
      }
      if (original.run().failure().isEmpty()) {
        throw new Main.UserError("cannot shrink " + file + ": its run does not fail");
      }
      String sig = Signature.of(original.run().failure().get(), scenario.hartKeys());
      w.println("kernsim shrink " + file + ": signature " + sig);
      w.flush();
      Shrinker.Result r;
      try {
        // the trace's own seed finds the failure again at its iteration: the budget reaches that far
        r = new Shrinker(sim, settings, seed == null ? Math.max(budget, h.iteration() + 1) : budget,
            seed == null ? h.seed() : seed, 3).shrink(h.text(), ExploreCommand.fileName(h.scenario())
            + "-shrunk", original.run(), sig, List.of("shrunk by kernsim shrink from " + file, "signature: " + sig));
      } catch (ScenarioException e) {
        throw new Main.UserError(e.getMessage(), e, true);
      } catch (IllegalStateException e) {
        throw new Main.UserError("cannot shrink " + file + ": " + e.getMessage(), e);
      }
      Path ksim = stem.resolveSibling(stem.getFileName() + ".ksim");
      Path tr = stem.resolveSibling(stem.getFileName() + ".trace");
      try {
        java.nio.file.Files.writeString(ksim, r.text());
        TraceCodec.write(r.run().trace(), tr);
      } catch (IOException e) {
        throw new Main.UserError("cannot write " + stem + ": " + Main.describe(e), e);
      }
      boolean confirmed;
      String replayedSig;
      try {
        ReplayResult rr = sim.replay(new ScenarioWorld(r.scenario(), settings), TraceCodec.read(tr));
        confirmed = rr.confirmed();
        replayedSig = rr.run().failure().map(f -> Signature.of(f, r.scenario().hartKeys())).orElse("ok");
      } catch (IOException | TraceFormatException | TraceMismatchException e) {
        throw new IllegalStateException("the shrunk trace does not read back: " + e.getMessage(), e);
      }
      w.println("before: " + r.before());
      w.println("after:  " + r.after() + "  (" + r.kept() + " of " + r.tried() + " changes kept, "
          + String.format(java.util.Locale.ROOT, "%,d", r.schedules()) + " schedules)");
      w.println("scenario: " + ksim);
      w.println("trace:    " + tr + (confirmed && replayedSig.equals(sig) ? "  (replays to the same signature)"
          : "  (DOES NOT replay to the same signature: " + replayedSig + ")"));
      w.println("replay:   kernsim replay " + tr);
      w.flush();
      return confirmed && replayedSig.equals(sig) ? Main.OK : Main.NOT_AS_EXPECTED;
    }
  }
}
