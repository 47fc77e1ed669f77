package kernsim.actors;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Knobs that change how a world runs, and so must be the same when a trace is replayed.
 *
 * @param maxSteps the step bound: a world still running after it is reported as a livelock
 * @param clockChoices whether "advance the clock" is offered while actors are runnable (otherwise
 *     timers fire only when nothing else can run)
 */
public record RunOptions(int maxSteps, boolean clockChoices) {
  public static final RunOptions DEFAULT = new RunOptions(100_000, true);

  public RunOptions {
    if (maxSteps < 1) {
      throw new IllegalArgumentException("maxSteps must be positive, got " + maxSteps);
    }
  }

  SortedMap<String, String> asMap() {
    TreeMap<String, String> m = new TreeMap<>();
    m.put("max-steps", Integer.toString(maxSteps));
    m.put("clock-choices", Boolean.toString(clockChoices));
    return m;
  }

  static RunOptions fromMap(SortedMap<String, String> m) {
    return new RunOptions(
        Integer.parseInt(m.getOrDefault("max-steps", "100000")),
        Boolean.parseBoolean(m.getOrDefault("clock-choices", "true")));
  }
}
