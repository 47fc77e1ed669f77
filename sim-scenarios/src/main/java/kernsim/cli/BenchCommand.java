package kernsim.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.StrategyKind;
import kernsim.actors.WorldSpec;
import kernsim.actors.examples.Counters;
import kernsim.actors.examples.PingPong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Five throughput figures in one run. Wall-clock timing is fine here: the bench drives worlds from
 * outside, it is not model code.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Measures the simulator's throughput against its targets, and raw Pekko's.",
    description = {
      "Prints, in one run: (a) controlled steps/s of a two-actor ping-pong, " + BenchCommand.ROUNDS_TEXT
          + " rounds per iteration, random strategy (target >= 5,000,000 steps/s); (b) controlled iterations/s"
          + " of a ~200-step scenario, atomic-update-4x25, with the ActorSystem reused (target >= 15,000"
          + " iterations/s); (d) controlled steps/s of the kernel model on a mixed workload: ext4 mounted on"
          + " /dev/loop0, file writes and umount on one hart while another issues BLKFLSBUF (target >="
          + " 1,000,000 steps/s), and its ratio to (a); (c) raw Pekko messages/s of the same ping-pong on"
          + " Pekko's default dispatcher, without the simulator; the ratio of (a) to (c); and the JVM and GC"
          + " in use; (e) schedules/s of an exploration of the catalog's triad with PCT, depth 3, its two fixes on"
          + " so that every schedule runs to the end, explored 200 schedules per call: the median call's rate"
          + " (the mean and the best call beside it) (target >= 5,000 schedules/s); (f) steps/s of the same"
          + " exploration of a generated scenario of 8, 16, 32 and 64 harts sharing /dev/loop0 (one mounts ext4 and"
          + " writes a file, the others flush the device), beside the triad's steps per CPU-second (target: within"
          + " 2x at 32 and 64), the bytes allocated per schedule and the live heap after a forced GC.",
      "Each figure is warmed up until its rate is stable (" + BenchCommand.STABLE_ROUNDS + " rounds in a row"
          + " within " + BenchCommand.STABLE_PERCENT + "%% of each other, rates of the calling thread's CPU time, so"
          + " that a neighbour's burst does not look like warm-up), for at most --warmup seconds, and each figure"
          + " says how long that took or that the cap ended it. Then it is measured, call after call; the figure is the median call's rate (a"
          + " neighbour's burst slows a few calls and the mean with them), and the mean and the best call are"
          + " printed beside it. The figures are for one core (the simulator runs every world on the calling"
          + " thread) and the machine is shared and noisy: read them as rough, and compare only figures taken in"
          + " the same run. A missed target does not change the exit code."
    })
final class BenchCommand implements Callable<Integer> {
  static final int ROUNDS = 100_000;
  static final String ROUNDS_TEXT = "100,000";
  static final long PING_PONG_TARGET = 5_000_000;
  static final long SCENARIO_TARGET = 15_000;
  static final long KERNEL_TARGET = 1_000_000;
  static final long TRIAD_TARGET = 5_000;
  /** Schedules per explore call in figure (e): a call is the unit whose median rate is reported. */
  static final int TRIAD_CALL = 200;

