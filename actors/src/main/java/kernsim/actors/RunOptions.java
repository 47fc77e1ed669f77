package kernsim.actors;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Knobs that change how a world runs, and so must be the same when a trace is replayed.
 *
 * @param maxSteps the step bound: a world still running after it is reported as a livelock
 * @param clockChoices whether "advance the clock" is offered while actors are runnable (otherwise
 *     timers fire only when nothing else can run)
 * @param deadlocks the {@code deadlock} oracle: a world that stops with actors still waiting fails
 *     with the wait-for cycle (off: it just ends, and the monitors' end checks run)
 * @param livelocks the {@code livelock} oracle: a world that reaches its step bound fails (off: it just
 *     stops there, without the end checks)
 */
public record RunOptions(int maxSteps, boolean clockChoices, boolean deadlocks, boolean livelocks) {
  public static final RunOptions DEFAULT = new RunOptions(100_000, true);

  public RunOptions {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be positive, got " + maxSteps);
    }
  }

  /** Both the deadlock and the livelock oracle on. */
  public RunOptions(int maxSteps, boolean clockChoices) {
    this(maxSteps, clockChoices, true, true);
  }

  public RunOptions withOracles(boolean deadlocks, boolean livelocks) {
    return new RunOptions(maxSteps, clockChoices, deadlocks, livelocks);
  }

  SortedMap<String, String> asMap() {
    TreeMap<String, String> m = new TreeMap<>();
    m.put("max-steps", Integer.toString(maxSteps));
    m.put("clock-choices", Boolean.toString(clockChoices));
    m.put("deadlocks", Boolean.toString(deadlocks));
    m.put("livelocks", Boolean.toString(livelocks));
    return m;
  }

  static RunOptions fromMap(SortedMap<String, String> m) {
    return new RunOptions(
        Integer.parseInt(m.getOrDefault("max-steps", "100000")),
        Boolean.parseBoolean(m.getOrDefault("clock-choices", "true")),
        Boolean.parseBoolean(m.getOrDefault("deadlocks", "true")),
        Boolean.parseBoolean(m.getOrDefault("livelocks", "true")));
  }
}
