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

/** Mistakes found while a command runs: one clear line on stderr, exit 2, no stack trace, nothing on stdout. */
class UserErrorTest {
  private static void assertUserError(Cli.Outcome o, String command, String expected) {
    assertEquals(2, o.exit(), o.both());
    assertEquals("", o.out().lines().filter(l -> !l.startsWith("kernsim explore ")).reduce("", String::concat),
        "nothing but explore's first line on stdout:\n" + o.out());
    assertEquals(1, o.err().lines().count(), o.err());
    assertEquals("kernsim " + command + ": " + expected, o.err().strip());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  @Test
  void aMissingFileThatIsNoCatalogNameEither() {
    Cli.Outcome o = Cli.java("run", "no/such/file.ksim");
    assertEquals(2, o.exit(), o.both());
    assertTrue(o.err().startsWith("kernsim run: no such file or catalog scenario: no/such/file.ksim (the catalog has: "),
        o.err());
    assertTrue(o.err().contains("triad"), o.err());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  @Test
  void aDirectory(@TempDir Path dir) {
    Cli.Outcome o = Cli.java("run", dir.toString());
    assertEquals(2, o.exit(), o.both());
    assertEquals(dir + ": error: is a directory, not a scenario file", o.err().strip());
  }

  @Test
  void aScenarioThatDoesNotParseIsReportedWithTheParsersMessageAsIs(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("broken.ksim"), "scenario broken\n\nhart a:\n  mount2(\"/dev/loop0\")\n");
    ScenarioException expected = assertThrows(ScenarioException.class, () -> Scenarios.load(file));
    for (String command : new String[] {"run", "explore"}) { // explore checks the scenario before --out
      Cli.Outcome o = Cli.run(command, file.toString());
      assertEquals(2, o.exit(), o.both());
      assertEquals(expected.getMessage() + "\n", o.err());
      assertTrue(o.err().startsWith(file + ":4:3: error: "), o.err());
      assertFalse(o.err().contains("\tat "), o.err());
    }
  }

  @Test
  void unknownProfileFixAndOracle() {
    Cli.Outcome profile = Cli.java("run", "solo-java", "--profile", "solaris");
    assertEquals(2, profile.exit(), profile.both());
    assertTrue(profile.err().startsWith("kernsim run: unknown profile 'solaris' (known: starry"), profile.err());
    Cli.Outcome fix = Cli.java("explore", "solo-java", "--fix", "nope");
    assertEquals(2, fix.exit(), fix.both());
    assertTrue(fix.err().startsWith("kernsim explore: unknown fix 'nope' (known: "), fix.err());
    assertTrue(fix.err().contains("mount-recheck-file"), fix.err());
    Cli.Outcome oracle = Cli.java("explore", "solo-java", "--no-oracle", "vibes");
    assertEquals(2, oracle.exit(), oracle.both());
    assertTrue(oracle.err().startsWith("kernsim explore: unknown oracle 'vibes' (known: "), oracle.err());
    assertTrue(oracle.err().contains("stale-cache"), oracle.err());
    for (Cli.Outcome o : new Cli.Outcome[] {profile, fix, oracle}) {
      assertEquals(1, o.err().lines().count(), o.err());
      assertFalse(o.err().contains("\tat "), o.err());
    }
  }

  @Test
  void anUnwritableOutputDirectory(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    Cli.Outcome o = Cli.java("explore", "triad-java", "--out", file.resolve("sub").toString());
    assertEquals(2, o.exit(), o.both());
    assertTrue(o.err().startsWith("kernsim explore: cannot create the output directory " + file.resolve("sub")),
        o.err());
    assertEquals(1, o.err().lines().count(), o.err());
  }
}
