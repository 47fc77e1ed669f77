package kernsim.actors;

/**
 * An observer of a world: it sees every step and every observation model code emits, and may fail
 * the run. It never sends messages and never affects scheduling. Safety checks go in
 * {@link #onStep}/{@link #onObservation}, end-of-run checks in {@link #onEnd}; a check bounded by a
 * budget or cap says when the bound applied in {@link #incomplete}.
 */
public interface Monitor {
  /** The name shown in reports (an oracle's name). */
  String name();

  default void onStep(Step step, Verdict verdict) {}

  default void onObservation(Object observation, Verdict verdict) {}

  /**
   * An observation with the key of the actor whose step emitted it (e.g. the hart running kernel
   * code). The runtime calls this one; by default it forwards to {@link #onObservation(Object, Verdict)}.
   */
  default void onObservation(Object observation, String actor, Verdict verdict) {
    onObservation(observation, verdict);
  }

  /** The world reached its end without another failure (nothing runnable, no timer pending). */
  default void onEnd(Verdict verdict) {}

  /**
   * The world lost power after its last step ({@link WorldSpec#powerCut}) without another failure: calls
   * still in progress never return and {@link #onEnd} is not called; a monitor checks here what must
   * survive the loss.
   */
  default void onPowerLoss(Verdict verdict) {}

  /**
   * Whether this monitor goes on hearing the world after a power loss, when a fresh kernel boots over the
   * surviving images ({@link WorldSpec#reboot}): a recorder of the timeline does; an oracle of the first
   * boot does not (it has had its {@link #onPowerLoss}; the reboot brings its own oracles). False by default.
   */
  default boolean hearsReboot() {
    return false;
  }

  /**
   * How much of the run just ended this monitor left unchecked: null (the default) when it checked the
   * run fully. A monitor whose check is a bounded search says here when a bound applied, so that a run
   * it let pass is not taken for one it checked: {@link Incomplete.Kind#CHECKED_LATE} when it gave up
   * checking early but its end-of-run check decided the run, {@link Incomplete.Kind#NOT_DECIDED} when
   * part of the run went unchecked (a search ran out of budget). The runtime asks only after a run that
   * ended without a failure, its {@link #onEnd} or {@link #onPowerLoss} having run, and keeps the answer
   * beside the run's result ({@link RunResult#incomplete}), never in its event log. Keep the reason short
   * and the same for the same cap, without the run's own numbers: explorations count runs per reason.
   */
  default Incomplete incomplete() {
    return null;
  }

  /**
   * A run a monitor did not check fully ({@link #incomplete}): how, and why in a few words (e.g. "search
   * budget 1,000,000 configurations"). Ordered by kind, then reason.
   */
  record Incomplete(Kind kind, String reason) implements Comparable<Incomplete> {
    public Incomplete {
      java.util.Objects.requireNonNull(kind, "kind");
      java.util.Objects.requireNonNull(reason, "reason");
    }

    /** Not decided: part of the run was not checked. */
    public static Incomplete notDecided(String reason) {
      return new Incomplete(Kind.NOT_DECIDED, reason);
    }

    /** Checked late: an early check gave up, the end-of-run check decided. */
    public static Incomplete checkedLate(String reason) {
      return new Incomplete(Kind.CHECKED_LATE, reason);
    }

    @Override
    public int compareTo(Incomplete o) {
      int c = kind.compareTo(o.kind);
      return c != 0 ? c : reason.compareTo(o.reason);
    }

    /** How far the check got. */
    public enum Kind {
      /** Part of the run went unchecked: the run passed undecided. */
      NOT_DECIDED("not decided"),
      /** Decided, but only by the end-of-run check: a failure would have been reported at the end, not at once. */
      CHECKED_LATE("checked late");

      private final String text;

      Kind(String text) {
        this.text = text;
      }

      /** As reports show it: {@code not decided}, {@code checked late}. */
      public String text() {
        return text;
      }

      /** As JSON shows it: {@code not-decided}, {@code checked-late}. */
      public String id() {
        return text.replace(' ', '-');
      }
    }
  }

  /** A monitor that only records every observation into {@code into}, for tools and tests to read. */
  static Monitor recorder(java.util.List<Object> into) {
    java.util.Objects.requireNonNull(into, "into");
    return new Monitor() {
      @Override
      public String name() {
        return "record";
      }

      @Override
      public void onObservation(Object observation, Verdict verdict) {
        into.add(observation);
      }
    };
  }

  /**
   * A monitor that also hears the model's region descriptions ({@link World#region}): the step view's
   * recorder. Having one in a run is what makes {@link World#regionsWanted} true.
   */
  interface RegionListener {
    /** {@code actor} (the current step's) ran {@code here}, and sent {@code request} (or null) for {@code there}. */
    void onRegion(String actor, String here, Object request, String there);
  }

  /** One step as monitors see it: after the actor handled the message. */
  record Step(int index, long timeNanos, String actor, Object message) {}

  /** How a monitor fails a run. */
  interface Verdict {
    /** Fails the run with a safety violation naming this monitor. */
    void fail(String message);
  }
}
