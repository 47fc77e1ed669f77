package kernsim.cpu;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.WorldSpec;
import kernsim.dev.SysResult;
import kernsim.dev.code.SleepInAtomicMonitor;

/** Test helpers: a kernel world from a spec, and the calls' results read back from observations. */
final class KernelWorld {
  static final String MODEL = "kernel/test";

  private KernelWorld() {}

  static WorldSpec spec(String name, Kernel.Spec spec, List<Object> seen) {
    return WorldSpec.of(name, MODEL, name, w -> Kernel.create(w, spec), w -> List.of(
        new SleepInAtomicMonitor(),
        Monitor.recorder(seen)));
  }

  /** Runs one iteration and returns the results of {@code hart}'s calls, in program order. */
  static List<Object> results(List<Object> seen, String hart) {
    List<Object> out = new ArrayList<>();
    for (Object o : seen) {
      if (o instanceof Calls.Returned r && r.hart().equals(hart)) {
        out.add(r.result());
      }
    }
    return out;
  }

  static RunResult run(Simulator sim, WorldSpec spec, long seed) {
    return sim.run(spec, Strategies.random(seed), RunOptions.DEFAULT, seed, 0);
  }

  static SysResult.Ok ok(Object r) {
    if (r instanceof SysResult.Ok ok) {
      return ok;
    }
    throw new AssertionError("expected success, got " + r);
  }
}
