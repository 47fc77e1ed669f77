package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.Scenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernsim check}: parse and validate without running; exit 0 when all are ok, 2 with the errors. */
class CheckCommandTest {
  private static final Path EXAMPLE = Path.of("..", "examples", "flock-order.ksim");

  @Test
  void goodFilesAreOkAndNothingRuns() {
    Cli.Outcome o = Cli.run("check", EXAMPLE.toString(), "triad");
    assertEquals(0, o.exit(), o.both());
    assertEquals(EXAMPLE + ": ok\ntriad: ok\n", o.out());
    assertEquals("", o.err());
  }

  @Test
  void everyFileIsCheckedAndEachErrorHasItsPosition(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.ksim"), "scenario bad\n\nhart a:\n  opn(\"/x\")\n");
    ScenarioException expected = assertThrows(ScenarioException.class, () -> Scenarios.load(bad));
    Path missing = dir.resolve("missing.ksim");
    Cli.Outcome o = Cli.run("check", bad.toString(), EXAMPLE.toString(), dir.toString(), missing.toString());
    assertEquals(2, o.exit(), o.both());
    assertEquals(EXAMPLE + ": ok\n", o.out());
    assertTrue(o.err().startsWith(expected.getMessage() + "\n"), o.err());
    assertTrue(o.err().startsWith(bad + ":4:3: error: "), o.err());
    assertTrue(o.err().contains(dir + ": error: is a directory, not a scenario file\n"), o.err());
    assertTrue(o.err().contains("kernsim check: no such file or catalog scenario: " + missing), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  @Test
  void noFileIsAUsageError() {
    assertEquals(2, Cli.run("check").exit());
  }
}
