package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
  static Cli.Outcome run(String... args) {
    return Cli.run(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "bench --seconds -1",
    "bench --seconds nan",
    "bench --warmup x",
    "run",
    "run a b",
    "run triad --strategy replay",
    "run triad --seed x",
    "run triad --depth 0",
    "explore --iterations 0",
    "explore --iterations -1",
    "explore --seed x",
    "explore --bogus",
    "demo",
    "explore --strategy nosuch",
    "explore --strategy replay",
    "explore --depth 0",
    "explore a b",
    "explore --out",
    "replay",
    "replay a b",
    "list extra",
    "nosuch",
    ""
  })
  void badInputExitsTwoWithoutStackTrace(String line) {
    Cli.Outcome o = run(line.isEmpty() ? new String[0] : line.split(" "));
    assertEquals(2, o.exit(), () -> line + "\nstdout:\n" + o.out() + "\nstderr:\n" + o.err());
    assertFalse(o.err().isBlank(), line);
    assertTrue(o.err().contains("Usage:"), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
    assertFalse(o.err().contains("Exception"), o.err());
    assertEquals("", o.out(), line);
  }

  @Test
  void helpAndVersion() {
    Cli.Outcome help = run("--help");
    assertEquals(0, help.exit());
    for (String command : List.of("run", "explore", "replay", "list", "bench")) {
      assertTrue(help.out().contains("  " + command + " "), command + " in\n" + help.out());
      Cli.Outcome commandHelp = run(command, "--help");
      assertEquals(0, commandHelp.exit(), commandHelp.both());
      assertTrue(commandHelp.out().contains("Usage: kernsim " + command + " "), commandHelp.out());
    }
    assertTrue(run("explore", "--help").out().contains("--no-oracle"), "explore takes --no-oracle");
    assertTrue(run("explore", "--help").out().contains("mount-recheck-file"), "explore's help lists the fixes");
    Cli.Outcome benchHelp = run("bench", "--help");
    assertEquals(0, benchHelp.exit());
    assertTrue(benchHelp.out().contains("one core"), benchHelp.out());
    assertTrue(benchHelp.out().contains("noisy"), benchHelp.out());
    Cli.Outcome version = run("--version");
    assertEquals(0, version.exit());
    assertTrue(version.out().startsWith("kernsim "), version.out());
    assertFalse(version.out().contains("unknown"), version.out());
  }

  /** The parser, the help and the error message all take the strategies' names from StrategyKind. */
  @Test
  void strategyNamesComeFromStrategyKind() {
    String help = run("explore", "--help").out();
    Cli.Outcome bad = run("explore", "--strategy", "nosuch");
    for (String id : kernsim.actors.StrategyKind.explorationIds()) {
      assertTrue(help.contains(id), id + " in explore's help\n" + help);
      assertTrue(bad.err().contains(id), id + " in the error\n" + bad.err());
    }
    assertFalse(bad.err().contains("replay,"), bad.err());
  }

  /** Only that the figures are printed: the bench's speed is not tested. */
  @Test
  void benchPrintsItsFigures() {
    Cli.Outcome o = run("bench", "--seconds", "0.2", "--warmup", "0.1");
    assertEquals(0, o.exit(), o.out() + o.err());
    assertTrue(o.out().contains("jvm: "), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("a. ") && l.contains("steps/s")), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("b. ") && l.contains("iterations/s")), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("c. ") && l.contains("messages/s")), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.startsWith("d. ") && l.contains("steps/s")), o.out());
    assertTrue(o.out().contains("controlled/raw: "), o.out());
  }
}
