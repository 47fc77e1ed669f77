package kernsim.junit;

/**
 * An {@link ActorTest} failed in some schedule: the message names the schedule, the failure and the trace
 * that replays it; the cause, if any, is what the test method threw in that schedule.
 */
public final class ActorTestFailure extends AssertionError {
  ActorTestFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
