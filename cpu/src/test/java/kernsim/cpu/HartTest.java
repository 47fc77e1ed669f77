package kernsim.cpu;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.pread;
import static kernsim.cpu.Syscalls.write;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A hart runs its program one syscall at a time; fd variables carry results between statements. */
class HartTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void aProgramWritesAndReadsAFileThroughItsFdVariable() {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, List.of(), List.of(List.of(
        open("/notes", O_RDWR | O_CREAT).as("fd"),
        write("fd", "hello, loop"),
        pread("fd", 5, 7),
        close("fd"),
        write("fd", "after close"),
        open("/missing", O_RDONLY).as("bad"),
        write("bad", "x"))));
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("hart", spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    List<Object> res = KernelWorld.results(seen, "world/hart-1");
    assertEquals(0, KernelWorld.ok(res.get(0)).value(), "the first fd of a fresh process is 0");
    assertEquals(11, KernelWorld.ok(res.get(1)).value());
    assertEquals("loop", new String((byte[]) KernelWorld.ok(res.get(2)).data(), StandardCharsets.UTF_8).substring(0, 4));
    assertEquals(0, KernelWorld.ok(res.get(3)).value());
    assertEquals(SysResult.err(Errno.EBADF), res.get(4));
    assertEquals(SysResult.err(Errno.ENOENT), res.get(5));
    assertEquals(SysResult.err(Errno.EBADF), res.get(6), "a failed open leaves -1 in its variable");
  }

  @Test
  void theSetupRunsAloneBeforeTheHartsStart() {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, List.of(open("/shared", O_RDWR | O_CREAT).as("fd"), close("fd")),
        List.of(List.of(open("/shared", O_RDONLY).as("fd")), List.of(open("/shared", O_RDONLY).as("fd"))));
    for (long seed = 0; seed < 10; seed++) {
      seen.clear();
      assertFalse(KernelWorld.run(sim, KernelWorld.spec("setup", spec, seen), seed).failed());
      int lastSetup = -1;
      int firstHart = Integer.MAX_VALUE;
      for (int i = 0; i < seen.size(); i++) {
        if (seen.get(i) instanceof Calls.Returned c && c.hart().equals("world/setup")) {
          lastSetup = i;
        }
        if (seen.get(i) instanceof Calls.Started c && c.hart().startsWith("world/hart-")) {
          firstHart = Math.min(firstHart, i);
        }
      }
      assertEquals(true, lastSetup < firstHart, "seed " + seed);
      assertEquals(0L, KernelWorld.ok(KernelWorld.results(seen, "world/hart-1").get(0)).value());
    }
  }
}
