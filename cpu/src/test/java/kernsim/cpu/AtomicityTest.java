package kernsim.cpu;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.ftruncate;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.ioctlFd;
import static kernsim.cpu.Syscalls.open;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.EventLog;
import kernsim.actors.Keys;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Summaries;
import kernsim.actors.WorldSpec;
import kernsim.dev.loop.LoopIoctl;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The atomicity is real: two harts' ioctls on one loop device interleave at the source's lock
 * boundaries. Exploration finds a run in which a region of hart-2's LOOP_CLR_FD runs at the device
 * between two regions of hart-1's single BLKFLSBUF — no order of whole syscalls can produce that.
 */
class AtomicityTest {
  static final String DEVICE = "world/loop-control/loop0";
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Kernel.Spec flushVersusDetach() {
    List<Stmt> setup = List.of(
        open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"),
        close("ld"), close("img"));
    return new Kernel.Spec(1, setup, List.of(
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LoopIoctl.BLKFLSBUF)),
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LoopIoctl.LOOP_CLR_FD))));
  }

  /** The hart each of the device's lock-region steps served, in order (open/close excluded). */
  static List<String> regionsAtDevice(EventLog log) {
    List<String> harts = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      Object m = log.message(i);
      if (m instanceof Summaries.SystemMessages s) {
        m = s.next();
      }
      if (!log.actor(i).equals(DEVICE) || m == null) {
        continue;
      }
      String name = m.getClass().getSimpleName();
      String hart = replyTo(m);
      if (hart != null && !name.equals("Open") && !name.equals("Close")) {
        harts.add(hart);
      }
    }
    return harts;
  }

  private static String replyTo(Object m) {
    if (!(m instanceof Record)) {
      return null;
    }
    for (RecordComponent c : m.getClass().getRecordComponents()) {
      if (c.getName().equals("replyTo")) {
        try {
          return Keys.of((ActorRef<?>) c.getAccessor().invoke(m));
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
    }
    return null;
  }

  /** hart-1's regions surround one of hart-2's: a - b - a. */
  static boolean interleaved(List<String> regions) {
    int firstA = regions.indexOf("world/hart-1");
    int lastA = regions.lastIndexOf("world/hart-1");
    return firstA >= 0 && regions.subList(firstA, lastA + 1).contains("world/hart-2");
  }

  @Test
  void explorationFindsARegionOfOneSyscallBetweenTwoRegionsOfAnother() throws Exception {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = KernelWorld.spec("blkflsbuf-vs-clr-fd", flushVersusDetach(), seen);
    RunResult found = null;
    int budget = 200;
    for (long seed = 0; seed < budget && found == null; seed++) {
      seen.clear();
      RunResult r = KernelWorld.run(sim, spec, seed);
      assertFalse(r.failed(), r.outcome());
      if (interleaved(regionsAtDevice(r.log()))) {
        found = r;
      }
    }
    assertNotNull(found, "no seed below " + budget + " interleaved the two ioctls");
    List<String> regions = regionsAtDevice(found.log());
    assertTrue(regions.size() >= 4, regions.toString());

    ReplayResult again = sim.replay(spec, found.trace());
    assertTrue(again.confirmed(), again.run().outcome());
    assertEquals(regions, regionsAtDevice(again.run().log()));
  }

  @Test
  void eachIoctlTakesSeveralRegionsAtTheDevice() {
    List<Object> seen = new ArrayList<>();
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("one-hart", new Kernel.Spec(1, flushVersusDetach().setup(),
        List.of(flushVersusDetach().harts().get(0))), seen), 1);
    assertFalse(r.failed(), r.outcome());
    long regions = regionsAtDevice(r.log()).stream().filter("world/hart-1"::equals).count();
    assertTrue(regions >= 3, "BLKFLSBUF is several regions (file lock, unlock, cache lock, …), got " + regions);
  }
}
