package kernsim.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import kernsim.experiment.Row;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The seed node's actor: hands a {@link Job}'s units to the workers that say {@link Hello}, at most as many
 * at once as each has threads, lowest unit first; takes their results; and when a worker's member leaves,
 * is removed or becomes unreachable (it is then downed), puts the units it held back in front of the queue
 * for the others. It finishes when every unit the job still needs is done, and then tells the workers so.
 */
final class Coordinator {
  /** The coordinator's messages: from workers ({@link Wire}) and from its own node. */
  sealed interface Msg {}

  /** A worker is ready: {@code threads} units at once. */
  record Hello(ActorRef<Worker.Msg> worker, String version, String model, int threads) implements Msg, Wire {}

  /** A unit's result. */
  sealed interface Result extends Msg, Wire {
    long unit();

    ActorRef<Worker.Msg> worker();
  }

  /**
   * An exploration range's result: {@code ran} iterations from its first, {@code steps} over them, and the
   * first failing iteration among them ({@code -1} if none; the range stopped there), and what the oracles left
   * unchecked in them ({@link kernsim.actors.ExploreResult#incomplete}).
   */
  record RangeDone(long unit, ActorRef<Worker.Msg> worker, int ran, long steps, int failure,
      java.util.List<kernsim.actors.ExploreResult.Incomplete> incomplete) implements Result {
    RangeDone {
      incomplete = java.util.List.copyOf(incomplete);
    }
  }

  /** An experiment cell's row. */
  record CellDone(long unit, ActorRef<Worker.Msg> worker, Row row) implements Result {}

  /** A unit the worker could not run: kernsim failed there. */
  record UnitFailed(long unit, ActorRef<Worker.Msg> worker, String error) implements Result {}

  private record MemberChange(ClusterEvent.MemberEvent event) implements Msg {}

  private record Reachability(ClusterEvent.ReachabilityEvent event) implements Msg {}

  private enum Tick implements Msg {
    INSTANCE
  }

  /** What the coordinator hands out. Its methods run on the coordinator's actor, one at a time. */
  interface Job {
    /** Every unit, keyed by its number; lower numbers go out first. */
    Map<Long, Worker.Task> units();

    /** Whether the unit's result still matters (an exploration needs no range past its lowest failure). */
    boolean needed(long unit);

    /** A unit's result, from {@code worker}; an exception ends the run with it. */
    void done(Worker.Task task, Result result, String worker) throws Exception;

    /** The unit went to {@code worker}. */
    default void assigned(Worker.Task task, String worker) {}
  }

  /** How the coordinator waits for workers and says what it does. */
  record Settings(int minWorkers, Duration patience, Consumer<String> log) {}

  private final ActorContext<Msg> ctx;
  private final Job job;
  private final Settings settings;
  private final CompletableFuture<Void> finished;
  private final Cluster cluster;
  private final TreeMap<Long, Worker.Task> pending;
  private final Map<ActorRef<Worker.Msg>, Held> workers = new LinkedHashMap<>();
  private final TreeSet<Long> done = new TreeSet<>();
  /** The addresses of the members lost so far: a hello from one of them comes too late. */
  private final Set<Address> gone = new HashSet<>();
  private boolean started;
  private long waitingSince = System.nanoTime();

  private static final class Held {
    final int threads;
    final TreeMap<Long, Worker.Task> units = new TreeMap<>();

    Held(int threads) {
      this.threads = threads;
    }
  }

  private Coordinator(ActorContext<Msg> ctx, Job job, Settings settings, CompletableFuture<Void> finished) {
    this.ctx = ctx;
    this.job = job;
    this.settings = settings;
    this.finished = finished;
    this.cluster = Cluster.get(ctx.getSystem());
    this.pending = new TreeMap<>(job.units());
  }

