package kernsim.actors.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import kernsim.actors.WorldSpec;

/**
 * Runs replicas of worlds side by side on a {@link StressSystem}, each replica looping rounds (a fresh
 * world per round, so oracles forget a round's history when it ends) for a number of rounds or for a
 * time. A round ends when its {@link Round} says the model's work is done; then the monitors' end checks
 * run, the world is stopped and the next round starts. A round that does not end within the time-out is
 * reported as a hang with the world's wait-for edges, and its replica stops.
 *
 * <p>The time-out counts only time the process ran: the thread that checks for hangs wakes every
 * {@value #CHECK_MILLIS} ms, and when it wakes more than {@value #STALL_MILLIS} ms late, the whole process
 * was stalled (a long collection, or no CPU on a loaded machine) and the gap is not counted against any
 * round. Without that, one stall of the time-out's length on a loaded machine reports every round in
 * flight as hung at once.
 */
public final class StressRunner {
  /** What a round's observations mean to the workload: when it is done, its calls, its last calls. */
  public interface Round {
    /** Sees every observation, in the monitors' order, from one thread at a time. */
    void observe(Object observation);

    boolean done();

    /** Calls answered in this round so far. */
    long calls();

    /** The last calls of each hart, for a violation's report. */
    List<String> lastCalls();

    /** The harts that made calls in this round. */
    List<String> harts();
  }

  /** Replica {@code index} of a workload's scenario. */
  public record Replica(int index, String scenario, WorldSpec spec, Supplier<Round> round) {}

  /** {@code rounds} per replica, or (rounds 0) until {@code durationNanos} have passed. */
  public record Options(int rounds, long durationNanos, double timeScale, boolean chaos, long seed,
      long roundTimeoutNanos, boolean stopAtFirstViolation) {}

  public record Violation(String scenario, int replica, int round, String oracle, String message,
      List<String> harts, List<String> lastCalls) {}

  public record Result(long rounds, long calls, double seconds, List<Violation> violations, int violationCount,
      int hung, boolean stoppedEarly) {
    public double callsPerSecond() {
      return calls / Math.max(seconds, 1e-9);
    }
  }

  /** Called about every {@code 100 ms} from the thread that runs {@link #run}. */
  public interface Progress {
    void update(long rounds, long calls, int violations, double seconds);
  }

  private final StressSystem system;
  private final Options options;
  private final Chaos chaos;
  private final AtomicLong rounds = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final ConcurrentLinkedQueue<Violation> violations = new ConcurrentLinkedQueue<>();
  private final AtomicInteger violationCount = new AtomicInteger();
  private final AtomicBoolean stop = new AtomicBoolean();
  private long deadline;
  private CountDownLatch running;
  private final Stalls stalls = new Stalls();

  /** How often the checking thread looks for hung rounds. */
  static final long CHECK_MILLIS = 100;
  /** A wake-up this much later than due means the process was stalled. */
  static final long STALL_MILLIS = 500;

  private StressRunner(StressSystem system, Options options) {
    this.system = system;
    this.options = options;
    this.chaos = new Chaos(options.seed(), options.chaos());
  }

  public static Result run(List<Replica> replicas, Options options, Progress progress) {
    try (StressSystem system = new StressSystem(options.timeScale())) {
      return new StressRunner(system, options).go(replicas, progress);
    }
  }

