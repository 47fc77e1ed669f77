package kernsim.actors;

/** A readable trace recorded against a different model, scenario or options than the replay's. */
public final class TraceMismatchException extends Exception {
  public TraceMismatchException(String message) {
    super(message);
  }
}
