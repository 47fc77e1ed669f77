package kernsim.fs.memfs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.dev.code.Runner;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Runs one hart's program in a world whose actors {@code setup} spawns; returns every observation. */
final class OneHart {
  private OneHart() {}

  static List<Object> run(Simulator sim, BiFunction<ActorContext<Void>, World, List<Runner.Step>> setup) {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = WorldSpec.of("memfs", "test/1", "memfs", w -> Behaviors.<Void>setup(ctx -> {
      ctx.spawn(Runner.create(w, setup.apply(ctx, w)), "hart-1");
      return Behaviors.empty();
    }), w -> List.of(Monitor.recorder(seen)));
    RunResult r = sim.run(spec, Strategies.random(7), RunOptions.DEFAULT, 7, 0);
    assertFalse(r.failed(), r.outcome());
    return seen;
  }

  /** The results of the hart's procedures, in order, as strings ("0", "ENOENT", "3 Entry(…)"). */
  static List<Object> results(List<Object> seen) {
    List<Object> out = new ArrayList<>();
    for (Object o : seen) {
      if (o instanceof Runner.Finished f) {
        out.add(f.result());
      }
    }
    return out;
  }
}
