package kernsim.oracle;

import static kernsim.oracle.Histories.err;
import static kernsim.oracle.Histories.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import kernsim.dev.Errno;
import kernsim.dev.Semantics;
import org.junit.jupiter.api.Test;

/** Statement texts read back: as Syscalls writes them, as the scenario language writes them, and neither. */
class ErrnoConformanceParserTest {
  static final Map<String, Long> VARS = new TreeMap<>(Map.of("ld", 3L, "img", 4L, "r", 5L, "w", 6L));

  static Op parse(String text) {
    return CallParser.parse(text, VARS);
  }

  @Test
  void syscallsTexts() {
    assertEquals(new Op.Open("/mnt/f", 0102), parse("fd = open(\"/mnt/f\", O_RDWR|O_CREAT)"));
    assertEquals("fd", CallParser.assigned("fd = open(\"/mnt/f\", O_RDWR|O_CREAT)"));
    assertEquals(new Op.Mount("none", "/mnt", "tmpfs", 1), parse("mount(\"none\", \"/mnt\", \"tmpfs\", 1)"));
    assertEquals(new Op.Umount("/mnt", 2), parse("umount2(\"/mnt\", 2)"));
    assertEquals(new Op.Close(3), parse("close(ld)"));
    assertEquals(new Op.Close(-1), parse("close(nothing)"));
    assertEquals(new Op.Ioctl(3, "LOOP_SET_FD", null, 4, null, null), parse("ioctl(ld, LOOP_SET_FD, img)"));
    assertEquals(new Op.Ioctl(3, "BLKROSET", 1L, null, null, null), parse("ioctl(ld, BLKROSET, 1)"));
    assertEquals(new Op.Ioctl(3, "LOOP_CLR_FD", null, null, null, null), parse("ioctl(ld, LOOP_CLR_FD)"));
    assertEquals(new Op.Mkfs("/dev/loop0"), parse("mkfs.ext4(\"/dev/loop0\")"));
    assertEquals(new Op.Mknod("/dev/loop2", 2), parse("mknod(\"/dev/loop2\")"));
    assertEquals(new Op.Pipe(), parse("pipe2([r, w], 0)"));
    assertEquals(new Op.NoEffect("writev"), parse("writev(fd, [\"a, b\", \"c\"])"));
    assertEquals(new Op.NewFd(), parse("fcntl(ld, F_DUPFD, 0)"));
    assertEquals(new Op.NoEffect("fcntl"), parse("fcntl(ld, F_GETFL, 0)"));
  }

  @Test
  void structArgumentsOfLoopConfigureAndSetStatus() {
    // cpu.Syscalls.ioctlConfigure / ioctlSetStatus64, and the scenario language's {name: value} structs
    assertEquals(new Op.Ioctl(3, "LOOP_CONFIGURE", null, 4,
            "{fd: img, block_size: 512, flags: 1, file_name: \"img, ld\"}", 1L),
        parse("ioctl(ld, LOOP_CONFIGURE, {fd: img, block_size: 512, flags: 1, file_name: \"img, ld\"})"));
    Op.Ioctl named = (Op.Ioctl) parse(
        "ioctl(ld, LOOP_CONFIGURE, {fd: img, flags: LO_FLAGS_READ_ONLY|LO_FLAGS_AUTOCLEAR})");
    assertEquals(4, named.argFd());
    assertEquals(5L, named.loFlags());
    Op.Ioctl status = (Op.Ioctl) parse("ioctl(ld, LOOP_SET_STATUS64, {flags: 0, file_name: \"x\"})");
    assertEquals(0L, status.loFlags());
    assertNull(((Op.Ioctl) parse("ioctl(ld, LOOP_CONFIGURE, {block_size: 512})")).argFd());
  }

