package kernsim.actors;

/**
 * Makes every nondeterministic choice of one iteration. The runtime records what it answers (see
 * {@link ChoiceLog}), so a strategy never needs to be replayed itself: the {@code replay} strategy
 * reads the record back.
 */
public interface Strategy {
  /**
   * What {@link #next} answers to end the iteration where it is, without its end checks: an exhaustive
   * search's way of giving up a schedule it knows is equivalent to one already explored.
   */
  int ABANDON = -1;

  StrategyKind kind();

  /**
   * The parameters that, with {@link #kind()}, the exploration's seed and the iteration index, make this
   * strategy's schedule again (e.g. PCT's {@code depth} and {@code steps}). A trace keeps them in its header
   * (under {@link Trace#STRATEGY_PREFIX}), and replay regenerates the schedule from them to check that the
   * header tells the truth about the choices. Empty for strategies with none.
   */
  default java.util.SortedMap<String, String> parameters() {
    return new java.util.TreeMap<>();
  }

  /** Whether the runtime should tell {@link #stepDone} what each step touched (it costs a little per step). */
  default boolean wantsFootprints() {
    return false;
  }

  /** After each step, when {@link #wantsFootprints()}: what it touched. {@code step} is reused; copy what you keep. */
  default void stepDone(Footprint step) {}

  /**
   * Picks what runs next: an index in {@code [0, ready.size())}, or {@code ready.size()} to advance
   * the virtual clock when {@link Ready#clockAvailable()}, or {@link #ABANDON}.
   */
  int next(Ready ready);

  boolean nextBoolean();

  /** A value in {@code [0, bound)}. */
  int nextInt(int bound);

  /** The candidates of one scheduling point, sorted by actor key. */
  interface Ready {
    int size();

    String key(int i);

    /** Whether a timer is pending, so that "advance the clock" is a choice (index {@link #size()}). */
    boolean clockAvailable();

    /** How many steps the iteration has taken so far. */
    int step();

    /**
     * The step (its index in the iteration) that began what candidate {@code i} would do next: the step
     * that created its actor, when its next step is its start; otherwise the step that sent the ordinary
     * message it would process next, its mailbox's head. -1 when there is none (nothing queued, a message
     * sent outside a step: a timer, the harness), or when footprints are not recorded ({@link #wantsFootprints()}).
     * {@code dfs} derives the thread a step belongs to from it.
     */
    default int sender(int i) {
      return -1;
    }
  }
}
