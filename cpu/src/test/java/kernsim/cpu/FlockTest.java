package kernsim.cpu;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.dup;
import static kernsim.cpu.Syscalls.flock;
import static kernsim.cpu.Syscalls.open;
import static kernsim.fs.file.Uapi.LOCK_EX;
import static kernsim.fs.file.Uapi.LOCK_NB;
import static kernsim.fs.file.Uapi.LOCK_SH;
import static kernsim.fs.file.Uapi.LOCK_UN;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_PATH;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BSD flock on open file descriptions ({@code fs.file.Flocks}), through the syscall table: one process
 * with several opens shows the semantics without any race; two harts show blocking, wake-up and a
 * flock-order deadlock that exploration finds and replays.
 */
class FlockTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static final SysResult OK = SysResult.ok(0);
  static final SysResult EAGAIN = SysResult.err(Errno.EAGAIN);

  /** Runs one hart's program (after a setup that makes /f) and returns its results. */
  static List<Object> alone(Stmt... program) {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, List.of(open("/f", O_RDWR | O_CREAT).as("c"), close("c")),
        List.of(List.of(program)));
    RunResult r = KernelWorld.run(sim, KernelWorld.spec("flock", spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    return KernelWorld.results(seen, "world/hart-1");
  }

  @Test
  void sharedLocksShareAndAnExclusiveOneConflictsWithThem() {
    List<Object> res = alone(
        open("/f", O_RDONLY).as("a"), open("/f", O_RDONLY).as("b"),
        flock("a", LOCK_SH), flock("b", LOCK_SH | LOCK_NB), // SH + SH
        flock("b", LOCK_EX | LOCK_NB)); // EX while a holds SH
    assertEquals(List.of(OK, OK, EAGAIN), res.subList(2, 5));
  }

  @Test
  void anExclusiveLockRefusesEveryOtherDescriptionOfTheInode() {
    List<Object> res = alone(
        open("/f", O_RDWR).as("a"), open("/f", O_RDONLY).as("b"),
        flock("a", LOCK_EX | LOCK_NB), flock("b", LOCK_SH | LOCK_NB), flock("b", LOCK_EX | LOCK_NB),
        flock("a", LOCK_EX | LOCK_NB)); // the holder asking again: kept
    assertEquals(List.of(OK, EAGAIN, EAGAIN, OK), res.subList(2, 6));
  }

  @Test
  void lockUnReleasesAndTwoOpensOfOneDeviceNodeAreOneInode() {
    List<Object> res = alone(
        open("/dev/loop0", O_RDONLY).as("a"), open("/dev/loop0", O_RDONLY).as("b"),
        flock("a", LOCK_EX), flock("b", LOCK_SH | LOCK_NB), flock("a", LOCK_UN), flock("b", LOCK_SH | LOCK_NB),
        flock("b", LOCK_UN), flock("b", LOCK_UN)); // unlocking nothing is fine
    assertEquals(List.of(OK, EAGAIN, OK, OK, OK, OK), res.subList(2, 8));
  }

  @Test
  void theLockGoesWithTheLastFdOfTheDescriptionNotTheFirst() {
    List<Object> res = alone(
        open("/f", O_RDWR).as("a"), dup("a").as("a2"), open("/f", O_RDONLY).as("b"),
        flock("a", LOCK_EX),
        flock("a2", LOCK_EX | LOCK_NB), // the dup shares the description: it holds the lock already
        close("a"), flock("b", LOCK_SH | LOCK_NB), // a2 still refers to it: still locked
        close("a2"), flock("b", LOCK_SH | LOCK_NB)); // the last fd: released
    assertEquals(List.of(OK, OK, OK, EAGAIN, OK, OK), res.subList(3, 9));
  }

  @Test
  void aConversionDropsTheOldLockEvenWhenTheNewOneIsRefused() {
    List<Object> res = alone(
        open("/f", O_RDONLY).as("a"), open("/f", O_RDONLY).as("b"), open("/f", O_RDONLY).as("c"),
        flock("a", LOCK_SH), flock("b", LOCK_SH),
        flock("a", LOCK_EX | LOCK_NB), // b holds SH: refused, and a's SH is gone (Linux drops it first)
        flock("c", LOCK_EX | LOCK_NB), // still b's SH
        flock("b", LOCK_EX | LOCK_NB), // b alone now: SH → EX converts
        flock("a", LOCK_SH | LOCK_NB), // b holds EX
        flock("b", LOCK_SH), // EX → SH
        flock("a", LOCK_SH | LOCK_NB));
    assertEquals(List.of(OK, OK, EAGAIN, EAGAIN, OK, EAGAIN, OK, OK), res.subList(3, 11));
  }

  @Test
  void badOperationsAreEinvalBeforeBadFdsAreEbadf() {
    List<Object> res = alone(
        open("/f", O_RDONLY).as("a"), open("/f", O_PATH).as("p"),
        flock("a", LOCK_SH | LOCK_EX), flock("a", 0), flock("a", LOCK_NB), flock("nofd", LOCK_SH | LOCK_EX),
        flock("nofd", LOCK_SH), flock("p", LOCK_SH), flock("p", LOCK_UN), flock("a", 32));
    assertEquals(List.of(SysResult.err(Errno.EINVAL), SysResult.err(Errno.EINVAL), SysResult.err(Errno.EINVAL),
        SysResult.err(Errno.EINVAL), SysResult.err(Errno.EBADF), SysResult.err(Errno.EBADF), OK, OK),
        res.subList(2, 10), "LOCK_MAND (32) is ignored, as Linux does");
  }

  @Test
  void aBlockedLockWaitsForTheHolderAndIsGrantedWhenItUnlocks() {
    // hart-1 holds EX on /f for two statements; hart-2's blocking LOCK_SH must come back after the unlock.
    Kernel.Spec spec = new Kernel.Spec(1, List.of(open("/f", O_RDWR | O_CREAT).as("c"), close("c")), List.of(
        List.of(open("/f", O_RDWR).as("a"), flock("a", LOCK_EX), flock("a", LOCK_EX), flock("a", LOCK_UN)),
        List.of(open("/f", O_RDONLY).as("b"), flock("b", LOCK_SH), close("b"))));
    int blocked = 0;
    for (long seed = 0; seed < 40; seed++) {
      List<Object> seen = new ArrayList<>();
      RunResult r = KernelWorld.run(sim, KernelWorld.spec("flock-wait", spec, seen), seed);
      assertFalse(r.failed(), r.outcome());
      assertEquals(List.of(OK, OK), KernelWorld.results(seen, "world/hart-2").subList(1, 3));
      // While hart-1 holds EX (from its flock's return to its unlock's start) hart-2's SH cannot return.
      int lockedAt = returnedAt(seen, "world/hart-1", 1);
      int unlockingAt = startedAt(seen, "world/hart-1", 3);
      int sharedAt = returnedAt(seen, "world/hart-2", 1);
      assertFalse(lockedAt < sharedAt && sharedAt < unlockingAt, "seed " + seed);
      if (startedAt(seen, "world/hart-2", 1) > lockedAt && sharedAt > unlockingAt) {
        blocked++; // asked while hart-1 held EX: it waited for the unlock
      }
    }
    assertTrue(blocked > 0, "no seed had hart-2 wait for hart-1's lock");
  }

  private static int returnedAt(List<Object> seen, String hart, int index) {
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i) instanceof Calls.Returned r && r.hart().equals(hart) && r.index() == index) {
        return i;
      }
    }
    throw new AssertionError(hart + " call " + index + " never returned");
  }

  private static int startedAt(List<Object> seen, String hart, int index) {
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i) instanceof Calls.Started s && s.hart().equals(hart) && s.index() == index) {
        return i;
      }
    }
    throw new AssertionError(hart + " call " + index + " never started");
  }

  /** Two harts take flocks on /x and /y in opposite orders (a flock-order deadlock when they interleave). */
  static Kernel.Spec lockOrder() {
    List<Stmt> setup = List.of(open("/x", O_RDWR | O_CREAT).as("c"), close("c"),
        open("/y", O_RDWR | O_CREAT).as("c"), close("c"));
    return new Kernel.Spec(0, setup, List.of(
        List.of(open("/x", O_RDWR).as("x"), open("/y", O_RDWR).as("y"), flock("x", LOCK_EX), flock("y", LOCK_EX),
            close("y"), close("x")),
        List.of(open("/x", O_RDWR).as("x"), open("/y", O_RDWR).as("y"), flock("y", LOCK_EX), flock("x", LOCK_EX),
            close("x"), close("y"))));
  }

  @Test
  void explorationFindsTheFlockOrderDeadlockAndReplaysIt() throws Exception {
    WorldSpec spec = KernelWorld.spec("flock-order", lockOrder(), new ArrayList<>());
    ExploreResult found = sim.explore(spec, ExploreOptions.pct(7, 500, 3));
    assertTrue(found.found(), "no deadlock in " + found.iterations() + " PCT schedules");
    RunResult run = found.failing().orElseThrow();
    Failure.Deadlock d = (Failure.Deadlock) run.failure().orElseThrow();
    List<String> cycle = d.cycle().stream().map(e -> e.waiter() + " -> " + e.on()).toList();
    assertEquals(List.of("world/hart-1 -> world/hart-2", "world/hart-2 -> world/hart-1"), cycle, d.describe());
    assertTrue(d.cycle().get(0).what().startsWith("flock "), d.describe());

    ReplayResult again = sim.replay(spec, run.trace());
    assertTrue(again.confirmed(), again.run().outcome());
    assertEquals(run.outcome(), again.run().outcome());
  }

  @Test
  void inOneOrderTheSamePairNeverDeadlocks() {
    Kernel.Spec ordered = new Kernel.Spec(0, lockOrder().setup(), List.of(lockOrder().harts().get(0),
        lockOrder().harts().get(0)));
    ExploreResult r = sim.explore(KernelWorld.spec("flock-ordered", ordered, new ArrayList<>()),
        ExploreOptions.pct(7, 300, 3));
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome());
  }
}
