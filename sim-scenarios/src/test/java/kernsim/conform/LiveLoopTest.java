package kernsim.conform;

import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox on the machine's real loop driver: a device's whole life, index mapping through
 * loop-control, the errnos the conformance brief names, and what the sandbox refuses. Skipped, saying
 * why, without root, x86-64 Linux or {@code /dev/loop-control}.
 */
class LiveLoopTest {
  static final int MIB = 1 << 20;

  @BeforeAll
  static void realDriver() {
    assumeTrue(RealSandbox.unavailableReason().isEmpty(),
        () -> "skipped: " + RealSandbox.unavailableReason().orElse(""));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static RealResult ioctl(RealProcess p, int fd, LoopIoctl cmd, IoctlIn arg) {
    return p.ioctl(fd, cmd.number(), arg);
  }

  /** An image of {@code size} bytes at {@code path}; returns its fd. */
  static int image(RealProcess p, String path, long size) {
    int fd = (int) p.open(path, O_RDWR | O_CREAT).value();
    assertEquals(RealResult.ok(0), p.ftruncate(fd, size));
    return fd;
  }

  @Test
  void aDeviceIsAddedBoundReadWrittenClearedAndRemoved() {
    int real;
    String root;
    HostState.Leftovers during;
    try (RealSandbox sb = RealSandbox.open(1)) {
      root = sb.root();
      RealProcess p = sb.process("hart");
      String dev = sb.realDevice(0);
      real = Integer.parseInt(dev.substring("/dev/loop".length()));
      assertNotEquals("/dev/loop0", dev, "the scenario's loop0 is a device of the sandbox's own");
      assertTrue(sb.ownedIndexes().contains(real));

      int img = image(p, "/img", MIB);
      assertEquals(0, img, "fds are the process's own, from 0");
      assertTrue(Files.exists(Path.of(root, "img")), "/img lives under the sandbox's directory");
      int ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(img)));

      RealResult st = ioctl(p, ld, LoopIoctl.LOOP_GET_STATUS64, IoctlIn.none());
      LoopAbi.LoopInfo64 info = (LoopAbi.LoopInfo64) ((RealResult.Ok) st).data();
      assertEquals(0, info.number(), "lo_number is mapped back to the scenario's index");
      assertEquals(0, info.flags());
      assertEquals("", info.fileNameString(), "LOOP_SET_FD leaves lo_file_name empty");
      assertEquals(RealResult.ok(0, (long) MIB), ioctl(p, ld, LoopIoctl.BLKGETSIZE64, IoctlIn.none()));
      during = sb.leftovers();
      assertEquals(1, during.bound().size(), "the binding shows in sysfs: " + during);
      assertTrue(during.bound().get(0).endsWith(root + "/img"), during.toString());

      int bf = (int) p.open("/sys/block/loop0/loop/backing_file", O_RDONLY).value();
      assertEquals(RealResult.ok(5, bytes("/img\n")), p.read(bf, 4096), "sysfs names the file by the scenario's path");
      assertEquals(RealResult.ok(0), p.close(bf));

      assertEquals(RealResult.ok(5), p.pwrite(ld, bytes("hello"), 4096));
      assertEquals(RealResult.ok(5, bytes("hello")), p.pread(ld, 5, 4096));
      assertEquals(RealResult.ok(0), p.fsync(ld));
      assertEquals(RealResult.ok(5, bytes("hello")), p.pread(img, 5, 4096), "fsync wrote it to the backing file");

      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_CLR_FD, IoctlIn.none()));
      assertEquals(RealResult.ok(0), p.close(ld));
      int ctl = (int) p.open("/dev/loop-control", O_RDWR).value();
      assertEquals(RealResult.ok(0), p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(0)));
      assertFalse(HostState.loopExists(real), "LOOP_CTL_REMOVE took the device away");
      assertFalse(sb.ownedIndexes().contains(real));
      assertEquals("ENOENT", p.open("/dev/loop0", O_RDWR).errnoName(), "no node once removed");
    }
    assertFalse(during.isEmpty());
    assertTrue(HostState.read().leftoversOf(root, Set.of(real)).isEmpty());
  }

  /** The four errno cases of the brief: each is the kernel's own answer. */
  @Test
  void theKernelsErrnos() {
    try (RealSandbox sb = RealSandbox.open(1)) {
      RealProcess p = sb.process("hart");
      int img = image(p, "/img", MIB);
      int ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertEquals("ENXIO", ioctl(p, ld, LoopIoctl.LOOP_CLR_FD, IoctlIn.none()).errnoName(), "LOOP_CLR_FD unbound");
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(img)));
      assertEquals("EBUSY", ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(img)).errnoName(), "LOOP_SET_FD twice");
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_CLR_FD, IoctlIn.none()));
      assertEquals(RealResult.ok(0), p.close(ld));
      ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertEquals("EBADF", ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(42)).errnoName(), "a backing fd never opened");
      assertEquals("EBADF", ioctl(p, 42, LoopIoctl.LOOP_CLR_FD, IoctlIn.none()).errnoName(), "an ioctl on a bad fd");
      LoopAbi.LoopConfig unknownFlags = new LoopAbi.LoopConfig(img, 0, LoopAbi.LoopInfo64.of("", 0x100));
      assertEquals("EINVAL", ioctl(p, ld, LoopIoctl.LOOP_CONFIGURE, new IoctlIn.Config(unknownFlags)).errnoName(),
          "unknown flags in LOOP_CONFIGURE");
      assertEquals("ENXIO", ioctl(p, ld, LoopIoctl.LOOP_GET_STATUS64, IoctlIn.none()).errnoName(),
          "the EINVAL left the device unbound");
    }
  }

  @Test
  void loopControlIndexesAreMappedBothWays() {
    try (RealSandbox sb = RealSandbox.open(1)) {
      RealProcess p = sb.process("hart");
      int ctl = (int) p.open("/dev/loop-control", O_RDWR).value();
      int img = image(p, "/img", MIB);
      int ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(img)));

      assertEquals("EEXIST", p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(0)).errnoName());
      assertEquals("EBUSY", p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(0)).errnoName(), "bound");
      assertEquals("ENODEV", p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(5)).errnoName(), "never added");
      assertEquals(RealResult.ok(5), p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(5)), "the scenario's index back");
      int r5 = Integer.parseInt(sb.realDevice(5).substring("/dev/loop".length()));
      assertTrue(sb.ownedIndexes().contains(r5) && HostState.loopExists(r5));
      int ld5 = (int) p.open("/dev/loop5", O_RDWR).value();
      assertEquals(RealResult.ok(0), p.close(ld5));
      assertEquals(RealResult.ok(0), p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(5)),
          "LOOP_CTL_REMOVE returns 0, not the index");
      assertFalse(HostState.loopExists(r5));
      assertEquals("EINVAL", p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(-1)).errnoName());
      assertEquals("EINVAL", p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(1 << 20)).errnoName(),
          "beyond the minor numbers");

      RealResult any = p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(-1));
      int k = (int) any.value();
      assertEquals(1, k, "a device the kernel numbered itself takes the lowest free scenario index");
      int rk = Integer.parseInt(sb.realDevice(k).substring("/dev/loop".length()));
      assertTrue(sb.ownedIndexes().contains(rk), "and is the sandbox's (removed at close)");

      RealResult free = p.ioctl(ctl, LoopControl.LOOP_CTL_GET_FREE, IoctlIn.none());
      if (free instanceof RealResult.Foreign f) {
        assertTrue(HostState.loopExists((int) f.realValue()) && !sb.ownedIndexes().contains((int) f.realValue()),
            "a foreign answer is a device that exists and is not the sandbox's: " + f);
      } else {
        assertTrue(sb.ownedIndexes().contains(Integer.parseInt(sb.realDevice((int) free.value()).substring(9))),
            "otherwise the free device is one of the sandbox's: " + free);
      }
    }
  }

  /** R18: a write through the device, LOOP_CLR_FD by the only opener, close: every call succeeds, the data is gone. */
  @Test
  void dataIsSilentlyLostWhenTheOnlyOpenerClearsThenCloses() {
    try (RealSandbox sb = RealSandbox.open(1)) {
      RealProcess p = sb.process("hart");
      int img = image(p, "/img", MIB);
      // lost: no flush before the clear
      int ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(img)));
      assertEquals(RealResult.ok(4), p.pwrite(ld, bytes("LOST"), 8192));
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_CLR_FD, IoctlIn.none()));
      assertEquals(RealResult.ok(4, bytes("LOST")), p.pread(ld, 4, 8192), "rundown: still in the page cache");
      assertEquals("ENXIO", ioctl(p, ld, LoopIoctl.LOOP_GET_STATUS64, IoctlIn.none()).errnoName(), "rundown");
      assertEquals("ENXIO", p.open("/dev/loop0", O_RDWR).errnoName(), "rundown: no new opener");
      assertEquals(RealResult.ok(0), p.close(ld), "close reports nothing");
      assertEquals(RealResult.ok(4, new byte[4]), p.pread(img, 4, 8192), "the bytes never reached the file");
      // kept: fsync first
      ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(img)));
      assertEquals(RealResult.ok(4), p.pwrite(ld, bytes("KEPT"), 16384));
      assertEquals(RealResult.ok(0), p.fsync(ld));
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_CLR_FD, IoctlIn.none()));
      assertEquals(RealResult.ok(0), p.close(ld));
      assertEquals(RealResult.ok(4, bytes("KEPT")), p.pread(img, 4, 16384));
      // kept: a second opener keeps the device bound; its last close writes back before the detach
      ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_SET_FD, IoctlIn.fd(img)));
      int other = (int) p.open("/dev/loop0", O_RDONLY).value();
      assertEquals(RealResult.ok(4), p.pwrite(ld, bytes("BOTH"), 20480));
      assertEquals(RealResult.ok(0), ioctl(p, ld, LoopIoctl.LOOP_CLR_FD, IoctlIn.none()), "autoclear set");
      LoopAbi.LoopInfo64 info = (LoopAbi.LoopInfo64) ((RealResult.Ok) ioctl(p, ld, LoopIoctl.LOOP_GET_STATUS64,
          IoctlIn.none())).data();
      assertEquals(LoopAbi.LO_FLAGS_AUTOCLEAR, info.flags(), "still bound, detach at the last close");
      assertEquals(RealResult.ok(0), p.close(ld));
      assertEquals(RealResult.ok(0), p.close(other));
      assertEquals(RealResult.ok(4, bytes("BOTH")), p.pread(img, 4, 20480));
    }
  }

  @Test
  void whatCouldTouchTheHostIsRefused() {
    try (RealSandbox sb = RealSandbox.open(1)) {
      RealProcess p = sb.process("hart");
      String node = sb.realDevice(9);
      assertEquals("ENOENT", p.open("/dev/loop9", O_RDWR).errnoName(), "no such device: the kernel's ENOENT");
      assertInstanceOf(RealResult.Refused.class, p.open("/dev/loop9", O_RDWR | O_CREAT));
      assertInstanceOf(RealResult.Refused.class, p.mkdir("/dev/loop9"));
      assertFalse(Files.exists(Path.of(node)), "nothing was made in the host's /dev");
      assertInstanceOf(RealResult.Refused.class, p.mount("tmpfs", "/dev/loop0", "tmpfs", 0, null));
      assertInstanceOf(RealResult.Refused.class, p.mount("none", "/mnt", "tmpfs", 0, "x=/etc"));
      int ld = (int) p.open("/dev/loop0", O_RDWR).value();
      assertInstanceOf(RealResult.Refused.class, ioctl(p, ld, LoopIoctl.LOOP_GET_STATUS64, IoctlIn.value(0x7f00_0000L)),
          "a raw number where the kernel writes through a pointer");
      assertInstanceOf(RealResult.Refused.class, p.ioctl(ld, 0x1234, IoctlIn.value(0x7f00_0000L)),
          "an unknown command with what could be an address");
      assertEquals("EINVAL", p.ioctl(ld, 0x1234, IoctlIn.value(1)).errnoName(), "a small value cannot be an address");
      int a = (int) p.open("/dev/loop0", O_RDONLY).value();
      assertEquals(RealResult.ok(0), p.flock(ld, kernsim.fs.file.Uapi.LOCK_EX));
      assertInstanceOf(RealResult.Refused.class, p.flock(a, kernsim.fs.file.Uapi.LOCK_EX), "it would wait forever");
      assertEquals("EAGAIN", p.flock(a, kernsim.fs.file.Uapi.LOCK_EX | kernsim.fs.file.Uapi.LOCK_NB).errnoName());
      assertTrue(p.open("/dev/loop0", O_RDWR | O_EXCL).isOk());
      assertEquals("EBUSY", p.open("/dev/loop0", O_RDWR | O_EXCL).errnoName(), "one O_EXCL holder at a time");
    }
  }
}
