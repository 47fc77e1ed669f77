package kernsim.oracle;

import java.util.List;
import kernsim.dev.SysResult;

/**
 * One call of a history: which hart ran it (index and name), its statement (index and text) and the
 * call it made (resolved), its interval in observation order ({@code start} at its Started, {@code end}
 * at its Returned), and its result. Until it returns (or when the result is not a {@link SysResult}),
 * its outcome is unknown.
 */
final class Call {
  final int id;
  final int hart;
  /**
   * The index of the hart's process, whose fd table the call uses: the hart's own, or for a thread
   * ({@code hart a in p:}) its process's, shared with the process's other harts.
   */
  final int proc;
  final String hartName;
  final int index;
  final String text;
  /** The call, its fds resolved as they were when it started. */
  final kernsim.cpu.call.Call call;
  final long start;
  /**
   * An ext4 mount's first part, taken as a call of its own just before the mount itself: the source and
   * its block handle, which claims the device ({@code mounted}) before the target is resolved and
   * attached. Its interval and result are the mount's.
   */
  final boolean claim;
  private long end = Long.MAX_VALUE;
  private SysResult result;
  private boolean returned;

  Call(int id, int hart, String hartName, int index, String text, kernsim.cpu.call.Call call, long start) {
    this(id, hart, hart, hartName, index, text, call, start, false);
  }

  Call(int id, int hart, int proc, String hartName, int index, String text, kernsim.cpu.call.Call call, long start,
      boolean claim) {
    this.claim = claim;
    this.id = id;
    this.hart = hart;
    this.proc = proc;
    this.hartName = hartName;
    this.index = index;
    this.text = text;
    this.call = call;
    this.start = start;
  }

  void returned(Object result, long end) {
    this.result = result instanceof SysResult r ? r : null;
    this.end = end;
    this.returned = true;
  }

  long end() {
    return end;
  }

  boolean isReturned() {
    return returned;
  }

  /** Not returned, or returned something other than a SysResult: any outcome, and the state is unknown after it. */
  boolean outcomeUnknown() {
    return result == null;
  }

  SysResult result() {
    return result;
  }

  /** The outcome class: {@link Outcomes#OK}, an errno's class, or {@link Outcomes#UNKNOWN}. */
  int actual() {
    return result == null ? Outcomes.UNKNOWN : Outcomes.of(result);
  }

  /** The success value (an fd), or -1. */
  int value() {
    return result instanceof SysResult.Ok ok ? (int) ok.value() : -1;
  }

  /** pipe2's two fds, or null. */
  int[] pair() {
    if (result instanceof SysResult.Ok ok && ok.data() instanceof List<?> l && l.size() == 2
        && l.get(0) instanceof Number a && l.get(1) instanceof Number b) {
      return new int[] {a.intValue(), b.intValue()};
    }
    return null;
  }

  /** The result as a report shows it: the value, or the errno's name; "…" while pending. */
  String shownResult() {
    if (!returned) {
      return "(pending)";
    }
    if (result == null) {
      return "?";
    }
    return result instanceof SysResult.Ok ok ? Long.toString(ok.value()) : result.errno().name();
  }

  /** {@code world/hart-1: fd = open("/mnt/f", O_RDWR) = 3}. */
  String shown() {
    return hartName + ": " + text + " = " + shownResult();
  }

  /** A short name: the syscall, or an ioctl's command. */
  String shortName() {
    return call instanceof kernsim.cpu.call.Syscall.Ioctl i ? i.cmdName() : call.name();
  }

  @Override
  public String toString() {
    return shown();
  }
}