  static Behavior<Msg> create(Job job, Settings settings, CompletableFuture<Void> finished) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      Cluster cluster = Cluster.get(ctx.getSystem());
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChange::new), ClusterEvent.MemberEvent.class));
      cluster.subscriptions().tell(Subscribe.create(
          ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, Reachability::new),
          ClusterEvent.ReachabilityEvent.class));
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(500));
      return new Coordinator(ctx, job, settings, finished).behavior();
    }));
  }

  private Behavior<Msg> behavior() {
    return Behaviors.receive(Msg.class)
        .onMessage(Hello.class, this::hello)
        .onMessage(Result.class, this::result)
        .onMessage(MemberChange.class, m -> {
          if (m.event() instanceof ClusterEvent.MemberRemoved || m.event() instanceof ClusterEvent.MemberExited
              || m.event() instanceof ClusterEvent.MemberLeft || m.event() instanceof ClusterEvent.MemberDowned) {
            lost(m.event().member(), statusWord(m.event()));
          }
          return Behaviors.same();
        })
        .onMessage(Reachability.class, r -> {
          if (r.event() instanceof ClusterEvent.UnreachableMember u && !u.member().hasRole(Node.COORDINATOR)) {
            cluster.manager().tell(new Down(u.member().address()));
            lost(u.member(), "unreachable, downed");
          }
          return Behaviors.same();
        })
        .onMessageEquals(Tick.INSTANCE, this::tick)
        .build();
  }

  private static String statusWord(ClusterEvent.MemberEvent e) {
    if (e instanceof ClusterEvent.MemberRemoved) {
      return "removed";
    }
    if (e instanceof ClusterEvent.MemberDowned) {
      return "downed";
    }
    return "left";
  }

  private Behavior<Msg> hello(Hello h) {
    String who = name(h.worker());
    if (gone.contains(h.worker().path().address())) {
      return Behaviors.same(); // a late hello of a member already lost
    }
    if (!h.version().equals(Versions.kernsim()) || !h.model().equals(Versions.model())) {
      settings.log().accept("refused worker " + who + ": it runs kernsim " + h.version() + " (" + h.model()
          + "), this is kernsim " + Versions.kernsim() + " (" + Versions.model() + ")");
      h.worker().tell(new Worker.Reject("the coordinator runs kernsim " + Versions.kernsim() + " ("
          + Versions.model() + "), this worker " + h.version() + " (" + h.model() + ")"));
      return Behaviors.same();
    }
    if (!workers.containsKey(h.worker())) {
      workers.put(h.worker(), new Held(Math.max(1, h.threads())));
      settings.log().accept("worker " + who + " joined (" + h.threads() + " thread" + (h.threads() == 1 ? "" : "s")
          + "), " + workers.size() + " in all");
    }
    return handOut();
  }

  private Behavior<Msg> result(Result r) {
    Held held = workers.get(r.worker());
    Worker.Task task = held == null ? null : held.units.remove(r.unit());
    if (task == null || done.contains(r.unit())) {
      return Behaviors.same(); // a unit already redone elsewhere, or of a worker already lost: the same result
    }
    if (r instanceof UnitFailed f) {
      finished.completeExceptionally(new IllegalStateException("worker " + name(r.worker()) + " could not run unit "
          + r.unit() + ": " + f.error()));
      return Behaviors.stopped();
    }
    done.add(r.unit());
    try {
      job.done(task, r, name(r.worker()));
    } catch (Exception e) {
      finished.completeExceptionally(e);
      return Behaviors.stopped();
    }
    return handOut();
  }

  /** Gives every worker work up to its threads; finishes when no needed unit is left. */
  private Behavior<Msg> handOut() {
    pending.keySet().removeIf(u -> !job.needed(u));
    for (Map.Entry<ActorRef<Worker.Msg>, Held> w : workers.entrySet()) {
      for (Long unit : new ArrayList<>(w.getValue().units.keySet())) {
        if (!job.needed(unit)) {
          w.getValue().units.remove(unit);
          done.add(unit); // not needed any more: its result, if it comes, is ignored
          w.getKey().tell(new Worker.Cancel(unit));
        }
      }
    }
    if (!started && workers.size() < settings.minWorkers()) {
      return Behaviors.same();
    }
    started = true;
    for (Map.Entry<ActorRef<Worker.Msg>, Held> w : workers.entrySet()) {
      Held h = w.getValue();
      while (h.units.size() < h.threads && !pending.isEmpty()) {
        Map.Entry<Long, Worker.Task> next = pending.pollFirstEntry();
        h.units.put(next.getKey(), next.getValue());
        job.assigned(next.getValue(), name(w.getKey()));
        w.getKey().tell(next.getValue());
      }
    }
    boolean busy = !pending.isEmpty() || workers.values().stream().anyMatch(h -> !h.units.isEmpty());
    if (!busy) {
      workers.keySet().forEach(w -> w.tell(new Worker.Finished()));
      finished.complete(null);
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  private void lost(Member m, String how) {
    gone.add(m.address());
    for (Map.Entry<ActorRef<Worker.Msg>, Held> w : new ArrayList<>(workers.entrySet())) {
      if (!w.getKey().path().address().equals(m.address())) {
        continue;
      }
      workers.remove(w.getKey());
      List<String> back = new ArrayList<>();
      for (Map.Entry<Long, Worker.Task> e : w.getValue().units.entrySet()) {
        if (job.needed(e.getKey()) && !done.contains(e.getKey())) {
          pending.put(e.getKey(), e.getValue());
          back.add(e.getValue().describe());
        }
      }
      settings.log().accept("lost worker " + name(w.getKey()) + " (" + how + ")"
          + (back.isEmpty() ? "" : "; back in the queue for the others: " + String.join(", ", back)));
      if (workers.isEmpty()) {
        waitingSince = System.nanoTime();
      }
    }
    if (finished.isDone()) {
      return;
    }
    handOut();
  }

  private Behavior<Msg> tick() {
    if (!workers.isEmpty() && started) {
      return Behaviors.same();
    }
    if (System.nanoTime() - waitingSince > settings.patience().toNanos()) {
      String have = workers.isEmpty() ? "no worker" : workers.size() + " of " + settings.minWorkers() + " workers";
      finished.completeExceptionally(new ClusterException(have + " joined within " + settings.patience().toSeconds()
          + " s (start them with: kernsim worker --join " + hostPort(cluster.selfMember().address()) + ")"));
      return Behaviors.stopped();
    }
    return Behaviors.same();
  }

  static String hostPort(Address a) {
    String host = a.getHost().orElse("?");
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort().map(String::valueOf).orElse("?");
  }

  static String name(ActorRef<?> ref) {
    return hostPort(ref.path().address());
  }
}