  @Spec CommandSpec spec;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "3",
      description = "Measuring time per figure, in seconds (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup", paramLabel = "S", defaultValue = "60",
      description = "The most warm-up time per figure, in seconds; it ends earlier once the rate is stable; 0 for"
          + " none (default: ${DEFAULT-VALUE}).")
  double warmup;

  /** Warm-up rounds in a row whose rates must agree. */
  static final int STABLE_ROUNDS = 3;
  /** How far apart (the fastest over the slowest, minus one) those rounds' rates may be. */
  static final int STABLE_PERCENT = 5;

  /** How the last figure's warm-up went, for its line. */
  private String warmedUp = "";

  private PrintWriter w;

  @Override
  public Integer call() throws Exception {
    if (!(seconds > 0) || seconds > 3600) {
      throw new ParameterException(spec.commandLine(), "--seconds must be in (0, 3600], got " + seconds);
    }
    if (!(warmup >= 0) || warmup > 3600) {
      throw new ParameterException(spec.commandLine(), "--warmup must be in [0, 3600], got " + warmup);
    }
    w = spec.commandLine().getOut();
    w.printf(Locale.ROOT, "kernsim bench: warm-up until the rate is stable (at most %.1f s) + %.1f s measured per"
        + " figure; one core, shared noisy machine: rough figures%n", warmup, seconds);
    w.println(jvm());
    w.flush();

    double controlled;
    try (Simulator sim = Simulator.create()) {
      controlled = pingPongControlled(sim);
      scenarioControlled(sim);
      double kernel = kernelControlled(sim);
      w.printf(Locale.ROOT, "kernel/ping-pong: %.3f (d over a: the same machine, the same minute)%n", kernel / controlled);
      double triad = triadSchedules(sim);
      for (int harts : SHARING_HARTS) {
        sharingSchedules(sim, harts, triad);
      }
    }
    double raw = pingPongRaw();
    w.printf(Locale.ROOT, "controlled/raw: %.2f (a over c: ping-pong steps/s under the simulator over raw Pekko"
        + " messages/s)%n", controlled / raw);
    w.println("load average at the end: " + loadAverage());
    w.flush();
    return Main.OK;
  }

  // ---- a. controlled ping-pong ----

  private double pingPongControlled(Simulator sim) {
    WorldSpec spec = PingPong.spec(ROUNDS);
    RunOptions run = new RunOptions(2 * ROUNDS + 1_000, true); // the default bound would call this a livelock
    long[] seed = {1};
    long[] iterations = {0};
    LongSupplier once = () -> {
      long s = seed[0]++;
      RunResult r = sim.run(spec, Strategies.random(s), run, s, 0);
      if (r.failed()) {
        throw new IllegalStateException(spec.name() + " failed: " + r.outcome());
      }
      iterations[0]++;
      return r.steps();
    };
    warmUp(once, true);
    iterations[0] = 0;
    Sample s = time(seconds, once);
    double rate = s.median();
    figure("a", "ping-pong, simulator", rate, "steps/s", PING_PONG_TARGET, String.format(Locale.ROOT,
        "%,d steps/iteration, mean %s, best %s, per CPU-second %s", s.units() / Math.max(1, iterations[0]),
        shortRate(s.perSecond()), shortRate(s.best()), shortRate(s.perCpuSecond())));
    w.flush();
    return rate;
  }

  // ---- b. a ~200-step scenario, iterations per second ----

  private void scenarioControlled(Simulator sim) {
    WorldSpec spec = Counters.spec(Counters.Update.ONE_MESSAGE, 4, 25);
    int batch = 250;
    long[] seed = {1};
    long[] steps = {0};
    LongSupplier once = () -> {
      ExploreResult r = sim.explore(spec, ExploreOptions.random(seed[0]++, batch));
      check(r, spec);
      steps[0] += r.totalSteps();
      return r.iterations();
    };
    warmUp(once, true);
    steps[0] = 0;
    Sample s = time(seconds, once);
    double rate = s.median();
    figure("b", spec.name() + ", simulator", rate, "iterations/s", SCENARIO_TARGET, String.format(Locale.ROOT,
        "%.1f steps/iteration avg, mean %s, best %s, per CPU-second %s", (double) steps[0] / Math.max(1, s.units()),
        shortRate(s.perSecond()), shortRate(s.best()), shortRate(s.perCpuSecond())));
    w.flush();
  }

  // ---- d. the kernel model on a mixed workload, steps per second ----

  private double kernelControlled(Simulator sim) {
    WorldSpec spec = kernsim.cpu.Workloads.mixed(8);
    long[] seed = {1};
    long[] iterations = {0};
    LongSupplier once = () -> {
      long s = seed[0]++;
      RunResult r = sim.run(spec, Strategies.random(s), RunOptions.DEFAULT, s, 0);
      if (r.failed()) {
        throw new IllegalStateException(spec.name() + " failed under the bench: " + r.outcome());
      }
      iterations[0]++;
      return r.steps();
    };
    warmUp(once, true);
    iterations[0] = 0;
    Sample s = time(seconds, once);
    double rate = s.median();
    figure("d", "kernel " + spec.name() + ", simulator", rate, "steps/s", KERNEL_TARGET, String.format(Locale.ROOT,
        "%,d steps/iteration, mean %s, best %s, per CPU-second %s", s.units() / Math.max(1, iterations[0]),
        shortRate(s.perSecond()), shortRate(s.best()), shortRate(s.perCpuSecond())));
    w.flush();
    return rate;
  }

  // ---- e. the triad, explored with PCT ----

  /**
   * Schedules/s of {@code kernsim explore}'s own loop on the catalog's triad with PCT (depth 3), with the
   * triad's two fixes on so that no schedule stops early: the steady state of a long exploration.
   */
  private double triadSchedules(Simulator sim) {
    kernsim.scenario.Scenario triad;
    try {
      triad = kernsim.scenario.Catalog.find(kernsim.scenario.Catalog.DEFAULT).orElseThrow();
    } catch (kernsim.scenario.ScenarioException e) {
      throw new IllegalStateException("the catalog's triad does not parse: " + e.getMessage(), e);
    }
    List<String> fixes = kernsim.scenario.Catalog.fixesFor(triad.name()).stream().map(kernsim.dev.Fix::id).toList();
    kernsim.scenario.ScenarioWorld world = new kernsim.scenario.ScenarioWorld(triad,
        kernsim.scenario.Settings.of(triad, null, fixes, List.of()));
    long[] seed = {1};
    long[] steps = {0};
    LongSupplier once = () -> {
      ExploreResult r = sim.explore(world,
          ExploreOptions.pct(seed[0]++, TRIAD_CALL, 3).withRun(world.runOptions(RunOptions.DEFAULT)));
      check(r, world);
      steps[0] += r.totalSteps();
      return r.iterations();
    };
    warmUp(once, true);
    steps[0] = 0;
    Sample s = time(seconds, once);
    figure("e", "triad + fixes, explore pct", s.median(), "schedules/s", TRIAD_TARGET, String.format(Locale.ROOT,
        "median of %d-schedule calls; mean %s, best %s, per CPU-second %s; %,d steps/schedule", TRIAD_CALL,
        shortRate(s.perSecond()), shortRate(s.best()), shortRate(s.perCpuSecond()), steps[0] / Math.max(1, s.units())));
    w.flush();
    return steps[0] * 1e9 / Math.max(1, s.cpuNanos());
  }

  // ---- f. N harts sharing one device ----

  /** The sizes of figure (f). */
  static final int[] SHARING_HARTS = {8, 16, 32, 64};
  /** Schedules per explore call in figure (f). */
  static final int SHARING_CALL = 10;

  /**
   * A generated scenario of {@code harts} harts sharing /dev/loop0 (ext4 on it, as in the triad): one
   * mounts it, writes a file and unmounts; every other one opens the device, flushes it (BLKFLSBUF) and
   * closes it. Nothing in it races, so every schedule runs to the end with every oracle watching.
   */
  static String sharingScenario(int harts) {
    StringBuilder b = new StringBuilder();
    b.append("scenario sharing-").append(harts).append('\n')
        .append("title \"").append(harts).append(" harts sharing /dev/loop0\"\n\n")
        .append("setup:\n  image /img 16K\n  losetup /dev/loop0 /img\n  mkfs.ext4 /dev/loop0\n\n")
        .append("hart mounter:\n  mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)\n")
        .append("  fd = open(\"/mnt/a\", O_RDWR|O_CREAT)\n  write(fd, \"first file\")\n  close(fd)\n")
        .append("  umount2(\"/mnt\", 0)\n");
    for (int i = 1; i < harts; i++) {
      b.append("\nhart flusher").append(i).append(":\n  ld = open(\"/dev/loop0\", O_RDWR)\n")
          .append("  ioctl(ld, BLKFLSBUF)\n  close(ld)\n");
    }
    return b.toString();
  }

  /**
   * Steps/s of a PCT exploration (depth 3) of {@link #sharingScenario}, beside the triad's ({@code triad}:
   * figure e's steps per CPU-second), and the bytes the calling thread allocates per schedule: what grows
   * with the harts.
   */
  private void sharingSchedules(Simulator sim, int harts, double triad) {
    kernsim.scenario.Scenario scenario;
    try {
      scenario = kernsim.scenario.Scenarios.parse(sharingScenario(harts), "sharing-" + harts + ".ksim");
    } catch (kernsim.scenario.ScenarioException e) {
      throw new IllegalStateException("the generated scenario does not parse: " + e.getMessage(), e);
    }
    kernsim.scenario.ScenarioWorld world = new kernsim.scenario.ScenarioWorld(scenario,
        kernsim.scenario.Settings.of(scenario, null, List.of(), List.of()));
    long[] seed = {1};
    long[] schedules = {0};
    LongSupplier once = () -> {
      ExploreResult r = sim.explore(world,
          ExploreOptions.pct(seed[0]++, SHARING_CALL, 3).withRun(world.runOptions(RunOptions.DEFAULT)));
      check(r, world);
      schedules[0] += r.iterations();
      return r.totalSteps();
    };
    warmUp(once, true);
    schedules[0] = 0;
    long allocated0 = allocatedBytes();
    Sample s = time(seconds, once);
    long perSchedule = (allocatedBytes() - allocated0) / Math.max(1, schedules[0]);
    long live = liveHeap();
    double perCpu = s.perCpuSecond();
    figure("f", harts + " harts on one device, pct", s.median(), "steps/s", 0, String.format(Locale.ROOT,
        "%,d steps/schedule, per CPU-second %s (triad's over this: %.2f), %,d KiB allocated/schedule, %,d KiB"
            + " live heap after a GC",
        s.units() / Math.max(1, schedules[0]), shortRate(perCpu), triad / Math.max(1, perCpu), perSchedule >> 10,
        live >> 10));
    w.flush();
  }

  /** The heap in use after a forced full GC (the bench's own, not model code). */
  private static long liveHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Bytes the calling thread has allocated so far, or 0 where the JVM does not tell. */
  private static long allocatedBytes() {
    return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        ? t.getThreadAllocatedBytes(Thread.currentThread().getId()) : 0;
  }

  private static void check(ExploreResult r, WorldSpec spec) {
    if (r.found()) {
      throw new IllegalStateException(spec.name() + " failed under the bench: " + r.failing().orElseThrow().outcome());
    }
  }

  // ---- c. the same ping-pong on plain Pekko ----

  /** Counts down the current latch when a player receives the spent ball (left = 0). */
  private static final class EndOfRally extends BehaviorInterceptor<PingPong.Ball, PingPong.Ball> {
    private final AtomicReference<CountDownLatch> done;

    EndOfRally(AtomicReference<CountDownLatch> done) {
      super(PingPong.Ball.class);
      this.done = done;
    }

    @Override
    public Behavior<PingPong.Ball> aroundReceive(
        TypedActorContext<PingPong.Ball> ctx, PingPong.Ball ball, ReceiveTarget<PingPong.Ball> target) {
      Behavior<PingPong.Ball> next = target.apply(ctx, ball);
      if (ball.left() == 0) {
        done.get().countDown();
      }
      return next;
    }
  }

  private record Serve(int rounds) {}

  private static Behavior<Serve> table(AtomicReference<CountDownLatch> done) {
    return Behaviors.setup(ctx -> {
      ActorRef<PingPong.Ball> ping = ctx.spawn(Behaviors.intercept(() -> new EndOfRally(done), PingPong.player()), "ping");
      ActorRef<PingPong.Ball> pong = ctx.spawn(Behaviors.intercept(() -> new EndOfRally(done), PingPong.player()), "pong");
      return Behaviors.receive(Serve.class)
          .onMessage(Serve.class, s -> {
            pong.tell(new PingPong.Ball(s.rounds(), ping));
            return Behaviors.same();
          })
          .build();
    });
  }

  private double pingPongRaw() throws Exception {
    AtomicReference<CountDownLatch> done = new AtomicReference<>();
    Config config = ConfigFactory.parseString(
        "pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING\npekko.log-dead-letters = off\n"
            + "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off").withFallback(ConfigFactory.load());
    ActorSystem<Serve> system = ActorSystem.create(table(done), "kernsim-bench-raw", config);
    try {
      LongSupplier once = () -> {
        CountDownLatch latch = new CountDownLatch(1);
        done.set(latch);
        system.tell(new Serve(ROUNDS));
        try {
          if (!latch.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(new TimeoutException("a raw ping-pong rally took over 60 s"));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return ROUNDS + 1L; // balls with left = ROUNDS … 0
      };
      warmUp(once, false);
      Sample s = time(seconds, once);
      double rate = s.median();
      figure("c", "ping-pong, raw Pekko", rate, "messages/s", 0, String.format(Locale.ROOT,
          "%d pool threads, mean %s, best %s", dispatcherThreads(system), shortRate(s.perSecond()),
          shortRate(s.best())));
      w.flush();
      return rate;
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static int dispatcherThreads(ActorSystem<?> system) {
    Config c = system.settings().config().getConfig("pekko.actor.default-dispatcher.fork-join-executor");
    int cpus = Runtime.getRuntime().availableProcessors();
    int n = (int) Math.ceil(cpus * c.getDouble("parallelism-factor"));
    return Math.max(c.getInt("parallelism-min"), Math.min(c.getInt("parallelism-max"), n));
  }

  // ---- timing ----

  /**
   * {@code units} of work done in {@code nanos}; {@code best} and {@code median} the fastest and the
   * median single call's rate, per second. The median is the figure a shared, noisy machine reports
   * most faithfully: a neighbour's burst slows a few calls, and the mean with them.
   */
  private record Sample(long units, long nanos, double best, double median, long cpuNanos) {
    double perSecond() {
      return units * 1e9 / Math.max(1, nanos);
    }

    /** Units per second of the calling thread's CPU time: what a loaded machine disturbs least. */
    double perCpuSecond() {
      return units * 1e9 / Math.max(1, cpuNanos);
    }
  }

  /**
   * Runs {@code work} in rounds until {@link #STABLE_ROUNDS} rounds in a row have rates within
   * {@link #STABLE_PERCENT}% of each other, or {@link #warmup} seconds have passed. A round lasts a
   * twentieth of the cap (between 50 ms and 1 s); its rate is per second of the calling thread's CPU time
   * ({@code cpu}: the simulator runs a world on the calling thread) or of wall-clock time (raw Pekko, on
   * its own threads). Records how it went in {@link #warmedUp}.
   */
  private void warmUp(LongSupplier work, boolean cpu) {
    warmedUp = "";
    if (warmup <= 0) {
      warmedUp = "no warm-up";
      return;
    }
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    boolean useCpu = cpu && threads.isCurrentThreadCpuTimeSupported();
    long round = (long) (Math.min(1.0, Math.max(0.05, warmup / 20)) * 1e9);
    long cap = (long) (warmup * 1e9);
    long start = System.nanoTime();
    java.util.List<Double> rates = new java.util.ArrayList<>();
    while (true) {
      long t0 = System.nanoTime();
      long c0 = useCpu ? threads.getCurrentThreadCpuTime() : t0;
      long units = 0;
      long now;
      do {
        units += work.getAsLong();
        now = System.nanoTime();
      } while (now - t0 < round);
      long spent = (useCpu ? threads.getCurrentThreadCpuTime() : now) - c0;
      rates.add(units * 1e9 / Math.max(1, spent));
      int n = rates.size();
      if (n >= STABLE_ROUNDS) {
        java.util.List<Double> last = rates.subList(n - STABLE_ROUNDS, n);
        double lo = java.util.Collections.min(last);
        double hi = java.util.Collections.max(last);
        if (hi <= lo * (1 + STABLE_PERCENT / 100.0)) {
          warmedUp = String.format(Locale.ROOT, "warm-up %.1f s, stable", (now - start) / 1e9);
          return;
        }
      }
      if (now - start >= cap) {
        warmedUp = String.format(Locale.ROOT, "warm-up %.1f s, NOT stable (the cap ended it)", (now - start) / 1e9);
        return;
      }
    }
  }

  /** Repeats {@code work} (which returns the units it did) until {@code seconds} have passed, at least once. */
  private static Sample time(double seconds, LongSupplier work) {
    if (seconds <= 0) {
      return new Sample(0, 0, 0, 0, 0);
    }
    long budget = (long) (seconds * 1e9);
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : 0;
    long start = System.nanoTime();
    long units = 0;
    long elapsed;
    java.util.List<Double> rates = new java.util.ArrayList<>();
    long before = start;
    do {
      long u = work.getAsLong();
      long now = System.nanoTime();
      units += u;
      rates.add(u * 1e9 / Math.max(1, now - before));
      before = now;
      elapsed = now - start;
    } while (elapsed < budget);
    java.util.Collections.sort(rates);
    int n = rates.size();
    double median = n % 2 == 1 ? rates.get(n / 2) : (rates.get(n / 2 - 1) + rates.get(n / 2)) / 2;
    long cpu = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() - cpu0 : elapsed;
    return new Sample(units, elapsed, rates.get(n - 1), median, cpu);
  }

  /** One aligned figure line: label, rate and unit, target and verdict (if any), details. */
  private void figure(String letter, String label, double rate, String unit, long target, String details) {
    String goal = target <= 0 ? "no target" : String.format(Locale.ROOT, "target >= %s: %s", shortRate(target),
        rate >= target ? "met" : "MISSED");
    w.println(String.format(Locale.ROOT, "%s. %-30s %,10.0f %-12s %-24s %s; %s", letter, label + ":", rate, unit,
        goal, details, warmedUp).stripTrailing());
    w.flush();
  }

  /** 12.3M, 4.7k: a rate, short. */
  static String shortRate(double r) {
    return r >= 1e6 ? String.format(Locale.ROOT, "%.1fM", r / 1e6)
        : r >= 1e3 ? String.format(Locale.ROOT, "%.1fk", r / 1e3)
        : String.format(Locale.ROOT, "%.0f", r);
  }

  private static String jvm() {
    List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(GarbageCollectorMXBean::getName).collect(Collectors.toList());
    String names = String.join(", ", collectors);
    String gc = names.contains("PS ") ? "Parallel"
        : names.contains("G1") ? "G1"
        : names.contains("ZGC") ? "ZGC"
        : names.contains("Shenandoah") ? "Shenandoah"
        : names.contains("MarkSweepCompact") || names.contains("Copy") ? "Serial"
        : names.contains("Epsilon") || collectors.isEmpty() ? "none/Epsilon"
        : "unknown";
    Runtime rt = Runtime.getRuntime();
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    return String.format(Locale.ROOT, "jvm: %s %s (%s)%s%ngc: %s (%s); max heap %.1f GiB; %d processors visible",
        System.getProperty("java.vm.name"), System.getProperty("java.vm.version"),
        System.getProperty("java.vm.vendor"), args.isEmpty() ? "" : ", args: " + String.join(" ", args), gc, names,
        rt.maxMemory() / (double) (1L << 30), rt.availableProcessors())
        + "\nload average at the start: " + loadAverage();
  }

  /** The system's one-minute load average: how shared the machine is right now. */
  private static String loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f (1 min)", load);
  }
}
