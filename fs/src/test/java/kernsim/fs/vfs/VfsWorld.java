package kernsim.fs.vfs;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.dev.SysResult;
import kernsim.dev.code.Runner;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** A world with a mount table (world/mounts), fake tasks (world/tasks) and harts (world/hart-N). */
final class VfsWorld {
  private VfsWorld() {}

  /** What programs are built from. */
  record Env(World world, Vfs vfs, FakeTasks.Handle tasks) {}

  static WorldSpec spec(String name, BlockFsDriver ext4, Function<Env, List<List<Runner.Step>>> programs,
      Function<World, List<Monitor>> monitors) {
    return WorldSpec.of(name, "fs-vfs/1", name, w -> Behaviors.setup(ctx -> {
      ActorRef<MountTable.Command> table = ctx.spawn(MountTable.create(w), "mounts");
      FakeTasks.Handle tasks = new FakeTasks.Handle(ctx.spawn(FakeTasks.create(w), "tasks"));
      Env env = new Env(w, new Vfs(table, ext4, tasks), tasks);
      List<List<Runner.Step>> ps = programs.apply(env);
      for (int i = 0; i < ps.size(); i++) {
        ctx.spawn(Runner.create(w, ps.get(i)), "hart-" + (i + 1));
      }
      return Behaviors.empty();
    }), monitors);
  }

  /** A finished sequential run: its observations and event log. */
  record Seq(List<Object> seen, RunResult run) {
    /** Procedure results in order. */
    List<SysResult> results() {
      List<SysResult> out = new ArrayList<>();
      for (Object o : seen) {
        if (o instanceof Runner.Finished f) {
          out.add((SysResult) f.result());
        }
      }
      return out;
    }

    SysResult result(int i) {
      return results().get(i);
    }

    /** The index of the first event-log line that contains all of {@code parts}, or -1. */
    int step(String... parts) {
      List<String> lines = run.log().lines();
      outer:
      for (int i = 0; i < lines.size(); i++) {
        for (String p : parts) {
          if (!lines.get(i).contains(p)) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }
  }

  /** Runs one hart's program to its end. */
  static Seq run(Simulator sim, BlockFsDriver ext4, Function<Env, List<Runner.Step>> program) {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("vfs", ext4, env -> List.of(program.apply(env)), w -> List.of(Monitor.recorder(seen)));
    RunResult r = sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
    assertFalse(r.failed(), r.outcome());
    return new Seq(seen, r);
  }

  static Runner.Step step(String name, java.util.function.Supplier<kernsim.dev.code.Code> code) {
    return new Runner.Step(name, code);
  }
}
