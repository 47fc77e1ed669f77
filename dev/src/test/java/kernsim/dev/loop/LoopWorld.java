package kernsim.dev.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.actors.Monitor;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Executor;
import kernsim.dev.code.Reply;
import kernsim.dev.code.Runner;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingFileActor;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A test world: one backing file ({@code world/file}), {@code /dev/loop0} ({@code world/loop0}), an
 * optional setup procedure the root runs first (so harts start on a configured device), then harts
 * {@code world/hart-1 …} running their programs. What the run left behind is in {@link Captured}.
 */
final class LoopWorld {
  static final String MODEL = "kernsim-dev-loop-test/1";

  private LoopWorld() {}

  /** What hart programs see. {@code bound} is the file as an O_RDWR fd, {@code boundRo} as O_RDONLY. */
  record Env(World world, ActorRef<BackingFile.Command> file, BoundFile bound, BoundFile boundRo,
      ActorRef<LoopDevice.Command> dev, LoopIoctls loop) {}

  /** The last iteration's image, observations and setup result. */
  static final class Captured {
    BackingImage image;
    Object setupResult;
    final List<Object> events = new ArrayList<>();

    /** The result of procedure {@code index} of {@code hart} (e.g. {@code "hart-1"}). */
    Object result(String hart, int index) {
      for (Object o : events) {
        if (o instanceof Runner.Finished f && f.actor().equals("world/" + hart) && f.index() == index) {
          return f.result();
        }
      }
      throw new AssertionError(hart + " did not finish procedure " + index + "; events: " + events);
    }

    SysResult sys(String hart, int index) {
      return (SysResult) result(hart, index);
    }

    <T> List<T> events(Class<T> type) {
      List<T> out = new ArrayList<>();
      for (Object o : events) {
        if (type.isInstance(o)) {
          out.add(type.cast(o));
        }
      }
      return out;
    }
  }

  static Runner.Step step(String name, Supplier<Code> code) {
    return new Runner.Step(name, code);
  }

  static WorldSpec spec(String name, Supplier<BackingImage> image, Function<Env, Code> setup,
      Function<Env, List<List<Runner.Step>>> harts, Supplier<List<Monitor>> monitors, Captured cap) {
    return WorldSpec.of(name, MODEL, name, w -> root(w, image, setup, harts, cap), w -> {
      cap.events.clear();
      List<Monitor> all = new ArrayList<>(monitors.get());
      all.add(Monitor.recorder(cap.events));
      return all;
    });
  }

  private static Behavior<Reply<?>> root(World w, Supplier<BackingImage> image, Function<Env, Code> setup,
      Function<Env, List<List<Runner.Step>>> harts, Captured cap) {
    return Behaviors.setup(ctx -> {
      BackingImage img = image.get();
      cap.image = img;
      cap.setupResult = null;
      ActorRef<BackingFile.Command> file = ctx.spawn(BackingFileActor.create(w, img), "file");
      ActorRef<LoopDevice.Command> dev = ctx.spawn(LoopDevice.create(w, 0), "loop0");
      Env env = new Env(w, file, new BoundFile(file, "/img", false), new BoundFile(file, "/img", true),
          dev, new LoopIoctls(w, dev, 0));
      Runnable spawnHarts = () -> {
        int i = 1;
        for (List<Runner.Step> program : harts.apply(env)) {
          ctx.spawn(Runner.create(w, program), "hart-" + i++);
        }
      };
      Executor exec = new Executor(w, ctx.getSelf());
      if (setup == null) {
        spawnHarts.run();
      } else {
        exec.start("setup", setup.apply(env), v -> {
          cap.setupResult = v;
          spawnHarts.run();
        });
      }
      return Behaviors.<Reply<?>>receiveMessage(r -> {
        exec.onReply(r);
        return Behaviors.same();
      });
    });
  }

  /** An image of {@code size} bytes where byte i is {@code i * 7 + 1} (so reads are recognisable). */
  static BackingImage patterned(int size, BackingImage.Faults faults) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 7 + 1);
    }
    return new BackingImage(b, faults);
  }

  static byte[] block(int fill) {
    byte[] b = new byte[LoopBlockDevice.BLOCK_SIZE];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }
}
