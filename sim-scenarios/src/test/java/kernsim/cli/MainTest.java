package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MainTest {
  /** What one run of the command line printed and returned. */
  record Outcome(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  static Outcome run(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Outcome(exit, out.toString(), err.toString());
  }

  @Test
  void demoFindsReplaysAndPasses(@TempDir Path dir) {
    Outcome o = run("demo", "--iterations", "200", "--out", dir.toString());
    assertEquals(0, o.exit(), () -> "stdout:\n" + o.out() + "\nstderr:\n" + o.err());
    assertTrue(Files.isRegularFile(dir.resolve("lost-update-2x1-1.trace")), o.out());
    assertTrue(Files.isRegularFile(dir.resolve("lock-order-inversion-1.trace")), o.out());
    assertFalse(Files.exists(dir.resolve("atomic-update-2x1-1.trace")), o.out());
    assertTrue(o.out().contains("confirmed"), o.out());
    assertFalse(o.out().contains("NOT confirmed"), o.out());
    List<String> lines = o.lines();
    assertTrue(lines.get(0).startsWith("kernsim demo: seed=1 strategy=pct iterations=200 depth=2"), lines.get(0));
    assertTrue(lines.get(lines.size() - 1).matches("event-log hash: [0-9a-f]{16}"), lines.get(lines.size() - 1));
    // Every line fits 120 columns but those that name the (long) temporary directory.
    assertTrue(lines.stream().filter(l -> !l.contains(dir.toString())).allMatch(l -> l.length() <= 120),
        "lines wider than 120 columns:\n" + o.out());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  @Test
  void demoIsDeterministic(@TempDir Path dir) {
    Outcome a = run("demo", "--strategy", "random", "--seed", "7", "--iterations", "100", "--out", dir.toString());
    Outcome b = run("demo", "--strategy", "random", "--seed", "7", "--iterations", "100", "--out", dir.toString());
    assertEquals(0, a.exit(), a.out() + a.err());
    assertEquals(a.out(), b.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "demo --strategy bogus",
    "demo --strategy replay",
    "demo --iterations -1",
    "demo --iterations 0",
    "demo --depth 0",
    "demo --seed x",
    "demo --bogus",
    "demo extra",
    "bench --seconds -1",
    "bench --seconds nan",
    "bench --warmup x",
    "nosuch",
    ""
  })
  void badInputExitsTwoWithoutStackTrace(String line) {
    Outcome o = run(line.isEmpty() ? new String[0] : line.split(" "));
    assertEquals(2, o.exit(), () -> line + "\nstdout:\n" + o.out() + "\nstderr:\n" + o.err());
    assertFalse(o.err().isBlank(), line);
    assertTrue(o.err().contains("Usage:"), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
    assertFalse(o.err().contains("Exception"), o.err());
    assertEquals("", o.out(), line);
  }

  @Test
  void unwritableOutputIsBadInput(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Outcome o = run("demo", "--iterations", "1", "--out", file.resolve("sub").toString());
    assertEquals(2, o.exit(), o.out() + o.err());
    assertTrue(o.err().contains("cannot create the output directory"), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  @Test
  void helpAndVersion() {
    Outcome help = run("--help");
    assertEquals(0, help.exit());
    assertTrue(help.out().contains("demo") && help.out().contains("bench"), help.out());
    Outcome benchHelp = run("bench", "--help");
    assertEquals(0, benchHelp.exit());
    assertTrue(benchHelp.out().contains("one core"), benchHelp.out());
    assertTrue(benchHelp.out().contains("noisy"), benchHelp.out());
    Outcome version = run("--version");
    assertEquals(0, version.exit());
    assertTrue(version.out().startsWith("kernsim "), version.out());
    assertFalse(version.out().contains("unknown"), version.out());
  }

  /** Only that the figures are printed: the bench's speed is not tested. */
  @Test
  void benchPrintsItsFigures() {
    Outcome o = run("bench", "--seconds", "0.2", "--warmup", "0.1");
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("jvm: "), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("a. ") && l.contains("steps/s")), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("b. ") && l.contains("iterations/s")), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("c. ") && l.contains("messages/s")), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("d. ") && l.contains("steps/s")), o.out());
    assertTrue(o.out().contains("controlled/raw: "), o.out());
  }
}
