package kernsim.fs.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Builds a world with files and harts (code/Runner) running syscall programs, and collects results. */
final class Harness {
  private Harness() {}

  static final String MODEL = "fs-file-test/1";

  /** What a test's setup can make: objects, open fds in one shared table, the anon fs. */
  static final class Env {
    final ActorContext<?> ctx;
    final World world;
    final FdTable fds = new FdTable();
    final ActorRef<AnonFs.Command> anon;
    private int opens;

    Env(ActorContext<?> ctx, World world) {
      this.ctx = ctx;
      this.world = world;
      this.anon = ctx.spawn(AnonFs.create(world, 16), "anon");
    }

    RamFile.Ops file(String name, String content) {
      return RamFile.spawn(ctx, world, name, bytes(content));
    }

    RamFile.Ops file(String name, BackingImage image, FileKind kind) {
      return RamFile.spawn(ctx, world, name, image, kind);
    }

    /** A fresh open file description of {@code ops} (its own position), not yet in a table. */
    OpenFile openFile(FileOps ops, int flags) {
      return OpenFile.open(ctx, world, "ofd-" + ++opens, ops, flags);
    }

    int open(FileOps ops, int flags) {
      return fds.install(openFile(ops, flags));
    }

    /** A pipe of {@code capacity} bytes; returns {read fd, write fd}. */
    int[] pipe(String name, int capacity, int flags) {
      Pipe.End[] ends = Pipe.spawn(ctx, world, name, capacity);
      return new int[] {fds.install(new OpenFile(ends[0], Uapi.O_RDONLY | flags, null)),
          fds.install(new OpenFile(ends[1], Uapi.O_WRONLY | flags, null))};
    }

    int dir() {
      return open(new Directory("dir"), Uapi.O_RDONLY | Uapi.O_DIRECTORY);
    }
  }

  /** One run: per hart, the results of its calls in order; the observations; the run itself. */
  record Outcome(RunResult run, List<List<SysResult>> perHart, List<Object> observations) {
    List<SysResult> results() {
      return perHart.get(0);
    }

    SysResult result(int i) {
      return perHart.get(0).get(i);
    }

    <T> List<T> observed(Class<T> type) {
      return observations.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  static WorldSpec spec(String name, Function<Env, List<List<Supplier<Code>>>> setup,
      Function<World, List<Monitor>> monitors) {
    return WorldSpec.of(name, MODEL, name, w -> Behaviors.setup(ctx -> {
      Env env = new Env(ctx, w);
      List<List<Supplier<Code>>> programs = setup.apply(env);
      for (int h = 0; h < programs.size(); h++) {
        List<Runner.Step> steps = new ArrayList<>();
        List<Supplier<Code>> p = programs.get(h);
        for (int i = 0; i < p.size(); i++) {
          steps.add(new Runner.Step("call-" + i, p.get(i)));
        }
        ctx.spawn(Runner.create(w, steps), "hart-" + (h + 1));
      }
      return Behaviors.empty();
    }), monitors);
  }

  static Outcome harts(Simulator sim, Function<Env, List<List<Supplier<Code>>>> setup) {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("fs-file", setup, w -> List.of(Monitor.recorder(seen)));
    RunResult run = sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
    List<List<SysResult>> perHart = new ArrayList<>();
    for (Object o : seen) {
      if (o instanceof Runner.Finished f) {
        int h = Integer.parseInt(f.actor().substring(f.actor().lastIndexOf('-') + 1)) - 1;
        while (perHart.size() <= h) {
          perHart.add(new ArrayList<>());
        }
        perHart.get(h).add((SysResult) f.result());
      }
    }
    return new Outcome(run, perHart, seen);
  }

  /** One hart; the run must end cleanly. */
  static Outcome hart(Simulator sim, Function<Env, List<Supplier<Code>>> setup) {
    Outcome o = harts(sim, env -> List.of(setup.apply(env)));
    assertFalse(o.run().failed(), () -> o.run().outcome());
    return o;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  static void assertErr(Errno expected, SysResult r) {
    assertEquals(expected, r.errno(), () -> "expected " + expected + ", got " + r);
  }

  static SysResult.Ok assertOk(long expected, SysResult r) {
    SysResult.Ok ok = assertInstanceOf(SysResult.Ok.class, r, () -> "expected Ok(" + expected + "), got " + r);
    assertEquals(expected, ok.value(), () -> "result " + r);
    return ok;
  }

  /** A read's result: Ok(n) with exactly {@code expected} as its bytes. */
  static void assertRead(String expected, SysResult r) {
    SysResult.Ok ok = assertOk(expected.length(), r);
    assertEquals(expected, text((byte[]) ok.data()));
  }
}
