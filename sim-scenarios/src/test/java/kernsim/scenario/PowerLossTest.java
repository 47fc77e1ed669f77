package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.Monitor;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Calls;
import kernsim.dev.file.FaultPlan;
import kernsim.dev.loop.DurabilityMonitor;
import kernsim.dev.loop.LoopEvents;
import kernsim.oracle.Oracles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Power loss ({@code power-loss@N}, {@code power-loss%P}; docs/faults.md). The catalog's
 * {@code power-loss-mid-flush} under starry: PCT from seed 1 finds no broken promise in its budget, while
 * the power fails in the middle of the second write-back in many of its schedules and the kernel rebooted
 * after each loss reads the promised blocks and file back (counted, so the clean result is not for want of
 * a cut there or of reads); with the disk mutated to tear inside ext4-lite's 512-byte blocks (256-byte
 * units) the same exploration finds the power-loss oracle's violation through the rebooted kernel's reads,
 * and its trace replays to the same failure. Also: a cut at a chosen step ends the run there, replays, and leaves a run without
 * power loss as it was.
 */
class PowerLossTest {
  static final long SEED = 1;
  static final int BUDGET = 1500;

  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Scenario scenario() throws Exception {
    return FaultScenarios.find("power-loss-mid-flush").orElseThrow();
  }

  static ExploreResult explore(WorldSpec w, ScenarioWorld base, Simulator.Progress progress) {
    return sim.explore(w, ExploreOptions.pct(SEED, BUDGET, 3).withRun(base.runOptions(RunOptions.DEFAULT)), progress);
  }

  /**
   * Counts the runs whose power failed while a BLKFLSBUF was in progress with at least one write-back
   * write made, after an earlier BLKFLSBUF had returned 0: the cut the scenario is about.
   */
  static final class MidFlush implements Monitor {
    final int[] count;
    int promised;
    final java.util.TreeMap<String, Integer> flushing = new java.util.TreeMap<>();

    MidFlush(int[] count) {
      this.count = count;
    }

    @Override
    public String name() {
      return "mid-flush";
    }

    @Override
    public void onObservation(Object o, Verdict verdict) {
      if (o instanceof Calls.Started s && s.text().contains("BLKFLSBUF")) {
        flushing.put(s.hart(), 0);
      } else if (o instanceof LoopEvents.BackingWrite w && w.via().equals("writeback")) {
        flushing.replaceAll((h, n) -> n + 1);
      } else if (o instanceof Calls.Returned r && r.text().contains("BLKFLSBUF")) {
        flushing.remove(r.hart());
        promised++;
      }
    }

    @Override
    public void onPowerLoss(Verdict verdict) {
      if (promised > 0 && flushing.values().stream().anyMatch(n -> n > 0)) {
        count[0]++;
      }
    }
  }

  /**
   * Counts what the kernel rebooted after a power loss read back: its block reads and file reads that
   * returned data (it hears the reboot, as a timeline does).
   */
  static final class RebootReads implements Monitor {
    /** Block reads through the loop device, file reads through the remounted filesystem. */
    final int[] count;

    RebootReads(int[] count) {
      this.count = count;
    }

    @Override
    public String name() {
      return "reboot-reads";
    }

    @Override
    public boolean hearsReboot() {
      return true;
    }

    @Override
    public void onObservation(Object o, Verdict verdict) {
      if (o instanceof Calls.Returned r && r.hart().equals("world/" + ScenarioWorld.REBOOT_HART)
          && r.result() instanceof kernsim.dev.SysResult.Ok ok && ok.value() > 0) {
        if (r.text().startsWith("pread64(")) {
          count[0]++;
        } else if (r.text().startsWith("read(")) {
          count[1]++;
        }
      }
    }
  }

