package kernsim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import kernsim.conform.NameMap.Target;
import org.junit.jupiter.api.Test;

/** The scenario-to-sandbox name mapping on its own (no kernel: which real indexes exist is given). */
class NameMapTest {
  static final String ROOT = "/tmp/kernsim-conform-1";

  /** Real indexes 0-7 and 2001 exist (another user's); fresh indexes are searched from 2000. */
  static NameMap map() {
    Set<Integer> existing = Set.of(0, 1, 2, 3, 4, 5, 6, 7, 2001);
    return new NameMap(ROOT, existing::contains, 2000);
  }

  @Test
  void scenarioLoopIndexesGetFreshRealOnesSkippingExistingDevices() {
    NameMap m = map();
    int r0 = m.realIndex(0);
    int r1 = m.realIndex(1);
    assertEquals(2000, r0);
    assertEquals(2002, r1, "2001 exists: it is someone else's");
    assertEquals(r0, m.realIndex(0), "a mapping stays");
    assertEquals(1, m.scenarioIndex(r1));
    assertEquals(-1, m.scenarioIndex(0), "the machine's loop0 is not the scenario's");
    assertFalse(m.owned(r0), "named, not added: the sandbox does not own it yet");
    m.added(0, r0);
    assertTrue(m.owned(r0));
    m.removed(r0);
    assertFalse(m.owned(r0));
    assertEquals(Set.of(r0), m.everOwned());
    m.release();
  }

  @Test
  void twoMapsOfOneJvmNeverPickTheSameIndex() {
    NameMap a = map();
    NameMap b = map();
    assertNotEquals(a.realIndex(0), b.realIndex(0));
    a.release();
    b.release();
  }

  @Test
  void anAdoptedDeviceTakesTheLowestScenarioIndexWithoutAnOwnedDevice() {
    NameMap m = map();
    m.added(0, m.realIndex(0));
    m.realIndex(1); // named (an open that failed with ENOENT), never added
    assertEquals(1, m.adopt(8), "like loop_add(-1): the lowest index with no device");
    assertEquals(8, m.realIndex(1));
    assertTrue(m.owned(8));
    assertEquals(2, m.adopt(9));
    m.release();
  }

  @Test
  void pathsMapIntoTheRootExceptLoopNodesAndTheirSysfs() {
    NameMap m = map();
    int r0 = m.realIndex(0);
    assertEquals(new Target.Inside(ROOT + "/img"), m.map("/img"));
    assertEquals(new Target.Inside(ROOT + "/mnt/a"), m.map("/mnt//./a/"));
    assertEquals(new Target.Inside(ROOT + "/etc/passwd"), m.map("/dev/loop0/../../etc/passwd"),
        ".. never leaves the root");
    assertEquals(new Target.Inside(ROOT + "/x"), m.map("/../../x"));
    assertEquals(new Target.Inside(ROOT + "/rel"), m.map("rel"), "relative to /, the model's cwd");
    assertEquals(new Target.Inside(ROOT), m.map("/"));
    assertEquals(new Target.Inside(ROOT + "/dev/null"), m.map("/dev/null"), "other /dev paths are the sandbox's");
    assertEquals(new Target.Inside(ROOT + "/dev/loop01"), m.map("/dev/loop01"), "not a loop name");
    assertEquals(Target.Control.INSTANCE, m.map("/dev/loop-control"));
    assertEquals(new Target.Device(0, r0, ""), m.map("/dev/loop0"));
    assertEquals(new Target.Device(0, r0, "p1"), m.map("/dev/loop0p1"));
    assertEquals("/dev/loop" + r0, NameMap.realPath(m.map("/dev/loop0")));
    Target s = m.map("/sys/block/loop0/loop/backing_file");
    assertEquals(new Target.Sysfs(0, r0, "/sys/block/", "/loop/backing_file"), s);
    assertEquals("/sys/block/loop" + r0 + "/loop/backing_file", NameMap.realPath(s));
    assertEquals("/sys/devices/virtual/block/loop" + r0,
        NameMap.realPath(m.map("/sys/devices/virtual/block/loop0")));
    assertEquals(new Target.Inside(ROOT + "/sys/kernel"), m.map("/sys/kernel"));
    m.release();
  }

  @Test
  void realPathsMapBack() {
    NameMap m = map();
    int r3 = m.realIndex(3);
    assertEquals("/img", m.unmap(ROOT + "/img"));
    assertEquals("/", m.unmap(ROOT));
    assertEquals("/dev/loop3", m.unmap("/dev/loop" + r3));
    assertEquals("/sys/block/loop3/size", m.unmap("/sys/block/loop" + r3 + "/size"));
    assertEquals("/dev/loop0", m.unmap("/dev/loop0"), "a device of no scenario index stays as it is");
    assertEquals(ROOT + "x/img", m.unmap(ROOT + "x/img"), "a sibling of the root is not under it");
    m.release();
  }

  @Test
  void indexesAndRootsAreChecked() {
    NameMap m = map();
    assertThrows(IllegalArgumentException.class, () -> m.realIndex(-1));
    assertThrows(IllegalArgumentException.class, () -> m.realIndex(1 << 20));
    assertThrows(IllegalArgumentException.class, () -> new NameMap("relative", i -> false, 0));
    assertThrows(IllegalArgumentException.class, () -> new NameMap("/tmp/", i -> false, 0));
    m.release();
  }
}
