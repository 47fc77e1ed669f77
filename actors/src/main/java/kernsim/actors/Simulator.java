package kernsim.actors;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs worlds on one reused ActorSystem (creating one costs tens of milliseconds, an iteration tens of
 * microseconds).
 *
 * <p>The system's guardian at {@code /user} is permanent and lives on the controlled dispatcher, as
 * does every actor below it (a deployment rule for {@code /world/**}, so model code spawns children
 * with a plain {@code context.spawn}). For each iteration the guardian spawns the world's root as
 * {@code /user/world}; that bootstrap and the world's teardown run outside the trace. Pekko's logger,
 * receptionist and system actors stay on Pekko's own dispatchers.
 *
 * <p>Use a Simulator from one thread at a time; make one per thread to run in parallel.
 */
public final class Simulator implements AutoCloseable {
  static final String DISPATCHER = "kernsim.controlled-dispatcher";

  /** Settings of every simulation ActorSystem, on top of the application's config. */
  static final String SIMULATION_CONFIG =
      """
      pekko {
        scheduler.implementation = "kernsim.actors.VirtualScheduler"
        # Pekko's deployer matches paths below any top-level guardian (/user and /system alike), so
        # the rule names the world's root rather than everything.
        actor.deployment {
          "/world" { dispatcher = "kernsim.controlled-dispatcher" }
          "/world/**" { dispatcher = "kernsim.controlled-dispatcher" }
        }
        log-dead-letters = off
        log-dead-letters-during-shutdown = off
        loglevel = WARNING
        stdout-loglevel = WARNING
        coordinated-shutdown.run-by-jvm-shutdown-hook = off
      }
      """;

  private static final AtomicInteger SYSTEMS = new AtomicInteger();
  private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final ActorSystem<Command> system;
  private final Controller controller;
  private boolean guardianReady;
  private boolean worldStopped = true;
  private boolean closed;

  private Simulator() {
    Config config = ConfigFactory.parseString(SIMULATION_CONFIG).withFallback(ConfigFactory.load());
    Thread me = Thread.currentThread();
    this.system = ActorSystem.create(
        guardian(), "kernsim-" + SYSTEMS.incrementAndGet(), config, DispatcherSelector.fromConfig(DISPATCHER));
    ControlledDispatcher d =
        (ControlledDispatcher) system.classicSystem().dispatchers().lookup(DISPATCHER);
    this.controller = d.controller();
    ((VirtualScheduler) system.classicSystem().scheduler()).attach(controller);
    // Start the guardian on this thread; Pekko's start-up submits from its own threads meanwhile.
    controller.bind(me, null);
    try {
      system.tell(Ping.INSTANCE);
      controller.pumpUnrecorded(() -> guardianReady, Integer.MAX_VALUE, SETTLE_NANOS, "starting the simulator");
    } finally {
      controller.unbind();
    }
    controller.arm();
  }

  public static Simulator create() {
    return new Simulator();
  }

  // ---- the permanent guardian ----

  private sealed interface Command {}

  private record Start(Behavior<?> root) implements Command {}

  private enum Stop implements Command {
    INSTANCE
  }

  private enum Ping implements Command {
    INSTANCE
  }

  private Behavior<Command> guardian() {
    return Behaviors.setup(ctx -> {
      ActorRef<?>[] world = new ActorRef<?>[1];
      return Behaviors.receive(Command.class)
          .onMessage(Start.class, s -> {
            @SuppressWarnings("unchecked")
            Behavior<Object> root = (Behavior<Object>) s.root();
            world[0] = ctx.spawn(root, "world");
            ctx.watch(world[0]);
            worldStopped = false;
            return Behaviors.same();
          })
          .onMessageEquals(Stop.INSTANCE, () -> {
            if (world[0] != null) {
              ctx.stop(world[0]);
            }
            return Behaviors.same();
          })
          .onMessageEquals(Ping.INSTANCE, () -> {
            guardianReady = true;
            return Behaviors.same();
          })
          .onSignal(Terminated.class, t -> {
            world[0] = null;
            worldStopped = true;
            return Behaviors.same();
          })
          .build();
    });
  }

  // ---- running ----

  /** Runs one iteration with {@code strategy}. */
  public RunResult run(WorldSpec spec, Strategy strategy, RunOptions options, long seed, int iteration) {
    return run(spec, strategy, options, seed, iteration, worldSeed(seed, iteration, strategy.kind()));
  }

  /**
   * {@link World#seed()} of iteration {@code iteration} of an exploration from {@code seed} with strategy
   * {@code kind}: {@link #iterationSeed}, except under DFS, whose executions all get the seed's own (they
   * must see the same world for the search to be exhaustive).
   */
  public static long worldSeed(long seed, int iteration, StrategyKind kind) {
    return iterationSeed(seed, kind == StrategyKind.DFS ? -1 : iteration);
  }

  private RunResult run(WorldSpec spec, Strategy strategy, RunOptions options, long seed, int iteration,
      long worldSeed) {
    if (closed) {
      throw new IllegalStateException("this Simulator is closed");
    }
    Run run = new Run(controller, strategy, options, worldSeed);
    controller.clearForeign();
    controller.bind(Thread.currentThread(), run);
    try {
      Behavior<?> root = spec.root(run);
      run.monitors(spec.monitors(run));
      run.powerCut(spec.powerCut());
      system.tell(new Start(root));
      // Bootstrap: the guardian's own step spawns the root, outside the trace.
      while (controller.readyCount() > 0 && controller.readyKey(0).equals(Keys.GUARDIAN)) {
        controller.take(0).mailbox.run();
      }
      controller.runTasks();
      Failure first = run.loop();
      if (first == null && run.powerLostAfter() > 0) {
        WorldSpec.Reboot reboot = spec.reboot(run, run.monitorsList());
        if (reboot == null) {
          run.endAtPowerLoss();
        } else {
          first = reboot(run, reboot);
        }
      }
      Failure failure = first == null ? run.failure() : first;
      long end = controller.nowNanos();
      teardown();
      return new RunResult(iteration, failure, run.steps(), end, run.log(), run.abandoned(), run.powerLostAfter(),
          run.rebooted(), run.incomplete(), () -> trace(spec, options, strategy, seed, iteration, run, failure));
    } finally {
      controller.unbind();
    }
  }

  /**
   * After {@code run}'s power loss: the old world stopped (nothing recorded), a fresh one booted from
   * {@code reboot} on the same run, which goes on with the same strategy until that world ends.
   */
  private Failure reboot(Run run, WorldSpec.Reboot reboot) {
    teardown();
    controller.bind(Thread.currentThread(), run);
    run.reboot(reboot.monitors());
    system.tell(new Start(reboot.root()));
    while (controller.readyCount() > 0 && controller.readyKey(0).equals(Keys.GUARDIAN)) {
      controller.take(0).mailbox.run();
    }
    controller.runTasks();
    return run.loop();
  }

  private void teardown() {
    controller.bind(Thread.currentThread(), null); // nothing is recorded from here on
    system.tell(Stop.INSTANCE);
    controller.pumpUnrecorded(() -> worldStopped, 10_000_000, SETTLE_NANOS, "stopping the world");
    controller.resetClock();
    controller.forgetWorld();
  }

  private static Trace trace(
      WorldSpec spec, RunOptions options, Strategy strategy, long seed, int iteration, Run run, Failure failure) {
    java.util.TreeMap<String, String> all = new java.util.TreeMap<>(spec.options());
    all.putAll(options.asMap());
    strategy.parameters().forEach((k, v) -> all.put(Trace.STRATEGY_PREFIX + k, v));
    Trace.Header h = new Trace.Header(Trace.FORMAT_VERSION, spec.modelVersion(), spec.name(),
        Trace.hashText(spec.text()), spec.text(), strategy.kind().id(), seed, iteration, all);
    Trace.Footer f = new Trace.Footer(run.steps(), failure == null ? "ok" : failure.signature(), run.log().hash());
    return new Trace(h, run.choices().keys(), run.choices().data(), f);
  }

  /** The seed of iteration {@code i} of an exploration with {@code seed} (SplitMix64). */
  public static long iterationSeed(long seed, int i) {
    long z = seed + 0x9E3779B97F4A7C15L * (i + 1L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Called after each iteration of an exploration, on the thread that ran it (a worker's, with several
   * workers), one call at a time; return false to stop early. {@code iteration} counts the iterations done
   * (0, 1, 2, … in the order they finish), which with several workers is not the iteration's own index:
   * that is {@code result.iteration()}.
   */
  public interface Progress {
    boolean iterationDone(int iteration, RunResult result);
  }

  /**
   * Runs up to {@code options.iterations()} iterations and stops at the first failure.
   *
   * <p>Each iteration stands alone: iteration i's strategy comes from {@link #iterationSeed}(seed, i) and
   * k, the steps among which PCT's change points and delay-bounding's delays fall, is fixed for the whole
   * exploration by its first iteration: {@code pctSteps} for iteration 0, then the larger of
   * {@code pctSteps} and iteration 0's steps. So the iterations can run in any order, on any number of
   * workers ({@link #explore(WorldSpec, ExploreOptions, int, Progress)}), with the same result.
   */
  public ExploreResult explore(WorldSpec spec, ExploreOptions options, Progress progress) {
    return explore(spec, options, progress, true);
  }

  /**
   * Runs every iteration of the budget, failing or not (for a table of outcomes): the same iterations
   * {@link #explore(WorldSpec, ExploreOptions, Progress)} runs, in the same order, but a failure does not stop
   * it. The result's failure is the lowest failing iteration; its count is every iteration run. {@code progress}
   * is called on the thread that ran the iteration, right after it, and may stop the sweep.
   */
  public ExploreResult sweep(WorldSpec spec, ExploreOptions options, Progress progress) {
    return explore(spec, options, progress, false);
  }

  private ExploreResult explore(WorldSpec spec, ExploreOptions options, Progress progress, boolean stopAtFailure) {
    if (options.strategy() == StrategyKind.DFS) {
      return exhaust(spec, options, progress, stopAtFailure);
    }
    int k = options.pctSteps();
    long totalSteps = 0;
    RunResult last = null;
    RunResult firstFailure = null;
    ExploreResult.Tally incomplete = new ExploreResult.Tally();
    for (int i = 0; i < options.iterations(); i++) {
      last = iteration(spec, options, k, i);
      totalSteps += last.steps();
      incomplete.add(last);
      if (i == 0) {
        k = stepsEstimate(options, last);
      }
      boolean goOn = progress == null || progress.iterationDone(i, last);
      if (last.failed() && firstFailure == null) {
        firstFailure = last;
        if (stopAtFailure) {
          return new ExploreResult(Optional.of(last), i + 1, totalSteps, last, incomplete);
        }
      }
      if (!goOn) {
        return new ExploreResult(Optional.ofNullable(firstFailure), i + 1, totalSteps, last, incomplete);
      }
    }
    return new ExploreResult(Optional.ofNullable(firstFailure), options.iterations(), totalSteps, last, incomplete);
  }

  /**
   * Iteration {@code i} of the exploration {@code options} with {@code k} (see {@link #explore(WorldSpec,
   * ExploreOptions, Progress)}): {@code options.pctSteps()} for iteration 0, {@link #stepsEstimate} of
   * iteration 0 for the others. Every way of exploring runs its iterations through here (one worker, several,
   * and the members of a cluster, {@code kernsim.cluster}), so they all run the same schedules.
   */
  public RunResult iteration(WorldSpec spec, ExploreOptions options, int k, int i) {
    return run(spec, Strategies.forIteration(options, iterationSeed(options.seed(), i), k), options.run(),
        options.seed(), i);
  }

  /**
   * k for every iteration after the first: the larger of the given estimate and the first iteration's steps
   * (past its prefix, if it has one: the strategy chooses only after it).
   */
  public static int stepsEstimate(ExploreOptions options, RunResult first) {
    return Math.max(options.pctSteps(), first.steps() - options.prefix().steps());
  }

  /**
   * The same exploration on {@code workers} threads, each with a Simulator of its own. The result is the
   * one {@link #explore(WorldSpec, ExploreOptions, Progress)} gives, whatever the number of workers: the
   * reported failure is the lowest failing iteration, the counts are those of the iterations up to it, and
   * {@code progress} sees iterations as they finish (in no fixed order, one call at a time). {@code spec}
   * must build worlds from several threads at once. dfs runs on the calling thread alone.
   */
  public static ExploreResult explore(WorldSpec spec, ExploreOptions options, int workers, Progress progress) {
    return explore(spec, options, workers, progress, true);
  }

  /**
   * {@link #sweep(WorldSpec, ExploreOptions, Progress)} on {@code workers} threads: every iteration runs, and
   * the result is the one a single worker gives. {@code progress} sees iterations as they finish, in no fixed
   * order, one call at a time, each on the thread that ran it.
   */
  public static ExploreResult sweep(WorldSpec spec, ExploreOptions options, int workers, Progress progress) {
    return explore(spec, options, workers, progress, false);
  }

  private static ExploreResult explore(
      WorldSpec spec, ExploreOptions options, int workers, Progress progress, boolean stopAtFailure) {
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    if (workers == 1 || options.strategy() == StrategyKind.DFS) {
      try (Simulator sim = create()) {
        return sim.explore(spec, options, progress, stopAtFailure);
      }
    }
    return new Parallel(spec, options, workers, progress, stopAtFailure).run();
  }

  /** The dfs search: executions until the tree is exhausted, a failure, or the budget. */
  private ExploreResult exhaust(WorldSpec spec, ExploreOptions options, Progress progress, boolean stopAtFailure) {
    DfsExplorer dfs = new DfsExplorer(options.preemptionBound());
    long totalSteps = 0;
    RunResult last = null;
    RunResult firstFailure = null;
    ExploreResult.Tally incomplete = new ExploreResult.Tally();
    int i = 0;
    while (i < options.iterations()) {
      last = run(spec, dfs.execution(), options.run(), options.seed(), i);
      i++;
      totalSteps += last.steps();
      incomplete.add(last);
      boolean more = dfs.finish(last);
      boolean goOn = progress == null || progress.iterationDone(i - 1, last);
      if (last.failed() && firstFailure == null) {
        firstFailure = last;
        if (stopAtFailure) {
          return new ExploreResult(Optional.of(last), i, totalSteps, last, Optional.of(dfs.verdict()),
              incomplete.rows());
        }
      }
      if (!more || !goOn) {
        break;
      }
    }
    return new ExploreResult(Optional.ofNullable(firstFailure), i, totalSteps, last, Optional.of(dfs.verdict()),
        incomplete.rows());
  }

  public ExploreResult explore(WorldSpec spec, ExploreOptions options) {
    return explore(spec, options, null);
  }

  /**
   * Runs {@code trace} again through the same code as exploration.
   *
   * @throws TraceMismatchException if the trace was recorded against another model or scenario
   */
  public ReplayResult replay(WorldSpec spec, Trace trace) throws TraceMismatchException {
    String mismatch = trace.header().mismatch(spec);
    if (mismatch != null) {
      throw new TraceMismatchException(mismatch);
    }
    RunOptions options;
    try {
      options = RunOptions.fromMap(trace.header().options());
    } catch (IllegalArgumentException e) {
      throw new TraceMismatchException("the trace's options are not understood: " + e.getMessage());
    }
    StrategyKind recorded;
    try {
      recorded = StrategyKind.byId(trace.header().strategy());
    } catch (IllegalArgumentException e) {
      recorded = StrategyKind.REPLAY;
    }
    RunResult r = run(spec, new ReplayStrategy(trace.choiceLog()), options,
        trace.header().seed(), trace.header().iteration(),
        worldSeed(trace.header().seed(), trace.header().iteration(), recorded));
    return new ReplayResult(r, trace.footer());
  }

  /**
   * Why the trace's header does not describe its choices, or null if it does. A trace whose strategy explores
   * (random, pct, pos, delay-bounding, dfs) claims that its choices are the ones that strategy makes, with the
   * parameters the header keeps, in the given iteration of an exploration from the given seed: that schedule
   * is made again and its choices must be the trace's, every one and no more. dfs's is made by running the
   * search again up to that execution. A trace edited by {@code shrink} (strategy {@code replay}) or written
   * from a sequential run claims no schedule, and is not checked.
   *
   * <p>Call it before {@link #replay} on a trace read from outside (kernsim's own commands do, for the traces a
   * user gives them); it runs {@code spec} once more (dfs: up to the trace's execution), so pass the plain world,
   * not one wrapped to record what it sees.
   *
   * @throws TraceMismatchException if the trace was recorded against another model or scenario
   */
  public String scheduleMismatch(WorldSpec spec, Trace trace) throws TraceMismatchException {
    String mismatch = trace.header().mismatch(spec);
    if (mismatch != null) {
      throw new TraceMismatchException(mismatch);
    }
    RunOptions options;
    try {
      options = RunOptions.fromMap(trace.header().options());
    } catch (IllegalArgumentException e) {
      throw new TraceMismatchException("the trace's options are not understood: " + e.getMessage());
    }
    Trace.Header h = trace.header();
    StrategyKind kind;
    try {
      kind = StrategyKind.byId(h.strategy());
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!kind.explores()) {
      return null;
    }
    java.util.SortedMap<String, String> p = h.strategyParameters();
    String what = "schedule " + ExploreResult.schedule(h.iteration()) + " of " + kind.id()
        + (p.isEmpty() ? "" : " " + p) + " from seed " + h.seed();
    RunResult again;
    try {
      if (kind == StrategyKind.DFS) {
        DfsExplorer dfs = new DfsExplorer(Integer.parseInt(required(p, Trace.PREEMPTION_BOUND, kind)));
        again = null;
        for (int i = 0; i <= h.iteration(); i++) {
          again = run(spec, dfs.execution(), options, h.seed(), i);
          if (!dfs.finish(again) && i < h.iteration()) {
            return "the trace's header claims " + what + ", but that search ends after " + (i + 1) + " executions";
          }
        }
      } else {
        int steps = kind == StrategyKind.PCT || kind == StrategyKind.DELAY_BOUNDING
            ? Integer.parseInt(required(p, Trace.STEPS, kind)) : 64;
        int depth = kind == StrategyKind.PCT ? Integer.parseInt(required(p, Trace.DEPTH, kind)) : 3;
        int delays = kind == StrategyKind.DELAY_BOUNDING
            ? Integer.parseInt(required(p, Trace.DELAYS, kind)) : ExploreOptions.DEFAULT_DELAYS;
        Prefix prefix = Prefix.NONE;
        if (p.containsKey(Prefix.STEPS)) {
          // The prefix is the trace's own first steps; the header says which steps of which trace they were.
          prefix = Prefix.of(trace, Integer.parseInt(p.get(Prefix.STEPS)), p.getOrDefault(Prefix.ORIGIN, "?"));
          if (!prefix.hash().equals(p.get(Prefix.HASH))) {
            return "the trace's header claims its first " + prefix.steps() + " steps are those of " + prefix.origin()
                + " (hash " + p.get(Prefix.HASH) + "), but its own hash to " + prefix.hash();
          }
        }
        ExploreOptions o = new ExploreOptions(kind, h.seed(), 1, depth, steps, options, delays, -1, prefix);
        again = run(spec, Strategies.forIteration(o, iterationSeed(h.seed(), h.iteration()), steps), options,
            h.seed(), h.iteration());
      }
    } catch (IllegalArgumentException e) {
      return "the trace's header does not say how to make its schedule again: " + e.getMessage();
    }
    Trace made = again.trace();
    if (!made.keys().equals(trace.keys()) || !java.util.Arrays.equals(made.choices(), trace.choices())) {
      return "the trace's header claims " + what + ", but that schedule makes other choices than the trace holds"
          + " (" + made.choices().length + " encoded choices made, " + trace.choices().length + " in the trace, the"
          + " first difference at " + firstDifference(made, trace) + ")";
    }
    return null;
  }

  private static String required(java.util.SortedMap<String, String> p, String name, StrategyKind kind) {
    String v = p.get(name);
    if (v == null) {
      throw new IllegalArgumentException(kind.id() + " needs " + Trace.STRATEGY_PREFIX + name + " in the header");
    }
    return v;
  }

  private static int firstDifference(Trace a, Trace b) {
    int n = Math.min(a.choices().length, b.choices().length);
    for (int i = 0; i < n; i++) {
      if (a.choices()[i] != b.choices()[i]) {
        return i;
      }
    }
    return n;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      // The guardian lives on the controlled dispatcher: this thread must run its stop itself.
      java.util.concurrent.CompletableFuture<?> terminated = system.getWhenTerminated().toCompletableFuture();
      controller.bind(Thread.currentThread(), null);
      try {
        system.terminate();
        controller.pumpUnrecorded(terminated::isDone, Integer.MAX_VALUE, SETTLE_NANOS, "terminating the simulator");
      } finally {
        controller.unbind();
      }
    }
  }
}
