package kernsim.oracle;

import static kernsim.oracle.Histories.err;
import static kernsim.oracle.Histories.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kernsim.cpu.call.Call;
import kernsim.cpu.call.Fd;
import kernsim.cpu.call.Syscall;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.dev.Errno;
import kernsim.dev.Semantics;
import kernsim.dev.loop.LoopAbi.LoopInfo64;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.file.Uapi;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.Scenarios;
import org.junit.jupiter.api.Test;

/**
 * Statements as the calls the oracle reads: the scenario language builds them (its setup commands too),
 * fds resolved as a hart resolves them; what the language does not know cannot be written at all.
 */
class ErrnoConformanceParserTest {
  static final Map<String, Long> VARS = new TreeMap<>(Map.of("ld", 3L, "img", 4L, "r", 5L, "w", 6L));

  /** {@code text}'s call, its fds resolved from {@link #VARS} (-1 for a variable not there). */
  static Call parse(String text) {
    Call c = Histories.stmt(text).call();
    return c instanceof Syscall s ? s.resolve(v -> VARS.containsKey(v) ? (int) (long) VARS.get(v) : -1) : c;
  }

  private static Fd fd(String var, int value) {
    return new Fd(var, value);
  }

  @Test
  void syscallsTexts() {
    assertEquals(new Syscall.Open("/mnt/f", 0102), parse("fd = open(\"/mnt/f\", O_RDWR|O_CREAT)"));
    assertEquals("fd", Histories.stmt("fd = open(\"/mnt/f\", O_RDWR|O_CREAT)").assign());
    assertEquals(new Syscall.Mount("none", "/mnt", "tmpfs", 1, null), parse("mount(\"none\", \"/mnt\", \"tmpfs\", 1)"));
    assertEquals(new Syscall.Umount2("/mnt", 2), parse("umount2(\"/mnt\", 2)"));
    assertEquals(new Syscall.Close(fd("ld", 3)), parse("close(ld)"));
    assertEquals(new Syscall.Close(fd("nothing", -1)), parse("close(nothing)"));
    assertEquals(new Ioctl(fd("ld", 3), LoopIoctl.LOOP_SET_FD.number(), new Ioctl.File(fd("img", 4))),
        parse("ioctl(ld, LOOP_SET_FD, img)"));
    assertEquals(new Ioctl(fd("ld", 3), LoopIoctl.BLKROSET.number(), new Ioctl.Int(1)), parse("ioctl(ld, BLKROSET, 1)"));
    assertEquals(new Ioctl(fd("ld", 3), LoopIoctl.LOOP_CLR_FD.number(), Ioctl.None.INSTANCE),
        parse("ioctl(ld, LOOP_CLR_FD)"));
    assertEquals(new Syscall.MkfsExt4("/dev/loop0"), parse("mkfs.ext4(\"/dev/loop0\")"));
    assertEquals(new Syscall.Mknod("/dev/loop2"), parse("mknod(\"/dev/loop2\")"));
    assertEquals(2, Nodes.of("/dev/loop2"));
    assertEquals(new Syscall.Pipe2("r", "w", 0), parse("pipe2([r, w], 0)"));
    assertEquals(new Syscall.Writev(fd("fd", -1), List.of("a, b", "c")), parse("writev(fd, [\"a, b\", \"c\"])"));
    assertEquals(new Syscall.Fcntl(fd("ld", 3), Uapi.F_DUPFD, 0), parse("fcntl(ld, F_DUPFD, 0)"));
    assertEquals(new Syscall.Fcntl(fd("ld", 3), Uapi.F_GETFL, 0), parse("fcntl(ld, F_GETFL, 0)"));
  }

  @Test
  void structArgumentsOfLoopConfigureAndSetStatus() {
    // cpu.Syscalls.ioctlConfigure / ioctlSetStatus64, and the scenario language's {name: value} structs
    assertEquals(new Ioctl(fd("ld", 3), LoopIoctl.LOOP_CONFIGURE.number(),
            new Ioctl.Config(fd("img", 4), 512, LoopInfo64.of("img, ld", 1))),
        parse("ioctl(ld, LOOP_CONFIGURE, {fd: img, block_size: 512, flags: 1, file_name: \"img, ld\"})"));
    Ioctl.Config named = (Ioctl.Config) ((Ioctl) parse(
        "ioctl(ld, LOOP_CONFIGURE, {fd: img, flags: LO_FLAGS_READ_ONLY|LO_FLAGS_AUTOCLEAR})")).arg();
    assertEquals(4, named.fd().value());
    assertEquals(5, named.info().flags());
    Ioctl.Status64 status = (Ioctl.Status64) ((Ioctl) parse("ioctl(ld, LOOP_SET_STATUS64, {flags: 0, file_name: \"x\"})")).arg();
    assertEquals(0, status.info().flags());
    assertThrows(ScenarioException.class, () -> Scenarios.statement("ioctl(ld, LOOP_CONFIGURE, {block_size: 512})"),
        "a loop_config without its fd cannot be written");
  }

  @Test
  void scenarioLanguageTexts() {
    assertEquals(new Syscall.Mount("/dev/loop0", "/mnt", "ext4", 1, null),
        parse("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", MS_RDONLY)"));
    assertEquals(new Syscall.Mount("none", "/mnt", "tmpfs", 0, null), parse("mount(\"none\", \"/mnt\", \"tmpfs\", 0, NULL)"));
    assertEquals(new Syscall.Umount2("/mnt", 2), parse("umount2(\"/mnt\", MNT_DETACH)"));
    assertEquals(new Syscall.Open("/img", 0101), parse("fd = open(\"/img\", O_WRONLY|O_CREAT)"));
    // setup commands: the statement after the command, or the command itself
    String losetup = "losetup /dev/loop0 /img: file = open(\"/img\", O_RDWR)";
    assertEquals(new Syscall.Open("/img", 02), parse(losetup));
    assertEquals("file", Histories.stmt(losetup).assign());
    assertEquals(new Ioctl(fd("ld", 3), LoopIoctl.LOOP_SET_FD.number(), new Ioctl.File(fd("file", -1))),
        parse("losetup /dev/loop0 /img: ioctl(ld, LOOP_SET_FD, file)"));
    assertEquals(new Syscall.Write(fd("fd", -1), "a: b"), parse("file /seed.txt \"a: b\": write(fd, \"a: b\")"));
    assertEquals(new Syscall.MkfsExt4("/dev/loop0"), parse("mkfs.ext4 /dev/loop0"));
    assertEquals(new Syscall.Mkdir("/data"), parse("mkdir /data"));
  }

  @Test
  void whatTheLanguageDoesNotKnowCannotBeWritten() {
    assertThrows(ScenarioException.class, () -> Scenarios.statement("frobnicate(ld)"));
    assertThrows(ScenarioException.class, () -> Scenarios.statement("fd = open(\"/x\", O_BOGUS)"));
    assertThrows(ScenarioException.class, () -> Scenarios.statement("mount(\"a\", \"/mnt\")"));
    assertThrows(ScenarioException.class, () -> Scenarios.statement("open(\"unbalanced, O_RDWR)"));
    assertTrue(assertThrows(ScenarioException.class, () -> Scenarios.statement("sleep 5")).getMessage() != null);
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
        .call("world/hart-1", "ioctl(ld, LOOP_SET_FD, ld)", err(Errno.EBUSY)); // a device node is a File: bound
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
