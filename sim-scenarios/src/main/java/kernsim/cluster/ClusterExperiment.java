package kernsim.cluster;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import kernsim.experiment.Cell;
import kernsim.experiment.Row;
import kernsim.experiment.Runner;

/**
 * An experiment's cells on a cluster: each cell is a unit; a worker explores it as a local run would
 * ({@link Runner#row}) and sends its row back, which goes to the CSV as soon as it comes. A row whose key is
 * not its cell's (a worker on another model version) ends the run.
 */
final class ClusterExperiment implements Runner.Executor {
  private final ClusterOptions options;
  private final Consumer<String> log;

  ClusterExperiment(ClusterOptions options, Consumer<String> log) {
    this.options = options;
    this.log = log;
  }

  @Override
  public void run(List<Cell> cells, Runner.Listener listener, Runner.Done done) throws IOException, InterruptedException {
    if (cells.isEmpty()) {
      return;
    }
    Map<Long, Worker.Task> units = new TreeMap<>();
    for (int i = 0; i < cells.size(); i++) {
      units.put(i + 1L, new Worker.RunCell(i + 1L, Units.CellSpec.of(cells.get(i))));
    }
    Set<Long> finished = new HashSet<>();
    Seed.run(options, new Coordinator.Job() {
      @Override
      public Map<Long, Worker.Task> units() {
        return units;
      }

      @Override
      public boolean needed(long unit) {
        return !finished.contains(unit);
      }

      @Override
      public void assigned(Worker.Task task, String worker) {
        if (listener != null) {
          listener.cellStarted(cells.get((int) task.unit() - 1));
        }
      }

      @Override
      public void done(Worker.Task task, Coordinator.Result result, String worker) throws IOException {
        Cell cell = cells.get((int) task.unit() - 1);
        Row row = ((Coordinator.CellDone) result).row();
        if (!row.key().equals(cell.key())) {
          throw new ClusterException("worker " + worker + " explored another cell than " + task.describe()
              + " (is it another kernsim or model version?): " + row.key() + " instead of " + cell.key());
        }
        finished.add(task.unit());
        if (listener != null) {
          listener.schedulesDone(cell, cell.budget());
        }
        done.row(cell, row);
      }
    }, log);
  }
}
