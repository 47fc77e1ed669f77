package kernsim.cpu;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.ftruncate;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.ioctlFd;
import static kernsim.cpu.Syscalls.mkdir;
import static kernsim.cpu.Syscalls.mkfsExt4;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.pread;
import static kernsim.cpu.Syscalls.write;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.dev.Semantics;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.ext4.Ext4Lite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A kernel booted into a {@link Boot} state is the kernel its setup syscalls would have built. */
class BootTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static final int SIZE = 16 * 1024;

  /** What one hart sees of the state: /img's bytes, loop0's status, /data listed, a mount of loop0. */
  private static List<Stmt> probe() {
    return List.of(
        open("/img", O_RDONLY).as("f"), pread("f", SIZE, 0), close("f"),
        open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LoopIoctl.LOOP_GET_STATUS64), ioctl("ld", LoopIoctl.BLKROGET),
        ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "ld"), close("ld"),
        open("/data/seed", O_RDONLY).as("s"), pread("s", 16, 0), close("s"),
        Syscalls.mount("/dev/loop0", "/mnt", "ext4", 0, null), open("/mnt/x", O_RDWR | O_CREAT).as("x"), close("x"),
        Syscalls.umount2("/mnt", 0));
  }

  private static List<Object> results(Kernel.Spec spec) {
    List<Object> seen = new ArrayList<>();
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("boot", spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    return KernelWorld.results(seen, "world/hart-1");
  }

  @Test
  void theBootStateIsWhatItsSetupSyscallsLeave() {
    List<Stmt> setup = List.of(
        mkdir("/data"), open("/data/seed", O_RDWR | O_CREAT).as("s"), write("s", "seed"), close("s"),
        open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", SIZE),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"), close("ld"), close("img"),
        mkfsExt4("/dev/loop0"));
    Boot boot = new Boot(
        List.of(new Boot.Dir("/data"), new Boot.File("/data/seed", "seed".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            new Boot.File("/img", Ext4Lite.image(SIZE))),
        List.of(new Boot.Binding(0, "/img", false)));
    List<Object> bySyscalls = results(new Kernel.Spec(1, setup, List.of(probe())));
    List<Object> byBoot = results(new Kernel.Spec(1, boot, List.of(), List.of(probe()), Kernel.Spec.defaultNames(1),
        Semantics.STARRY));
    assertEquals(bySyscalls.size(), byBoot.size());
    for (int i = 0; i < byBoot.size(); i++) {
      assertEquals(String.valueOf(bySyscalls.get(i)), String.valueOf(byBoot.get(i)), "call " + i);
    }
    byte[] img = (byte[]) KernelWorld.ok(byBoot.get(1)).data();
    assertArrayEquals(Ext4Lite.image(SIZE), img, "/img holds the formatted image");
  }

  @Test
  void aBootStateMustBeConsistent() {
    assertThrows(IllegalArgumentException.class, () -> new Boot(List.of(new Boot.File("/none/img", new byte[1])), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Boot(List.of(new Boot.Dir("/dev")), List.of()));
    assertThrows(IllegalArgumentException.class, () -> new Boot(List.of(), List.of(new Boot.Binding(0, "/img", false))));
    Boot one = new Boot(List.of(new Boot.File("/img", new byte[1])), List.of(new Boot.Binding(1, "/img", false)));
    assertThrows(IllegalArgumentException.class,
        () -> new Kernel.Spec(1, one, List.of(), List.of(List.of()), List.of("hart-1"), Semantics.STARRY));
  }
}
