package kernsim.cluster;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.experiment.Row;
import kernsim.experiment.Runner;
import kernsim.scenario.ScenarioWorld;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A worker node's actor. Once its member is up it says {@link Coordinator.Hello} to the coordinator (the
 * member with the coordinator's role, at {@code /user}), runs the units it is given on its threads, each
 * with a {@link Simulator} of its own (the same controlled runs as a local exploration: this actor only
 * carries their inputs and results), and sends each result back. It ends when the coordinator says it has
 * finished, refuses it, or is gone.
 */
final class Worker {
  /** The worker's messages: from the coordinator ({@link Wire}) and from its own node. */
  sealed interface Msg {}

  /** A unit of work. */
  sealed interface Task extends Msg, Wire {
    long unit();

    /** The unit in words, for logs: {@code unit 3 (triad, schedules 1,002-2,001)}. */
    String describe();
  }

  /** Iterations {@code from} (inclusive) to {@code to} (exclusive) of an exploration whose k is {@code k}. */
  record ExploreRange(long unit, Units.Exploration exploration, int k, int from, int to) implements Task {
    @Override
    public String describe() {
      return String.format(Locale.ROOT, "unit %d (%s, schedules %,d-%,d)", unit, exploration.world().name(),
          ExploreResult.schedule(from), ExploreResult.schedule(to - 1));
    }
  }

  /** An experiment cell. */
  record RunCell(long unit, Units.CellSpec cell) implements Task {
    @Override
    public String describe() {
      StringBuilder p = new StringBuilder();
      cell.parameters().forEach((k, v) -> p.append(' ').append(k).append('=').append(v));
      return String.format(Locale.ROOT, "unit %d (cell %s, %s%s, seed %d)", unit, cell.world().name(),
          cell.strategy(), p, cell.seed());
    }
  }

  /** The unit's result is not needed any more: stop it. */
  record Cancel(long unit) implements Msg, Wire {}

  /** The coordinator has every result it needs. */
  record Finished() implements Msg, Wire {}

  /** The coordinator will not use this worker. */
  record Reject(String reason) implements Msg, Wire {}

  private record Up(SelfUp up) implements Msg {}

  private record MemberChange(ClusterEvent.MemberEvent event) implements Msg {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Msg {}

  /** How a worker's run ended: its exit code and why. */
  record End(int code, String why) {}

  private final ActorContext<Msg> ctx;
  private final ActorRef<Msg> self;
  private final int threads;
  private final Consumer<String> log;
  private final CompletableFuture<Void> up;
  private final CompletableFuture<End> end;
  private final Cluster cluster;
  private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private ActorRef<Coordinator.Msg> coordinator;
  private Member coordinatorMember;
  private Thread[] pool;
  private volatile boolean stopping;

  private Worker(ActorContext<Msg> ctx, int threads, Consumer<String> log, CompletableFuture<Void> up,
      CompletableFuture<End> end) {
    this.ctx = ctx;
    this.self = ctx.getSelf();
    this.threads = threads;
    this.log = log;
    this.up = up;
    this.end = end;
    this.cluster = Cluster.get(ctx.getSystem());
  }

