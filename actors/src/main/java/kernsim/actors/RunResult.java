package kernsim.actors;

import java.util.Optional;
import java.util.function.Supplier;

/** One iteration's outcome. The trace and the log's hash are computed on first use. */
public final class RunResult {
  private final Failure failure;
  private final int steps;
  private final long endNanos;
  private final EventLog log;
  private final Supplier<Trace> traceSupplier;
  private Trace trace;

  RunResult(Failure failure, int steps, long endNanos, EventLog log, Supplier<Trace> trace) {
    this.failure = failure;
    this.steps = steps;
    this.endNanos = endNanos;
    this.log = log;
    this.traceSupplier = trace;
  }

  /** Why the run failed, if it did. */
  public Optional<Failure> failure() {
    return Optional.ofNullable(failure);
  }

  public boolean failed() {
    return failure != null;
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
