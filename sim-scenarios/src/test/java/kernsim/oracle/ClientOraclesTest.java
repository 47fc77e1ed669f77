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

  @Test
  void terminationPassesWithinTheBudget() {
    ClientTerminationMonitor m = new ClientTerminationMonitor();
    List<String> f = feed(m, new OpStarted(C1, "systemd", "make", 0, 1000), new OpEnded(C1, "systemd", "make", 1000, "ok"),
        new OpStarted(C2, "monogon", "Create", 5, Long.MAX_VALUE));
    m.onStep(new Monitor.Step(9, Long.MAX_VALUE / 2, C2, "x"), f::add);
    m.onEnd(f::add);
    assertEquals(List.of(), f);
  }

  @Test
  void terminationFailsAnOperationThatEndsPastItsBudget() {
    List<String> f = feed(new ClientTerminationMonitor(),
        new OpStarted(C1, "systemd", "make", 10, 1000), new OpEnded(C1, "systemd", "make", 1011, "ok"));
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("took 1001 ns") && f.get(0).contains("budget of 1000 ns"), f.get(0));
  }

  @Test
  void terminationFailsAnOperationStillRunningPastItsBudgetAtAStep() {
    ClientTerminationMonitor m = new ClientTerminationMonitor();
    List<String> f = feed(m, new OpStarted(C1, "systemd", "free", 0, 1000));
    m.onStep(new Monitor.Step(3, 1000, "world/c1", "x"), f::add);
    assertEquals(List.of(), f);
    m.onStep(new Monitor.Step(4, 1001, "world/c1", "x"), f::add);
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("is still running"), f.get(0));
  }

  @Test
  void terminationFailsAnOperationStillRunningPastItsBudgetAtTheEnd() {
    ClientTerminationMonitor m = new ClientTerminationMonitor();
    List<String> f = feed(m, new OpStarted(C1, "systemd", "free", 0, 1000), new OpStarted(C2, "systemd", "make", 0, 10),
        new OpEnded(C1, "systemd", "free", 20, "ok"));
    assertEquals(List.of(), f);
    m.onEnd(f::add);
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("world/c2 (systemd) make") && f.get(0).contains("had not ended"), f.get(0));
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
