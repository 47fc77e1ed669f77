package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import kernsim.cpu.KernelWorld;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.loop.LoopEvents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * umount2(MNT_DETACH) is lazy, as the source's detach_mount() leaves it: the filesystem lives on while
 * an fd is open on it, I/O through the fd keeps working, the device stays mounted, and the last close
 * drops the filesystem, with no write-back at either point.
 */
class LazyDetachTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static final String DETACH_WITH_AN_FD = """
        setup:
          image /img 16K
          losetup /dev/loop0 /img
          mkfs.ext4 /dev/loop0
        hart user:
          mount("/dev/loop0", "/mnt", "ext4", 0)
          fd = open("/mnt/f", O_RDWR|O_CREAT)
          umount2("/mnt", MNT_DETACH)
          write(fd, "after the detach")
          ld = open("/dev/loop0", O_RDWR)
          ioctl(ld, LOOP_CLR_FD)
          mount("/dev/loop0", "/mnt", "ext4", 0)
          lseek(fd, 0, SEEK_SET)
          read(fd, 64)
          close(fd)
          ioctl(ld, LOOP_CLR_FD)
        """;

  @Test
  void anOpenFdKeepsADetachedExt4AliveUntilItIsClosed() throws ScenarioException {
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse(DETACH_WITH_AN_FD, "detach.ksim"), 1);
    assertFalse(o.result().failed(), () -> o.result().outcome().toString());
    List<Object> r = o.results("world/user");
    assertEquals(SysResult.ok(0), r.get(2), "the detach");
    assertEquals(16L, ((SysResult.Ok) r.get(3)).value(), "a write through the fd after the detach");
    assertEquals(SysResult.err(Errno.EBUSY), r.get(5), "LOOP_CLR_FD while the detached ext4 lives");
    assertEquals(SysResult.err(Errno.EBUSY), r.get(6), "a second mount while it lives");
    assertEquals("after the detach", Runs.text(r.get(8)));
    assertEquals(SysResult.ok(0), r.get(10), "LOOP_CLR_FD after the last close dropped it");
    List<Object> seen = o.seen();
    int dropped = indexOf(seen, LoopEvents.AdapterDropped.class);
    assertTrue(dropped > 0, "the adapter was dropped");
    assertEquals(1, seen.stream().filter(x -> x instanceof LoopEvents.AdapterDropped).count());
  }

  /** The errno oracle follows it (the last close may drop the adapter), and durability takes no promise from the detach. */
  @Test
  void everyOracleAcceptsTheLazyDetach() throws Exception {
    Scenario s = Scenarios.parse(DETACH_WITH_AN_FD, "detach.ksim");
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    ExploreResult r = sim.explore(w, ExploreOptions.pct(1, 1, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome().toString());
  }

  @Test
  void withNoFdOpenTheDetachDropsTheFilesystemAtOnce() throws ScenarioException {
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse("""
        setup:
          image /img 16K
          losetup /dev/loop0 /img
          mkfs.ext4 /dev/loop0
        hart user:
          mount("/dev/loop0", "/mnt", "ext4", 0)
          fd = open("/mnt/f", O_RDWR|O_CREAT)
          close(fd)
          umount2("/mnt", MNT_DETACH)
          ld = open("/dev/loop0", O_RDWR)
          ioctl(ld, LOOP_CLR_FD)
        """, "detach.ksim"), 1);
    assertFalse(o.result().failed(), () -> o.result().outcome().toString());
    assertEquals(SysResult.ok(0), o.results("world/user").get(5));
  }

  @Test
  void exploringTheDetachBesideLoopClrFdAndARemountFindsNothing() throws Exception {
    Scenario s = Scenarios.load(Path.of("..", "examples", "model", "lazy-detach.ksim"));
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    ExploreResult r = sim.explore(w, ExploreOptions.pct(1, 1000, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome().toString());
    assertEquals(1000, r.iterations());
  }

  private static int indexOf(List<Object> seen, Class<?> type) {
    for (int i = 0; i < seen.size(); i++) {
      if (type.isInstance(seen.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
