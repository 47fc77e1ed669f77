package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Monitor;
import kernsim.client.ClientEvents.Acquired;
import kernsim.client.ClientEvents.OpEnded;
import kernsim.client.ClientEvents.OpStarted;
import kernsim.client.ClientEvents.Released;
import kernsim.client.ClientEvents.Wrote;
import kernsim.dev.loop.LoopEvents.FileBound;
import kernsim.fs.file.RamFile.Written;
import org.junit.jupiter.api.Test;

/**
 * The client oracles on hand-written observation sequences: what each must pass and what each must fail,
 * independent of the simulator (MonogonLoopTest shows them on real interleavings).
 */
class ClientOraclesTest {
  static final String C1 = "world/c1";
  static final String C2 = "world/c2";
  static final String FILE = "world/file:img";

  static List<String> feed(Monitor m, Object... observations) {
    List<String> failed = new ArrayList<>();
    for (Object o : observations) {
      m.onObservation(o, "world/x", failed::add);
    }
    return failed;
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- client-ownership ----

  @Test
  void ownershipPassesWhenADeviceChangesHandsAfterItsRelease() {
    assertEquals(List.of(), feed(new ClientOwnershipMonitor(),
        new Acquired(C1, "monogon", 0, "/img1"), new Acquired(C2, "monogon", 1, "/img2"),
        new Released(C1, "monogon", 0), new Acquired(C2, "monogon", 0, "/img2")));
  }

  @Test
  void ownershipFailsWhenTwoClientsOwnADeviceAtOnce() {
    List<String> f = feed(new ClientOwnershipMonitor(),
        new Acquired(C1, "monogon", 0, "/img1"), new Acquired(C2, "systemd", 0, "/img2"));
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("world/c2 (systemd) believes it owns /dev/loop0") && f.get(0).contains("world/c1"), f.get(0));
  }

  @Test
  void ownershipIgnoresAReleaseByANonOwner() {
    List<String> f = feed(new ClientOwnershipMonitor(),
        new Acquired(C1, "monogon", 0, "/img1"), new Released(C2, "monogon", 0), new Acquired(C2, "monogon", 0, "/i"));
    assertEquals(1, f.size(), f.toString());
  }

  // ---- client-termination ----

  private static kernsim.cpu.Calls.Started call(String hart, String text) {
    return new kernsim.cpu.Calls.Started(hart, 0, text, Histories.stmt(text).call(), 0);
  }

  @Test
  void terminationPassesWhileTheBackOffsStayWithinTheBudgetHoweverLongTheOperationTakes() {
    ClientTerminationMonitor m = new ClientTerminationMonitor();
    List<String> f = feed(m, new OpStarted(C1, "systemd", "free", 0, 10_000), call(C1, "usleep(5)"),
        call(C1, "ioctl(ctl, LOOP_CTL_REMOVE, 1)"), call(C1, "usleep(5)"),
        new OpEnded(C1, "systemd", "free", 999_999_999, "ok"), // waited on locks for a long time: not retrying
        new OpStarted(C2, "monogon", "Create", 5, Long.MAX_VALUE), call(C2, "nanosleep(1000000)"));
    m.onEnd(f::add);
    assertEquals(List.of(), f);
  }

  @Test
  void terminationFailsAnOperationWhoseBackOffsPassItsBudget() {
    List<String> f = feed(new ClientTerminationMonitor(), new OpStarted(C1, "systemd", "make", 10, 10_000),
        call(C1, "usleep(6)"), call(C2, "usleep(100)"), call(C1, "nanosleep(4001)"));
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("world/c1 (systemd) make has slept 10001 ns") && f.get(0).contains("budget of 10000 ns"),
        f.get(0));
  }

  @Test
  void terminationCountsEachOperationsOwnBackOffsOnly() {
    List<String> f = feed(new ClientTerminationMonitor(), new OpStarted(C1, "systemd", "make", 0, 10_000),
        call(C1, "usleep(6)"), new OpEnded(C1, "systemd", "make", 1, "ok"), call(C1, "usleep(6)"),
        new OpStarted(C1, "systemd", "free", 2, 10_000), call(C1, "usleep(6)"));
    assertEquals(List.of(), f, "sleeps between operations and in an earlier one do not count");
    assertEquals(0, ClientTerminationMonitor.sleepNanos("usleep(x)"));
    assertEquals(7_000, ClientTerminationMonitor.sleepNanos("usleep(7)"));
  }

  // ---- client-data ----

  @Test
  void dataPassesWhenTheWriteReachedTheFileBeforeOrAfterTheRelease() {
    ClientDataMonitor m = new ClientDataMonitor();
    List<String> f = feed(m, new FileBound("loop0", FILE, "/img", false),
        new Written(FILE, 0, b("hello")), new Wrote(C1, "monogon", 0, "/img", 0, b("hello")),
        new Wrote(C1, "monogon", 0, "/img", 100, b("late")), new Released(C1, "monogon", 0),
        new Written(FILE, 96, b("....late")));
    m.onEnd(f::add);
    assertEquals(List.of(), f);
  }

  @Test
  void dataPassesWhenALaterWriteOverwroteIt() {
    ClientDataMonitor m = new ClientDataMonitor();
    List<String> f = feed(m, new FileBound("loop0", FILE, "/img", false),
        new Written(FILE, 0, b("hello")), new Wrote(C1, "monogon", 0, "/img", 0, b("hello")),
        new Released(C1, "monogon", 0), new Written(FILE, 0, b("HELLO")));
    m.onEnd(f::add);
    assertEquals(List.of(), f);
  }

  @Test
  void dataFailsWhenAReleasedWriteNeverReachedTheFile() {
    ClientDataMonitor m = new ClientDataMonitor();
    List<String> f = feed(m, new FileBound("loop0", FILE, "/img", false),
        new Wrote(C1, "monogon", 0, "/img", 0, b("hello")), new Released(C1, "monogon", 0));
    m.onEnd(f::add);
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("byte 0 was never written") && f.get(0).contains(FILE), f.get(0));
  }

  @Test
  void dataFailsWhenTheFileHoldsOlderBytes() {
    ClientDataMonitor m = new ClientDataMonitor();
    List<String> f = feed(m, new FileBound("loop0", FILE, "/img", false), new Written(FILE, 0, b("xxxxx")),
        new Wrote(C1, "monogon", 0, "/img", 0, b("hello")), new Released(C1, "monogon", 0));
    m.onEnd(f::add);
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("byte 0 holds 120, not 104"), f.get(0));
  }

  @Test
  void dataDoesNotCheckWritesOfADeviceNotReleased() {
    ClientDataMonitor m = new ClientDataMonitor();
    List<String> f = feed(m, new FileBound("loop0", FILE, "/img", false),
        new Wrote(C1, "monogon", 0, "/img", 0, b("hello")), new Released(C2, "monogon", 0));
    m.onEnd(f::add);
    assertEquals(List.of(), f);
  }
}
