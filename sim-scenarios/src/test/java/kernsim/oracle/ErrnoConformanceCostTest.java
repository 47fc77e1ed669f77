package kernsim.oracle;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.mount;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.umount2;
import static kernsim.cpu.Syscalls.write;
import static kernsim.dev.loop.LoopIoctl.BLKFLSBUF;
import static kernsim.dev.loop.LoopIoctl.BLKROGET;
import static kernsim.dev.loop.LoopIoctl.LOOP_GET_STATUS64;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.cpu.Calls;
import kernsim.cpu.Kernel;
import kernsim.dev.Semantics;
import org.junit.jupiter.api.Test;

/**
 * What the check costs: 10,000 checks of a typical 3-hart history (setup, then a mounter, a flusher and
 * a prober), each from the observations alone (parsing, settling, the end-of-run search). The time per check
 * is printed, not asserted (a shared machine's timings are no test); what is asserted is the work, counted in
 * specification steps, which is the same on every machine: at most 4 per call (84 for its 23 calls when this
 * was written), where a search that tried every order of the overlapping calls would take hundreds.
 */
class ErrnoConformanceCostTest {
  static final int CHECKS = 10_000;

  static Kernel.Spec typical() {
    return new Kernel.Spec(1, ErrnoConformanceNoFalseAlarmTest.boundAndFormatted(), List.of(
        List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null), open("/mnt/log", O_RDWR | O_CREAT).as("fd"),
            write("fd", "record\n"), close("fd"), umount2("/mnt", 0)),
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", BLKFLSBUF), ioctl("ld", BLKFLSBUF),
            ioctl("ld", BLKROGET)),
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LOOP_GET_STATUS64), close("ld"))));
  }

  @Test
  void tenThousandChecksOfATypicalThreeHartHistory() {
    ErrnoConformanceMutationTest.start();
    List<Object> seen;
    try {
      seen = ErrnoConformanceMutationTest.record("typical", typical());
    } finally {
      ErrnoConformanceMutationTest.stop();
    }
    long calls = seen.stream().filter(o -> o instanceof Calls.Started).count();
    int[] steps = {0};
    assertTrue(ErrnoConformance.check(new ErrnoConformance(counting(steps)), seen).isEmpty());
    long perCheck = steady(CHECKS, () -> assertTrue(ErrnoConformance.check(Semantics.STARRY, seen).isEmpty()));
    System.out.printf("errno oracle: %d checks of a %d-call, 3-hart history: %d specification steps, %.1f us per"
        + " check%n", CHECKS, calls, steps[0], perCheck / 1000.0);
    assertTrue(steps[0] <= 4 * calls, steps[0] + " specification steps for " + calls + " calls");
  }

  /** The starry specification, counting its steps in {@code steps[0]}. */
  private static SequentialSpec counting(int[] steps) {
    SequentialSpec starry = SequentialSpec.forProfile("starry");
    return new SequentialSpec() {
      @Override
      public String profile() {
        return starry.profile();
      }

      @Override
      public SpecState initial() {
        return starry.initial();
      }

      @Override
      public boolean claimsFirst(kernsim.cpu.call.Call call) {
        return starry.claimsFirst(call);
      }

      @Override
      public void step(SpecState state, Call call, Outcomes out) {
        steps[0]++;
        starry.step(state, call, out);
      }
    };
  }

  /** A sequential history costs one specification step per call: 200 statements of one hart. */
  @Test
  void aLongSequentialHistoryIsLinear() {
    Histories h = new Histories().boot(1).call("world/hart-1", "ld = open(\"/dev/loop0\", O_RDWR)", Histories.ok(0));
    for (int i = 0; i < 200; i++) {
      h.call("world/hart-1", "ioctl(ld, LOOP_GET_STATUS64)", Histories.err(kernsim.dev.Errno.ENXIO));
    }
    List<Object> seen = h.observations();
    int[] steps = {0};
    assertTrue(ErrnoConformance.check(new ErrnoConformance(counting(steps)), seen).isEmpty());
    assertEquals(205, steps[0]);
    long perCheck = steady(1_000, () -> assertTrue(ErrnoConformance.check(Semantics.STARRY, seen).isEmpty()));
    System.out.printf("errno oracle: a 205-call sequential history: %.1f us per check%n", perCheck / 1000.0);
  }

  /**
   * Nanoseconds per run of {@code check}, in rounds of {@code n} until two rounds agree within 10% (the
   * JIT takes tens of thousands of checks to settle, as it does in an exploration), at most eight.
   */
  static long steady(int n, Runnable check) {
    long perCheck = -1;
    for (int round = 0; round < 8; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        check.run();
      }
      long t = (System.nanoTime() - t0) / n;
      boolean settled = perCheck > 0 && Math.abs(t - perCheck) * 10 < perCheck;
      perCheck = t;
      if (settled) {
        break;
      }
    }
    return perCheck;
  }
}
