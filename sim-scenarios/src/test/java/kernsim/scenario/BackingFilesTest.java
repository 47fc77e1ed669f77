package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.cpu.KernelWorld;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LOOP_SET_FD and LOOP_CONFIGURE take any {@code File}, as starry's {@code downcast_ref::<File>()} does:
 * a regular file on ext4 and a device node bind; a directory, a pipe and a memfd are EINVAL. The device's
 * I/O is then the bound file's own: ext4's operations, or the lower device's {@code read_at}/{@code write_at}.
 */
class BackingFilesTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static KernelWorld.Outcome run(String text) throws ScenarioException {
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse(text, "backing.ksim"), 1);
    assertFalse(o.result().failed(), () -> o.result().outcome().toString());
    return o;
  }

  static SysResult.Ok ok(Object r) {
    return Runs.ok(r);
  }

  /** A loop device backed by a file on ext4, itself on a loop device: bind, I/O, ext4 on top, and back. */
  @Test
  void aFileOnExt4BacksALoopDevice() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        loops 4
        setup:
          image /img 64K
          losetup /dev/loop0 /img
          mkfs.ext4 /dev/loop0
          mkdir /mnt2
        hart user:
          mount("/dev/loop0", "/mnt", "ext4", 0)
          f = open("/mnt/img", O_RDWR|O_CREAT)
          ftruncate(f, 16384)
          ld = open("/dev/loop1", O_RDWR)
          ioctl(ld, LOOP_SET_FD, f)
          ioctl(ld, LOOP_SET_FD, f)
          close(f)
          pwrite64(ld, "through loop1", 1000)
          ioctl(ld, BLKGETSIZE64)
          g = open("/mnt/img", O_RDONLY)
          pread64(g, 13, 1000)
          pread64(ld, 13, 1000)
          mkfs.ext4("/dev/loop1")
          mount("/dev/loop1", "/mnt2", "ext4", 0)
          h = open("/mnt2/top", O_RDWR|O_CREAT)
          write(h, "on the stack")
          close(h)
          umount2("/mnt2", 0)
          ioctl(ld, LOOP_CLR_FD)
          f2 = open("/mnt/img", O_RDWR)
          ioctl(ld, LOOP_CONFIGURE, f2)
          mount("/dev/loop1", "/mnt2", "ext4", 0)
          h2 = open("/mnt2/top", O_RDONLY)
          read(h2, 64)
        """);
    List<Object> r = o.results("world/user");
    assertEquals(SysResult.ok(0), r.get(4), "LOOP_SET_FD of a file on ext4");
    assertEquals(SysResult.err(Errno.EBUSY), r.get(5), "a second LOOP_SET_FD: bound");
    assertEquals(13L, ok(r.get(7)).value(), "a write through loop1 into the ext4 file");
    assertEquals(16384L, ok(r.get(8)).data(), "BLKGETSIZE64: the ext4 file's length");
    assertEquals("through loop1", Runs.text(r.get(10)), "the ext4 file holds what loop1 wrote");
    assertEquals("through loop1", Runs.text(r.get(11)), "and loop1 reads it back through ext4");
    assertEquals(SysResult.ok(0), r.get(12), "mkfs.ext4 of loop1");
    assertEquals(SysResult.ok(0), r.get(13), "ext4 mounted on loop1");
    assertEquals(SysResult.ok(0), r.get(17), "umount2 writes loop1's cache back into the ext4 file");
    assertEquals(SysResult.ok(0), r.get(18), "LOOP_CLR_FD");
    assertEquals(SysResult.ok(0), r.get(20), "LOOP_CONFIGURE of a file on ext4");
    assertEquals(SysResult.ok(0), r.get(21), "the stack mounts again");
    assertEquals("on the stack", Runs.text(r.get(23)), "what the top ext4 wrote is in the file on the lower one");
  }

  /** A loop device backed by another loop device's node: its I/O is that device's read_at/write_at. */
  @Test
  void aDeviceNodeBacksALoopDevice() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        loops 4
        setup:
          image /img 16K
          losetup /dev/loop0 /img
        hart user:
          d0 = open("/dev/loop0", O_RDWR)
          ld = open("/dev/loop1", O_RDWR)
          ioctl(ld, LOOP_SET_FD, d0)
          pwrite64(ld, "via loop1", 0)
          pread64(d0, 9, 0)
          ioctl(ld, BLKGETSIZE64)
          r0 = open("/dev/loop0", O_RDONLY)
          l2 = open("/dev/loop2", O_RDWR)
          ioctl(l2, LOOP_CONFIGURE, r0)
          pwrite64(l2, "x", 0)
          pread64(l2, 9, 0)
          ioctl(d0, LOOP_CLR_FD)
          pread64(ld, 4, 0)
          pwrite64(ld, "gone", 0)
          ioctl(ld, BLKGETSIZE64)
          l3 = open("/dev/loop3", O_RDWR)
          ioctl(l3, LOOP_SET_FD, l3)
        """);
    List<Object> r = o.results("world/user");
    assertEquals(SysResult.ok(0), r.get(2), "LOOP_SET_FD of /dev/loop0's fd");
    assertEquals(9L, ok(r.get(3)).value(), "a write through loop1");
    assertEquals("via loop1", Runs.text(r.get(4)), "it went through loop0 to /img");
    assertEquals(16384L, ok(r.get(5)).data(), "BLKGETSIZE64: loop0's size");
    assertEquals(SysResult.ok(0), r.get(8), "LOOP_CONFIGURE of a read-only fd of loop0");
    assertEquals(SysResult.err(Errno.EROFS), r.get(9), "loop2 is read-only");
    assertEquals("via loop1", Runs.text(r.get(10)), "and reads through loop0");
    assertEquals(SysResult.ok(0), r.get(11), "loop0 lets its file go: nothing checks who is stacked on it");
    assertEquals(SysResult.err(Errno.EPERM), r.get(12), "loop1's read: loop0's read_at, unbound");
    assertEquals(SysResult.err(Errno.EPERM), r.get(13), "loop1's write: loop0's write_at, unbound");
    assertEquals(SysResult.err(Errno.ENXIO), r.get(14), "BLKGETSIZE64: the length of loop0's node is loop0's, unbound");
    assertEquals(SysResult.ok(0), r.get(16), "starry binds a device to itself: no check in the seed");
  }

  /** What does not downcast to File is EINVAL, for both calls; a closed fd is EBADF. */
  @Test
  void aDirectoryAPipeAndAMemfdAreRefused() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        loops 4
        setup:
          mkdir /d
        hart user:
          ld = open("/dev/loop1", O_RDWR)
          dir = open("/d", O_RDONLY)
          ioctl(ld, LOOP_SET_FD, dir)
          ioctl(ld, LOOP_CONFIGURE, dir)
          pipe2([rfd, wfd], 0)
          ioctl(ld, LOOP_SET_FD, rfd)
          m = memfd_create("m", 0)
          ioctl(ld, LOOP_CONFIGURE, m)
          close(m)
          ioctl(ld, LOOP_SET_FD, m)
          c = open("/dev/loop-control", O_RDWR)
          ioctl(ld, LOOP_SET_FD, c)
        """);
    List<Object> r = o.results("world/user");
    assertEquals(SysResult.err(Errno.EINVAL), r.get(2), "a directory");
    assertEquals(SysResult.err(Errno.EINVAL), r.get(3), "a directory (LOOP_CONFIGURE)");
    assertEquals(SysResult.err(Errno.EINVAL), r.get(5), "a pipe");
    assertEquals(SysResult.err(Errno.EINVAL), r.get(7), "a memfd");
    assertEquals(SysResult.err(Errno.EBADF), r.get(9), "a closed fd");
    assertEquals(SysResult.ok(0), r.get(11), "loop-control's node is a File too");
  }

  /** Under linux: a character device is EINVAL (S_ISREG or S_ISBLK), the device itself EBADF. */
  @Test
  void linuxTakesRegularFilesAndBlockDevicesOnly() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        profile linux
        loops 4
        setup:
          image /img 16K
          losetup /dev/loop0 /img
        hart user:
          ld = open("/dev/loop1", O_RDWR)
          c = open("/dev/loop-control", O_RDWR)
          ioctl(ld, LOOP_SET_FD, c)
          ioctl(ld, LOOP_SET_FD, ld)
          d0 = open("/dev/loop0", O_RDWR)
          ioctl(ld, LOOP_SET_FD, d0)
          pwrite64(ld, "via loop1", 0)
          fsync(ld)
          pread64(d0, 9, 0)
          l2 = open("/dev/loop2", O_RDWR)
          l3 = open("/dev/loop3", O_RDWR)
          ioctl(l2, LOOP_SET_FD, l3)
          ioctl(l2, LOOP_SET_FD, ld)
        """);
    List<Object> r = o.results("world/user");
    assertEquals(SysResult.err(Errno.EINVAL), r.get(2), "loop-control: a character device");
    assertEquals(SysResult.err(Errno.EBADF), r.get(3), "the device as its own backing file");
    assertEquals(SysResult.ok(0), r.get(5), "another loop device");
    assertEquals("via loop1", Runs.text(r.get(8)), "loop1's write reached loop0");
    assertEquals(SysResult.err(Errno.EINVAL), r.get(11), "an unbound loop device (loop_validate_file's walk)");
    assertEquals(SysResult.ok(0), r.get(12), "loop1, bound to loop0, bound to /img: the walk ends at a file");
  }
}
