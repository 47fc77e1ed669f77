package kernsim.actors.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A hung round's time-out does not count the time the whole process was stalled. */
class StallsTest {
  private static final long MS = 1_000_000L;

  @Test
  void onlyWakeUpsLateByMoreThanTheThresholdCountAsStalls() {
    StressRunner.Stalls s = new StressRunner.Stalls();
    s.checked(0);
    s.checked(100 * MS); // on time
    s.checked(250 * MS); // 50 ms late: a busy machine, not a stall
    assertEquals(0, s.stalledNanos());
    s.checked(250 * MS + 10_100 * MS); // slept 100 ms, woke 10 s late: the process was stalled
    assertEquals(10_000 * MS, s.stalledNanos());
    s.checked(250 * MS + 10_200 * MS + 600 * MS); // 600 ms late: over the 500 ms threshold
    assertEquals(10_600 * MS, s.stalledNanos());
  }
}
