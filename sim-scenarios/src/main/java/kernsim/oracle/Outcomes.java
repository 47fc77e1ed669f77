package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;

/**
 * What a sequential specification answers for one call in one state: the outcomes it allows, each with
 * the state after it. Outcome classes are ints: {@link #OK}, an errno ({@link #err}), {@link #ANY_ERR}
 * or {@link #ANY}. Only the states after outcomes that match the call's actual result are kept; when
 * explaining a failure, every allowed outcome is also recorded with a short reason.
 */
final class Outcomes {
  static final int OK = 0;
  /** The actual outcome is unknown (pending): every allowed outcome matches. */
  static final int UNKNOWN = -1;
  static final int ANY_ERR = -2;
  static final int ANY = -3;

  private static final Errno[] ERRNOS = Errno.values();

  final Call call;
  private final int actual;
  private final boolean explaining;
  private final List<String> hartNames;
  private final List<SpecState> next = new ArrayList<>(2);
  private final List<String> allowed;

  Outcomes(Call call, boolean explaining, List<String> hartNames) {
    this.call = call;
    this.actual = call.actual();
    this.explaining = explaining;
    this.hartNames = hartNames;
    this.allowed = explaining ? new ArrayList<>() : null;
  }

  static int of(SysResult r) {
    return r instanceof SysResult.Err e ? err(e.errno()) : OK;
  }

  static int err(Errno e) {
    return 1 + e.ordinal();
  }

  static String name(int outcome) {
    return switch (outcome) {
      case OK -> "success";
      case ANY_ERR -> "an error";
      case ANY -> "any result";
      case UNKNOWN -> "unknown";
      default -> ERRNOS[outcome - 1].name();
    };
  }

  /** Whether an outcome of class {@code outcome} is the call's actual one. */
  boolean matches(int outcome) {
    return outcome == ANY || actual == UNKNOWN || outcome == actual || (outcome == ANY_ERR && actual > OK);
  }

  boolean actualOk() {
    return actual == OK;
  }

  boolean explaining() {
    return explaining;
  }

  String hartName(int hart) {
    return hart < hartNames.size() ? hartNames.get(hart) : "hart#" + hart;
  }

  /** Allows {@code outcome}, after which the state is {@code after} (null: the caller has none for it). */
  void allow(int outcome, SpecState after) {
    allow(outcome, after, null);
  }

  /** As {@link #allow(int, SpecState)}, with a reason shown when explaining (may be null). */
  void allow(int outcome, SpecState after, String why) {
    if (explaining) {
      note(outcome, why);
    }
    if (after != null && matches(outcome) && !next.contains(after)) {
      next.add(after);
    }
  }

  /** Adds a state after the actual outcome, which the caller has already checked is allowed. */
  void add(SpecState after) {
    if (!next.contains(after)) {
      next.add(after);
    }
  }

  /** Records an allowed outcome's reason (when explaining) without a state. */
  void note(int outcome, String why) {
    if (explaining) {
      String s = why == null || why.isEmpty() ? name(outcome) : name(outcome) + " (" + why + ")";
      if (!allowed.contains(s)) {
        allowed.add(s);
      }
    }
  }

  /** The states after the actual outcome: empty when the specification does not allow it. */
  List<SpecState> next() {
    return next;
  }

  /** When explaining: the allowed outcomes, e.g. {@code EBUSY (an fd is on /mnt) or EIO}. */
  String allowedText() {
    return allowed == null || allowed.isEmpty() ? "nothing" : String.join(" or ", allowed);
  }
}
