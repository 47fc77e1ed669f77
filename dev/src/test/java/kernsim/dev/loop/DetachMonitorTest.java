package kernsim.dev.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code detach} oracle on hand-written observation sequences: what it passes and what it fails. */
class DetachMonitorTest {
  static List<String> feed(Object... observations) {
    DetachMonitor m = new DetachMonitor();
    List<String> failed = new ArrayList<>();
    for (Object o : observations) {
      m.onObservation(o, failed::add);
    }
    return failed;
  }

  static final LoopEvents.FileBound BOUND = new LoopEvents.FileBound("loop0", "world/file:img", "/img", false);
  static final LoopEvents.FileUnbound UNBOUND = new LoopEvents.FileUnbound("loop0", "world/file:img");

  @Test
  void aTeardownNobodyElseHoldsAndADetachThatFinishedBeforeTheReturnPass() {
    assertEquals(List.of(), feed(BOUND, new LoopEvents.TornDown("loop0", 0), UNBOUND,
        new LoopEvents.DetachReturned("loop0", "close")));
  }

  @Test
  void aTeardownUnderAnotherOpenerFails() {
    List<String> f = feed(BOUND, new LoopEvents.TornDown("loop0", 1), UNBOUND);
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).startsWith("__loop_clr_fd tore loop0 down while 1 opener besides its caller held it open"), f.get(0));
  }

  @Test
  void aCloseThatReturnsBeforeItsDetachFails() {
    List<String> f = feed(BOUND, new LoopEvents.DetachReturned("loop0", "close"), UNBOUND);
    assertEquals(List.of("close of loop0 returned with its autoclear detach still pending: loop0 still holds /img,"
        + " which userspace takes to be released"), f);
    assertEquals(List.of(), feed(BOUND, new LoopEvents.DetachReturned("loop1", "close")), "another device's return");
  }
}
