package kernsim.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import kernsim.actors.ExploreOptions;
import kernsim.actors.Exhaustive;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.cli.Report;
import kernsim.scenario.ScenarioWorld;

/**
 * Runs an experiment's cells that {@code results.csv} does not have yet, each an exploration as
 * {@code kernsim explore} makes it (the same world, options and simulator), on {@code workers} threads
 * with a {@link Simulator} each. Every cell's row is appended as soon as it is done, so a stopped
 * experiment resumes where it stopped; at the end the file is rewritten in the plan's order. A cell's
 * result depends on the cell alone, not on the workers or the order.
 */
public final class Runner {
  /** What a run did. */
  public record Outcome(List<Row> rows, int ran, int skipped, int stale, double seconds) {}

  /** Told about each cell as it ends (from the worker's thread). */
  public interface Listener {
    /** Before the first cell: how many cells will run, with how many schedules at most. */
    void planned(int cells, long schedules);

    void cellStarted(Cell cell);

    void schedulesDone(Cell cell, int schedules);

    void cellDone(Cell cell, Row row);
  }

  private Runner() {}

  /**
   * Runs {@code plan}'s missing cells into {@code dir}. Rows of cells no longer in the plan move from
   * {@code results.csv} to {@code stale.csv}.
   */
  public static Outcome run(Plan plan, Path dir, int workers, Listener listener)
      throws IOException, Results.BadResults, InterruptedException {
    return run(plan, dir, local(workers), listener);
  }

  /** Where the cells run: each cell's row goes to {@code done} as soon as it is made. */
  public interface Executor {
    void run(List<Cell> cells, Listener listener, Done done) throws IOException, InterruptedException;
  }

  /** Takes a cell's row (appends it to the CSV); called one row at a time or from several threads. */
  public interface Done {
    void row(Cell cell, Row row) throws IOException;
  }

  /**
   * The same, the cells run by {@code executor} (on this machine, or on a cluster's workers:
   * {@code kernsim.cluster}).
   */
  public static Outcome run(Plan plan, Path dir, Executor executor, Listener listener)
      throws IOException, Results.BadResults, InterruptedException {
    Path csv = dir.resolve(Results.FILE);
    List<Cell> cells = plan.cells();
    Set<List<String>> keys = new HashSet<>();
    cells.forEach(c -> keys.add(c.key()));
    Map<List<String>, Row> done = new HashMap<>();
    List<Row> stale = new ArrayList<>();
    for (Row r : Results.read(csv)) {
      if (keys.contains(r.key()) && !done.containsKey(r.key())) {
        done.put(r.key(), r);
      } else {
        stale.add(r);
      }
    }
    if (!stale.isEmpty()) {
      Results.append(dir.resolve(Results.STALE), stale);
    }
    List<Row> kept = new ArrayList<>();
    for (Cell c : cells) {
      if (done.containsKey(c.key())) {
        kept.add(done.get(c.key()));
      }
    }
    Results.write(csv, kept);

    List<Cell> todo = new ArrayList<>();
    for (Cell c : cells) {
      if (!done.containsKey(c.key())) {
        todo.add(c);
      }
    }
    int ran = todo.size();
    if (listener != null) {
      listener.planned(ran, (long) ran * plan.budget());
    }
    long start = System.nanoTime();
    Map<List<String>, Row> fresh = new java.util.concurrent.ConcurrentHashMap<>();
    executor.run(todo, listener, (c, row) -> {
      synchronized (Runner.class) {
        Results.append(csv, List.of(row));
      }
      fresh.put(c.key(), row);
      if (listener != null) {
        listener.cellDone(c, row);
      }
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    List<Row> rows = new ArrayList<>();
    for (Cell c : cells) {
      rows.add(done.containsKey(c.key()) ? done.get(c.key()) : fresh.get(c.key()));
    }
    Results.write(csv, rows);
    return new Outcome(rows, ran, cells.size() - ran, stale.size(), seconds);
  }

  /** {@code workers} threads on this machine, each with a {@link Simulator}. */
  static Executor local(int workers) {
    return (todo, listener, done) -> {
      ConcurrentLinkedQueue<Cell> queue = new ConcurrentLinkedQueue<>(todo);
      AtomicReference<Throwable> failed = new AtomicReference<>();
      List<Thread> threads = new ArrayList<>();
      for (int w = 0; w < Math.max(1, Math.min(workers, todo.size())); w++) {
        Thread t = new Thread(() -> {
          try (Simulator sim = Simulator.create()) {
            Cell c;
            while (failed.get() == null && (c = queue.poll()) != null) {
              done.row(c, run(sim, c, listener));
            }
          } catch (Throwable e) {
            failed.compareAndSet(null, e);
          }
        }, "kernsim-experiment-" + w);
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      if (failed.get() != null) {
        Throwable e = failed.get();
        if (e instanceof IOException io) {
          throw io;
        }
        throw new IllegalStateException("an experiment cell failed: " + e, e);
      }
    };
  }

  /** Explores one cell as {@code kernsim explore} would, and makes its row (as a worker does, without a listener). */
  public static Row row(Simulator sim, Cell c) {
    return run(sim, c, null);
  }

  /** Explores one cell as {@code kernsim explore} would, and makes its row. */
  static Row run(Simulator sim, Cell c, Listener listener) {
    ScenarioWorld world = new ScenarioWorld(c.target().scenario(), c.target().settings());
    ExploreOptions options = c.strategy().options(c.seed(), c.budget(), world.runOptions(RunOptions.DEFAULT));
    if (listener != null) {
      listener.cellStarted(c);
    }
    int[] reported = {0};
    long start = System.nanoTime();
    ExploreResult result = sim.explore(world, options, (i, r) -> {
      if (listener != null && (i + 1 - reported[0] >= 50 || r.failed())) {
        listener.schedulesDone(c, i + 1 - reported[0]);
        reported[0] = i + 1;
      }
      return true;
    });
    double seconds = (System.nanoTime() - start) / 1e9;
    if (listener != null) {
      listener.schedulesDone(c, c.budget() - reported[0]); // the rest of the budget, unexplored or not yet told
    }
    Optional<RunResult> failing = result.failing();
    Optional<Failure> f = failing.flatMap(RunResult::failure);
    String oracle = f.map(Report::oracle).orElse(null);
    return new Row(c.scenario(), c.target().source(), c.scenarioHash(), c.profile(), c.fixes(), c.oraclesOff(),
        c.strategy().name(), c.strategy().parameterText(), c.seed(), c.budget(), ScenarioWorld.MODEL_VERSION,
        result.found(), failing.map(r -> Report.number(r.iteration())).orElse(0), f.map(Failure::kind).orElse(""),
        oracle == null ? "" : oracle, f.map(Failure::signature).orElse(""), failing.map(RunResult::steps).orElse(0),
        result.exhaustive().map(Exhaustive::endedBy).orElse(""), result.exhaustive().map(Exhaustive::classes).orElse(0L),
        result.iterations(), result.totalSteps(), seconds, result.iterations() / Math.max(seconds, 1e-9));
  }
}
