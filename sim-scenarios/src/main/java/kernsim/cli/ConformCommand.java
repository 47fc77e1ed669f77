package kernsim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.conform.Conform;
import kernsim.conform.RealSandbox;
import kernsim.conform.Recorded;
import kernsim.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** A scenario's calls on the machine's real loop driver and in the linux profile, side by side. */
@Command(
    name = "conform",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Runs scenarios' calls on the real Linux loop driver and in the linux profile, and compares them.",
    description = {
      "Runs each FILE's setup and calls one after another on this machine's loop driver (in a sandbox: loop"
          + " devices it adds itself, files in a fresh temporary directory, all removed afterwards), setup"
          + " first, then each hart's program whole, in the file's order; then the same calls in the linux"
          + " profile, one hart after another. Prints one row per call: the call, the real result, the"
          + " model's, and whether they match.",
      "Needs root and /dev/loop-control. Exits 0 when every call matches, 1 when one differs, 2 when it"
          + " cannot run (no root, no loop driver, a scenario it cannot read or compare)."
    })
final class ConformCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Scenario files (or catalog scenarios' names).")
  List<String> files;

  @Option(names = "--json", description = "Print one JSON document instead (see docs/cli.md).")
  boolean json;

  @Option(names = "--record", description = "Also store the real kernel's results beside each FILE, as"
      + " NAME.real.json (what the recorded conformance test compares the linux profile with).")
  boolean record;

  @Override
  public Integer call() {
    List<Scenario> scenarios = new ArrayList<>();
    for (String f : files) {
      Scenario s = main.resolve(f);
      Conform.unsupported(s).ifPresent(why -> {
        throw new Main.UserError(f + ": " + why);
      });
      if (record && !Files.isRegularFile(Path.of(f))) {
        throw new Main.UserError(f + ": --record needs a scenario file to store the results beside");
      }
      scenarios.add(s);
    }
    RealSandbox.unavailableReason().ifPresent(why -> {
      throw new Main.UserError("cannot run on the real kernel: " + why);
    });
    PrintWriter w = spec.commandLine().getOut();
    ObjectNode doc = Json.document("conform");
    ArrayNode docScenarios = doc.putArray("scenarios");
    int rows = 0;
    int differ = 0;
    for (int k = 0; k < scenarios.size(); k++) {
      Scenario s = scenarios.get(k);
      List<Conform.Row> result;
      try {
        result = Conform.compare(s);
      } catch (Conform.SetupFailed e) {
        throw new Main.UserError(files.get(k) + ": " + e.getMessage());
      }
      if (record) {
        Path to = Recorded.pathFor(Path.of(files.get(k)));
        try {
          new Recorded(s.name(), Recorded.kernelRelease(), result).write(to);
        } catch (IOException e) {
          throw new Main.UserError("cannot write " + to + ": " + Main.describe(e), e);
        }
      }
      int bad = (int) result.stream().filter(r -> !r.matches()).count();
      rows += result.size();
      differ += bad;
      if (json) {
        ObjectNode o = docScenarios.addObject();
        o.put("file", files.get(k));
        o.put("scenario", s.name());
        o.put("calls", result.size());
        o.put("differ", bad);
        ArrayNode a = o.putArray("rows");
        for (Conform.Row r : result) {
          ObjectNode n = a.addObject();
          n.put("hart", r.hart());
          n.put("index", r.index());
          n.put("call", r.call());
          n.put("real", r.real());
          n.put("model", r.model());
          n.put("match", r.matches());
        }
      } else {
        table(w, files.get(k), s, result, bad);
      }
    }
    if (json) {
      doc.put("profile", Conform.PROFILE);
      doc.put("kernel", Recorded.kernelRelease());
      doc.put("calls", rows);
      doc.put("differ", differ);
      Json.print(w, doc);
    } else {
      w.println("kernsim conform: " + rows + " calls, " + (rows - differ) + " match, " + differ + " differ"
          + " (real: Linux " + Recorded.kernelRelease() + "; model: the " + Conform.PROFILE + " profile)");
      w.flush();
    }
    return differ == 0 ? Main.OK : Main.NOT_AS_EXPECTED;
  }

  private static void table(PrintWriter w, String file, Scenario s, List<Conform.Row> rows, int bad) {
    w.println("== " + file + " (" + s.name() + "): " + rows.size() + " calls, " + bad + " differ");
    int callW = 4;
    int realW = 4;
    for (Conform.Row r : rows) {
      callW = Math.max(callW, r.hart().length() + 2 + r.call().length());
      realW = Math.max(realW, r.real().length());
    }
    callW = Math.min(callW, 72);
    realW = Math.min(realW, 40);
    String fmt = "%-" + callW + "s  %-" + realW + "s  %-" + realW + "s  %s%n";
    w.printf(fmt, "call", "real", "model", "");
    for (Conform.Row r : rows) {
      w.printf(fmt, r.hart() + ": " + r.call(), r.real(), r.model(), r.matches() ? "ok" : "DIFFERS");
    }
    w.println();
  }
}
