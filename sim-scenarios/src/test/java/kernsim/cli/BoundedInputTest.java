package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import kernsim.actors.BoundedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios and traces are read only from regular files of a bounded size: a FIFO, a device, a
 * directory or an oversized file is refused with {@code FILE: error: ...} and exit 2, never a hang or an
 * out-of-memory error.
 */
class BoundedInputTest {
  private static void assertRefused(Cli.Outcome o, String file, String reason) {
    assertEquals(2, o.exit(), o.both());
    assertEquals(1, o.err().lines().count(), o.err());
    assertEquals(file + ": error: " + reason, o.err().strip().replace("cannot read the file: ", ""), o.both());
    assertFalse(o.err().contains("\tat "), o.err());
  }

  private static Cli.Outcome bounded(String... args) {
    return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Cli.java(args));
  }

  private static Path fifo(Path dir) throws Exception {
    Path f = dir.resolve("pipe");
    Process p = new ProcessBuilder("mkfifo", f.toString()).inheritIO().start();
    assumeTrue(p.waitFor() == 0, "mkfifo is available");
    return f;
  }

  @Test
  void aFifoAsScenarioOrTrace(@TempDir Path dir) throws Exception {
    Path f = fifo(dir);
    String reason = "not a regular file (it is a FIFO, socket or device); a %s is read only from a regular file";
    assertRefused(bounded("run", f.toString()), f.toString(), reason.formatted("scenario"));
    assertRefused(bounded("replay", f.toString()), f.toString(), reason.formatted("trace"));
  }

  @Test
  void devZeroAsScenarioOrTrace() {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero));
    String reason = "not a regular file (it is a FIFO, socket or device); a %s is read only from a regular file";
    assertRefused(bounded("run", zero.toString()), zero.toString(), reason.formatted("scenario"));
    assertRefused(bounded("replay", zero.toString()), zero.toString(), reason.formatted("trace"));
  }

  @Test
  void aDirectoryAsTrace(@TempDir Path dir) {
    assertRefused(bounded("replay", dir.toString()), dir.toString(), "is a directory, not a trace file");
  }

  @Test
  void anOversizedScenarioOrTrace(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.ksim");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(BoundedFiles.TRACE_LIMIT + 1); // sparse: no disk used
    }
    long size = BoundedFiles.TRACE_LIMIT + 1;
    assertRefused(bounded("run", big.toString()), big.toString(),
        "the file is " + size + " bytes, over the 1 MiB limit for a scenario file");
    assertRefused(bounded("replay", big.toString()), big.toString(),
        "the file is " + size + " bytes, over the 64 MiB limit for a trace file");
  }

  @Test
  void aScenarioJustUnderTheLimitIsStillRead(@TempDir Path dir) throws Exception {
    String text = Files.readString(Path.of("..", "examples", "flock-order.ksim"));
    StringBuilder sb = new StringBuilder();
    String pad = "# padding padding padding padding padding padding padding padding padding\n";
    while (sb.length() + pad.length() + text.length() <= BoundedFiles.SCENARIO_LIMIT) {
      sb.append(pad);
    }
    Path f = Files.writeString(dir.resolve("edge.ksim"), sb.append(text));
    Path example = Path.of("..", "examples", "flock-order.ksim");
    Cli.Outcome plain = bounded("run", example.toString());
    Cli.Outcome padded = bounded("run", f.toString());
    assertEquals(plain.exit(), padded.exit(), padded.both());
    assertEquals(plain.out().replace(example.toString(), f.toString()), padded.out());
  }
}
