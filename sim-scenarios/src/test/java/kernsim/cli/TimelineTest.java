package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.Monitor;
import kernsim.cpu.Calls;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.Test;

/** The timeline and the call-level interleaving table, from observations fed by hand. */
class TimelineTest {
  private static final Monitor.Verdict NEVER = m -> {
    throw new AssertionError("the recorder never fails a run: " + m);
  };

  private final Timeline.Recorder rec = new Timeline.Recorder(List.of("a", "b"));

  private void step(int i) {
    rec.onStep(new Monitor.Step(i, 0, "world/x", "msg"), NEVER);
  }

  private void emit(Object o) {
    rec.onObservation(o, "world/x", NEVER);
  }

  /** setup runs one call; then b starts at step 5, a runs a whole call in 6-7, b returns EBUSY at 9, a starts another. */
  private Timeline sample() {
    emit(new Calls.Started(Timeline.SETUP, 0, "mkdir(\"/dev\")", call("mkdir(\"/dev\")"), 0));
    step(0);
    emit(new Calls.Returned(Timeline.SETUP, 0, "mkdir(\"/dev\")", call("mkdir(\"/dev\")"), SysResult.ok(2), 0));
    emit(new Calls.Exited(Timeline.SETUP, 1));
    for (int i = 1; i < 5; i++) {
      step(i);
    }
    emit(new Calls.Started("world/b", 0, "ioctl(ld, LOOP_CLR_FD)", call("ioctl(ld, LOOP_CLR_FD)"), 0));
    step(5);
    emit(new Calls.Started("world/a", 0, "fd = open(\"/mnt/a\", O_RDWR)", call("fd = open(\"/mnt/a\", O_RDWR)"), 0));
    step(6);
    emit(new Calls.Returned("world/a", 0, "fd = open(\"/mnt/a\", O_RDWR)", call("fd = open(\"/mnt/a\", O_RDWR)"), SysResult.ok(3), 0));
    step(7);
    step(8);
    emit(new Calls.Returned("world/b", 0, "ioctl(ld, LOOP_CLR_FD)", call("ioctl(ld, LOOP_CLR_FD)"), SysResult.err(Errno.EBUSY), 0));
    emit(new Calls.Exited("world/b", 1));
    step(9);
    emit(new Calls.Started("world/a", 1, "umount2(\"/mnt\", 0)", call("umount2(\"/mnt\", 0)"), 0));
    return rec.timeline();
  }

  @Test
  void callsCarryTheStepsTheyStartedAndReturnedInAndTheirResults() {
    Timeline t = sample();
    assertEquals(List.of("world/setup", "world/a", "world/b"), t.harts().stream().map(Timeline.Hart::key).toList());
    Timeline.Hart a = t.harts().get(1);
    assertEquals("a", a.name());
    assertFalse(a.exited());
    assertEquals(new Timeline.Call(0, "fd = open(\"/mnt/a\", O_RDWR)", 6, 0, 7, 0, SysResult.ok(3)), a.calls().get(0));
    Timeline.Call umount = a.calls().get(1);
    assertFalse(umount.returned());
    assertEquals(10, umount.startStep());
    Timeline.Hart b = t.harts().get(2);
    assertTrue(b.exited());
    assertTrue(b.calls().get(0).failed());
    assertEquals("EBUSY", Timeline.result(b.calls().get(0).result()));
    assertEquals(List.of(umount), t.inProgress().stream().map(Timeline.Event::call).toList());
  }

  @Test
  void theTimelineShowsEachCallWithItsStepsAndResult() {
    List<String> lines = sample().render();
    assertEquals(List.of(
        "  setup: 1 statements (device nodes, then the scenario's setup), all succeeded, steps 0-1",
        "  a:",
        "    [ 6- 7]  fd = open(\"/mnt/a\", O_RDWR) = 3",
        "    [10-  ]  umount2(\"/mnt\", 0)   (had not returned)",
        "  b:",
        "    [ 5- 9]  ioctl(ld, LOOP_CLR_FD) = EBUSY"), lines);
  }

  @Test
  void theInterleavingHasARowPerSwitchBetweenHarts() {
    List<String> lines = InterleavingTable.calls(sample(), 120, 200);
    assertEquals(List.of(
        "steps | a                               | b",
        "------+---------------------------------+-------------------------",
        "    5 |                                 | ioctl(ld, LOOP_CLR_FD) \u2026",
        "  6-7 | fd = open(\"/mnt/a\", O_RDWR) = 3 |",
        "    9 |                                 | \u2026 = EBUSY",
        "   10 | umount2(\"/mnt\", 0) \u2026            |"), lines);
  }

  @Test
  void aLongInterleavingIsCutAtMaxRows() {
    List<String> lines = InterleavingTable.calls(sample(), 120, 2);
    assertEquals(2 + 2 + 1, lines.size(), String.join("\n", lines));
    assertEquals("... 2 more rows not shown (4 in all)", lines.get(lines.size() - 1));
  }

  @Test
  void setupIsListedInFullWhenOneOfItsCallsFailed() {
    emit(new Calls.Started(Timeline.SETUP, 0, "mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", call("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)"), 0));
    step(0);
    emit(new Calls.Returned(Timeline.SETUP, 0, "mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", call("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)"),
        SysResult.err(Errno.ENXIO), 0));
    emit(new Calls.Exited(Timeline.SETUP, 1));
    List<String> lines = rec.timeline().render();
    assertEquals("  setup:", lines.get(0));
    assertEquals("    [0-1]  mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0) = ENXIO", lines.get(1));
    // a and b never started a call: the timeline says so.
    assertTrue(lines.contains("    (stopped before its statement 0)"), String.join("\n", lines));
  }

  /** The call a statement's text makes, as the scenario language reads it. */
  private static kernsim.cpu.call.Call call(String text) {
    try {
      return kernsim.scenario.Scenarios.statement(text).call();
    } catch (kernsim.scenario.ScenarioException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
