package kernsim.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** The coordinator's node: the cluster's seed, running one {@link Coordinator.Job} and then leaving. */
final class Seed {
  private Seed() {}

  /**
   * Binds {@code address}, forms a cluster of this node alone, hands {@code job}'s units to the workers that
   * join it, and returns when the job has every result it needs.
   *
   * @throws ClusterException if the address cannot be bound or too few workers join in time
   */
  static void run(ClusterOptions options, Coordinator.Job job, Consumer<String> log)
      throws ClusterException, InterruptedException {
    CompletableFuture<Void> finished = new CompletableFuture<>();
    Coordinator.Settings settings = new Coordinator.Settings(options.minWorkers,
        Duration.ofSeconds(options.waitSeconds), log);
    ActorSystem<Coordinator.Msg> system = Node.start(Coordinator.create(job, settings, finished), Node.COORDINATOR,
        options.address, null);
    try {
      Cluster cluster = Cluster.get(system);
      Address self = cluster.selfMember().address();
      cluster.manager().tell(Join.create(self));
      String at = Coordinator.hostPort(self);
      log.accept("coordinator at " + at + ", waiting for " + (options.minWorkers == 1 ? "a worker"
          : options.minWorkers + " workers") + " (on each machine: kernsim worker --join " + at + ")");
      try {
        finished.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof ClusterException ce) {
          throw ce;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException(c);
      }
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        log.accept("the coordinator's node did not stop cleanly: " + Node.rootMessage(e));
      }
    }
  }
}
