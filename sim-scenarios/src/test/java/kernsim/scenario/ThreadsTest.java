package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.cpu.KernelWorld;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.oracle.ErrnoConformance;
import kernsim.oracle.Expectations;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Threads ({@code process NAME:} and {@code hart X in NAME:}): harts of one process share its fd table, as
 * CLONE_FILES threads do, in the model and in the oracles that follow fds; and {@code expect} statements,
 * which the {@code expectation} oracle checks after every schedule.
 */
class ThreadsTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** Two threads of one process write through one fd; one checks the shared offset after its own write. */
  static final String SHARED_OFFSET = """
      process p:
        fd = open("/f", O_RDWR|O_CREAT)
      hart a in p:
        n = write(fd, "aa")
        pos = lseek(fd, 0, SEEK_CUR)
        expect n == 2
        expect pos == 2
      hart b in p:
        write(fd, "bb")
      """;

  /** The same writes, but b is a process of its own with its own open of the file: no offset is shared. */
  static final String OWN_OFFSETS = """
      setup:
        file /f ""
      hart a:
        fd = open("/f", O_RDWR)
        n = write(fd, "aa")
        pos = lseek(fd, 0, SEEK_CUR)
        expect n == 2
        expect pos == 2
      hart b:
        fd = open("/f", O_RDWR)
        write(fd, "bb")
      """;

  static ExploreResult explore(Scenario s, int iterations) {
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    return sim.explore(w, ExploreOptions.pct(1, iterations, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
  }

  @Test
  void threadsShareTheirProcessFdTableAndItsVariables() throws ScenarioException {
    Scenario s = Scenarios.parse(SHARED_OFFSET, "shared.ksim");
    assertEquals(List.of("p", "p"), s.processOf());
    assertEquals(java.util.Map.of("world/a", "world/p", "world/b", "world/p"), s.threads());
    KernelWorld.Outcome o = Runs.run(sim, s, 1);
    assertEquals(SysResult.ok(0), o.results("world/p").get(0), "the process block ran on its leader");
    assertEquals(SysResult.ok(2), o.results("world/a").get(0), "a writes through the process's fd 0");
    assertEquals(SysResult.ok(2), o.results("world/b").get(0), "so does b");
  }

  /**
   * The race on the shared offset: b's write between a's write and a's lseek moves a's position to 4. PCT
   * from seed 1 finds it; its own trace, written and read back, replays the same failure.
   */
  @Test
  void explorationFindsTheRaceOnASharedOffsetAndItsTraceReplaysIt() throws Exception {
    Scenario s = Scenarios.parse(SHARED_OFFSET, "shared.ksim");
    ExploreResult r = explore(s, 200);
    assertTrue(r.found(), "nothing found in 200 PCT schedules");
    RunResult failing = r.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(Expectations.NAME, v.oracle());
    assertTrue(v.describe().contains("world/a, line 7: `expect pos == 2` does not hold: "
        + "`pos = lseek(fd, 0, SEEK_CUR)` returned 4"), v.describe());

    Trace trace = TraceCodec.decode(TraceCodec.encode(failing.trace()), "shared");
    // Read back under another name, as `kernsim replay` reads a trace's scenario: the same failure.
    Scenario again = Scenarios.parse(trace.header().text(), "shared.ksim (in shared.trace)");
    ReplayResult replay = sim.replay(new ScenarioWorld(again, Settings.fromOptions(trace.header().options())), trace);
    assertTrue(replay.confirmed(), replay.toString());
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
  }

  @Test
  void withAnOffsetOfItsOwnTheSameBudgetFindsNothing() throws ScenarioException {
    ExploreResult r = explore(Scenarios.parse(OWN_OFFSETS, "own.ksim"), 200);
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome().toString());
    assertEquals(200, r.iterations());
  }

  /**
   * One memfd, two threads: b's read may come before a's write (0 bytes). Found, and the message shows
   * what the read returned.
   */
  @Test
  void aRaceOnOneMemfdIsFoundByItsExpectation() throws ScenarioException {
    Scenario s = Scenarios.parse("""
        process p:
          m = memfd_create("m", 0)
        hart a in p:
          pwrite64(m, "xy", 0)
        hart b in p:
          r = pread64(m, 2, 0)
          expect r == "xy"
        """, "memfd.ksim");
    ExploreResult r = explore(s, 200);
    assertTrue(r.found(), "nothing found in 200 PCT schedules");
    String d = r.failing().orElseThrow().failure().orElseThrow().describe();
    assertTrue(d.contains("`expect r == \"xy\"` does not hold: `r = pread64(m, 2, 0)` returned 0 \"\""), d);
  }

  /**
   * The errno oracle keeps one fd table per process: both threads close the process's fd, so exactly one
   * gets EBADF, whichever runs first. Per hart, b's close of an fd b never opened would have to be EBADF,
   * and the schedules where b closes it first would be reported.
   */
  @Test
  void theErrnoOracleFollowsTheSharedTable() throws ScenarioException {
    Scenario s = Scenarios.parse("""
        process p:
          fd = open("/dev/loop0", O_RDWR)
        hart a in p:
          ra = close(fd)
        hart b in p:
          rb = close(fd)
        """, "close.ksim");
    ExploreResult r = explore(s, 100);
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome().toString());
    boolean bFirst = false;
    for (int i = 0; i < 100 && !bFirst; i++) {
      KernelWorld.Outcome o = Runs.run(sim, s, i);
      bFirst = o.results("world/b").get(0).equals(SysResult.ok(0));
    }
    assertTrue(bFirst, "some schedule lets b close the fd first");
  }

  /**
   * EMFILE counts the process's table: two threads opening 600 fds each fill one table of 1,024, so 176
   * opens fail with EMFILE, which the oracle allows (per hart, 600 would always fit and every EMFILE would
   * be called a violation).
   */
  @Test
  void theFdLimitIsTheProcessTable() throws ScenarioException {
    StringBuilder sb = new StringBuilder("setup:\n  file /f \"\"\nprocess p:\n  x = open(\"/f\", O_RDONLY)\n");
    for (String h : List.of("a", "b")) {
      sb.append("hart ").append(h).append(" in p:\n");
      for (int i = 0; i < 600; i++) {
        sb.append("  open(\"/f\", O_RDONLY)\n");
      }
    }
    Scenario s = Scenarios.parse(sb.toString(), "emfile.ksim");
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    ExploreResult r = sim.explore(w, ExploreOptions.random(1, 1).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome().toString());
    KernelWorld.Outcome o = Runs.run(sim, s, 1);
    long emfile = java.util.stream.Stream.concat(o.results("world/a").stream(), o.results("world/b").stream())
        .filter(x -> x.equals(SysResult.err(Errno.EMFILE))).count();
    assertEquals(1 + 1200 - 1024, emfile);
  }

  @Test
  void conformRefusesThreadsItCannotRunAsThreads() throws ScenarioException {
    String why = kernsim.conform.Conform.unsupported(Scenarios.parse(SHARED_OFFSET, "shared.ksim")).orElseThrow();
    assertTrue(why.contains("`process` blocks"), why);
    assertTrue(kernsim.conform.Conform.unsupported(Scenarios.parse(OWN_OFFSETS, "own.ksim")).isEmpty());
  }

  @Test
  void errorsHaveTheirPositions() {
    assertError("hart a in q:\n  close(0)\n", "x.ksim:1:11: error: unknown process `q`");
    assertError("hart a:\n  mkdir(\"/d\")\nprocess p:\n", "x.ksim:3:1: error: `process p:` must come before the first hart");
    assertError("process p:\nhart p:\n  mkdir(\"/d\")\n", "x.ksim:2:6: error: duplicate hart name `p`");
    assertError("hart a:\n  expect fd == 0\n", "x.ksim:2:10: error: `expect fd`: no statement of `hart a:` assigns");
    assertError("hart a:\n  fd = open(\"/f\", O_RDONLY)\n  expect fd = 0\n", "x.ksim:3:13: error: expected `==` or `!=`");
    assertError("hart a:\n  fd = open(\"/f\", O_RDONLY)\n  expect fd == EBADFF\n", "x.ksim:3:16: error: expected a number,"
        + " an errno name");
    assertError("outcome fine a: \"0\"\nhart a:\n  mkdir(\"/d\")\n", "x.ksim:1:9: error: unknown grade `fine`");
    assertError("outcome forbidden c: \"0\"\nhart a:\n  mkdir(\"/d\")\n", "x.ksim:1:19: error: `outcome` names hart `c`");
    assertError("outcome forbidden a 0\nhart a:\n  mkdir(\"/d\")\n", "x.ksim:1:21: error: expected `:`");
  }

  private static void assertError(String text, String start) {
    ScenarioException e = assertThrows(ScenarioException.class, () -> Scenarios.parse(text, "x.ksim"));
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}
