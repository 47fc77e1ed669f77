package kernsim.conform;

import static kernsim.dev.loop.LoopIoctl.BLKFLSBUF;
import static kernsim.dev.loop.LoopIoctl.BLKGETSIZE64;
import static kernsim.dev.loop.LoopIoctl.BLKIOOPT;
import static kernsim.dev.loop.LoopIoctl.BLKPG;
import static kernsim.dev.loop.LoopIoctl.BLKROGET;
import static kernsim.dev.loop.LoopIoctl.BLKROSET;
import static kernsim.dev.loop.LoopIoctl.BLKRRPART;
import static kernsim.dev.loop.LoopIoctl.BLKSSZGET;
import static kernsim.dev.loop.LoopIoctl.HDIO_GETGEO;
import static kernsim.dev.loop.LoopIoctl.LOOP_CHANGE_FD;
import static kernsim.dev.loop.LoopIoctl.LOOP_CLR_FD;
import static kernsim.dev.loop.LoopIoctl.LOOP_CONFIGURE;
import static kernsim.dev.loop.LoopIoctl.LOOP_GET_STATUS64;
import static kernsim.dev.loop.LoopIoctl.LOOP_SET_BLOCK_SIZE;
import static kernsim.dev.loop.LoopIoctl.LOOP_SET_CAPACITY;
import static kernsim.dev.loop.LoopIoctl.LOOP_SET_DIRECT_IO;
import static kernsim.dev.loop.LoopIoctl.LOOP_SET_FD;
import static kernsim.dev.loop.LoopIoctl.LOOP_SET_STATUS64;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_DIRECTORY;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.vfs.Flags;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What Linux 6.18's loop driver answers, call by call in each device state, as found by running the
 * calls here (not from memory): the facts the linux profile has to match, several of which it does
 * not yet (the package documentation lists them). Each table runs in order in one sandbox and reports
 * every row that differs at once. A different kernel may answer differently: the rows say which.
 */
class RealDriverFactsTest {
  @BeforeAll
  static void realDriver() {
    assumeTrue(RealSandbox.unavailableReason().isEmpty(),
        () -> "skipped: " + RealSandbox.unavailableReason().orElse(""));
  }

  /** Rows: what was called, the kernel's answer as {@link RealResult#toString()}. */
  static final class Table {
    final List<String> differences = new ArrayList<>();
    int rows;

    void row(String call, String expected, Supplier<Object> actual) {
      rows++;
      String got = String.valueOf(actual.get());
      if (!got.equals(expected)) {
        differences.add(call + ": expected " + expected + ", got " + got);
      }
    }

    void check() {
      assertEquals(List.of(), differences, rows + " rows");
    }
  }

  static RealResult io(RealProcess p, int fd, LoopIoctl c, IoctlIn a) {
    return p.ioctl(fd, c.number(), a);
  }

  static RealResult io(RealProcess p, int fd, LoopIoctl c) {
    return p.ioctl(fd, c.number(), IoctlIn.none());
  }

