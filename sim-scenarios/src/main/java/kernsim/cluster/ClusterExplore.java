package kernsim.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.scenario.ScenarioWorld;

/**
 * An exploration on a cluster, with the result {@link Simulator#explore(kernsim.actors.WorldSpec,
 * ExploreOptions, Simulator.Progress)} gives here. The coordinator runs iteration 0 itself (it fixes k for
 * the others), then hands out the iterations from 1 on in ranges of {@code unit}; a worker runs a range's
 * iterations in order and stops at its first failure. No range past the lowest failure so far goes out, and
 * every range below it is run to its end (or to its failure), so the lowest failing iteration is the one a
 * single worker stops at. The coordinator runs that iteration again here to report it: the same schedule,
 * the same run, since iteration i depends on (seed, i) and k alone.
 */
final class ClusterExplore implements Coordinator.Job {
  private final ExploreOptions options;
  private final IntConsumer progress;
  private final Map<Long, Worker.Task> units = new TreeMap<>();
  private final Map<Long, Coordinator.RangeDone> results = new TreeMap<>();
  private int lowest = Integer.MAX_VALUE;
  private int schedules;

  private ClusterExplore(Units.Exploration exploration, ExploreOptions options, int k, int unit, IntConsumer progress) {
    this.options = options;
    this.progress = progress;
    long n = 0;
    for (int from = 1; from < options.iterations(); from += unit) {
      n++;
      units.put(n, new Worker.ExploreRange(n, exploration, k, from, (int) Math.min(options.iterations(),
          (long) from + unit)));
    }
    this.schedules = 1;
  }

  static ExploreResult explore(ScenarioWorld world, ExploreOptions options, ClusterOptions cluster, int unit,
      IntConsumer progress, Consumer<String> log) throws ClusterException, InterruptedException {
    try (Simulator sim = Simulator.create()) {
      RunResult first = sim.iteration(world, options, options.pctSteps(), 0);
      progress.accept(1);
      if (first.failed() || options.iterations() == 1) {
        return new ExploreResult(first.failed() ? Optional.of(first) : Optional.empty(), 1, first.steps(), first,
            new ExploreResult.Tally().add(first));
      }
      int k = Simulator.stepsEstimate(options, first);
      Units.Exploration e = Units.Exploration.of(Units.World.of(world.scenario(), world.settings()), options);
      ClusterExplore job = new ClusterExplore(e, options, k, unit, progress);
      Seed.run(cluster, job, log);
      long total = first.steps();
      ExploreResult.Tally incomplete = new ExploreResult.Tally().add(first);
      for (Coordinator.RangeDone d : job.results.values()) {
        total += d.steps(); // only the ranges below the lowest failure and its own are kept
        incomplete.addAll(d.incomplete());
      }
      if (job.lowest == Integer.MAX_VALUE) {
        RunResult last = sim.iteration(world, options, k, options.iterations() - 1);
        return new ExploreResult(Optional.empty(), options.iterations(), total, last, incomplete);
      }
      RunResult failing = sim.iteration(world, options, k, job.lowest);
      if (!failing.failed()) {
        throw new IllegalStateException("schedule " + ExploreResult.schedule(job.lowest) + " failed on a worker but not here: the"
            + " nodes do not run the same kernsim");
      }
      return new ExploreResult(Optional.of(failing), job.lowest + 1, total, failing, incomplete);
    }
  }

  @Override
  public Map<Long, Worker.Task> units() {
    return units;
  }

  @Override
  public boolean needed(long unit) {
    return ((Worker.ExploreRange) units.get(unit)).from() < lowest;
  }

  @Override
  public void done(Worker.Task task, Coordinator.Result result, String worker) {
    Worker.ExploreRange r = (Worker.ExploreRange) task;
    Coordinator.RangeDone d = (Coordinator.RangeDone) result;
    int expected = d.failure() < 0 ? r.to() - r.from() : d.failure() - r.from() + 1;
    if (d.ran() != expected || d.failure() >= r.to() || d.failure() >= 0 && d.failure() < r.from()) {
      throw new IllegalStateException("worker " + worker + " answered " + r.describe() + " with " + d);
    }
    results.put(r.unit(), d);
    if (d.failure() >= 0 && d.failure() < lowest) {
      lowest = d.failure();
      results.keySet().removeIf(u -> !needed(u));
    }
    schedules += d.ran();
    progress.accept(Math.min(schedules, options.iterations()));
  }
}