  @Test
  void starryKeepsBlkflsbufsPromiseThroughAPowerLossMidFlush() throws Exception {
    Scenario s = scenario();
    assertTrue(s.faults().powerLoss() != null, "the scenario loses no power");
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    int[] midFlush = {0};
    int[] lost = {0};
    int[] rebooted = {0};
    int[] reads = {0, 0};
    ExploreResult r = explore(w.withMonitorsFirst(x -> List.of(new MidFlush(midFlush), new RebootReads(reads))), w,
        (i, run) -> {
          if (run.powerLost()) {
            lost[0]++;
          }
          if (run.rebooted()) {
            rebooted[0]++;
          }
          return true;
        });
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome());
    assertEquals(BUDGET, r.iterations());
    // Seen on this scenario, PCT seed 1 (power-loss%0.4): most schedules lose power, about 5% of them in the
    // middle of a write-back after the first promise.
    assertTrue(lost[0] > BUDGET / 4, lost[0] + " of " + BUDGET + " schedules lost power");
    assertTrue(midFlush[0] >= 20, "only " + midFlush[0] + " schedules lost power in the middle of a write-back");
    // every schedule that lost power after the first promise rebooted, and the rebooted kernel read the
    // promised blocks back through loop0 (each reboot at least one) and /mnt/a through the remounted ext4
    assertTrue(rebooted[0] >= midFlush[0], rebooted[0] + " reboots, " + midFlush[0] + " cuts mid-flush");
    assertTrue(reads[0] >= rebooted[0], reads[0] + " block reads in " + rebooted[0] + " reboots");
    assertTrue(reads[1] >= rebooted[0] / 2, reads[1] + " file reads in " + rebooted[0] + " reboots");
    System.out.println("power-loss-mid-flush: " + lost[0] + " lost power, " + midFlush[0] + " mid-flush, "
        + rebooted[0] + " rebooted, " + reads[0] + " block reads and " + reads[1] + " file reads back");
  }

  /** The same world with the disk mutated: writes not yet durable tear in 256-byte units, inside a block. */
  static WorldSpec tearingInsideBlocks(ScenarioWorld w) {
    return w.withMonitorsFirst(x -> List.of(DurabilityMonitor.atPowerLoss(Oracles.durabilityCalls(), x.seed(), 256)));
  }

  @Test
  void aDiskThatTearsInsideABlockBreaksThePromiseFoundByExplorationAndReplayed() throws Exception {
    Scenario s = scenario();
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of(DurabilityMonitor.POWER_LOSS)));
    WorldSpec mutated = tearingInsideBlocks(w);
    ExploreResult r = explore(mutated, w, (i, run) -> true);
    assertTrue(r.found(), "the mutated disk broke no promise in " + BUDGET + " schedules");
    RunResult failing = r.failing().orElseThrow();
    assertTrue(failing.powerLost());
    assertTrue(failing.rebooted(), "found at the loss, not through the rebooted kernel's reads");
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(DurabilityMonitor.POWER_LOSS, v.oracle());
    assertTrue(v.message().contains("torn after"), v.message());
    assertTrue(v.message().contains("the rebooted kernel's pread64("), v.message());
    System.out.println("mutated: schedule " + ExploreResult.schedule(failing.iteration()) + ": " + v.message());
    assertEquals(144, ExploreResult.schedule(failing.iteration()), "docs/faults.md gives schedule 144: " + v.message());

    Trace trace = TraceCodec.decode(TraceCodec.encode(failing.trace()), s.name());
    ScenarioWorld again = new ScenarioWorld(Scenarios.parse(trace.header().text(), s.name() + ".ksim"),
        Settings.fromOptions(trace.header().options()));
    ReplayResult replay = sim.replay(tearingInsideBlocks(again), trace);
    assertTrue(replay.confirmed(), replay.toString());
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
  }

  @Test
  void aCutAtAChosenStepEndsTheRunThereAndReplays() throws Exception {
    Scenario s = Catalog.find("triad").orElseThrow();
    Settings plain = Settings.of(s, null, List.of("mount-recheck-file", "mark-mounted-at-install"), List.of());
    ScenarioWorld whole = new ScenarioWorld(s, plain);
    RunResult full = sim.run(whole, kernsim.actors.Strategies.forIteration(ExploreOptions.pct(3, 1, 3), 3, 200),
        whole.runOptions(RunOptions.DEFAULT), 3, 0);
    assertFalse(full.powerLost());
    ScenarioWorld cut = new ScenarioWorld(s, plain.withFaults(FaultPlan.parse("power-loss@40")));
    RunResult r = sim.run(cut, kernsim.actors.Strategies.forIteration(ExploreOptions.pct(3, 1, 3), 3, 200),
        cut.runOptions(RunOptions.DEFAULT), 3, 0);
    assertTrue(r.powerLost());
    assertEquals(40, r.steps());
    assertTrue(full.steps() > 40);
    Trace trace = TraceCodec.decode(TraceCodec.encode(r.trace()), "triad");
    assertEquals("power-loss@40", trace.header().options().get("faults"));
    ReplayResult replay = sim.replay(new ScenarioWorld(s, Settings.fromOptions(trace.header().options())), trace);
    assertTrue(replay.confirmed(), replay.toString());
    assertTrue(replay.run().powerLost());
    assertFalse(replay.run().rebooted(), "nothing was promised before step 40");
    assertEquals(r.eventLogHash(), replay.run().eventLogHash());
    // the same world without the cut runs as it did: the same first 40 steps, then on to its end
    List<String> a = new ArrayList<>(full.log().lines());
    List<String> b = r.log().lines();
    assertEquals(a.subList(0, 40), b.subList(0, 40));
    assertTrue(b.get(40).contains("PowerLost(afterStep=40)"), b.get(40));
  }
}
