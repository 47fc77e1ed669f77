package kernsim.dev.loop;

import kernsim.actors.Monitor;

/**
 * The {@code read-only} oracle, for writes through loop devices: fails at the first
 * {@link LoopEvents.BackingWrite} to a backing file bound from an {@code O_RDONLY} fd. (Writes while the
 * device's {@code ro} is set can be checked against {@link LoopEvents.RoStored}; the source checks
 * {@code ro} before every write path, so that part of the oracle is left to scenario-level checkers.)
 */
public final class ReadOnlyMonitor implements Monitor {
  public static final String NAME = "read-only";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object observation, Verdict verdict) {
    if (observation instanceof LoopEvents.BackingWrite w && w.readOnlyOpen()) {
      verdict.fail(w.device() + " wrote " + w.length() + " bytes at " + w.offset() + " to " + w.file()
          + ", opened O_RDONLY (via " + w.via() + ")");
    }
  }
}
