package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --client-option} and {@code --no-client-option}: a userspace loop client's option set from the command
 * line, as a scenario's {@code client-option} header line sets it, recorded in the trace header so replay
 * runs the same client.
 */
class ClientOptionTest {
  @TempDir Path dir;

  @Test
  void directIoOffFromTheCommandLineDropsTheODirectReopen() {
    Cli.Outcome seed = Cli.run("run", "systemd-make-vs-free", "--seed", "1");
    assertEquals(0, seed.exit(), seed.both());
    assertTrue(seed.out().contains("O_RDWR|O_NONBLOCK|O_DIRECT)"), seed.out());
    Cli.Outcome off = Cli.run("run", "systemd-make-vs-free", "--seed", "1", "--client-option", "systemd-direct-io-off");
    assertEquals(0, off.exit(), off.both());
    assertFalse(off.out().contains("O_DIRECT"), off.out());
    assertTrue(off.out().contains("client options: systemd-direct-io-off"), off.out());
    assertEquals("systemd-direct-io-off",
        Cli.run("run", "systemd-make-vs-free", "--client-option", "systemd-direct-io-off", "--json").json()
            .get("clientOptions").get(0).asText());
  }

  @Test
  void theReversedLockOrderFromTheCommandLineDeadlocksAndItsTraceReplays() throws Exception {
    String out = dir.toString();
    Cli.Outcome seedOrder = Cli.run("explore", "systemd-make-vs-free", "--iterations", "300", "--out", out);
    assertEquals(0, seedOrder.exit(), seedOrder.both());

    Cli.Outcome reversed = Cli.run("explore", "systemd-make-vs-free", "--iterations", "3000", "--out", out,
        "--client-option", "systemd-free-reversed-lock-order", "--json");
    assertEquals(1, reversed.exit(), reversed.both());
    assertEquals("deadlock", reversed.json().get("verdict").get("kind").asText());
    Path trace = Path.of(reversed.json().get("trace").asText());
    Trace t = TraceCodec.read(trace);
    assertEquals("systemd-free-reversed-lock-order", t.header().options().get("client-options"));

    Cli.Outcome replay = Cli.run("replay", trace.toString());
    assertEquals(0, replay.exit(), replay.both());
    assertTrue(replay.out().contains("replay: CONFIRMED"), replay.out());
    assertTrue(replay.out().contains("client options: systemd-free-reversed-lock-order"), replay.out());
  }

  @Test
  void noClientOptionTurnsTheScenariosOwnLineOff() {
    Cli.Outcome own = Cli.run("explore", "systemd-free-reversed", "--iterations", "300", "--out", dir.toString());
    assertEquals(1, own.exit(), own.both());
    Cli.Outcome off = Cli.run("explore", "systemd-free-reversed", "--iterations", "300", "--out", dir.toString(),
        "--no-client-option", "systemd-free-reversed-lock-order");
    assertEquals(0, off.exit(), off.both());
  }

  @Test
  void anUnknownOrContradictoryClientOptionIsOneLine() {
    for (String[] args : new String[][] {
        {"run", "systemd-make-vs-free", "--client-option", "systemd.direct-io=off"},
        {"explore", "systemd-make-vs-free", "--client-option", "systemd-direct-io-off", "--no-client-option",
            "systemd-direct-io-off", "--out", dir.toString()}}) {
      Cli.Outcome o = Cli.run(args);
      assertEquals(2, o.exit(), o.both());
      assertEquals(1, o.err().lines().count(), o.err());
      assertTrue(o.err().contains("client option 'systemd"), o.err());
      assertFalse(o.err().contains("Exception"), o.err());
    }
  }
}
