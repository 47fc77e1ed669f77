package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.cpu.KernelWorld;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.cpu.Calls;
import kernsim.cpu.Kernel;
import kernsim.dev.Errno;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The oracle is not vacuous: in a recorded run of each sequential program, changing any one call's
 * result (a success to ENOTTY, an error to success) fails the check, except where the specification
 * allows both on purpose (listed).
 */
class ErrnoConformanceMutationTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** The run's observations, after the calls its boot state stands for (the kernel builds it without them). */
  static List<Object> record(String name, Kernel.Spec spec) {
    List<Object> seen = new ArrayList<>(new Histories().boot(spec.loops()).observations());
    RunResult r = KernelWorld.run(sim, KernelWorld.world(name, name, spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    return seen;
  }

  /** The mutated calls the check lets pass, as "text = wrong result". */
  static List<String> uncaught(List<Object> seen) {
    assertEquals(java.util.Optional.empty(), ErrnoConformance.check(Semantics.STARRY, seen));
    List<String> missed = new ArrayList<>();
    for (int i = 0; i < seen.size(); i++) {
      if (!(seen.get(i) instanceof Calls.Returned r) || !(r.result() instanceof SysResult res)
          || !r.hart().equals("world/hart-1")) {
        continue;
      }
      SysResult wrong = res.isOk() ? SysResult.err(Errno.ENOTTY) : SysResult.ok(0);
      List<Object> mutated = new ArrayList<>(seen);
      mutated.set(i, new Calls.Returned(r.hart(), r.index(), r.text(), r.call(), wrong, r.nanos()));
      if (ErrnoConformance.check(Semantics.STARRY, mutated).isEmpty()) {
        missed.add(r.text() + " = " + wrong);
      }
    }
    return missed;
  }

  /** Every mutation is caught except some of {@code byDesign}. */
  static void caughtExcept(List<String> byDesign, List<String> uncaught) {
    assertTrue(byDesign.containsAll(uncaught), "uncaught: " + uncaught);
  }

  @Test
  void everyResultOfTheLoopDeviceProgramIsChecked() {
    caughtExcept(List.of(
            // after a failed mkfs there may be no cache (mkfs may not use it; a short read empties the slot)
            "ioctl(ld, BLKFLSBUF) = 0",
            // mkfs may fail for reasons the specification does not follow
            "mkfs.ext4(\"/dev/loop0\") = ENOTTY",
            // writes are not modelled
            "write(fd, \"hello\") = ENOTTY",
            "write(fd, \"dirty\") = ENOTTY"),
        uncaught(record("loop", ErrnoConformanceNoFalseAlarmTest.loopProgram())));
  }

  @Test
  void everyResultOfTheMountAndPathProgramIsChecked() {
    caughtExcept(List.of("pread64(cg, 64, 0) = ENOTTY"),
        uncaught(record("paths", ErrnoConformanceNoFalseAlarmTest.pathProgram())));
  }
}
