package kernsim.fs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import kernsim.dev.code.Runner;
import kernsim.dev.code.SleepInAtomicMonitor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs ext4-lite programs in a world: a {@link RamDisk} ({@code world/disk}), an {@link Ext4Host}
 * ({@code world/ext4}), a latch ({@code world/latch}) and one {@link Runner} hart per program
 * ({@code world/hart-1}, …). Steps share an {@link Env}: the mounted handle and the inodes found so far.
 */
final class Harness {
  private Harness() {}

  /** What the steps of one run share. Built afresh in every run. */
  static final class Env {
    final World world;
    final RamDisk disk;
    final BlockDevice dev;
    final ActorRef<Ext4Host.Command> host;
    final ActorRef<Latch> latch;
    Ext4 fs;
    final TreeMap<String, Integer> ino = new TreeMap<>();

    Env(World world, RamDisk disk, BlockDevice dev, ActorRef<Ext4Host.Command> host, ActorRef<Latch> latch) {
      this.world = world;
      this.disk = disk;
      this.dev = dev;
      this.host = host;
      this.latch = latch;
    }

    Runner.Step mkfs() {
      return new Runner.Step("mkfs", () -> Ext4Lite.mkfs(dev));
    }

    Runner.Step mount(String name, boolean readOnly) {
      return new Runner.Step(name, () -> Code.bind(Ext4Lite.mount(host, dev, readOnly), v -> {
        if (v instanceof SysResult.Ok ok) {
          fs = (Ext4) ok.data();
        }
        return Code.done(v);
      }));
    }

    /** A step on the mounted fs, named {@code name}. */
    Runner.Step op(String name, Function<Ext4, Code> code) {
      return new Runner.Step(name, () -> code.apply(fs));
    }

    /** create/mkdir/lookup {@code path}, remembering its inode. */
    Runner.Step inode(String verb, String path) {
      return new Runner.Step(verb + " " + path, () -> {
        Code c = switch (verb) {
          case "create" -> fs.create(path);
          case "mkdir" -> fs.mkdir(path);
          case "lookup" -> fs.lookup(path);
          default -> throw new IllegalArgumentException(verb);
        };
        return Code.bind(c, v -> {
          if (v instanceof SysResult.Ok ok) {
            ino.put(path, (int) ok.value());
          }
          return Code.done(v);
        });
      });
    }

    Runner.Step write(String name, String path, long offset, byte[] data) {
      return op(name, fs -> fs.write(ino.get(path), offset, data));
    }

    Runner.Step read(String name, String path, long offset, int len) {
      return op(name, fs -> fs.read(ino.get(path), offset, len));
    }

    Runner.Step open() {
      return new Runner.Step("open latch", () -> Code.call(latch, Latch.Open::new, "open", Code::done));
    }

    Runner.Step await() {
      return new Runner.Step("await latch", () -> Code.call(latch, Latch.Await::new, "await", Code::done));
    }
  }

  /** Lets a hart wait until another has set things up (mkfs, mount). */
  sealed interface Latch {
    record Open(ActorRef<Reply<SysResult>> replyTo) implements Latch {}

    record Await(ActorRef<Reply<SysResult>> replyTo) implements Latch {}

    static Behavior<Latch> create() {
      return Behaviors.setup(ctx -> {
        List<ActorRef<Reply<SysResult>>> waiting = new ArrayList<>();
        boolean[] open = {false};
        return Behaviors.receive(Latch.class)
            .onMessage(Open.class, o -> {
              open[0] = true;
              waiting.forEach(w -> w.tell(new Reply<>(SysResult.ok(0))));
              waiting.clear();
              o.replyTo().tell(new Reply<>(SysResult.ok(0)));
              return Behaviors.same();
            })
            .onMessage(Await.class, a -> {
              if (open[0]) {
                a.replyTo().tell(new Reply<>(SysResult.ok(0)));
              } else {
                waiting.add(a.replyTo());
              }
              return Behaviors.same();
            })
            .build();
      });
    }
  }

  /** A run's result and every observation, in order. */
  record Outcome(RunResult run, List<Object> seen) {
    Object result(String step) {
      Object found = null;
      for (Object o : seen) {
        if (o instanceof Runner.Finished f && f.name().equals(step)) {
          if (found != null) {
            fail("two steps named " + step);
          }
          found = f.result() == null ? "null" : f.result();
        }
      }
      if (found == null) {
        fail("no step " + step + " finished; outcome " + run.outcome());
      }
      return found;
    }

    SysResult.Ok ok(String step) {
      return assertInstanceOf(SysResult.Ok.class, result(step), step);
    }

    Errno errno(String step) {
      return assertInstanceOf(SysResult.Err.class, result(step), step).errno();
    }

    byte[] bytes(String step) {
      return (byte[]) ok(step).data();
    }

    <T> List<T> of(Class<T> type) {
      return seen.stream().filter(type::isInstance).map(type::cast).toList();
    }

    Outcome assertOk() {
      assertFalse(run.failed(), () -> run.outcome() + "\n" + String.join("\n", run.log().lines()));
      return this;
    }
  }

  /** Runs one world over {@code image}; {@code wrap} may put a decorator around the RAM disk. */
  static Outcome run(Simulator sim, RamDisk.Image image, long seed, Function<RamDisk, BlockDevice> wrap,
      Function<Env, List<List<Runner.Step>>> programs, Monitor... extra) {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = WorldSpec.of("ext4-lite test", "test/1", "ext4", w -> Behaviors.setup(ctx -> {
      ActorRef<RamDisk.Command> d = ctx.spawn(RamDisk.behavior(image), "disk");
      RamDisk disk = new RamDisk(d, image.blocks.length);
      Env env = new Env(w, disk, wrap.apply(disk), ctx.spawn(Ext4Host.create(w), "ext4"),
          ctx.spawn(Latch.create(), "latch"));
      List<List<Runner.Step>> ps = programs.apply(env);
      for (int i = 0; i < ps.size(); i++) {
        ctx.spawn(Runner.create(w, ps.get(i)), "hart-" + (i + 1));
      }
      return Behaviors.empty();
    }), w -> {
      List<Monitor> ms = new ArrayList<>(Arrays.asList(extra));
      ms.add(new SleepInAtomicMonitor());
      ms.add(Monitor.recorder(seen));
      return ms;
    });
    return new Outcome(sim.run(spec, Strategies.random(seed), new RunOptions(200_000, true), seed, 0), seen);
  }

  /** One hart running {@code steps} over {@code image}. */
  static Outcome run1(Simulator sim, RamDisk.Image image, Function<Env, List<Runner.Step>> steps) {
    return run(sim, image, 1, d -> d, env -> List.of(steps.apply(env)));
  }

  static byte[] pattern(int length, int seed) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) (i * 31 + seed * 7 + (i >> 9));
    }
    return b;
  }

  static void assertBytes(byte[] expected, byte[] actual, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] != actual[i]) {
        fail(what + " differs at byte " + i);
      }
    }
  }
}
