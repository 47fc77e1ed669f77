package kernsim.cpu;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.ftruncate;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.ioctlFd;
import static kernsim.cpu.Syscalls.mkfsExt4;
import static kernsim.cpu.Syscalls.mount;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.pread;
import static kernsim.cpu.Syscalls.umount2;
import static kernsim.cpu.Syscalls.write;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.file.BackingFile;
import kernsim.dev.loop.LoopIoctl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole stack from a hart: ext4-lite on /dev/loop0 on a tmpfs image file, and back. */
class StackTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** A 64 KiB image bound to loop0 and formatted; the setup's fds closed again. */
  static List<Stmt> boundAndFormatted() {
    return List.of(
        open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"),
        mkfsExt4("/dev/loop0"), close("ld"), close("img"));
  }

  @Test
  void aFileWrittenOnExt4OnLoopSurvivesUmountAndComesBackOnTheNextMount() {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, boundAndFormatted(), List.of(List.of(
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        open("/mnt/a", O_RDWR | O_CREAT).as("fd"),
        write("fd", "written through ext4-lite"),
        close("fd"),
        umount2("/mnt", 0),
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        open("/mnt/a", O_RDONLY).as("fd2"),
        pread("fd2", 64, 0))));
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("stack", spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    List<Object> res = KernelWorld.results(seen, "world/hart-1");
    for (int i = 0; i < 7; i++) {
      KernelWorld.ok(res.get(i));
    }
    SysResult.Ok read = KernelWorld.ok(res.get(7));
    assertEquals("written through ext4-lite", new String((byte[]) read.data(), 0, (int) read.value(), StandardCharsets.UTF_8));
    // The umount's write-back synced the image: its durable bytes now hold the file's data.
    boolean durable = seen.stream().anyMatch(o -> o instanceof BackingFile.Synced s
        && new String(s.durable(), StandardCharsets.ISO_8859_1).contains("written through ext4-lite"));
    assertTrue(durable, "the backing image's durable bytes hold the file after umount");
  }

  @Test
  void loopClrFdIsRefusedWhileMountedAndAllowedAfterUmount() {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, boundAndFormatted(), List.of(List.of(
        open("/dev/loop0", O_RDWR).as("ld"),
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        ioctl("ld", LoopIoctl.LOOP_CLR_FD),
        umount2("/mnt", 0),
        ioctl("ld", LoopIoctl.LOOP_CLR_FD),
        mount("/dev/loop0", "/mnt", "ext4", 0, null))));
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("clr", spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    List<Object> res = KernelWorld.results(seen, "world/hart-1");
    assertEquals(SysResult.err(Errno.EBUSY), res.get(2));
    assertEquals(SysResult.ok(0), res.get(3));
    assertEquals(SysResult.ok(0), res.get(4));
    assertEquals(SysResult.err(Errno.ENXIO), res.get(5), "mounting an unbound device");
  }

  @Test
  void umountIsBusyWhileAnyHartHoldsAnFdOnTheMount() {
    // hart-1 asks every hart's fd table, its own included, while it is blocked in umount2.
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, boundAndFormatted(), List.of(List.of(
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        open("/mnt/a", O_RDWR | O_CREAT).as("fd"),
        umount2("/mnt", 0),
        close("fd"),
        umount2("/mnt", 0))));
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("busy", spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    List<Object> res = KernelWorld.results(seen, "world/hart-1");
    assertEquals(SysResult.err(Errno.EBUSY), res.get(2));
    assertEquals(SysResult.ok(0), res.get(4));
    assertTrue(r.log().lines().stream().anyMatch(l -> l.contains("world/hart-1 UsesMount")),
        "the busy check asked hart-1's fd table");
  }

  @Test
  void anIoctlOnAFileThatIsNotADeviceIsEnotty() {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, List.of(), List.of(List.of(
        open("/f", O_RDWR | O_CREAT).as("fd"), ioctl("fd", LoopIoctl.BLKFLSBUF), ioctl("nofd", LoopIoctl.BLKFLSBUF))));
    assertFalse(KernelWorld.run(sim, KernelWorld.spec("enotty", spec, seen), 1).failed());
    List<Object> res = KernelWorld.results(seen, "world/hart-1");
    assertEquals(SysResult.err(Errno.ENOTTY), res.get(1));
    assertEquals(SysResult.err(Errno.EBADF), res.get(2));
  }
}