  static String flags(RealResult status) {
    return status instanceof RealResult.Ok ok && ok.data() instanceof LoopAbi.LoopInfo64 i
        ? "flags " + i.flags() : status.toString();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static IoctlIn status64(long offset, int encryptType, int flags) {
    return new IoctlIn.Status64(new LoopAbi.LoopInfo64(0, 0, 0, offset, 0, 0, encryptType, flags,
        LoopAbi.name("x"), null));
  }

  @Test
  void unboundBoundAndLoopControl() {
    Table t = new Table();
    try (RealSandbox sb = RealSandbox.open(2)) {
      RealProcess p = sb.process("h");
      int img = (int) p.open("/img", O_RDWR | O_CREAT).value();
      p.ftruncate(img, 1 << 20);
      int img2 = (int) p.open("/img2", O_RDWR | O_CREAT).value();
      p.ftruncate(img2, 1 << 20);
      int ld = (int) p.open("/dev/loop0", O_RDWR).value();
      int ctl = (int) p.open("/dev/loop-control", O_RDWR).value();
      p.mkdir("/d");
      int dir = (int) p.open("/d", O_RDONLY | O_DIRECTORY).value();

      // unbound
      t.row("unbound LOOP_CLR_FD", "ENXIO", () -> io(p, ld, LOOP_CLR_FD));
      t.row("unbound LOOP_GET_STATUS64", "ENXIO", () -> io(p, ld, LOOP_GET_STATUS64));
      t.row("unbound LOOP_SET_STATUS64", "ENXIO", () -> io(p, ld, LOOP_SET_STATUS64, status64(0, 0, 0)));
      t.row("unbound LOOP_SET_CAPACITY", "ENXIO", () -> io(p, ld, LOOP_SET_CAPACITY));
      t.row("unbound LOOP_SET_BLOCK_SIZE 4096", "ENXIO", () -> io(p, ld, LOOP_SET_BLOCK_SIZE, IoctlIn.value(4096)));
      t.row("unbound LOOP_SET_DIRECT_IO 1", "ENXIO", () -> io(p, ld, LOOP_SET_DIRECT_IO, IoctlIn.value(1)));
      t.row("unbound LOOP_CHANGE_FD", "ENXIO", () -> io(p, ld, LOOP_CHANGE_FD, IoctlIn.fd(img)));
      t.row("unbound BLKGETSIZE64", "0 0", () -> io(p, ld, BLKGETSIZE64));
      t.row("unbound BLKROGET", "0 0", () -> io(p, ld, BLKROGET));
      t.row("unbound BLKSSZGET", "0 512", () -> io(p, ld, BLKSSZGET));
      t.row("unbound BLKIOOPT", "0 0", () -> io(p, ld, BLKIOOPT));
      t.row("unbound BLKFLSBUF", "0", () -> io(p, ld, BLKFLSBUF));
      t.row("unbound BLKRRPART", "EINVAL", () -> io(p, ld, BLKRRPART));
      t.row("unbound BLKPG (NULL)", "EFAULT", () -> io(p, ld, BLKPG));
      t.row("unbound HDIO_GETGEO", "ENOTTY", () -> io(p, ld, HDIO_GETGEO));
      t.row("unbound unknown 0x4CFF", "EINVAL", () -> p.ioctl(ld, 0x4CFF, IoctlIn.none()));
      t.row("unbound read", "0 bytes[0]", () -> p.read(ld, 4096));
      t.row("unbound write", "ENOSPC", () -> p.write(ld, b("x")));
      t.row("unbound fsync", "0", () -> p.fsync(ld));
      t.row("LOOP_CONFIGURE NULL", "EFAULT", () -> io(p, ld, LOOP_CONFIGURE, IoctlIn.nul()));
      t.row("LOOP_CONFIGURE block_size 1000", "EINVAL", () -> io(p, ld, LOOP_CONFIGURE,
          new IoctlIn.Config(new LoopAbi.LoopConfig(img, 1000, LoopAbi.LoopInfo64.of("", 0)))));
      t.row("LOOP_CONFIGURE flags 0x2 (not settable)", "EINVAL", () -> io(p, ld, LOOP_CONFIGURE,
          new IoctlIn.Config(new LoopAbi.LoopConfig(img, 0, LoopAbi.LoopInfo64.of("", 2)))));
      t.row("LOOP_CONFIGURE bad fd", "EBADF", () -> io(p, ld, LOOP_CONFIGURE,
          new IoctlIn.Config(new LoopAbi.LoopConfig(99, 0, LoopAbi.LoopInfo64.of("", 0)))));
      t.row("LOOP_SET_FD its own fd", "EBADF", () -> io(p, ld, LOOP_SET_FD, IoctlIn.fd(ld)));
      t.row("LOOP_SET_FD loop-control", "EINVAL", () -> io(p, ld, LOOP_SET_FD, IoctlIn.fd(ctl)));
      t.row("LOOP_SET_FD a directory", "EINVAL", () -> io(p, ld, LOOP_SET_FD, IoctlIn.fd(dir)));
      t.row("a loop ioctl on a regular file", "ENOTTY", () -> io(p, img, LOOP_CLR_FD));
      t.row("a loop ioctl on loop-control", "ENOSYS", () -> io(p, ctl, LOOP_CLR_FD));

      // bound
      t.row("LOOP_SET_FD", "0", () -> io(p, ld, LOOP_SET_FD, IoctlIn.fd(img)));
      t.row("bound LOOP_SET_FD", "EBUSY", () -> io(p, ld, LOOP_SET_FD, IoctlIn.fd(img)));
      t.row("bound LOOP_CONFIGURE", "EBUSY", () -> io(p, ld, LOOP_CONFIGURE,
          new IoctlIn.Config(new LoopAbi.LoopConfig(img, 0, LoopAbi.LoopInfo64.of("", 0)))));
      t.row("bound LOOP_GET_STATUS64 NULL", "EINVAL", () -> io(p, ld, LOOP_GET_STATUS64, IoctlIn.nul()));
      t.row("bound BLKGETSIZE64 NULL", "EFAULT", () -> io(p, ld, BLKGETSIZE64, IoctlIn.nul()));
      t.row("bound LOOP_CHANGE_FD (read-write)", "EINVAL", () -> io(p, ld, LOOP_CHANGE_FD, IoctlIn.fd(img2)));
      t.row("bound LOOP_SET_BLOCK_SIZE 1000", "EINVAL", () -> io(p, ld, LOOP_SET_BLOCK_SIZE, IoctlIn.value(1000)));
      t.row("bound LOOP_SET_BLOCK_SIZE 4096", "0", () -> io(p, ld, LOOP_SET_BLOCK_SIZE, IoctlIn.value(4096)));
      t.row("BLKSSZGET after it", "0 4096", () -> io(p, ld, BLKSSZGET));
      t.row("bound LOOP_SET_BLOCK_SIZE 512", "0", () -> io(p, ld, LOOP_SET_BLOCK_SIZE, IoctlIn.value(512)));
      t.row("bound LOOP_SET_DIRECT_IO 0", "0", () -> io(p, ld, LOOP_SET_DIRECT_IO, IoctlIn.value(0)));
      t.row("bound LOOP_SET_CAPACITY", "0", () -> io(p, ld, LOOP_SET_CAPACITY));
      t.row("bound LOOP_SET_STATUS64 READ_ONLY|AUTOCLEAR", "0", () -> io(p, ld, LOOP_SET_STATUS64,
          status64(0, 0, LoopAbi.LO_FLAGS_READ_ONLY | LoopAbi.LO_FLAGS_AUTOCLEAR)));
      t.row("flags after it: only AUTOCLEAR is settable", "flags 4", () -> flags(io(p, ld, LOOP_GET_STATUS64)));
      t.row("bound LOOP_SET_STATUS64 unknown flag 0x100", "0", () -> io(p, ld, LOOP_SET_STATUS64, status64(0, 0, 0x100)));
      t.row("flags after it: ignored, AUTOCLEAR cleared", "flags 0", () -> flags(io(p, ld, LOOP_GET_STATUS64)));
      t.row("bound LOOP_SET_STATUS64 lo_encrypt_type 1", "EINVAL", () -> io(p, ld, LOOP_SET_STATUS64, status64(0, 1, 0)));
      t.row("bound LOOP_SET_STATUS64 lo_offset 512", "0", () -> io(p, ld, LOOP_SET_STATUS64, status64(512, 0, 0)));
      t.row("BLKGETSIZE64 after it", "0 1048064", () -> io(p, ld, BLKGETSIZE64));
      t.row("bound LOOP_SET_STATUS64 lo_offset 0", "0", () -> io(p, ld, LOOP_SET_STATUS64, status64(0, 0, 0)));
      t.row("bound BLKROSET 2", "0", () -> io(p, ld, BLKROSET, IoctlIn.value(2)));
      t.row("BLKROGET after it", "0 1", () -> io(p, ld, BLKROGET));
      t.row("write on BLKROSET", "EPERM", () -> p.pwrite(ld, b("x"), 0));
      t.row("bound BLKROSET 0", "0", () -> io(p, ld, BLKROSET, IoctlIn.value(0)));

      // loop-control
      t.row("LOOP_CTL_REMOVE of a bound device", "EBUSY", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(0)));
      t.row("LOOP_CTL_ADD of an existing index", "EEXIST", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(0)));
      t.row("LOOP_CTL_REMOVE of a missing index", "ENODEV", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(5)));
      t.row("LOOP_CTL_ADD 5", "5", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(5)));
      t.row("LOOP_CTL_REMOVE 5", "0", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(5)));
      t.row("LOOP_CTL_REMOVE -1", "EINVAL", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(-1)));
      t.row("LOOP_CTL_ADD 1<<20", "EINVAL", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(1 << 20)));
      t.row("an unknown loop-control command", "ENOSYS", () -> p.ioctl(ctl, 0x4C83, IoctlIn.none()));

      // rundown: LOOP_CLR_FD by the only opener, until its close
      t.row("LOOP_CLR_FD by the only opener", "0", () -> io(p, ld, LOOP_CLR_FD));
      t.row("rundown pread", "0 bytes[0]", () -> p.pread(ld, 4, 1 << 20));
      t.row("rundown pwrite", "EIO", () -> p.pwrite(ld, b("x"), 0));
      t.row("rundown fsync", "EIO", () -> p.fsync(ld));
      t.row("rundown BLKFLSBUF", "0", () -> io(p, ld, BLKFLSBUF));
      t.row("rundown LOOP_SET_STATUS64", "ENXIO", () -> io(p, ld, LOOP_SET_STATUS64, status64(0, 0, 0)));
      t.row("rundown LOOP_SET_FD", "EBUSY", () -> io(p, ld, LOOP_SET_FD, IoctlIn.fd(img)));
      t.row("rundown open", "ENXIO", () -> p.open("/dev/loop0", O_RDWR));
      t.row("rundown LOOP_CTL_REMOVE", "EBUSY", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(0)));
      t.row("rundown LOOP_CTL_ADD", "EEXIST", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_ADD, IoctlIn.value(0)));
      t.row("close in rundown", "0", () -> p.close(ld));

      // BLKROSET is the block device's flag: it outlives the binding
      int l2 = (int) p.open("/dev/loop1", O_RDWR).value();
      t.row("LOOP_SET_FD loop1", "0", () -> io(p, l2, LOOP_SET_FD, IoctlIn.fd(img2)));
      t.row("BLKROSET 1", "0", () -> io(p, l2, BLKROSET, IoctlIn.value(1)));
      t.row("LOOP_CLR_FD", "0", () -> io(p, l2, LOOP_CLR_FD));
      t.row("close", "0", () -> p.close(l2));
      int l3 = (int) p.open("/dev/loop1", O_RDWR).value();
      t.row("unbound BLKROGET after a BLKROSET 1 binding", "0 1", () -> io(p, l3, BLKROGET));
      t.row("LOOP_SET_FD a read-write file again", "0", () -> io(p, l3, LOOP_SET_FD, IoctlIn.fd(img2)));
      t.row("still read-only", "EPERM", () -> p.pwrite(l3, b("x"), 0));
      t.row("BLKROSET 0", "0", () -> io(p, l3, BLKROSET, IoctlIn.value(0)));
      t.row("writable again", "1", () -> p.pwrite(l3, b("x"), 0));

      // dup shares the open file: it is not a second opener
      int dup = (int) p.dup(l3).value();
      t.row("LOOP_CLR_FD with a dup open", "0", () -> io(p, l3, LOOP_CLR_FD));
      t.row("the dup sees the rundown", "ENXIO", () -> io(p, dup, LOOP_GET_STATUS64));
      p.close(dup);
      p.close(l3);

      // a read-only backing fd
      int ro = (int) p.open("/img", O_RDONLY).value();
      int l4 = (int) p.open("/dev/loop0", O_RDWR).value();
      t.row("LOOP_SET_FD a read-only fd", "0", () -> io(p, l4, LOOP_SET_FD, IoctlIn.fd(ro)));
      t.row("its flags", "flags 1", () -> flags(io(p, l4, LOOP_GET_STATUS64)));
      t.row("BLKROSET 0 on it", "0", () -> io(p, l4, BLKROSET, IoctlIn.value(0)));
      t.row("still read-only", "0 1", () -> io(p, l4, BLKROGET));
      t.row("open O_RDWR of a read-only device", "ok", () -> p.open("/dev/loop0", O_RDWR).isOk() ? "ok" : "no");
      t.row("LOOP_CHANGE_FD (read-only device)", "0", () -> io(p, l4, LOOP_CHANGE_FD, IoctlIn.fd(img2)));

      // O_EXCL
      int l5 = (int) p.open("/dev/loop1", O_RDWR | O_EXCL).value();
      int plain = (int) p.open("/dev/loop1", O_RDWR).value();
      t.row("a second O_EXCL open", "EBUSY", () -> p.open("/dev/loop1", O_RDWR | O_EXCL));
      t.row("LOOP_SET_FD by another fd while O_EXCL is held", "EBUSY", () -> io(p, plain, LOOP_SET_FD, IoctlIn.fd(img2)));
      t.row("LOOP_SET_FD by the O_EXCL fd", "0", () -> io(p, l5, LOOP_SET_FD, IoctlIn.fd(img2)));
    }
    t.check();
  }

  @Test
  void mountedExt4() {
    assumeTrue(RealSandbox.mkfsExt4().isPresent(), "skipped: no mkfs.ext4 (e2fsprogs) for a real ext4 image");
    Table t = new Table();
    try (RealSandbox sb = RealSandbox.open(1)) {
      RealProcess p = sb.process("h");
      int img = (int) p.open("/img", O_RDWR | O_CREAT).value();
      p.ftruncate(img, 8 << 20);
      int ld = (int) p.open("/dev/loop0", O_RDWR).value();
      t.row("LOOP_SET_FD", "0", () -> io(p, ld, LOOP_SET_FD, IoctlIn.fd(img)));
      t.row("mkfs.ext4", "0", () -> sb.mkfsExt4("/dev/loop0"));
      t.row("mount ext4", "0", () -> p.mount("/dev/loop0", "/mnt", "ext4", 0, null));
      p.mkdir("/mnt2");
      t.row("a second mount of the same device", "0", () -> p.mount("/dev/loop0", "/mnt2", "ext4", 0, null));
      t.row("O_EXCL open while mounted", "EBUSY", () -> p.open("/dev/loop0", O_RDWR | O_EXCL));
      int ctl = (int) p.open("/dev/loop-control", O_RDWR).value();
      t.row("LOOP_CTL_REMOVE while mounted", "EBUSY", () -> p.ioctl(ctl, LoopControl.LOOP_CTL_REMOVE, IoctlIn.value(0)));
      t.row("LOOP_SET_BLOCK_SIZE while mounted", "EBUSY", () -> io(p, ld, LOOP_SET_BLOCK_SIZE, IoctlIn.value(4096)));
      t.row("BLKROSET 1 while mounted", "0", () -> io(p, ld, BLKROSET, IoctlIn.value(1)));
      t.row("BLKROSET 0 while mounted", "0", () -> io(p, ld, BLKROSET, IoctlIn.value(0)));
      t.row("LOOP_CLR_FD while mounted", "0", () -> io(p, ld, LOOP_CLR_FD));
      t.row("only autoclear is set", "flags 4", () -> flags(io(p, ld, LOOP_GET_STATUS64)));
      int f = (int) p.open("/mnt/a", O_RDWR | O_CREAT).value();
      t.row("umount2 with a file open", "EBUSY", () -> p.umount2("/mnt", 0));
      p.close(f);
      t.row("umount2 /mnt2", "0", () -> p.umount2("/mnt2", 0));
      t.row("umount2 /mnt", "0", () -> p.umount2("/mnt", 0));
      t.row("still bound while the ioctl fd is open", "flags 4", () -> flags(io(p, ld, LOOP_GET_STATUS64)));
      p.close(ld);
      int again = (int) p.open("/dev/loop0", O_RDWR).value();
      t.row("detached at the last close", "ENXIO", () -> io(p, again, LOOP_GET_STATUS64));
      int ro = (int) p.open("/img", O_RDONLY).value();
      t.row("LOOP_SET_FD a read-only fd", "0", () -> io(p, again, LOOP_SET_FD, IoctlIn.fd(ro)));
      t.row("mount ext4 read-write on a read-only device", "EACCES", () -> p.mount("/dev/loop0", "/mnt", "ext4", 0, null));
      t.row("mount ext4 MS_RDONLY on it", "0", () -> p.mount("/dev/loop0", "/mnt", "ext4", Flags.MS_RDONLY, null));
    }
    t.check();
  }
}
