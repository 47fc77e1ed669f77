package kernsim.dev.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.Test;

class FaultPlanTest {
  @Test
  void theTextFormReadsBackToTheSamePlan() throws Exception {
    FaultPlan p = FaultPlan.parse(" write-eio@2, sync-eio%12.5 /img:read-eio@1 latency=1500us");
    assertEquals("write-eio@2,sync-eio%12.5,/img:read-eio@1,latency=1500us", p.toString());
    assertEquals(p, FaultPlan.parse(p.toString()));
    assertEquals(1_500_000, p.latencyNanos());
    assertSame(FaultPlan.NONE, FaultPlan.parse("  "));
  }

  @Test
  void mistakesPointAtTheirOffset() {
    assertEquals(0, offset("wirte-eio@2"));
    assertEquals(21, offset("write-eio@2 sync-eio@0"));
    assertEquals(9, offset("sync-eio%101"));
    assertEquals(9, offset("read-eio@x"));
    assertEquals(8, offset("read-eio"));
    assertEquals(8, offset("latency=5 parsecs"));
    assertEquals(0, offset("/img"));
  }

  private static int offset(String spec) {
    return assertThrows(FaultPlan.SpecException.class, () -> FaultPlan.parse(spec)).offset();
  }

  @Test
  void theNthCallFailsPerFileAndOp() throws Exception {
    FaultPlan.Injector in = FaultPlan.parse("write-eio@2").injector("/img", 7);
    assertNull(in.fail(FaultPlan.Op.SYNC));
    assertNull(in.fail(FaultPlan.Op.WRITE));
    assertEquals(SysResult.err(Errno.EIO), in.fail(FaultPlan.Op.WRITE));
    assertNull(in.fail(FaultPlan.Op.WRITE));
    assertNull(FaultPlan.parse("/other:write-eio@1").injector("/img", 7).fail(FaultPlan.Op.WRITE));
  }

  @Test
  void drawsAreAFunctionOfTheSeedAndThePath() throws Exception {
    FaultPlan p = FaultPlan.parse("read-eio%30");
    List<Boolean> a = draws(p.injector("/img", 42));
    assertEquals(a, draws(p.injector("/img", 42)));
    assertNotEquals(a, draws(p.injector("/img", 43)));
    assertNotEquals(a, draws(p.injector("/other", 42)));
    long fails = a.stream().filter(b -> b).count();
    assertTrue(fails > 240 && fails < 360, fails + " of 1000 failed at 30%");
  }

  private static List<Boolean> draws(FaultPlan.Injector in) {
    List<Boolean> out = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      out.add(in.fail(FaultPlan.Op.READ) != null);
    }
    return out;
  }

  @Test
  void powerLossReadsBackAndIsOnePerPlan() throws Exception {
    FaultPlan p = FaultPlan.parse("write-eio@2 power-loss@40");
    assertEquals("write-eio@2,power-loss@40", p.toString());
    assertEquals(p, FaultPlan.parse(p.toString()));
    assertEquals(new FaultPlan.PowerLoss(40, 0), p.powerLoss());
    assertTrue(p.powerLoss().after(40, 1) && !p.powerLoss().after(39, 1) && !p.powerLoss().after(41, 1));
    assertEquals("power-loss%0.5", FaultPlan.parse("power-loss%0.5").toString());
    assertEquals(new FaultPlan.PowerLoss(7, 0), p.plus(FaultPlan.parse("power-loss@7")).powerLoss(), "the later one wins");
    assertEquals(13, offset("power-loss@3 power-loss@4"));
    assertEquals(10, offset("power-loss"));
    assertEquals(11, offset("power-loss@0"));
    assertEquals(11, offset("power-loss%200"));
  }

  @Test
  void aPowerLossByChanceIsAFunctionOfTheSeedAndTheStep() throws Exception {
    FaultPlan.PowerLoss p = FaultPlan.parse("power-loss%10").powerLoss();
    int cuts = 0;
    for (int step = 1; step <= 1000; step++) {
      boolean cut = p.after(step, 42);
      assertEquals(cut, p.after(step, 42));
      cuts += cut ? 1 : 0;
    }
    assertTrue(cuts > 60 && cuts < 140, cuts + " of 1000 steps cut at 10%");
  }

  @Test
  void aWriteNotYetDurableIsKeptDroppedOrTornAtASectorBoundary() {
    java.util.TreeSet<Integer> seen = new java.util.TreeSet<>();
    for (int i = 0; i < 500; i++) {
      int kept = FaultPlan.keptBytes(9, "/img", i, 4096, 4096, FaultPlan.SECTOR);
      assertEquals(kept, FaultPlan.keptBytes(9, "/img", i, 4096, 4096, FaultPlan.SECTOR));
      assertEquals(0, kept % 512, kept + " is not at a sector boundary");
      seen.add(kept);
    }
    assertEquals(9, seen.size(), "dropped, kept, and each of the 7 tears: " + seen);
    // an unaligned write is torn at the file's sector boundaries, not its own
    for (int i = 0; i < 200; i++) {
      int kept = FaultPlan.keptBytes(9, "/img", i, 100, 1000, FaultPlan.SECTOR);
      assertTrue(kept == 0 || kept == 1000 || kept == 412 || kept == 924, "kept " + kept);
    }
  }
}
