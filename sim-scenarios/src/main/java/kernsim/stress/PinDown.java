package kernsim.stress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.TraceCodec;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;

/**
 * A real-thread finding made deterministic: the replica's program, every hart copy included (written as
 * scenario text by {@link Workload#multipliedText}, since a trace replays from its header's text), explored
 * under the controlled dispatcher with PCT until the same oracle objects. Seeds
 * {@code seed, seed+1, …} are tried while the schedule budget lasts, since an exploration stops at its
 * first failure, which may be another oracle's.
 */
public final class PinDown {
  public record Result(boolean found, int schedules, long seed, String oracle, String message, Path trace,
      String replayCommand) {}

  private PinDown() {}

  /** The oracle a failure names, as a stress violation names it ("deadlock" and "hang" by kind). */
  static String oracleOf(Failure f) {
    if (f instanceof Failure.SafetyViolation v) {
      return v.oracle();
    }
    return f.kind();
  }

  private static boolean same(String wanted, Failure f) {
    String got = oracleOf(f);
    return got.equals(wanted) || wanted.equals("hang") && (got.equals("deadlock") || got.equals("livelock"));
  }

  public static Result run(Scenario scenario, Settings settings, String oracle, long seed, int budget, Path out)
      throws IOException {
    ScenarioWorld world = new ScenarioWorld(scenario, settings);
    int used = 0;
    long s = seed;
    try (Simulator sim = Simulator.create()) {
      while (used < budget) {
        ExploreOptions options = new ExploreOptions(StrategyKind.PCT, s, budget - used, 3, 64,
            world.runOptions(RunOptions.DEFAULT));
        ExploreResult r = sim.explore(world, options);
        used += r.iterations();
        if (!r.found()) {
          break;
        }
        RunResult failing = r.failing().orElseThrow();
        Failure f = failing.failure().orElseThrow();
        if (same(oracle, f)) {
          Files.createDirectories(out);
          Path trace = out.resolve(fileName(scenario.name()) + "-stress-" + s + ".trace");
          TraceCodec.write(failing.trace(), trace);
          String message = f instanceof Failure.SafetyViolation v ? v.message() : f.toString();
          return new Result(true, used, s, oracleOf(f), message, trace, "kernsim replay " + trace);
        }
        s++;
      }
    }
    return new Result(false, used, s, oracle, null, null, null);
  }

  static String fileName(String scenario) {
    String s = scenario.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
  }
}