  @Test
  void scenarioLanguageTexts() {
    assertEquals(new Op.Mount("/dev/loop0", "/mnt", "ext4", 1), parse("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", MS_RDONLY)"));
    assertEquals(new Op.Mount("none", "/mnt", "tmpfs", 0), parse("mount(\"none\", \"/mnt\", \"tmpfs\", 0, NULL)"));
    assertEquals(new Op.Umount("/mnt", 2), parse("umount2(\"/mnt\", MNT_DETACH)"));
    assertEquals(new Op.Open("/img", 0101), parse("fd = open(\"/img\", O_WRONLY|O_CREAT)"));
    // setup commands: the statement after the command, or the command itself
    String losetup = "losetup /dev/loop0 /img: file = open(\"/img\", O_RDWR)";
    assertEquals(new Op.Open("/img", 02), parse(losetup));
    assertEquals("file", CallParser.assigned(losetup));
    assertEquals(new Op.Ioctl(3, "LOOP_SET_FD", null, -1, null, null),
        parse("losetup /dev/loop0 /img: ioctl(ld, LOOP_SET_FD, file)"));
    assertEquals(new Op.NoEffect("write"), parse("file /seed.txt \"a: b\": write(fd, \"a: b\")"));
    assertEquals(new Op.Mkfs("/dev/loop0"), parse("mkfs.ext4 /dev/loop0"));
    assertEquals(new Op.Mkdir("/data"), parse("mkdir /data"));
  }

  @Test
  void whatItDoesNotKnowIsUnmodelled() {
    assertEquals(new Op.Unmodelled("frobnicate"), parse("frobnicate(ld)"));
    assertEquals(new Op.Unmodelled("open"), parse("fd = open(\"/x\", O_BOGUS)"));
    assertEquals(new Op.Unmodelled("mount"), parse("mount(\"a\", \"/mnt\")"));
    assertEquals(new Op.Unmodelled("open"), parse("open(\"unbalanced, O_RDWR)"));
    assertTrue(parse("sleep 5") instanceof Op.Unmodelled);
  }

  /** A read-only LOOP_CONFIGURE with the scenario language's structure: mkfs then cannot succeed. */
  static Histories readOnlyConfigured() {
    return new Histories().boot(1)
        .call("world/setup", "image /img 64K: img = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call("world/setup", "image /img 64K: ftruncate(img, 65536)", ok(0))
        .call("world/setup", "image /img 64K: close(img)", ok(0))
        .call("world/hart-1", "img = open(\"/img\", O_RDWR)", ok(0))
        .call("world/hart-1", "ld = open(\"/dev/loop0\", O_RDWR)", ok(1))
        .call("world/hart-1", "ioctl(ld, LOOP_CONFIGURE, {fd: img, block_size: 512, flags: LO_FLAGS_READ_ONLY})", ok(0))
        .call("world/hart-1", "ioctl(ld, BLKROGET)", ok(0));
  }

  static Histories losetupAndMkfs() {
    return new Histories().boot(1)
        .call("world/setup", "losetup /dev/loop0 /img: file = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call("world/setup", "losetup /dev/loop0 /img: dev = open(\"/dev/loop0\", O_RDWR)", ok(1))
        .call("world/setup", "losetup /dev/loop0 /img: ioctl(dev, LOOP_SET_FD, file)", ok(0))
        .call("world/setup", "losetup /dev/loop0 /img: close(dev)", ok(0))
        .call("world/setup", "losetup /dev/loop0 /img: close(file)", ok(0))
        .call("world/setup", "mkfs.ext4 /dev/loop0", ok(0))
        .call("world/hart-1", "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call("world/hart-1", "ioctl(ld, LOOP_SET_FD, ld)", err(Errno.EINVAL));
  }

  /** A scenario's setup (losetup expanded), then a read-only LOOP_CONFIGURE. */
  @Test
  void aScenarioHistoryIsChecked() {
    assertTrue(ErrnoConformance.check(Semantics.STARRY, losetupAndMkfs()
        .call("world/hart-1", "ioctl(ld, LOOP_GET_STATUS64)", ok(0)).observations()).isEmpty());
    assertTrue(ErrnoConformance.check(Semantics.STARRY, losetupAndMkfs()
        .call("world/hart-1", "ioctl(ld, LOOP_GET_STATUS64)", err(Errno.ENXIO)).observations()).isPresent());
    assertTrue(ErrnoConformance.check(Semantics.STARRY, readOnlyConfigured()
        .call("world/hart-1", "mkfs.ext4(\"/dev/loop0\")", err(Errno.EIO)).observations()).isEmpty());
    String why = ErrnoConformance.check(Semantics.STARRY, readOnlyConfigured()
        .call("world/hart-1", "mkfs.ext4(\"/dev/loop0\")", ok(0)).observations()).orElseThrow();
    assertTrue(why.contains("mkfs.ext4(\"/dev/loop0\") = 0, but it can only be"), why);
  }
}
