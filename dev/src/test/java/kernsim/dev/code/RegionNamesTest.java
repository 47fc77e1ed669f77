package kernsim.dev.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/** The step view's region names as a hart's code takes and releases its locks. */
class RegionNamesTest {
  private final Deque<String> atomic = new ArrayDeque<>();

  private static void call(RegionNames n, String what) {
    n.sending(what);
    n.sent(what);
  }

  @Test
  void regionsAreNumberedPerLockWithinTheirFunction() {
    RegionNames n = new RegionNames();
    n.start("ioctl(ld, LOOP_CLR_FD)");
    n.enter("LOOP_CLR_FD");
    assertEquals("LOOP_CLR_FD, no lock held", n.current(atomic));
    call(n, "file.lock");
    assertEquals("LOOP_CLR_FD region 1 (file lock)", n.current(atomic));
    call(n, "block_cache.lock");
    assertEquals("LOOP_CLR_FD region 1 (file, block_cache locks)", n.current(atomic));
    n.sending("block_cache.unlock");
    assertEquals("LOOP_CLR_FD region 1 (file, block_cache locks)", n.current(atomic), "held while it is released");
    n.sent("block_cache.unlock");
    assertEquals("LOOP_CLR_FD region 1 (file lock)", n.current(atomic));
    call(n, "block_cache.lock");
    assertEquals("LOOP_CLR_FD region 2 (file, block_cache locks)", n.current(atomic));
    call(n, "block_cache.unlock");
    call(n, "file.unlock");
    assertEquals("LOOP_CLR_FD, no lock held", n.current(atomic));
  }

  @Test
  void aCallersLocksAreShownApartAndNoPreemptRegionsAfter() {
    RegionNames n = new RegionNames();
    n.start("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)");
    assertEquals("mount, no lock held", n.current(atomic));
    call(n, "FS_CONTEXT.lock");
    assertEquals("mount region 1 (FS_CONTEXT lock)", n.current(atomic));
    n.enter("as_dyn_block_device");
    assertEquals("as_dyn_block_device, no lock of its own [FS_CONTEXT held]", n.current(atomic));
    call(n, "block_cache.lock");
    assertEquals("as_dyn_block_device region 1 (block_cache lock) [FS_CONTEXT held]", n.current(atomic));
    call(n, "block_cache.unlock");
    n.leave();
    n.enter("read_block");
    atomic.push("ext4 mount");
    assertEquals("read_block, no lock of its own [FS_CONTEXT held], no preempt (ext4 mount)", n.current(atomic));
    n.start("fd = open(\"/mnt/a\", O_RDWR)");
    atomic.clear();
    assertEquals("open, no lock held", n.current(atomic), "a new call starts with nothing held");
  }

  @Test
  void theModelsLockLabelsAreRead() {
    assertEquals("f_pos", RegionNames.acquires("lock f_pos"));
    assertEquals("f_pos", RegionNames.releases("unlock f_pos"));
    assertEquals("ext4", RegionNames.acquires("ext4 lock"));
    assertEquals("writeback", RegionNames.acquires("writeback.wait"));
    assertEquals("writeback", RegionNames.releases("writeback.done"));
    assertNull(RegionNames.acquires("read_at"));
    assertNull(RegionNames.releases("block_cache.lock"));
  }
}
