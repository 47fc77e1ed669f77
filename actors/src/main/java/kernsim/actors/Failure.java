package kernsim.actors;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Why a run failed. A small sealed family, as in Lincheck: each kind has a stable name that appears in
 * traces and reports, and a {@link #signature()} that two runs share exactly when they failed the same
 * way (replay compares signatures).
 */
public sealed interface Failure
    permits Failure.SafetyViolation,
        Failure.Deadlock,
        Failure.Livelock,
        Failure.UnexpectedException,
        Failure.ReplayDivergence {

  /** Stable kind name: {@code safety-violation}, {@code deadlock}, … */
  String kind();

  /** The step at which the failure was detected (0-based count of steps taken before it). */
  int step();

  /** One line for people. */
  String describe();

  /** Kind plus description: equal for the same failure, in any JVM. */
  default String signature() {
    return kind() + ": " + describe();
  }

  /** A monitor (oracle) saw the model break an invariant. */
  record SafetyViolation(String oracle, String message, int step, String actor) implements Failure {
    @Override
    public String kind() {
      return "safety-violation";
    }

    @Override
    public String describe() {
      return "[" + oracle + "] " + message + (actor.isEmpty() ? "" : " (at " + actor + ")");
    }
  }

  /** One actor waits for another; {@code what} says for what (a reply, a lock). */
  record WaitEdge(String waiter, String on, String what) {
    @Override
    public String toString() {
      return waiter + " -> " + on + " (" + what + ")";
    }
  }

  /**
   * Nothing can run, no timer is pending, and actors still wait. {@code cycle} is the wait-for cycle,
   * or empty when the waits form no cycle (someone waits for an actor that will never answer).
   */
  record Deadlock(List<WaitEdge> cycle, List<WaitEdge> waiting, int step) implements Failure {
    public Deadlock {
      cycle = List.copyOf(cycle);
      waiting = List.copyOf(waiting);
    }

    @Override
    public String kind() {
      return "deadlock";
    }

    @Override
    public String describe() {
      if (!cycle.isEmpty()) {
        return "wait-for cycle: " + cycle.stream().map(WaitEdge::toString).collect(Collectors.joining(", "));
      }
      return "stuck, no cycle: " + waiting.stream().map(WaitEdge::toString).collect(Collectors.joining(", "));
    }
  }

  /** The world ran past its step bound. */
  record Livelock(int stepBound, int step) implements Failure {
    @Override
    public String kind() {
      return "livelock";
    }

    @Override
    public String describe() {
      return "no end within the step bound of " + stepBound + " steps";
    }
  }

  /**
   * An actor threw, or the runtime saw the model do something nondeterministic (actor key
   * {@code (runtime)}).
   */
  record UnexpectedException(String actor, String exception, String message, int step)
      implements Failure {
    @Override
    public String kind() {
      return "unexpected-exception";
    }

    @Override
    public String describe() {
      return actor + " threw " + exception + (message == null ? "" : ": " + message);
    }
  }

  /** A replay found the run no longer follows its trace. */
  record ReplayDivergence(int step, String expected, String found) implements Failure {
    @Override
    public String kind() {
      return "replay-divergence";
    }

    @Override
    public String describe() {
      return "at step " + step + " the trace expects " + expected + ", the run has " + found;
    }
  }
}
