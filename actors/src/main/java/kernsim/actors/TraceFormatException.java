package kernsim.actors;

/** A trace file that cannot be read: not a trace, truncated, or corrupt. The message says which. */
public final class TraceFormatException extends Exception {
  public TraceFormatException(String message) {
    super(message);
  }
}