  private Result go(List<Replica> replicas, Progress progress) {
    long start = System.nanoTime();
    deadline = start + options.durationNanos();
    running = new CountDownLatch(replicas.size());
    List<ReplicaRun> runs = new ArrayList<>();
    for (Replica r : replicas) {
      runs.add(new ReplicaRun(r));
    }
    runs.forEach(ReplicaRun::next);
    int hung = 0;
    stalls.checked(start);
    try {
      while (!running.await(CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
        long now = System.nanoTime();
        stalls.checked(now);
        for (ReplicaRun r : runs) {
          if (r.hang(now)) {
            hung++;
          }
        }
        progress.update(rounds.get(), calls.get(), violationCount.get(), (now - start) / 1e9);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    progress.update(rounds.get(), calls.get(), violationCount.get(), seconds);
    return new Result(rounds.get(), calls.get(), seconds, List.copyOf(violations), violationCount.get(), hung,
        stop.get());
  }

  /**
   * The time the whole process was seen stalled: {@link #checked} is called by the checking thread each time
   * it wakes, and a wake-up more than {@value #STALL_MILLIS} ms later than the {@value #CHECK_MILLIS} ms it
   * slept adds its lateness. Written by one thread, read by any.
   */
  static final class Stalls {
    private long last = Long.MIN_VALUE;
    private volatile long stalled;

    void checked(long now) {
      if (last != Long.MIN_VALUE) {
        long late = now - last - TimeUnit.MILLISECONDS.toNanos(CHECK_MILLIS);
        if (late > TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS)) {
          stalled += late;
        }
      }
      last = now;
    }

    long stalledNanos() {
      return stalled;
    }
  }

  /** Violations kept for the report (all are counted): a long --keep-going run's heap stays bounded. */
  public static final int KEPT_VIOLATIONS = 100;

  private void violation(Violation v) {
    if (violationCount.incrementAndGet() <= KEPT_VIOLATIONS) {
      violations.add(v);
    }
    if (options.stopAtFirstViolation()) {
      stop.set(true);
    }
  }

  /** One replica's rounds; its state moves on the drainer of its current world, one at a time. */
  private final class ReplicaRun implements StressWorld.Sink {
    private final Replica replica;
    private int round = -1;
    private volatile StressWorld world;
    private volatile long roundStart;
    private volatile long stalledAtStart;
    private Round tracker;
    private boolean ending;
    private volatile boolean finished;

    ReplicaRun(Replica replica) {
      this.replica = replica;
    }

    void next() {
      round++;
      ending = false;
      tracker = replica.round().get();
      StressWorld w = new StressWorld("r" + replica.index() + "." + round,
          kernsim.actors.Simulator.iterationSeed(kernsim.actors.Simulator.iterationSeed(options.seed(), replica.index()),
              round), options.timeScale(), chaos, this);
      w.monitors(replica.spec().monitors(w));
      stalledAtStart = stalls.stalledNanos();
      roundStart = System.nanoTime();
      world = w; // after its start times: a checker that sees the new world sees them too
      system.start(w.name(), replica.spec().root(w));
    }

    private boolean more() {
      if (stop.get()) {
        return false;
      }
      return options.rounds() > 0 ? round + 1 < options.rounds() : System.nanoTime() < deadline;
    }

    @Override
    public void observed(StressWorld w, Object observation) {
      tracker.observe(observation);
      if (!ending && tracker.done()) {
        ending = true;
        w.end();
      }
    }

    @Override
    public void failed(StressWorld w, String oracle, String message) {
      violation(new Violation(replica.scenario(), replica.index(), round, oracle, message, tracker.harts(),
          tracker.lastCalls()));
      if (!ending) {
        ending = true;
        w.end();
      }
    }

    @Override
    public void ended(StressWorld w) {
      system.stop(w.name());
      rounds.incrementAndGet();
      calls.addAndGet(tracker.calls());
      if (finished) {
        return;
      }
      if (more()) {
        next();
      } else {
        finished = true;
        running.countDown();
      }
    }

    /** A round past its time-out: reported once, and the replica stops. */
    boolean hang(long now) {
      StressWorld w = world;
      long stalled = stalls.stalledNanos() - stalledAtStart;
      if (finished || w.ended() || now - roundStart - stalled < options.roundTimeoutNanos()) {
        return false;
      }
      finished = true;
      List<String> waits = w.waits();
      violation(new Violation(replica.scenario(), replica.index(), round, waits.isEmpty() ? "hang" : "deadlock",
          String.format(java.util.Locale.ROOT, "round not done after %.1f s%s; wait-for edges: %s",
              (now - roundStart - stalled) / 1e9,
              stalled > 0 ? String.format(java.util.Locale.ROOT, " (and %.1f s with the process stalled)", stalled / 1e9)
                  : "",
              waits.isEmpty() ? "none" : String.join(", ", waits)),
          tracker.harts(), tracker.lastCalls()));
      system.stop(w.name());
      running.countDown();
      return true;
    }
  }
}
