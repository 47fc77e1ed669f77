package kernsim.cpu;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.flock;
import static kernsim.cpu.Syscalls.ftruncate;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.ioctlFd;
import static kernsim.cpu.Syscalls.open;
import static kernsim.fs.file.Uapi.LOCK_EX;
import static kernsim.fs.file.Uapi.LOCK_NB;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.Monitor;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;
import kernsim.dev.loop.Uevent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The udev-like prober: what it does after a loop device changes, and the windows its open makes. */
class ProberTest {
  static final String PROBER = "world/prober";
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static final List<Stmt> IMAGE = List.of(open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024),
      close("img"));

  static List<String> texts(List<Object> seen, String actor) {
    List<String> out = new ArrayList<>();
    for (Object o : seen) {
      if (o instanceof Calls.Started s && s.hart().equals(actor)) {
        out.add(s.text());
      }
    }
    return out;
  }

  static Kernel.Spec bindOnce(List<Stmt> more) {
    List<Stmt> hart = new ArrayList<>(List.of(open("/img", O_RDWR).as("img"), open("/dev/loop0", O_RDWR).as("ld")));
    hart.addAll(more);
    return new Kernel.Spec(1, IMAGE, List.of(hart)).withProber(true);
  }

  @Test
  void afterLoopSetFdTheProberOpensLocksReadsAndCloses() {
    Kernel.Spec spec = bindOnce(List.of(ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img")));
    for (long seed = 0; seed < 10; seed++) {
      List<Object> seen = new ArrayList<>();
      RunResult r = KernelWorld.run(sim, KernelWorld.spec("probe", spec, seen), seed);
      assertFalse(r.failed(), r.outcome());
      assertEquals(List.of("dev = open(\"/dev/loop0\", O_RDONLY)", "flock(dev, LOCK_SH|LOCK_NB)", "read(dev, 4096)",
          "close(dev)"), texts(seen, PROBER));
      List<Object> res = KernelWorld.results(seen, PROBER);
      assertInstanceOf(SysResult.Ok.class, res.get(0));
      assertEquals(SysResult.ok(0), res.get(1));
      assertEquals(4096, KernelWorld.ok(res.get(2)).value(), "the first block of the bound image");
      assertEquals(SysResult.ok(0), res.get(3));
      int uevent = -1;
      int probed = -1;
      for (int i = 0; i < seen.size(); i++) {
        if (seen.get(i) instanceof Uevent u && u.cause().equals("LOOP_SET_FD") && uevent < 0) {
          uevent = i;
        }
        if (seen.get(i) instanceof Calls.Started s && s.hart().equals(PROBER) && probed < 0) {
          probed = i;
        }
      }
      assertTrue(uevent >= 0 && uevent < probed, "the probe follows the uevent");
    }
  }

  @Test
  void theSetupsChangesAndFailedIoctlsAreNotProbed() {
    List<Stmt> setup = new ArrayList<>(IMAGE);
    setup.addAll(List.of(open("/img", O_RDWR).as("img"), open("/dev/loop0", O_RDWR).as("ld"),
        ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"), close("ld"), close("img")));
    Kernel.Spec spec = new Kernel.Spec(1, setup, List.of(List.of(open("/img", O_RDWR).as("img"),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img")))).withProber(true);
    List<Object> seen = new ArrayList<>();
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("no-probe", spec, seen), 3);
    assertFalse(r.failed(), r.outcome());
    assertEquals(SysResult.err(Errno.EBUSY), KernelWorld.results(seen, "world/hart-1").get(2));
    assertEquals(List.of(), texts(seen, PROBER));
  }

  @Test
  void theProberSkipsADeviceHeldWithLockEx() {
    // The hart locks the device before binding it and never lets go.
    Kernel.Spec spec = bindOnce(List.of(flock("ld", LOCK_EX), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img")));
    for (long seed = 0; seed < 10; seed++) {
      List<Object> seen = new ArrayList<>();
      RunResult r = KernelWorld.run(sim, KernelWorld.spec("skip", spec, seen), seed);
      assertFalse(r.failed(), r.outcome());
      assertEquals(List.of("dev = open(\"/dev/loop0\", O_RDONLY)", "flock(dev, LOCK_SH|LOCK_NB)", "close(dev)"),
          texts(seen, PROBER), "no read of a locked device");
      assertEquals(SysResult.err(Errno.EAGAIN), KernelWorld.results(seen, PROBER).get(1));
    }
  }

  /** Fails the run when {@code hart}'s call {@code index} returns {@code errno}. */
  static Monitor failsWhen(String hart, int index, Errno errno) {
    return new Monitor() {
      @Override
      public String name() {
        return "saw-" + errno;
      }

      @Override
      public void onObservation(Object o, Verdict v) {
        if (o instanceof Calls.Returned r && r.hart().equals(hart) && r.index() == index
            && SysResult.err(errno).equals(r.result())) {
          v.fail(r.text() + " = " + errno);
        }
      }
    };
  }

  /** Binds loop0, unbinds it, closes it, and removes it: what systemd's loop_device_free does, unlocked. */
  static Kernel.Spec bindUnbindRemove(boolean prober) {
    return new Kernel.Spec(1, IMAGE, List.of(List.of(open("/img", O_RDWR).as("img"),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"),
        ioctl("ld", LoopIoctl.LOOP_CLR_FD), close("ld"), open("/dev/loop-control", O_RDWR).as("ctl"),
        ioctl("ctl", LoopControl.LOOP_CTL_REMOVE, new kernsim.cpu.call.Syscall.Ioctl.Int(0))))).withProber(prober);
  }

  static WorldSpec removeSeesEbusy(Kernel.Spec spec) {
    return WorldSpec.of("remove-vs-prober", KernelWorld.MODEL, "remove-vs-prober", w -> Kernel.create(w, spec),
        w -> List.of(failsWhen("world/hart-1", 6, Errno.EBUSY)));
  }

  @Test
  void explorationFindsLoopCtlRemoveBusyWithTheProbersOpenAndReplaysIt() throws Exception {
    WorldSpec spec = removeSeesEbusy(bindUnbindRemove(true));
    // every oracle on: the prober's open after LOOP_CTL_REMOVE gets ENXIO, nothing hangs
    ExploreResult found = sim.explore(spec, ExploreOptions.pct(1, 500, 2));
    assertTrue(found.found(), "LOOP_CTL_REMOVE never saw the prober's open in " + found.iterations() + " schedules");
    RunResult run = found.failing().orElseThrow();
    Failure.SafetyViolation v = (Failure.SafetyViolation) run.failure().orElseThrow();
    assertEquals("saw-EBUSY", v.oracle());

    ReplayResult again = sim.replay(spec, run.trace());
    assertTrue(again.confirmed(), again.run().outcome());
  }

  @Test
  void withoutTheProberLoopCtlRemoveOfTheClosedDeviceNeverIsBusy() {
    ExploreResult r = sim.explore(removeSeesEbusy(bindUnbindRemove(false)), ExploreOptions.pct(1, 200, 2));
    assertEquals(200, r.iterations());
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome());
  }

  @Test
  void explorationFindsAClientsExclusiveFlockRefusedWhileTheProberHoldsItsSharedOne() throws Exception {
    // As systemd does: bind, then open the device again and lock it (the open is the window).
    Kernel.Spec spec = bindOnce(List.of(ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"),
        open("/dev/loop0", O_RDWR).as("lock"), flock("lock", LOCK_EX | LOCK_NB)));
    WorldSpec world = WorldSpec.of("flock-vs-prober", KernelWorld.MODEL, "flock-vs-prober",
        w -> Kernel.create(w, spec), w -> List.of(failsWhen("world/hart-1", 4, Errno.EAGAIN)));
    ExploreResult found = sim.explore(world, ExploreOptions.pct(1, 500, 2));
    assertTrue(found.found(), "the client's LOCK_EX never met the prober's LOCK_SH");
    ReplayResult again = sim.replay(world, found.failing().orElseThrow().trace());
    assertTrue(again.confirmed(), again.run().outcome());
  }
}
