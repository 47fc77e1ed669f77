package kernsim.actors;

import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Supplier;

/** One iteration's outcome. The trace and the log's hash are computed on first use. */
public final class RunResult {
  private final int iteration;
  private final Failure failure;
  private final int steps;
  private final long endNanos;
  private final EventLog log;
  private final Supplier<Trace> traceSupplier;
  private final boolean abandoned;
  private final int powerLostAfter;
  private final boolean rebooted;
  private final SortedMap<String, Monitor.Incomplete> incomplete;
  private Trace trace;

  RunResult(int iteration, Failure failure, int steps, long endNanos, EventLog log, boolean abandoned,
      int powerLostAfter, boolean rebooted, SortedMap<String, Monitor.Incomplete> incomplete, Supplier<Trace> trace) {
    this.incomplete = java.util.Collections.unmodifiableSortedMap(incomplete);
    this.abandoned = abandoned;
    this.powerLostAfter = powerLostAfter;
    this.rebooted = rebooted;
    this.iteration = iteration;
    this.failure = failure;
    this.steps = steps;
    this.endNanos = endNanos;
    this.log = log;
    this.traceSupplier = trace;
  }

  /** Which iteration of its exploration this was (0 for a single run or a replay of iteration 0). */
  public int iteration() {
    return iteration;
  }

  /** Why the run failed, if it did. */
  public Optional<Failure> failure() {
    return Optional.ofNullable(failure);
  }

  public boolean failed() {
    return failure != null;
  }

  /**
   * Whether the strategy gave the run up before its end, as {@code dfs} does with a schedule it knows
   * to be equivalent to one it explored (then no end check ran).
   */
  public boolean abandoned() {
    return abandoned;
  }

  /**
   * Whether the world lost power after its last step ({@link WorldSpec#powerCut}): the calls then in
   * progress never returned, and the monitors' power-loss checks ran instead of their end checks.
   */
  public boolean powerLost() {
    return powerLostAfter > 0;
  }

  /** The step after which the world lost power ({@link #powerLost}), or 0. */
  public int powerLostAfter() {
    return powerLostAfter;
  }

  /**
   * Whether a fresh kernel booted over the surviving images after the power loss and ran
   * ({@link WorldSpec#reboot}): the steps after {@link #powerLostAfter} are its.
   */
  public boolean rebooted() {
    return rebooted;
  }

  /**
   * Oracle name → what it left unchecked in this run ({@link Monitor#incomplete}), in name order; empty when
   * every oracle checked the run fully, and for a run that failed, was abandoned or ended at its step bound
   * without its end checks. Not part of the event log or the trace.
   */
  public SortedMap<String, Monitor.Incomplete> incomplete() {
    return incomplete;
  }

  /** Steps taken. */
  public int steps() {
    return steps;
  }

  /** Virtual time at the end, in nanoseconds. */
  public long endNanos() {
    return endNanos;
  }

  public EventLog log() {
    return log;
  }

  public String eventLogHash() {
    return log.hash();
  }

  /** The failure's signature, or {@code ok}. */
  public String outcome() {
    return failure == null ? "ok" : failure.signature();
  }

  /** The recorded choices, replayable. */
  public Trace trace() {
    if (trace == null) {
      trace = traceSupplier.get();
    }
    return trace;
  }
}
