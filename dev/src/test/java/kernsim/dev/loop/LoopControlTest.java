package kernsim.dev.loop;

import static kernsim.dev.loop.LoopWorld.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingFileActor;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /dev/loop-control with two devices at start, driven by one hart. */
class LoopControlTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  record Env(World world, LoopControlCalls ctl, BoundFile file) {
    /** Runs {@code f} on the ioctl code of device {@code index}, looked up through loop-control. */
    Code on(int index, Function<LoopIoctls, Code> f) {
      return Code.bind(ctl.lookup(index), d -> {
        LoopControl.Device dev = (LoopControl.Device) d;
        return f.apply(new LoopIoctls(world, dev.ref(), dev.index()));
      });
    }
  }

  private static LoopWorld.Captured run(Function<Env, List<Runner.Step>> program) {
    LoopWorld.Captured cap = new LoopWorld.Captured();
    WorldSpec spec = WorldSpec.of("loop-control", LoopWorld.MODEL, "loop-control", w -> Behaviors.setup(ctx -> {
      ActorRef<LoopControl.Command> ctl = ctx.spawn(LoopControl.create(w, 2), "loop-control");
      ActorRef<BackingFile.Command> f = ctx.spawn(BackingFileActor.create(w, BackingImage.ofSize(4096)), "file");
      Env env = new Env(w, new LoopControlCalls(ctl), new BoundFile(f, "/img", false));
      ctx.spawn(Runner.create(w, program.apply(env)), "hart-1");
      return Behaviors.empty();
    }), w -> {
      cap.events.clear();
      return List.of(Monitor.recorder(cap.events));
    });
    RunResult r = sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
    assertFalse(r.failed(), r.outcome());
    return cap;
  }

  private static void expect(LoopWorld.Captured cap, SysResult... results) {
    for (int i = 0; i < results.length; i++) {
      if (results[i] != null) {
        assertEquals(results[i], value(cap.result("hart-1", i)), "procedure " + i);
      }
    }
  }

  /** A result without the device an ADD or GET_FREE made (its {@link LoopControl.Added}: see {@link #added}). */
  private static Object value(Object r) {
    return r instanceof SysResult.Ok ok && ok.data() instanceof LoopControl.Added ? SysResult.ok(ok.value()) : r;
  }

  private static LoopControl.Added added(LoopWorld.Captured cap, int index) {
    return (LoopControl.Added) ((SysResult.Ok) cap.result("hart-1", index)).data();
  }

  @Test
  void getFreeReturnsTheLowestUnboundIndexAndAddsADeviceWhenAllAreBound() {
    LoopWorld.Captured cap = run(e -> List.of(
        step("GET_FREE", () -> e.ctl().getFree()),
        step("SET_FD loop0", () -> e.on(0, l -> l.ioctl(LoopIoctl.LOOP_SET_FD, new IoctlArg.File(FdArg.of(e.file()))))),
        step("GET_FREE", () -> e.ctl().ioctl(LoopControl.LOOP_CTL_GET_FREE, 0)),
        step("SET_FD loop1", () -> e.on(1, l -> l.ioctl(LoopIoctl.LOOP_SET_FD, new IoctlArg.File(FdArg.of(e.file()))))),
        step("GET_FREE", () -> e.ctl().getFree()),
        step("GET_FREE", () -> e.ctl().getFree()),
        step("CLR_FD loop0", () -> e.on(0, l -> l.ioctl(LoopIoctl.LOOP_CLR_FD, IoctlArg.none()))),
        step("GET_FREE", () -> e.ctl().getFree())));
    expect(cap, SysResult.ok(0), SysResult.ok(0), SysResult.ok(1), SysResult.ok(0), SysResult.ok(2),
        SysResult.ok(2), SysResult.ok(0), SysResult.ok(0));
    assertTrue(added(cap, 4).fresh(), "GET_FREE added loop2: its node is to be made");
    assertFalse(cap.result("hart-1", 5) instanceof SysResult.Ok ok && ok.data() != null, "loop2 existed: nothing added");
  }

  @Test
  void addIsEexistForAnExistingIndex() {
    LoopWorld.Captured cap = run(e -> List.of(
        step("ADD 1", () -> e.ctl().add(1)),
        step("ADD 5", () -> e.ctl().ioctl(LoopControl.LOOP_CTL_ADD, 5)),
        step("ADD 5", () -> e.ctl().add(5)),
        step("ADD -1", () -> e.ctl().add(-1)),
        step("lookup 5", () -> Code.bind(e.ctl().lookup(5), d -> Code.ok(((LoopControl.Device) d).index())))));
    expect(cap, SysResult.err(Errno.EEXIST), SysResult.ok(5), SysResult.err(Errno.EEXIST), SysResult.ok(2),
        SysResult.ok(5));
  }

  @Test
  void removeIsEnodevForAMissingDeviceAndEbusyForABoundOrOpenOne() {
    LoopWorld.Captured cap = run(e -> List.of(
        step("REMOVE 7", () -> e.ctl().remove(7)),
        step("SET_FD loop0", () -> e.on(0, l -> l.ioctl(LoopIoctl.LOOP_SET_FD, new IoctlArg.File(FdArg.of(e.file()))))),
        step("REMOVE 0", () -> e.ctl().ioctl(LoopControl.LOOP_CTL_REMOVE, 0)),
        step("open loop1", () -> e.on(1, l -> l.open(false))),
        step("REMOVE 1", () -> e.ctl().remove(1)),
        step("close loop1", () -> e.on(1, l -> l.close(false))),
        step("REMOVE 1", () -> e.ctl().remove(1)),
        step("lookup 1", () -> e.ctl().lookup(1)),
        step("REMOVE 1", () -> e.ctl().remove(1)),
        step("REMOVE -1", () -> e.ctl().remove(-1)),
        step("ADD 1", () -> e.ctl().add(1)),
        step("GET_STATUS loop1", () -> e.on(1, l -> l.ioctl(LoopIoctl.LOOP_GET_STATUS, IoctlArg.none()))),
        step("unknown", () -> e.ctl().ioctl(0x4C83, 0))));
    expect(cap, SysResult.err(Errno.ENODEV), SysResult.ok(0), SysResult.err(Errno.EBUSY), SysResult.ok(0),
        SysResult.err(Errno.EBUSY), SysResult.ok(0), SysResult.ok(0));
    assertNull(cap.result("hart-1", 7));
    assertEquals(SysResult.err(Errno.ENODEV), cap.result("hart-1", 8));
    assertEquals(SysResult.err(Errno.EINVAL), cap.result("hart-1", 9));
    assertEquals(SysResult.ok(1), value(cap.result("hart-1", 10))); // loop1 again (its actor revived, unbound)
    assertFalse(added(cap, 10).fresh(), "a removed index comes back as its old actor, whose node exists");
    assertEquals(SysResult.err(Errno.ENXIO), cap.result("hart-1", 11));
    assertEquals(SysResult.err(Errno.ENOTTY), cap.result("hart-1", 12));
  }
}
