package kernsim.actors;

/**
 * @param run the replayed run
 * @param recorded how the recorded run ended
 */
public record ReplayResult(RunResult run, Trace.Footer recorded) {
  public boolean sameOutcome() {
    return run.outcome().equals(recorded.outcome());
  }

  public boolean sameHash() {
    return run.eventLogHash().equals(recorded.eventLogHash());
  }

  /** The replay reproduced the recorded run: same outcome, same event log. */
  public boolean confirmed() {
    return sameOutcome() && sameHash() && run.steps() == recorded.steps();
  }
}
