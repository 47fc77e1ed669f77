package kernsim.actors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An exploration on several workers (see {@link Simulator#explore(WorldSpec, ExploreOptions, int,
 * Simulator.Progress)}). Workers claim iteration indices in increasing order from one counter; the first
 * claim, iteration 0, fixes k for the rest, so the others wait for it. A failing iteration lowers the
 * bound past which nobody claims; every iteration below it has run by the end, so the lowest failing
 * iteration is the one a single worker would have stopped at. A sweep ({@link Simulator#sweep}) claims every
 * iteration of the budget and keeps only the lowest failure.
 */
final class Parallel {
  private final WorldSpec spec;
  private final ExploreOptions options;
  private final int workers;
  private final Simulator.Progress progress;
  private final boolean stopAtFailure;

  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger lowestFailure = new AtomicInteger(Integer.MAX_VALUE);
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final CompletableFuture<Integer> k = new CompletableFuture<>();
  private final ConcurrentHashMap<Integer, RunResult> failures = new ConcurrentHashMap<>();
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  private final int[] steps;
  /** Per iteration, what its oracles left unchecked (null: nothing), summed over the iterations counted. */
  private final SortedMap<String, Monitor.Incomplete>[] incomplete;
  private final AtomicReference<RunResult> last = new AtomicReference<>();
  private int done;
  private int lastIndex = -1;

  Parallel(WorldSpec spec, ExploreOptions options, int workers, Simulator.Progress progress, boolean stopAtFailure) {
    this.stopAtFailure = stopAtFailure;
    this.spec = spec;
    this.options = options;
    this.workers = workers;
    this.progress = progress;
    this.steps = new int[options.iterations()];
    @SuppressWarnings("unchecked")
    SortedMap<String, Monitor.Incomplete>[] perIteration = new SortedMap[options.iterations()];
    this.incomplete = perIteration;
  }

  ExploreResult run() {
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      Thread t = new Thread(this::work, "kernsim-worker-" + (w + 1));
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped.set(true);
        throw new IllegalStateException("interrupted while the workers explore", e);
      }
    }
    Throwable e = error.get();
    if (e instanceof RuntimeException r) {
      throw r;
    } else if (e instanceof Error err) {
      throw err;
    }
    int low = lowestFailure.get();
    if (low != Integer.MAX_VALUE) {
      RunResult f = failures.get(low);
      if (stopAtFailure) {
        return new ExploreResult(Optional.of(f), low + 1, sum(low + 1), f, tally(low + 1));
      }
      int ran = Math.min(next.get(), options.iterations());
      return new ExploreResult(Optional.of(f), ran, sum(ran), last.get(), tally(ran));
    }
    int ran = Math.min(next.get(), options.iterations());
    return new ExploreResult(Optional.empty(), ran, sum(ran), last.get(), tally(ran));
  }

  /** What the oracles left unchecked in iterations 0 to n - 1, as one worker counts it. */
  private ExploreResult.Tally tally(int n) {
    ExploreResult.Tally t = new ExploreResult.Tally();
    for (int i = 0; i < n; i++) {
      if (incomplete[i] != null) {
        t.add(incomplete[i]);
      }
    }
    return t;
  }

  private long sum(int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += steps[i];
    }
    return s;
  }

  private void work() {
    try (Simulator sim = Simulator.create()) {
      while (!stopped.get() && error.get() == null) {
        int i = next.getAndIncrement();
        if (i >= options.iterations() || stopAtFailure && i > lowestFailure.get()) {
          return;
        }
        int kI = i == 0 ? options.pctSteps() : waitForK();
        RunResult r = sim.iteration(spec, options, kI, i);
        if (i == 0) {
          k.complete(Simulator.stepsEstimate(options, r));
        }
        steps[i] = r.steps();
        incomplete[i] = r.incomplete().isEmpty() ? null : r.incomplete();
        if (r.failed()) {
          failed(i, r);
        }
        report(i, r);
      }
    } catch (Throwable t) {
      error.compareAndSet(null, t);
      k.completeExceptionally(t);
    }
  }

  private int waitForK() {
    try {
      return k.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the first iteration failed to run", e.getCause());
    }
  }

  /** Keeps a failing iteration while it may be the lowest (a sweep keeps only the lowest so far). */
  private synchronized void failed(int i, RunResult r) {
    int low = lowestFailure.get();
    if (stopAtFailure || i < low) {
      failures.put(i, r);
      if (!stopAtFailure && low != Integer.MAX_VALUE) {
        failures.remove(low);
      }
    }
    lowestFailure.accumulateAndGet(i, Math::min);
  }

  private synchronized void report(int i, RunResult r) {
    done++;
    if (i > lastIndex) {
      lastIndex = i;
      last.set(r);
    }
    if (progress != null && !progress.iterationDone(done - 1, r)) {
      stopped.set(true);
    }
  }
}
