package kernsim.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kernsim.cpu.KernelWorld;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.cpu.Calls;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** systemd's loop-util as a client: its happy path, its retry loops on virtual time, its lock order. */
class SystemdLoopUtilTest {
  static final Path CLIENTS = Path.of("src", "main", "resources", "kernsim", "clients");
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** One run of {@code s} under its own profile, with every observation recorded. */
  static List<Object> run(Scenario s, long seed) {
    KernelWorld.Outcome o = KernelWorld.run(sim, s.name(), s.text(), s.kernelSpec(), seed);
    assertTrue(o.result().failure().isEmpty(), "run failed: " + o.result().failure());
    return o.seen();
  }

  static <T> List<T> all(List<Object> seen, Class<T> type) {
    return seen.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static List<Calls.Returned> returned(List<Object> seen, String hart) {
    return all(seen, Calls.Returned.class).stream().filter(r -> r.hart().equals(hart)).toList();
  }

  static Scenario parse(String text) throws ScenarioException {
    return Scenarios.parse(text, "t.ksim");
  }

  @Test
  void makeBindsAFreeDeviceWriteReachesItAndFreeRemovesIt() throws Exception {
    Scenario s = parse("""
        loops 2
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
          loop_device_write(d, 0, "hi")
          loop_device_free(d)
          again = open("/dev/loop0", O_RDONLY)
        """);
    List<Object> seen = run(s, 1);
    List<String> texts = returned(seen, "world/c").stream().map(r -> r.text() + " = " + r.result()).toList();
    assertTrue(texts.contains("ioctl(__d_ctl, LOOP_CTL_GET_FREE) = 0"), texts.toString());
    assertTrue(texts.contains("flock(__d_lock, LOCK_EX) = 0"), texts.toString());
    assertTrue(texts.contains("ioctl(d, LOOP_GET_STATUS64) = ENXIO"), texts.toString());
    assertTrue(texts.stream().anyMatch(t -> t.startsWith("ioctl(d, LOOP_CONFIGURE") && t.endsWith(" = 0")), texts.toString());
    assertTrue(texts.contains("pwrite64(d, \"hi\", 0) = 2"), texts.toString());
    assertTrue(texts.contains("ioctl(d, LOOP_CLR_FD) = 0"), texts.toString());
    assertTrue(texts.contains("ioctl(__d_ctl, LOOP_CTL_REMOVE, 0) = 0"), texts.toString());
    // The removed device's node is stale: opening it is ENXIO (not a hang).
    assertEquals("again = open(\"/dev/loop0\", O_RDONLY) = ENXIO", texts.get(texts.size() - 1));
    // The free takes the control lock before the device lock (the seed's protocol).
    assertTrue(texts.indexOf("flock(__d_ctl, LOCK_EX) = 0") < texts.indexOf("flock(d, LOCK_EX) = 0"), texts.toString());

    assertEquals(List.of(new ClientEvents.Acquired("world/c", "systemd", 0, "/img")), all(seen, ClientEvents.Acquired.class));
    assertEquals(List.of(new ClientEvents.Released("world/c", "systemd", 0)), all(seen, ClientEvents.Released.class));
    List<ClientEvents.Wrote> wrote = all(seen, ClientEvents.Wrote.class);
    assertEquals(1, wrote.size());
    assertEquals("hi", new String(wrote.get(0).data(), java.nio.charset.StandardCharsets.UTF_8));
    List<ClientEvents.OpStarted> ops = all(seen, ClientEvents.OpStarted.class);
    assertEquals(List.of("loop_device_make", "loop_device_free"), ops.stream().map(ClientEvents.OpStarted::op).toList());
    assertEquals(SystemdLoopUtil.MAKE_BUDGET_NANOS, ops.get(0).budgetNanos());
    assertEquals(List.of("ok 3", "ok 0"), all(seen, ClientEvents.OpEnded.class).stream().map(ClientEvents.OpEnded::result).toList());
  }

  @Test
  void budgetsAreTheSeedsRetryBoundsTimesTheirBackOffs() {
    // (4*5 + 5*10 + 5*20 + 5*40 + 5*80 + 5*160 + 5*320 + 4*640) ms: 38 sleeps, 5730 ms.
    assertEquals(5_730_000_000L, SystemdLoopUtil.FREE_BUDGET_NANOS);
    long outer = 0;
    for (int n = 1; n < 64; n++) {
      outer += 10_000 + 240_000L * n / 64;
    }
    long inner = 0;
    for (int n = 1; n < 64; n++) {
      inner += 10_000 + 240_000L * n / 64;
    }
    assertEquals((outer + 64 * inner) * 1000, SystemdLoopUtil.MAKE_BUDGET_NANOS);
  }

  @Test
  void usleepSuspendsTheHartForVirtualTimeWhileOthersRun() throws Exception {
    Scenario s = parse("""
        hart sleeper:
          usleep(1500)
          nanosleep(7)
        hart other:
          mkdir("/x")
        """);
    List<Object> seen = run(s, 3);
    List<Calls.Started> started = all(seen, Calls.Started.class).stream().filter(c -> c.hart().equals("world/sleeper")).toList();
    List<Calls.Returned> done = returned(seen, "world/sleeper");
    assertEquals(SysResult.ok(0), done.get(0).result());
    assertEquals(1_500_000, done.get(0).nanos() - started.get(0).nanos());
    assertEquals(7, done.get(1).nanos() - started.get(1).nanos());
    assertTrue(((SysResult) returned(seen, "world/other").get(0).result()).isOk());
  }

  /**
   * Another opener keeps the device open: LOOP_CTL_REMOVE is EBUSY every time, so loop_device_free
   * tries 39 times, sleeping 5 ms doubling every 5 attempts — exactly its budget of virtual time — and
   * then gives up (logged, ignored).
   */
  @ParameterizedTest
  @ValueSource(strings = {"starry", "linux"})
  void removeIsRetriedOnEbusyWithTheDoublingDelayThenGivenUp(String profile) throws Exception {
    Scenario s = parse("""
        profile %s
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
          loop_device_free(d)
        hart holder:
          h = open("/dev/loop0", O_RDONLY)
        """.formatted(profile));
    List<Object> seen = run(s, 5);
    List<Calls.Returned> calls = returned(seen, "world/c");
    List<Calls.Returned> removes = calls.stream().filter(r -> r.text().startsWith("ioctl(__d_ctl, LOOP_CTL_REMOVE")).toList();
    assertEquals(39, removes.size());
    assertTrue(removes.stream().allMatch(r -> r.result().equals(SysResult.err(Errno.EBUSY))), removes.toString());
    List<String> sleeps = calls.stream().map(Calls.Returned::text).filter(t -> t.startsWith("usleep(")).toList();
    assertEquals(38, sleeps.size());
    assertEquals("usleep(5000)", sleeps.get(0));
    assertEquals("usleep(10000)", sleeps.get(4));
    assertEquals("usleep(640000)", sleeps.get(37));
    ClientEvents.OpStarted free = all(seen, ClientEvents.OpStarted.class).get(1);
    ClientEvents.OpEnded ended = all(seen, ClientEvents.OpEnded.class).get(1);
    assertEquals("loop_device_free", free.op());
    assertEquals(SystemdLoopUtil.FREE_BUDGET_NANOS, ended.nanos() - free.nanos());
  }

  /**
   * A racing hart binds loop0 behind systemd's back (no BSD lock): in some schedules make gets loop0
   * from LOOP_CTL_GET_FREE, finds it bound (or LOOP_CONFIGURE says EBUSY), drops the control lock, sleeps
   * a random back-off below 10 ms + 240 ms × 1/64 drawn from the world's seed, and takes loop1 next.
   */
  @Test
  void makeRetriesEbusyWithARandomBackOffOnVirtualTime() throws Exception {
    Scenario s = parse("""
        loops 2
        setup:
          image /img 16K
          image /other 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
        hart binder:
          o = open("/other", O_RDWR)
          l = open("/dev/loop0", O_RDWR)
          ioctl(l, LOOP_SET_FD, o)
        """);
    int retried = 0;
    for (long seed = 1; seed <= 200; seed++) {
      List<Object> seen = run(s, seed);
      List<Calls.Returned> calls = returned(seen, "world/c");
      int sleep = -1;
      for (int i = 0; i < calls.size(); i++) {
        if (calls.get(i).text().startsWith("usleep(")) {
          sleep = i;
          break;
        }
      }
      if (sleep < 0) {
        continue;
      }
      retried++;
      Calls.Returned before = calls.get(sleep - 1);
      assertEquals("flock(__d_ctl, LOCK_UN)", before.text()); // the control lock goes before the sleep
      long usec = Long.parseLong(calls.get(sleep).text().replaceAll("\\D", ""));
      assertTrue(usec < 10_000 + 240_000 / 64, "back-off " + usec);
      assertTrue(calls.stream().anyMatch(r -> r.text().equals("ioctl(__d_ctl, LOOP_CTL_GET_FREE)")
          && r.result().equals(SysResult.ok(1))), calls.toString());
      assertEquals(List.of(new ClientEvents.Acquired("world/c", "systemd", 1, "/img")), all(seen, ClientEvents.Acquired.class));
      ClientEvents.OpStarted op = all(seen, ClientEvents.OpStarted.class).get(0);
      ClientEvents.OpEnded end = all(seen, ClientEvents.OpEnded.class).get(0);
      assertTrue(end.nanos() - op.nanos() >= usec * 1000, "slept on virtual time");
      assertTrue(end.nanos() - op.nanos() <= op.budgetNanos());
    }
    assertTrue(retried > 0, "no schedule in 200 drove make's EBUSY retry");
  }

  @Test
  void reversedFreeLockOrderDeadlocksWithMakeAndTheTraceReplaysIt() throws Exception {
    Scenario s = Scenarios.load(CLIENTS.resolve("systemd-free-reversed.ksim"));
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    ExploreResult r = sim.explore(w, ExploreOptions.pct(1, 2000, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertTrue(r.found(), "no deadlock in 2000 PCT schedules");
    RunResult failing = r.failing().orElseThrow();
    Failure.Deadlock d = assertInstanceOf(Failure.Deadlock.class, failing.failure().orElseThrow());
    String cycle = d.cycle().toString();
    assertEquals(2, d.cycle().size(), cycle);
    assertTrue(cycle.contains("flock loop-control") && cycle.contains("flock loop0"), cycle);

    Trace trace = TraceCodec.decode(TraceCodec.encode(failing.trace()), "t");
    Scenario again = Scenarios.parse(trace.header().text(), "systemd-free-reversed.ksim");
    ReplayResult replay = sim.replay(new ScenarioWorld(again, Settings.fromOptions(trace.header().options())), trace);
    assertTrue(replay.confirmed(), replay.toString());
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
  }

  @Test
  void theSeedsLockOrderHasNoDeadlockInTheSameBudget() throws Exception {
    Scenario s = Scenarios.load(CLIENTS.resolve("systemd-make-vs-free.ksim"));
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    ExploreResult r = sim.explore(w, ExploreOptions.pct(1, 2000, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertFalse(r.found(), () -> "found " + r.failing().orElseThrow().failure());
    assertEquals(2000, r.iterations());
  }

  @Test
  void scenarioMistakesAreErrorsAtTheirPosition() {
    ScenarioException noVar = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class, () -> parse("""
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          loop_device_make(img, O_RDWR, LOCK_EX)
        """));
    assertTrue(noVar.getMessage().startsWith("t.ksim:5:3: error: `loop_device_make` returns a device handle"),
        noVar.getMessage());
    ScenarioException notHandle = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class, () -> parse("""
        hart c:
          fd = open("/dev/loop0", O_RDWR)
          loop_device_free(fd)
        """));
    assertTrue(notHandle.getMessage().startsWith("t.ksim:3:20: error: expected a device handle"), notHandle.getMessage());
    ScenarioException option = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class, () -> parse("""
        client-option systemd-free-backwards
        hart c:
          usleep(1)
        """));
    assertTrue(option.getMessage().startsWith("t.ksim:1:15: error: unknown client option"), option.getMessage());
    ScenarioException hidden = org.junit.jupiter.api.Assertions.assertThrows(ScenarioException.class, () -> parse("""
        hart c:
          __d_lock = open("/dev/loop0", O_RDWR)
        """));
    assertTrue(hidden.getMessage().startsWith("t.ksim:2:3: error: variable names starting with `__`"), hidden.getMessage());
  }

  @Test
  void theSameSeedGivesTheSameEventLog() throws Exception {
    Scenario s = Scenarios.load(CLIENTS.resolve("systemd-2-make-free-prober.ksim"));
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    String[] hashes = new String[2];
    for (int i = 0; i < 2; i++) {
      RunResult r = sim.run(w, Strategies.random(42), w.runOptions(RunOptions.DEFAULT), 42, 0);
      assertTrue(r.failure().isEmpty(), String.valueOf(r.failure()));
      hashes[i] = r.eventLogHash();
    }
    assertNotNull(hashes[0]);
    assertEquals(hashes[0], hashes[1]);
  }
}
