package kernsim.actors;

/**
 * Answers every choice from a recorded {@link ChoiceLog}. When the run asks for something the trace
 * does not hold at that point, it records a {@link Failure.ReplayDivergence} naming the step, what the
 * trace expected and what the run offered, and answers a harmless default so the runtime can stop.
 */
final class ReplayStrategy implements Strategy {
  private final ChoiceLog log;
  private int pos;
  private Failure.ReplayDivergence divergence;

  ReplayStrategy(ChoiceLog log) {
    this.log = log;
  }

  @Override
  public StrategyKind kind() {
    return StrategyKind.REPLAY;
  }

  Failure.ReplayDivergence divergence() {
    return divergence;
  }

  /** Called when the run ended: leftover choices mean the run ended too early. */
  void checkExhausted(int step) {
    if (divergence == null && pos < log.size()) {
      diverge(step, describe(pos), "the end of the run");
    }
  }

  @Override
  public int next(Ready ready) {
    if (divergence != null) {
      return 0;
    }
    String offered = offered(ready);
    if (pos >= log.size()) {
      diverge(ready.step(), "the end of the trace", offered);
      return 0;
    }
    int v = log.get(pos);
    int kind = v & 3;
    if (kind == ChoiceLog.CLOCK && ready.clockAvailable()) {
      pos++;
      return ready.size();
    }
    if (kind == ChoiceLog.ACTOR) {
      String want = log.key(v >>> 2);
      for (int i = 0; i < ready.size(); i++) {
        if (ready.key(i).equals(want)) {
          pos++;
          return i;
        }
      }
    }
    diverge(ready.step(), describe(pos), offered);
    return 0;
  }

  @Override
  public boolean nextBoolean() {
    if (divergence == null && pos < log.size() && (log.get(pos) & 3) == ChoiceLog.BOOL) {
      return (log.get(pos++) >>> 2) != 0;
    }
    diverge(-1, pos < log.size() ? describe(pos) : "the end of the trace", "a boolean choice");
    return false;
  }

  @Override
  public int nextInt(int bound) {
    if (divergence == null
        && pos + 1 < log.size()
        && (log.get(pos) & 3) == ChoiceLog.INT
        && log.get(pos + 1) == bound) {
      int value = log.get(pos) >>> 2;
      pos += 2;
      return value;
    }
    diverge(-1, pos < log.size() ? describe(pos) : "the end of the trace", "an integer choice below " + bound);
    return 0;
  }

  private void diverge(int step, String expected, String found) {
    if (divergence == null) {
      divergence = new Failure.ReplayDivergence(step, expected, found);
    }
  }

  /** Fixes the step of a divergence found inside a model's choice, where the step was not known. */
  void stepIs(int step) {
    if (divergence != null && divergence.step() < 0) {
      divergence = new Failure.ReplayDivergence(step, divergence.expected(), divergence.found());
    }
  }

  private String describe(int at) {
    int v = log.get(at);
    return switch (v & 3) {
      case ChoiceLog.ACTOR -> log.key(v >>> 2) + " to run";
      case ChoiceLog.CLOCK -> "the clock to advance";
      case ChoiceLog.BOOL -> "a boolean choice (" + ((v >>> 2) != 0) + ")";
      default -> "an integer choice (" + (v >>> 2) + " below " + (at + 1 < log.size() ? log.get(at + 1) : "?") + ")";
    };
  }

  private static String offered(Ready ready) {
    StringBuilder sb = new StringBuilder("runnable [");
    for (int i = 0; i < ready.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(ready.key(i));
    }
    sb.append(']');
    if (ready.clockAvailable()) {
      sb.append(" and the clock");
    }
    return sb.toString();
  }
}
