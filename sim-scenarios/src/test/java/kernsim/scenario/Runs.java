package kernsim.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Calls;
import kernsim.cpu.Kernel;
import kernsim.dev.SysResult;

/** Test helpers: run a parsed scenario once and read its calls' results back from the observations. */
final class Runs {
  private Runs() {}

  /** One run of {@code s} (its own profile and fixes) with a random schedule from {@code seed}. */
  static Outcome run(Simulator sim, Scenario s, long seed) {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = s.kernelSpec();
    WorldSpec world = WorldSpec.of(s.name(), "kernel/test", s.text(), w -> Kernel.create(w, spec),
        w -> List.of(Monitor.recorder(seen)));
    RunResult r = sim.run(world, Strategies.random(seed), RunOptions.DEFAULT, seed, 0);
    return new Outcome(r, seen);
  }

  record Outcome(RunResult result, List<Object> seen) {
    /** The results of {@code hart}'s statements ("world/…"), in program order. */
    List<Object> results(String hart) {
      return returned(hart).stream().map(Calls.Returned::result).toList();
    }

    List<Calls.Returned> returned(String hart) {
      List<Calls.Returned> out = new ArrayList<>();
      for (Object o : seen) {
        if (o instanceof Calls.Returned r && r.hart().equals(hart)) {
          out.add(r);
        }
      }
      return out;
    }

    List<String> startedTexts(String hart) {
      List<String> out = new ArrayList<>();
      for (Object o : seen) {
        if (o instanceof Calls.Started s && s.hart().equals(hart)) {
          out.add(s.text());
        }
      }
      return out;
    }
  }

  static SysResult.Ok ok(Object r) {
    if (r instanceof SysResult.Ok ok) {
      return ok;
    }
    throw new AssertionError("expected success, got " + r);
  }

  /** The bytes a read-like call returned, as text. */
  static String text(Object r) {
    SysResult.Ok ok = ok(r);
    return new String((byte[]) ok.data(), 0, (int) ok.value(), StandardCharsets.UTF_8);
  }
}
