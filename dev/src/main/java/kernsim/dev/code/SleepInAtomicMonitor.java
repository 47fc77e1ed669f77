package kernsim.dev.code;

import kernsim.actors.Monitor;

/** The {@code sleep-in-atomic} oracle: fails the run at the first {@link SleepInAtomic}. */
public final class SleepInAtomicMonitor implements Monitor {
  public static final String NAME = "sleep-in-atomic";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object observation, Verdict verdict) {
    if (observation instanceof SleepInAtomic s) {
      verdict.fail(s.describe());
    }
  }
}
