package kernsim.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;

/**
 * {@link ActorTest} as a user sees it, through JUnit's own engine ({@link Samples}): a read-modify-write
 * through Pekko's ask is found, named by its schedule, its trace written and replayed to the same failure;
 * the atomic version passes; expect-failure passes on the race and fails without it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActorTestExtensionTest {
  @TempDir static Path traces;

  private static Events run(Class<?> c) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter(ActorTestExtension.TRACE_DIR, traces.toString())
        .selectors(selectClass(c))
        .execute()
        .testEvents();
  }

  private static Throwable onlyFailure(Events events) {
    events.assertStatistics(s -> s.started(1).failed(1).succeeded(0));
    List<Event> failed = events.failed().list();
    return failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
        .getThrowable().orElseThrow();
  }

  private static int schedule(String message) {
    Matcher m = Pattern.compile("failed in schedule (\\d+) of").matcher(message);
    assertTrue(m.find(), message);
    return Integer.parseInt(m.group(1));
  }

  @Test
  @Order(1)
  void aLostUpdateThroughAskIsFoundNamedByItsScheduleAndItsTraceWritten() throws Exception {
    Throwable t = onlyFailure(run(Samples.LostDeposit.class));
    ActorTestFailure f = assertInstanceOf(ActorTestFailure.class, t);
    String m = f.getMessage();
    assertTrue(m.contains("kernsim: lost-deposit failed in schedule "), m);
    assertTrue(m.contains("of pct (seed 1, depth 3)"), m);
    assertTrue(m.contains("failure: safety-violation: [test] org.opentest4j.AssertionFailedError: the balance after"
        + " both deposits ==> expected: <130> but was: <"), m);
    Path trace = traces.resolve("lost-deposit.trace");
    assertTrue(m.contains("trace: " + trace.toAbsolutePath()), m);
    assertTrue(m.contains("replay: @ActorTest(replay = \"lost-deposit.trace\")"), m);
    // The last steps, and the whole event log beside the trace: what each actor handled, in order.
    Path log = traces.resolve("lost-deposit.log");
    List<String> steps = Files.readAllLines(log);
    assertTrue(m.contains("the last " + Math.min(ActorTestExtension.LAST_STEPS, steps.size()) + " of " + steps.size()
        + " steps (step, virtual time, actor, message; all of them in " + log.toAbsolutePath() + "):"), m);
    assertTrue(m.endsWith(steps.get(steps.size() - 1)), m);
    assertTrue(steps.stream().anyMatch(l -> l.contains(" world/alice "))
        && steps.stream().anyMatch(l -> l.contains(" world/bob ")), String.join("\n", steps));
    // The cause is the test's own assertion, as the IDE shows it.
    AssertionFailedError cause = assertInstanceOf(AssertionFailedError.class, f.getCause());
    assertEquals(130, cause.getExpected().getValue());
    int lost = (Integer) cause.getActual().getValue();
    assertTrue(lost == 110 || lost == 120, "one deposit lost: " + lost);

    Trace written = TraceCodec.read(trace);
    assertEquals("lost-deposit", written.header().scenario());
    assertEquals("pct", written.header().strategy());
    assertEquals(1, written.header().seed());
    assertEquals(schedule(m), written.header().iteration() + 1, "messages count schedules from 1, the trace from 0");
    assertTrue(written.footer().outcome().startsWith("safety-violation: [test] "), written.footer().outcome());

    // Deterministic: the same exploration fails in the same schedule with the same trace.
    Throwable again = onlyFailure(run(Samples.LostDeposit.class));
    assertEquals(schedule(m), schedule(again.getMessage()));
    assertEquals(written.footer(), TraceCodec.read(trace).footer());
  }

  @Test
  @Order(2)
  void theTraceReplaysToTheSameFailure() throws Exception {
    Trace recorded = TraceCodec.read(traces.resolve("lost-deposit.trace"));
    Throwable t = onlyFailure(run(Samples.LostDepositReplay.class));
    String m = t.getMessage();
    assertTrue(m.contains("kernsim: replayed "), m);
    assertTrue(m.contains("replayed: " + recorded.footer().outcome() + ", " + recorded.footer().steps() + " steps"), m);
    // The replayed run is the recorded one, step for step (actors and times; temporary actors' names may differ).
    List<String> explored = Files.readAllLines(traces.resolve("lost-deposit.log"));
    List<String> replayed = Files.readAllLines(traces.resolve("lost-deposit.replay.log"));
    assertEquals(explored.size(), replayed.size());
    for (int i = 0; i < explored.size(); i++) {
      String[] e = explored.get(i).split(" ", 4);
      String[] p = replayed.get(i).split(" ", 4);
      assertEquals(List.of(e[0], e[1], e[2]), List.of(p[0], p[1], p[2]), "step " + i);
    }
    assertEquals(recorded.footer().outcome(), "safety-violation: [test] " + Iteration.describe(t.getCause()) + " (at world)");
  }

  @Test
  @Order(3)
  void randomFindsItToo() {
    Throwable t = onlyFailure(run(Samples.LostDepositRandom.class));
    assertTrue(t.getMessage().contains("of random (seed 7)"), t.getMessage());
    assertTrue(Files.exists(traces.resolve("lost-deposit-random.trace")));
  }

  @Test
  @Order(4)
  void expectFailurePassesOnTheRaceWritesItsTraceAndItsReplayPassesToo() {
    run(Samples.LostDepositExpected.class).assertStatistics(s -> s.started(1).succeeded(1).failed(0));
    assertTrue(Files.exists(traces.resolve("lost-deposit-expected.trace")));
    run(Samples.LostDepositReplayExpected.class).assertStatistics(s -> s.started(1).succeeded(1).failed(0));
  }

  @Test
  @Order(5)
  void theAtomicDepositPassesAndExpectFailureFailsWithoutARace() {
    Events events = run(Samples.AtomicDeposits.class);
    events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    Throwable t = events.failed().list().get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .orElseThrow().getThrowable().orElseThrow();
    assertTrue(t.getMessage().contains("no failing schedule in 50 schedules of pct (seed 1, depth 3), but the test"
        + " expects one (expectFailure = true)"), t.getMessage());
  }

  @Test
  @Order(6)
  void aTraceOfTheTestBeforeItChangedDiverges() {
    Throwable t = onlyFailure(run(Samples.ChangedSinceTheTrace.class));
    assertInstanceOf(ActorTestFailure.class, t);
    assertTrue(t.getMessage().contains("replayed: replay-divergence: "), t.getMessage());
  }

  @Test
  @Order(6)
  void pekkosJavaApiAskNeverPasses() {
    String m = onlyFailure(run(Samples.JavaApiAsk.class)).getMessage();
    assertTrue(m.contains("threw NondeterministicSubmission") || m.contains("expected: <110> but was: <100>"), m);
  }

  @Test
  @Order(6)
  void aTraceOfAnotherTestIsRefused() {
    Throwable t = onlyFailure(run(Samples.WrongTrace.class));
    assertTrue(t.getMessage().contains("the trace is not this test's"), t.getMessage());
  }

  @Test
  @Order(7)
  void mistakesInTheAnnotationOrTheMethodAreNamed() {
    Events events = run(Samples.Mistakes.class);
    events.assertStatistics(s -> s.started(3).failed(3));
    List<String> messages = events.failed().list().stream()
        .map(e -> e.getTestDescriptor().getDisplayName() + ": " + e.getPayload(
            org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage())
        .sorted().toList();
    assertTrue(messages.get(0).startsWith("noIterations(ActorWorld): @ActorTest: iterations must be positive, got 0"),
        messages.get(0));
    assertTrue(messages.get(1).startsWith("noSuchTrace(ActorWorld): @ActorTest(replay = \"no-such.trace\"): cannot read "),
        messages.get(1));
    assertTrue(messages.get(2).startsWith("noWorld(): @ActorTest method noWorld must take exactly one parameter,"
        + " an ActorWorld"), messages.get(2));
  }

  @Test
  @Order(7)
  void beforeEachRunsOnceAroundTheExplorationAndTheMethodOncePerSchedule() {
    Samples.Lifecycle.befores = 0;
    Samples.Lifecycle.schedules = 0;
    run(Samples.Lifecycle.class).assertStatistics(s -> s.started(1).succeeded(1));
    assertEquals(1, Samples.Lifecycle.befores);
    assertEquals(10, Samples.Lifecycle.schedules);
  }

  @Test
  @Order(7)
  void anActorsExceptionFailsTheScheduleAndABadSettingIsNamed() {
    Events events = run(Samples.Throws.class);
    events.assertStatistics(s -> s.started(2).failed(2));
    List<String> messages = events.failed().list().stream()
        .map(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
            .getThrowable().orElseThrow().getMessage())
        .sorted().toList();
    assertTrue(messages.get(0).contains("@ActorTest(strategy = \"bogus\"): unknown strategy 'bogus'"), messages.get(0));
    assertTrue(messages.get(1).contains("failed in schedule 1 of pct")
        && messages.get(1).contains("unexpected-exception: world/bomb threw java.lang.IllegalStateException: boom on fuse"),
        messages.get(1));
  }
}
