package kernsim.fs.ext4;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

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
import kernsim.dev.code.SleepInAtomicMonitor;
import kernsim.dev.file.BackingFile;
import kernsim.dev.loop.BoundFile;
import kernsim.dev.loop.FdArg;
import kernsim.dev.loop.IoctlArg;
import kernsim.dev.loop.LoopIoctl;
import kernsim.dev.loop.LoopDevice;
import kernsim.dev.loop.LoopIoctls;
import kernsim.dev.loop.ReadOnlyMonitor;
import kernsim.dev.loop.SingleMountMonitor;
import kernsim.fs.file.FileKind;
import kernsim.fs.file.RamFile;
import kernsim.fs.vfs.Location;
import kernsim.fs.vfs.MountTable;
import kernsim.fs.vfs.Tasks;
import kernsim.fs.vfs.Vfs;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The whole stack in one world: a mount table with a tmpfs root ({@code world/mounts}), {@code /dev/loop0}
 * ({@code world/loop0}), the VFS with {@link LoopExt4Driver}, and harts ({@code world/hart-N}). Steps
 * share an {@link Env}: the image file on tmpfs and the locations found so far.
 */
final class LoopWorld {
  /** /dev/loop0's node: the loop device as a block device (fs tests open no device files). */
  static kernsim.fs.file.DeviceNode node(LoopIoctls loop) {
    return new kernsim.fs.file.DeviceNode() {
      @Override
      public kernsim.fs.file.FileOps open(int flags) {
        return null;
      }

      @Override
      public kernsim.dev.block.BlockDeviceNode block() {
        return loop;
      }
    };
  }

  private LoopWorld() {}

  /** The image file's size: 256 blocks of 512 bytes. */
  static final int IMAGE = 128 * 1024;

  static final class Env {
    final World world;
    final Vfs vfs;
    final LoopIoctls loop;
    ActorRef<BackingFile.Command> img;
    final java.util.TreeMap<String, Location> at = new java.util.TreeMap<>();

    Env(World world, Vfs vfs, LoopIoctls loop) {
      this.world = world;
      this.vfs = vfs;
      this.loop = loop;
    }

    static Runner.Step step(String name, Supplier<Code> code) {
      return new Runner.Step(name, code);
    }

    /** /img (IMAGE bytes of zeros) on the root tmpfs, devtmpfs on /dev with /dev/loop0, and /mnt. */
    Runner.Step setup() {
      return step("setup", () -> Code.then(vfs.create("/img"), img -> {
        this.img = ((Location) img.data()).node().file();
        RamFile.Ops ops = new RamFile.Ops(this.img, FileKind.REGULAR, "img");
        return Code.then(ops.truncate(IMAGE), t -> Code.then(vfs.mkdir("/dev"),
            a -> Code.then(vfs.mount("none", "/dev", "devtmpfs", 0, null),
                b -> Code.then(vfs.mknod("/dev/loop0", node(loop)), c -> vfs.mkdir("/mnt")))));
      }));
    }

    /** LOOP_SET_FD with /img opened O_RDWR, or O_RDONLY when {@code readOnlyOpen}. */
    Runner.Step setFd(boolean readOnlyOpen) {
      return step("LOOP_SET_FD" + (readOnlyOpen ? " ro" : ""),
          () -> loop.ioctl(LoopIoctl.LOOP_SET_FD, new IoctlArg.File(FdArg.of(new BoundFile(img, "/img", readOnlyOpen)))));
    }

    Runner.Step mkfs() {
      return step("mkfs", () -> LoopExt4Driver.mkfs(loop));
    }

    /** A VFS call that ends in a Location, remembered under {@code path}. */
    Runner.Step located(String name, String path, Supplier<Code> code) {
      return step(name, () -> Code.bind(code.get(), v -> {
        if (v instanceof SysResult.Ok ok && ok.data() instanceof Location l) {
          at.put(path, l);
        }
        return Code.done(v);
      }));
    }

    /** The file operations of the ext4 file remembered under {@code path}. */
    Ext4FileOps ops(String path) {
      Location l = at.get(path);
      return ((Ext4FileSystem) l.fs()).fileOps(l.ino());
    }
  }

  record Outcome(RunResult run, List<Object> seen) {
    Object result(String step) {
      Object found = null;
      for (Object o : seen) {
        if (o instanceof Runner.Finished f && f.name().equals(step)) {
          if (found != null) {
            fail("two steps named " + step);
          }
          found = f.result();
        }
      }
      if (found == null) {
        fail("no step " + step + " finished; outcome " + run.outcome());
      }
      return found;
    }

    SysResult.Ok ok(String step) {
      return assertInstanceOf(SysResult.Ok.class, result(step), () -> step + ": " + result(step));
    }

    Errno errno(String step) {
      return assertInstanceOf(SysResult.Err.class, result(step), () -> step + ": " + result(step)).errno();
    }

    <T> List<T> of(Class<T> type) {
      return seen.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The index in the observations of the first {@code o} with {@code test(o)}, or -1. */
    int at(java.util.function.Predicate<Object> test) {
      return at(0, test);
    }

    /** The same, looking from index {@code from} on. */
    int at(int from, java.util.function.Predicate<Object> test) {
      for (int i = from; i < seen.size(); i++) {
        if (test.test(seen.get(i))) {
          return i;
        }
      }
      return -1;
    }
  }

  static Outcome run(Simulator sim, long seed, Function<Env, List<List<Runner.Step>>> programs) {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = WorldSpec.of("ext4 on loop", "fs-ext4-loop/1", "ext4 on loop", w -> Behaviors.setup(ctx -> {
      ActorRef<MountTable.Command> table = ctx.spawn(MountTable.create(w), "mounts");
      ActorRef<LoopDevice.Command> dev = ctx.spawn(LoopDevice.create(w, 0), "loop0");
      Env env = new Env(w, new Vfs(table, new LoopExt4Driver(), Tasks.NONE), new LoopIoctls(w, dev, 0));
      List<List<Runner.Step>> ps = programs.apply(env);
      for (int i = 0; i < ps.size(); i++) {
        ctx.spawn(Runner.create(w, ps.get(i)), "hart-" + (i + 1));
      }
      return Behaviors.empty();
    }), w -> List.of(new SleepInAtomicMonitor(), new SingleMountMonitor(), new ReadOnlyMonitor(),
        Monitor.recorder(seen)));
    RunResult r = sim.run(spec, Strategies.random(seed), new RunOptions(500_000, true), seed, 0);
    assertFalse(r.failed(), () -> r.outcome().toString());
    return new Outcome(r, seen);
  }

  /** One hart. */
  static Outcome run1(Simulator sim, Function<Env, List<Runner.Step>> steps) {
    return run(sim, 1, env -> List.of(steps.apply(env)));
  }
}
