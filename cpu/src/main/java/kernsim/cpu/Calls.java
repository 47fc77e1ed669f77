package kernsim.cpu;

/** Observations a hart emits for each statement: the timeline, and what the oracles check. */
public final class Calls {
  private Calls() {}

  /** {@code hart} started statement {@code index} ({@code text}) at virtual time {@code nanos}. */
  public record Started(String hart, int index, String text, long nanos) {}

  /** {@code hart}'s statement {@code index} returned {@code result} (a SysResult, or a value). */
  public record Returned(String hart, int index, String text, Object result, long nanos) {}

  /** {@code hart} ran its whole program. */
  public record Exited(String hart, int statements) {}
}
