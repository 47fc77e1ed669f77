package kernsim.conform;

import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import kernsim.dev.loop.LoopIoctl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failure in the middle of a run (an exception after binding and mounting) leaves nothing bound,
 * mounted, open or added, and no directory: checked with {@link HostState} ({@code /sys/block/loop*},
 * {@code /proc/self/mountinfo}, {@code /proc/self/fd}) and with {@code losetup -a} and {@code /proc/mounts},
 * each of which is first shown to see the sandbox's state while it runs.
 */
class CleanupTest {
  @BeforeAll
  static void realDriver() {
    assumeTrue(RealSandbox.unavailableReason().isEmpty(),
        () -> "skipped: " + RealSandbox.unavailableReason().orElse(""));
  }

  static final class Boom extends RuntimeException {
    Boom() {
      super("a failure in the middle of the run");
    }
  }

  /** What the run made, as seen from inside it just before the failure. */
  record Seen(String root, Set<Integer> indexes, HostState.Leftovers during, List<String> losetup,
      List<String> mounts) {}

  /**
   * Binds loop0 (mkfs.ext4 and an ext4 mount when {@code ext4}, a tmpfs otherwise), opens files on the
   * mount and the device (an O_EXCL holder among them), binds loop1 with LOOP_CLR_FD pending (autoclear,
   * a second opener), adds loop5 through loop-control, then throws.
   */
  static void failMidway(boolean ext4, List<Seen> seen) throws Exception {
    try (RealSandbox sb = RealSandbox.open(2)) {
      RealProcess a = sb.process("a");
      RealProcess b = sb.process("b");
      int img = (int) a.open("/img", O_RDWR | O_CREAT).value();
      assertEquals(RealResult.ok(0), a.ftruncate(img, 8 << 20));
      int ld = (int) a.open("/dev/loop0", O_RDWR).value();
      assertEquals(RealResult.ok(0), a.ioctl(ld, LoopIoctl.LOOP_SET_FD.number(), IoctlIn.fd(img)));
      if (ext4) {
        assertEquals(RealResult.ok(0), sb.mkfsExt4("/dev/loop0"));
        assertEquals(RealResult.ok(0), a.mount("/dev/loop0", "/mnt", "ext4", 0, null));
      } else {
        assertEquals(RealResult.ok(0), a.mount("tmpfs", "/mnt", "tmpfs", 0, null));
      }
      assertEquals(RealResult.ok(0), a.mkdir("/mnt/inner"));
      assertEquals(RealResult.ok(0), a.mount("tmpfs", "/mnt/inner", "tmpfs", 0, null));
      int f = (int) b.open("/mnt/a", O_RDWR | O_CREAT).value();
      assertEquals(RealResult.ok(5), b.write(f, "hello".getBytes(StandardCharsets.UTF_8)));
      b.open("/mnt/inner/b", O_RDWR | O_CREAT).value();

      int img2 = (int) b.open("/img2", O_RDWR | O_CREAT).value();
      assertEquals(RealResult.ok(0), b.ftruncate(img2, 1 << 20));
      int ex = (int) b.open("/dev/loop1", O_RDWR | O_EXCL).value();
      assertEquals(RealResult.ok(0), b.ioctl(ex, LoopIoctl.LOOP_SET_FD.number(), IoctlIn.fd(img2)));
      int other = (int) a.open("/dev/loop1", O_RDONLY).value();
      assertEquals(RealResult.ok(0), a.ioctl(other, LoopIoctl.LOOP_CLR_FD.number(), IoctlIn.none()),
          "two openers: only autoclear is set");
      int ctl = (int) a.open("/dev/loop-control", O_RDWR).value();
      assertEquals(RealResult.ok(5), a.ioctl(ctl, kernsim.dev.loop.LoopControl.LOOP_CTL_ADD, IoctlIn.value(5)));

      Set<Integer> indexes = new TreeSet<>(sb.ownedIndexes());
      assertEquals(3, indexes.size(), "loop0, loop1 and loop5 are the sandbox's");
      seen.add(new Seen(sb.root(), indexes, sb.leftovers(), Losetup.linesWith(sb.root()),
          Losetup.mountsWith(sb.root())));
      throw new Boom();
    }
  }

  static void assertNothingLeft(Seen s) throws Exception {
    HostState.Leftovers during = s.during();
    assertEquals(2, during.bound().size(), "while it ran, both bindings showed: " + during);
    assertTrue(during.mounts().size() >= 2, "and the mounts: " + during);
    assertEquals(3, during.added().size(), "and the devices: " + during);
    assertTrue(during.openFds().size() >= 6, "and the fds: " + during);
    assertTrue(s.mounts().size() >= 2, "/proc/mounts showed them: " + s.mounts());
    if (Losetup.binary().isPresent()) {
      assertEquals(2, s.losetup().size(), "losetup -a showed both bindings: " + s.losetup());
    }

    HostState.Leftovers after = HostState.read().leftoversOf(s.root(), s.indexes());
    assertTrue(after.isEmpty(), "after the failure: " + after);
    assertEquals(List.of(), Losetup.linesWith(s.root()), "losetup -a");
    assertEquals(List.of(), Losetup.mountsWith(s.root()), "/proc/mounts");
    for (int r : s.indexes()) {
      assertFalse(HostState.loopExists(r), "/dev/loop" + r + " was removed");
      assertEquals(List.of(), Losetup.linesWith("/dev/loop" + r + ":"));
    }
    assertFalse(Files.exists(Path.of(s.root())), "the directory is gone");
  }

  @Test
  void aFailureAfterBindingAndMountingExt4LeavesNothing() throws Exception {
    assumeTrue(RealSandbox.mkfsExt4().isPresent(), "skipped: no mkfs.ext4 (e2fsprogs) for a real ext4 image");
    List<Seen> seen = new ArrayList<>();
    assertThrows(Boom.class, () -> failMidway(true, seen));
    assertNothingLeft(seen.get(0));
  }

  @Test
  void aFailureAfterBindingAndMountingTmpfsLeavesNothing() throws Exception {
    List<Seen> seen = new ArrayList<>();
    assertThrows(Boom.class, () -> failMidway(false, seen));
    assertNothingLeft(seen.get(0));
  }

  @Test
  void closeIsIdempotentAndEndsTheSandbox() throws Exception {
    RealSandbox sb = RealSandbox.open(1);
    RealProcess p = sb.process("p");
    int fd = (int) p.open("/img", O_RDWR | O_CREAT).value();
    sb.close();
    assertEquals(List.of(), sb.cleanupProblems());
    assertTrue(sb.journal().contains("cleaned up"), sb.journal().toString());
    sb.close();
    assertThrows(IllegalStateException.class, () -> p.close(fd), "no call after close");
    assertThrows(IllegalStateException.class, () -> sb.process("q"));
  }
}
