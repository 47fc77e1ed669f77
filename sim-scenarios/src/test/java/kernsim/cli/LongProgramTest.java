package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One hart of 100,000 statements (the largest a 1 MiB scenario holds): {@code run} prints its timeline and
 * interleaving in time linear in the calls. Both were built with a search per call event, quadratic: this run
 * took more than a quarter of an hour, in Timeline.Recorder and then InterleavingTable, and looked hung.
 */
class LongProgramTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void aHartOf100000DupsRunsToItsReport() throws Exception {
    StringBuilder b = new StringBuilder("hart a:\n  fd = open(\"/dev/loop0\", O_RDWR)\n");
    for (int i = 0; i < 100_000; i++) {
      b.append("  dup(fd)\n");
    }
    Path f = dir.resolve("dups.ksim");
    Files.writeString(f, b);
    Cli.Outcome o = Cli.run("run", f.toString());
    assertEquals(0, o.exit(), o.err());
    assertTrue(o.out().contains("dup(fd) = 1023\n"), "the 1,023rd dup fills the fd table");
    assertTrue(o.out().contains("dup(fd) = EMFILE\n"), "the next ones are EMFILE");
    assertTrue(o.out().contains("event-log hash: "), o.out().substring(Math.max(0, o.out().length() - 300)));
  }
}
