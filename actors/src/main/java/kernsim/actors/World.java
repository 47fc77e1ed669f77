package kernsim.actors;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * What model code may ask of the world it runs in. Everything nondeterministic a model needs goes
 * through here, so a seed drives it and a trace replays it; everything here must be called from
 * inside the world (an actor's handler), never from another thread.
 */
public interface World {
  /** A recorded choice between false and true. */
  boolean nextBoolean();

  /** A recorded choice in {@code [0, bound)}. */
  int nextInt(int bound);

  /**
   * The world's seed, for model randomness that is no scheduling choice (injected faults, as in
   * FoundationDB's simulator): a pure function of the exploration's seed and the iteration (of the seed
   * alone under exhaustive search, whose executions must see the same world), so a replay gets it back
   * from the trace header. Nothing drawn from it is recorded as a choice.
   */
  default long seed() {
    return 0L;
  }

  /** Virtual time since the world began, in nanoseconds. */
  long nanoTime();

  /** Hands an observation to the monitors, synchronously; it does not affect scheduling. */
  void emit(Object observation);

  /**
   * Records a wait-for edge: {@code waiter} is blocked until {@code on} acts. An actor may wait on
   * several others at once (a device whose two locks are held by two harts); edges are told apart by
   * {@code what}, and the same {@code (waiter, what)} replaces its earlier edge.
   */
  void waitFor(ActorRef<?> waiter, ActorRef<?> on, String what);

  /** Clears {@code waiter}'s edge named {@code what}. */
  void stopWaiting(ActorRef<?> waiter, String what);

  /** Clears all of {@code waiter}'s edges. */
  void stopWaiting(ActorRef<?> waiter);

  /**
   * A lock-region boundary of kernel code ({@code what} names the region, as {@code dev.code.Code} does at
   * its call site): a hart is about to send a region's request or enter or leave a no-preempt region. A
   * controlled world does nothing here (the controller already chooses at every step); stress mode's
   * chaos may yield or sleep briefly to widen windows real threads rarely hit (docs/stress.md).
   */
  default void regionBoundary(String what) {}

  /**
   * Whether anyone reads {@link #region} in this run: a run whose step view is shown (a monitor that is a
   * {@link Monitor.RegionListener}). Model code need not describe its regions when not.
   */
  default boolean regionsWanted() {
    return false;
  }

  /**
   * The step view: the current step's actor ran code in the source's region {@code here} (e.g.
   * {@code as_dyn_block_device region 1 (block_cache lock)}) and, when {@code request} is not null, sent
   * {@code request}, whose delivery is a step of its own that runs the region {@code there}. It changes
   * nothing: not the event log or its hash, not the trace, not what strategies see.
   */
  default void region(String here, Object request, String there) {}

  /** The stable key of an actor: its path below the world's guardian. */
  default String keyOf(ActorRef<?> ref) {
    return Keys.of(ref);
  }
}
