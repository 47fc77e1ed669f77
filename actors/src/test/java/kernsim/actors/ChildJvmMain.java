package kernsim.actors;

import java.nio.file.Path;

/**
 * Entry point of a freshly started JVM in the determinism tests.
 *
 * <pre>
 * replay MODEL TRACE          prints the replay's outcome and event-log hash
 * explore MODEL STRATEGY SEED prints the first failing (or last) iteration's outcome and hash
 * </pre>
 */
public final class ChildJvmMain {
  private ChildJvmMain() {}

  public static void main(String[] args) throws Exception {
    try (Simulator sim = Simulator.create()) {
      RunResult r;
      if (args[0].equals("replay")) {
        r = sim.replay(Models.byName(args[1]), TraceCodec.read(Path.of(args[2]))).run();
      } else {
        StrategyKind kind = StrategyKind.byId(args[2]);
        long seed = Long.parseLong(args[3]);
        ExploreOptions o = kind == StrategyKind.PCT ? ExploreOptions.pct(seed, ExplorationTest.BUDGET, 2)
            : ExploreOptions.random(seed, ExplorationTest.BUDGET);
        ExploreResult e = sim.explore(Models.byName(args[1]), o);
        r = e.failing().orElse(e.last());
      }
      System.out.println("outcome=" + r.outcome());
      System.out.println("hash=" + r.eventLogHash());
    }
  }
}
