package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preemption bound counts switches between threads (causal chains of messages), as CHESS counts them:
 * configure-ro's race needs one, so the bounded search proves it absent up to bound 0 (the search runs to
 * its end) and finds it at bound 1, and the trace it writes replays to the same failure.
 */
class BoundedDfsTest {
  @Test
  void configureRoNeedsOnePreemption(@TempDir Path out) {
    Cli.Outcome zero = Cli.java("explore", "configure-ro", "--strategy", "dfs", "--preemption-bound", "0",
        "--iterations", "50000", "--no-coverage", "--out", out.resolve("0").toString());
    assertEquals(0, zero.exit(), zero.both());
    assertTrue(zero.out().contains("no violation up to preemption bound 0"), zero.out());

    Cli.Outcome one = Cli.java("explore", "configure-ro", "--strategy", "dfs", "--preemption-bound", "1",
        "--iterations", "50000", "--no-coverage", "--out", out.resolve("1").toString());
    assertEquals(1, one.exit(), one.both());
    assertTrue(one.out().contains("safety-violation [read-only]"), one.out());
    Cli.Outcome replay = Cli.java("replay", out.resolve("1").resolve("configure-ro-1.trace").toString());
    assertEquals(0, replay.exit(), replay.both());
    assertTrue(replay.out().contains("replay: CONFIRMED"), replay.out());
    assertTrue(replay.out().contains("read-only"), replay.out());
  }
}
