package kernsim.cluster;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --cluster HOST:PORT} and its companions, for {@code explore} and {@code experiment}: the command
 * becomes the coordinator of a Pekko cluster, the seed node at HOST:PORT, and hands its work to the
 * workers that join ({@code kernsim worker --join HOST:PORT}). docs/cli.md and docs/runtime.md describe it.
 */
public class ClusterOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Option(names = "--cluster", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
      description = "Run the work on a cluster's workers instead of here: listen on HOST:PORT (this machine's"
          + " address that the workers reach; port 0 picks a free one) as the seed node, and hand the work out to"
          + " every 'kernsim worker --join HOST:PORT'. A worker that leaves or dies has its work done by another;"
          + " the result is the same as a local run's.")
  HostPort address;

  @Option(names = "--min-workers", paramLabel = "N", defaultValue = "1",
      description = "With --cluster: hand out no work before N workers have joined (default: ${DEFAULT-VALUE}).")
  int minWorkers;

  @Option(names = "--cluster-wait", paramLabel = "SECONDS", defaultValue = "120",
      description = "With --cluster: give up (exit 2) when no worker (or fewer than --min-workers before the start)"
          + " has been there for this long while work remains (default: ${DEFAULT-VALUE}).")
  long waitSeconds;

  /** Whether the work goes to a cluster. */
  public boolean on() {
    return address != null;
  }

  /** Checks the values; {@code workers} is the command's --workers, which a cluster run does not take. */
  public void validate(int workers) {
    if (!on()) {
      return;
    }
    if (minWorkers < 1) {
      throw new ParameterException(mixee.commandLine(), "--min-workers must be at least 1, got " + minWorkers);
    }
    if (waitSeconds < 1) {
      throw new ParameterException(mixee.commandLine(), "--cluster-wait must be at least 1, got " + waitSeconds);
    }
    if (workers != 1) {
      throw new ParameterException(mixee.commandLine(), "--workers does not go with --cluster: each worker's"
          + " --threads says how many units it runs at once");
    }
  }

  /** The coordinator's log: one line each, {@code kernsim explore: cluster: ...}, on {@code err}. */
  Consumer<String> log(PrintWriter err) {
    String who = mixee.qualifiedName();
    return line -> {
      synchronized (err) {
        err.println(who + ": cluster: " + line);
        err.flush();
      }
    };
  }

  /** The experiment's cells on the cluster (for {@code kernsim.experiment.Runner}). */
  public kernsim.experiment.Runner.Executor cells(PrintWriter err) {
    return new ClusterExperiment(this, log(err));
  }

  /** {@code explore}'s: the same and {@code --unit}. */
  public static final class Explore extends ClusterOptions {
    @Option(names = "--unit", paramLabel = "N", defaultValue = "500",
        description = "With --cluster: schedules per unit of work handed to a worker (default: ${DEFAULT-VALUE});"
            + " the result does not depend on it.")
    int unit;

    /** Checks the values, and what explore cannot do on a cluster. */
    public void validate(int workers, boolean dfs, boolean outcomes) {
      if (!on()) {
        return;
      }
      validate(workers);
      if (unit < 1) {
        throw new ParameterException(mixee.commandLine(), "--unit must be at least 1, got " + unit);
      }
      if (dfs) {
        throw new ParameterException(mixee.commandLine(), "dfs does not go with --cluster: its search is one"
            + " sequence of executions, each chosen from the last (it runs on one machine)");
      }
      if (outcomes) {
        throw new ParameterException(mixee.commandLine(), "--outcomes does not go with --cluster");
      }
    }

    /** The exploration on the cluster; see {@link ClusterExplore}. */
    public kernsim.actors.ExploreResult explore(kernsim.scenario.ScenarioWorld world,
        kernsim.actors.ExploreOptions options, java.util.function.IntConsumer progress, PrintWriter err)
        throws ClusterException, InterruptedException {
      return ClusterExplore.explore(world, options, this, unit, progress, log(err));
    }
  }
}
