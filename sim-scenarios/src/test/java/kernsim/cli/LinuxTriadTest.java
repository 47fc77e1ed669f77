package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog's triad under {@code --profile linux}, every oracle on (the errno oracle with
 * LinuxSpec). Under linux LOOP_CLR_FD on a mounted device only sets autoclear, the mount holds the
 * device open and claimed, and the ext4 adapter's cache is the device's page cache for the whole
 * binding: no write can land in a cache that is no longer current, so the stale-cache race the
 * starry profile has is closed. PCT from seed 1 finds nothing in 1,000 schedules (starry's triad
 * fails within the first few, see ExploreCommandTest).
 */
class LinuxTriadTest {
  @Test
  void theTriadsRaceIsNotFoundUnderLinuxInAThousandPctSchedules(@TempDir Path dir) {
    Cli.Outcome o = Cli.run("explore", "triad", "--profile", "linux", "--iterations", "1000", "--out", dir.toString());
    assertEquals(0, o.exit(), o::both);
    assertTrue(o.out().contains("profile:  linux"), o::both);
    assertTrue(o.out().contains("no failure found in 1,000 schedules (strategy pct, seed 1)"), o::both);
  }

  @Test
  void theSameBudgetFindsItUnderStarry(@TempDir Path dir) {
    Cli.Outcome o = Cli.run("explore", "triad", "--iterations", "1000", "--out", dir.toString());
    assertEquals(1, o.exit(), o::both);
    assertTrue(Cli.raceVerdict(o.out(), "safety-violation ["), o::both);
  }
}
