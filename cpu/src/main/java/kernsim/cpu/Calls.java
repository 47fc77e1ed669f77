package kernsim.cpu;

import kernsim.cpu.call.Call;

/**
 * Observations a hart emits for each call of its process: the timeline, and what the oracles check.
 * {@code call} is the call with its fd variables resolved as they were when it started; {@code text} is
 * how the statement shows ({@link Stmt#text()}).
 */
public final class Calls {
  private Calls() {}

  /** {@code hart} started call {@code index} ({@code call}, shown as {@code text}) at virtual time {@code nanos}. */
  public record Started(String hart, int index, String text, Call call, long nanos) {}

  /** {@code hart}'s call {@code index} returned {@code result} (a SysResult, or a value). */
  public record Returned(String hart, int index, String text, Call call, Object result, long nanos) {}

  /**
   * {@code hart}'s open made {@code fd} on the tmpfs file whose actor is {@code file} (the key its
   * {@code RamFile.Written} and {@code Changed} observations carry), emitted as the open returns, so an
   * oracle can tell which file a path named.
   */
  public record Opened(String hart, int fd, String file) {}

  /** {@code hart} ran its whole program. */
  public record Exited(String hart, int statements) {}
}