  static Behavior<Msg> create(int threads, Consumer<String> log, CompletableFuture<Void> up,
      CompletableFuture<End> end) {
    return Behaviors.setup(ctx -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(SelfUp.class, Up::new), SelfUp.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChange::new), ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
          ClusterEvent.ReachabilityEvent.class));
      Worker w = new Worker(ctx, threads, log, up, end);
      // Stopped (a signal, or the end of the run): from the first phase of the shutdown on, no result goes out;
      // the coordinator gives the units in flight to the others.
      CoordinatedShutdown.get(ctx.getSystem()).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
          "kernsim-worker-stop-units", () -> {
            w.stopping = true;
            return CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
          });
      return w.behavior();
    });
  }

  private Behavior<Msg> behavior() {
    return Behaviors.receive(Msg.class)
        .onMessage(Up.class, u -> selfUp())
        .onMessage(Task.class, t -> {
          queue.add(t);
          return Behaviors.same();
        })
        .onMessage(Cancel.class, c -> {
          cancelled.add(c.unit());
          return Behaviors.same();
        })
        .onMessage(Finished.class, f -> stop(new End(0, "the coordinator has finished")))
        .onMessage(Reject.class, r -> stop(new End(2, "refused by the coordinator: " + r.reason())))
        .onMessage(MemberChange.class, m -> {
          Member who = m.event().member();
          boolean gone = m.event() instanceof ClusterEvent.MemberRemoved || m.event() instanceof ClusterEvent.MemberExited
              || m.event() instanceof ClusterEvent.MemberDowned;
          if (gone && who.equals(cluster.selfMember())) {
            boolean signalled = CoordinatedShutdown.get(ctx.getSystem()).getShutdownReason()
                .filter(r -> r == CoordinatedShutdown.jvmExitReason()).isPresent();
            return stop(new End(1, signalled ? "this worker left the cluster on a signal; its units go to the others"
                : "this worker was removed from the cluster (the coordinator found it unreachable)"));
          }
          if (gone && who.equals(coordinatorMember)) {
            return stop(new End(1, "the coordinator at " + Coordinator.hostPort(who.address()) + " left the cluster"));
          }
          return Behaviors.same();
        })
        .onMessage(Reachability.class, r -> {
          if (r.event() instanceof ClusterEvent.UnreachableMember u && u.member().equals(coordinatorMember)) {
            return stop(new End(1, "the coordinator at " + Coordinator.hostPort(u.member().address())
                + " is unreachable"));
          }
          return Behaviors.same();
        })
        .onSignal(PostStop.class, s -> {
          stopPool();
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Msg> selfUp() {
    for (Member m : cluster.state().getMembers()) {
      if (m.hasRole(Node.COORDINATOR)) {
        coordinatorMember = m;
      }
    }
    if (coordinatorMember == null) {
      return stop(new End(2, "the node at the seed address is not a kernsim coordinator"));
    }
    coordinator = ActorRefResolver.get(ctx.getSystem()).resolveActorRef(coordinatorMember.address() + "/user");
    startPool();
    log.accept("joined the cluster of the coordinator at " + Coordinator.hostPort(coordinatorMember.address())
        + " as " + Coordinator.hostPort(cluster.selfMember().address()) + ", " + threads + " thread"
        + (threads == 1 ? "" : "s"));
    coordinator.tell(new Coordinator.Hello(self, Versions.kernsim(), Versions.model(), threads));
    up.complete(null);
    return Behaviors.same();
  }

  private Behavior<Msg> stop(End e) {
    stopping = true;
    end.complete(e);
    return Behaviors.stopped();
  }

  private void startPool() {
    pool = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      pool[i] = new Thread(this::work, "kernsim-worker-" + (i + 1));
      pool[i].setDaemon(true);
      pool[i].start();
    }
  }

  private void stopPool() {
    stopping = true;
    if (pool != null) {
      for (Thread t : pool) {
        t.interrupt();
      }
    }
  }

  /** One of the worker's threads: units from the queue, each on this thread's own simulator. */
  private void work() {
    try (Simulator sim = Simulator.create()) {
      while (!Thread.currentThread().isInterrupted()) {
        Task t = queue.take();
        if (cancelled.contains(t.unit())) {
          continue;
        }
        Coordinator.Result r;
        long start = System.nanoTime();
        log.accept(t.describe() + ": started");
        try {
          r = run(sim, t);
        } catch (Exception | StackOverflowError e) {
          r = new Coordinator.UnitFailed(t.unit(), self, e.toString());
        }
        if (stopping) {
          return; // the node is going: the coordinator gives the unit to another worker
        }
        if (r == null) {
          log.accept(t.describe() + ": cancelled");
          continue;
        }
        log.accept(t.describe() + ": done in " + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9)
            + outcome(r));
        coordinator.tell(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String outcome(Coordinator.Result r) {
    if (r instanceof Coordinator.RangeDone d) {
      return d.failure() < 0 ? ", no failure" : String.format(Locale.ROOT, ", failure in schedule %,d", ExploreResult.schedule(d.failure()));
    }
    if (r instanceof Coordinator.CellDone c) {
      return c.row().found() ? String.format(Locale.ROOT, ", found in schedule %,d", c.row().schedule()) : ", not found";
    }
    return ", failed: " + ((Coordinator.UnitFailed) r).error();
  }

  /** Runs a unit; null if it was cancelled meanwhile. */
  private Coordinator.Result run(Simulator sim, Task t) throws Exception {
    if (t instanceof ExploreRange e) {
      ScenarioWorld world = e.exploration().world().world();
      ExploreOptions options = e.exploration().options();
      int ran = 0;
      long steps = 0;
      ExploreResult.Tally incomplete = new ExploreResult.Tally();
      for (int i = e.from(); i < e.to(); i++) {
        if (cancelled.contains(e.unit())) {
          return null;
        }
        RunResult r = sim.iteration(world, options, e.k(), i);
        ran++;
        steps += r.steps();
        incomplete.add(r);
        if (r.failed()) {
          return new Coordinator.RangeDone(e.unit(), self, ran, steps, i, incomplete.rows());
        }
      }
      return new Coordinator.RangeDone(e.unit(), self, ran, steps, -1, incomplete.rows());
    }
    RunCell c = (RunCell) t;
    Row row = Runner.row(sim, c.cell().cell());
    return new Coordinator.CellDone(c.unit(), self, row);
  }
}
