package kernsim.cli;

import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for explorations that last longer than {@link #DELAY_NANOS}: schedules done
 * of the budget, and their rate. Silent when stderr is not a terminal ({@link Terminal})
 * or when asked to be (with {@code --json}), so piped and scripted output stays clean. The bar draws from
 * its own thread and touches no actor, so it cannot disturb a world.
 */
final class ExploreProgress implements Simulator.Progress, AutoCloseable {
  /** Explorations shorter than this show no bar at all. */
  static final long DELAY_NANOS = 700_000_000L;

  private final boolean enabled;
  private final int total;
  private final String task;
  private final long start = System.nanoTime();
  private ProgressBar bar;

  ExploreProgress(boolean quiet, int total, String task) {
    this.enabled = Terminal.progressOnStderr(quiet);
    this.total = total;
    this.task = task;
  }

  @Override
  public boolean iterationDone(int iteration, RunResult result) {
    reached(iteration + 1);
    return true;
  }

  /** {@code schedules} of the budget are done (a cluster's coordinator counts them as results come). */
  void reached(int schedules) {
    if (!enabled) {
      return;
    }
    if (bar == null) {
      if (System.nanoTime() - start < DELAY_NANOS) {
        return;
      }
      bar = new ProgressBarBuilder()
          .setTaskName(task)
          .setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII)
          .setUnit("", 1) // compact: "279/3000 (0:00:03 / 0:00:29) 93.0/s", schedules
          .setUpdateIntervalMillis(200)
          .showSpeed()
          .clearDisplayOnFinish()
          .setConsumer(new ConsoleProgressBarConsumer(System.err))
          .build();
    }
    bar.stepTo(schedules);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
