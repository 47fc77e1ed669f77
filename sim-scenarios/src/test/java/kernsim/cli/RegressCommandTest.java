package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import kernsim.scenario.LinuxRaces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --regress} / {@code --no-regress} and Linux's race catalog on the command line. */
class RegressCommandTest {
  @Test
  void listShowsLinuxsRacesInASectionOfTheirOwnWithTheirToggles() {
    Cli.Outcome o = Cli.run("list");
    assertEquals(0, o.exit(), o.both());
    int heading = o.lines().indexOf(o.lines().stream().filter(l -> l.startsWith("Linux's own races")).findFirst()
        .orElseThrow(() -> new AssertionError(o.out())));
    assertEquals("", o.lines().get(heading - 1), o.out());
    int end = o.lines().subList(heading, o.lines().size()).indexOf("");
    assertEquals(LinuxRaces.names().size(), (end < 0 ? o.lines().size() - heading : end) - 1, o.out());
    assertTrue(o.lines().get(heading + 1).matches("linux-open-vs-release +.* +regress concurrent-open-release,"
        + " expects detach"), o.out());
    assertEquals("async-autoclear", Cli.run("list", "--json").json().get("linux").get(2).get("regress").asText());
  }

  @Test
  void anEntryFindsItsRaceItsTraceReplaysAndWithNoRegressNothingIsFound(@TempDir Path dir) {
    Cli.Outcome o = Cli.run("explore", "linux-remove-vs-open", "--iterations", "200", "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.out().contains("regress: remove-open-abba"), o.out());
    assertTrue(o.out().contains("verdict:  FAILED \u2014 deadlock [deadlock]"), o.out());
    Cli.Outcome r = Cli.run("replay", dir.resolve("linux-remove-vs-open-1.trace").toString());
    assertEquals(0, r.exit(), r.both());
    assertTrue(r.out().contains("replay: CONFIRMED"), r.out());
    assertTrue(r.out().contains("regress: remove-open-abba"), r.out());

    Cli.Outcome off = Cli.run("explore", "linux-remove-vs-open", "--no-regress", "remove-open-abba",
        "--iterations", "200", "--out", dir.resolve("off").toString());
    assertEquals(0, off.exit(), off.both());
    assertFalse(off.out().contains("regress:"), off.out());
    assertTrue(off.out().contains("no failure found in 200 schedules"), off.out());
  }

  @Test
  void aToggleUnderStarryOrAnUnknownOneIsAUserError() {
    Cli.Outcome starry = Cli.java("explore", "solo-java", "--regress", "clr-fd-sync");
    assertEquals(2, starry.exit(), starry.both());
    assertEquals("kernsim explore: regress toggles (clr-fd-sync) apply to the linux profile only, not starry\n",
        starry.err());
    Cli.Outcome unknown = Cli.java("run", "solo-java", "--profile", "linux", "--regress", "nope");
    assertEquals(2, unknown.exit(), unknown.both());
    assertTrue(unknown.err().startsWith("kernsim run: unknown regress toggle 'nope' (known: concurrent-open-release"),
        unknown.err());
    assertEquals(1, unknown.err().lines().count(), unknown.err());
  }
}
