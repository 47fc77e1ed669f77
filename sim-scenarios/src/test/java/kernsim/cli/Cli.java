package kernsim.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import picocli.CommandLine;

/** Runs the command line in this JVM and captures what it printed. */
final class Cli {
  /**
   * The oracles the triad's race trips, whichever sees it first in a schedule: the write landing in the
   * orphaned cache, the umount that lost it, or mount and LOOP_CLR_FD both succeeding.
   */
  static final java.util.Set<String> RACE_ORACLES = java.util.Set.of("stale-cache", "durability", "errno");

  /** {@code out} has {@code prefix} followed by one of {@link #RACE_ORACLES} and {@code ]}. */
  static boolean raceVerdict(String out, String prefix) {
    return RACE_ORACLES.stream().anyMatch(o -> out.contains(prefix + o + "]"));
  }

  private Cli() {}

  /** What one run of the command line printed and returned. */
  record Outcome(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }

    JsonNode json() {
      try {
        return new ObjectMapper().readTree(out);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + e.getMessage() + "\n" + out, e);
      }
    }

    /** For assertion messages. */
    String both() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** The real command line (scenarios from files and the catalog). */
  static Outcome run(String... args) {
    return run(ScenarioSource.DEFAULT, args);
  }

  /** The command line with scenarios built in Java ({@link TestScenarios#SOURCE}) besides the real ones. */
  static Outcome java(String... args) {
    return run(TestScenarios.SOURCE, args);
  }

  static Outcome run(ScenarioSource source, String... args) {
    CommandLine cmd = Main.commandLine(source);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Outcome(exit, out.toString(), err.toString());
  }
}
