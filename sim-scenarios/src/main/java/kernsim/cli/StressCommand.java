package kernsim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import kernsim.actors.ExploreOptions;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.actors.stress.StressRunner;
import kernsim.cpu.Calls;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;
import kernsim.stress.PinDown;
import kernsim.stress.Workload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs scenarios at scale on real threads (Pekko's default dispatcher, real time scaled down), with
 * every oracle on; after a violation, pins it down under the controlled dispatcher. See docs/stress.md.
 */
@Command(
    name = "stress",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Runs scenarios replicated at scale on real threads, every oracle on; pins a violation down as a trace.",
    description = {
      "Replicates each FILE (a scenario file or a catalog name; several run side by side) over --devices K"
          + " replicas, each its own kernel with its own loop devices and backing files, each hart copied"
          + " --harts-per-replica times, for --rounds R rounds or --duration. Without FILE: the catalog's triad"
          + " with its two fixes, 16 replicas, 10 s.",
      "After a violation it explores that replica's program (one copy of each hart) with PCT until the same"
          + " oracle objects, writes the trace and prints the 'kernsim replay' command.",
      "Exits 1 when a violation was found, 0 when none was, 2 on bad input."
    })
final class StressCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Parameters(arity = "0..*", paramLabel = "FILE",
      description = "Scenario files or catalog names (default: " + Catalog.DEFAULT + " with its fixes).")
  List<String> files = new ArrayList<>();

  @Option(names = "--devices", paramLabel = "K", defaultValue = "16",
      description = "Replicas of each scenario, each with its own loop devices and backing files (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(names = "--harts-per-replica", paramLabel = "M", defaultValue = "1",
      description = "Copies of each hart in a replica (default: ${DEFAULT-VALUE}).")
  int harts;

  @Option(names = "--rounds", paramLabel = "R", description = "Rounds per replica (default: run for --duration).")
  Integer rounds;

  @Option(names = "--duration", paramLabel = "TIME", defaultValue = "10s",
      description = "How long to run when --rounds is not given: 500ms, 10s, 2m (default: ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--time-scale", paramLabel = "X", defaultValue = "0.01",
      description = "Real time per unit of model time: timers and sleeps last X times as long (default: ${DEFAULT-VALUE}).")
  double timeScale;

  @Option(names = "--chaos", description = "Yield or sleep briefly at lock-region boundaries, seeded per thread.")
  boolean chaos;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seeds chaos, the model's draws and the pin-down's first PCT seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--keep-going", description = "Keep running after the first violation.")
  boolean keepGoing;

  @Option(names = "--round-timeout", paramLabel = "TIME", defaultValue = "10s",
      description = "A round not done after this is reported as a hang (default: ${DEFAULT-VALUE}).")
  String roundTimeout;

  @Option(names = "--no-pin-down", description = "Do not explore a violation under the controlled dispatcher.")
  boolean noPinDown;

  @Option(names = "--pin-budget", paramLabel = "N", defaultValue = "20000",
      description = "Schedules the pin-down may explore (default: ${DEFAULT-VALUE}).")
  int pinBudget;

  @Option(names = "--bench", description = "Also run the same workload's rounds under the controlled dispatcher"
      + " and report both syscalls/s.")
  boolean bench;

  @Mixin SettingsOptions settingsOptions;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "kernsim-out",
      description = "Where a pinned-down trace goes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Print one JSON document with the whole result, and no progress line.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (devices < 1 || harts < 1 || rounds != null && rounds < 1 || pinBudget < 1) {
      throw new ParameterException(spec.commandLine(), "--devices, --harts-per-replica, --rounds and --pin-budget"
          + " must be at least 1");
    }
    if (!(timeScale > 0)) {
      throw new ParameterException(spec.commandLine(), "--time-scale must be positive, got " + timeScale);
    }
    long durationNanos = nanos("--duration", duration);
    long timeoutNanos = nanos("--round-timeout", roundTimeout);
    List<Workload> workloads = new ArrayList<>();
    List<String> names = files.isEmpty() ? List.of(Catalog.DEFAULT) : files;
    for (String name : names) {
      Scenario s = main.resolve(name);
      Settings settings = files.isEmpty()
          ? Settings.of(s, settingsOptions.profile, withDefaultFixes(), settingsOptions.oraclesOff)
              .withFaults(SettingsOptions.faultPlan(settingsOptions.faults))
          : settingsOptions.of(s);
      if (s.faults().plus(settings.faults()).powerLoss() != null) {
        throw new Main.UserError(name + ": stress takes no power-loss fault (a power loss cuts a run after a step,"
            + " and real threads have no steps; explore and run take it: docs/faults.md)");
      }
      try {
        workloads.add(new Workload(s, settings, devices, harts));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--harts-per-replica " + harts + ": " + e.getMessage());
      }
    }
    List<StressRunner.Replica> replicas = new ArrayList<>();
    for (Workload w : workloads) {
      replicas.addAll(w.replicas(replicas.size()));
    }
    StressRunner.Options options = new StressRunner.Options(rounds == null ? 0 : rounds, durationNanos, timeScale,
        chaos, seed, timeoutNanos, !keepGoing);
    PrintWriter w = spec.commandLine().getOut();
    if (!json) {
      w.printf(Locale.ROOT, "kernsim stress %s: %d replicas x %d hart copies, %s, time scale %s%s%n",
          String.join(" + ", names), replicas.size(), harts,
          rounds == null ? duration : rounds + " rounds", Double.toString(timeScale), chaos ? ", chaos" : "");
      w.flush();
    }
    ProgressLine line = new ProgressLine(Terminal.progressOnStderr(json));
    StressRunner.Result result = StressRunner.run(replicas, options, line);
    line.close();

    Bench controlled = bench ? controlled(workloads, Math.min(Math.max(result.seconds(), 1.0), 30.0)) : null;

    PinDown.Result pinned = null;
    StressRunner.Violation first = result.violations().isEmpty() ? null : result.violations().get(0);
    if (first != null && !noPinDown) {
      Workload wl = workloads.stream().filter(x -> x.scenario().name().equals(first.scenario())).findFirst()
          .orElseThrow();
      pinned = PinDown.run(wl.replicaScenario(), wl.settings(), first.oracle(), seed, pinBudget, out);
    }

    if (json) {
      ObjectNode o = Json.document("stress");
      ArrayNode sc = o.putArray("scenarios");
      for (Workload wl : workloads) {
        ObjectNode x = sc.addObject();
        Json.scenario(x, wl.scenario(), wl.settings());
        x.put("replicas", wl.replicas());
        x.put("hartsPerReplica", wl.hartsPerReplica());
      }
      o.put("rounds", result.rounds());
      o.put("syscalls", result.calls());
      o.put("seconds", result.seconds());
      o.put("syscallsPerSecond", result.callsPerSecond());
      o.put("timeScale", timeScale);
      o.put("chaos", chaos);
      o.put("seed", seed);
      o.put("hung", result.hung());
      o.put("violationCount", result.violationCount());
      ArrayNode vs = o.putArray("violations");
      for (StressRunner.Violation v : result.violations()) {
        ObjectNode x = vs.addObject();
        x.put("scenario", v.scenario());
        x.put("replica", v.replica());
        x.put("round", v.round());
        x.put("oracle", v.oracle());
        x.put("message", v.message());
        Json.strings(x.putArray("harts"), v.harts());
        Json.strings(x.putArray("lastCalls"), v.lastCalls());
      }
      if (pinned == null) {
        o.putNull("pinDown");
      } else {
        ObjectNode p = o.putObject("pinDown");
        p.put("found", pinned.found());
        p.put("schedules", pinned.schedules());
        p.put("seed", pinned.seed());
        p.put("oracle", pinned.oracle());
        p.put("message", pinned.message());
        p.put("trace", pinned.trace() == null ? null : pinned.trace().toString());
        p.put("replayCommand", pinned.replayCommand());
      }
      if (controlled != null) {
        ObjectNode b = o.putObject("controlled");
        b.put("syscalls", controlled.calls());
        b.put("seconds", controlled.seconds());
        b.put("syscallsPerSecond", controlled.calls() / controlled.seconds());
      }
      Json.print(w, o);
    } else {
      w.printf(Locale.ROOT, "%,d rounds, %,d syscalls in %.2f s: %,.0f syscalls/s; %d violation%s%s%n",
          result.rounds(), result.calls(), result.seconds(), result.callsPerSecond(), result.violationCount(),
          result.violationCount() == 1 ? "" : "s", result.hung() > 0 ? " (" + result.hung() + " hung)" : "");
      for (StressRunner.Violation v : result.violations()) {
        w.println();
        w.printf(Locale.ROOT, "violation: %s, replica %d (its own kernel, loop devices and backing files), round %d%n",
            v.scenario(), v.replica(), v.round());
        w.println("  oracle:  " + v.oracle());
        w.println("  message: " + v.message());
        w.println("  last calls of each hart:");
        v.lastCalls().forEach(c -> w.println("    " + c));
      }
      if (first != null) {
        w.println();
        if (pinned == null) {
          w.println("pin-down: off (--no-pin-down)");
        } else if (pinned.found()) {
          w.printf(Locale.ROOT, "pinned down: PCT seed %d found %s in %,d schedules: %s%n", pinned.seed(),
              pinned.oracle(), pinned.schedules(), pinned.message());
          w.println("trace:   " + pinned.trace());
          w.println("replay:  " + pinned.replayCommand());
        } else {
          w.printf(Locale.ROOT, "pin-down: PCT did not find %s within %,d schedules (--pin-budget)%n", first.oracle(),
              pinned.schedules());
        }
      }
      if (controlled != null) {
        w.printf(Locale.ROOT, "controlled dispatcher, same workload: %,d syscalls in %.2f s: %,.0f syscalls/s%n",
            controlled.calls(), controlled.seconds(), controlled.calls() / controlled.seconds());
      }
      w.flush();
    }
    return result.violationCount() == 0 ? Main.OK : Main.NOT_AS_EXPECTED;
  }

  private List<String> withDefaultFixes() {
    List<String> f = new ArrayList<>(settingsOptions.fixes);
    Catalog.fixesFor(Catalog.DEFAULT).forEach(x -> f.add(x.id()));
    return f;
  }

  record Bench(long calls, double seconds) {}

  /**
   * The same workload under the controlled dispatcher (random strategy, one thread): each scenario's
   * replica program explored for about {@code seconds} in all, syscalls counted from the harts'
   * {@code Calls.Returned}.
   */
  private Bench controlled(List<Workload> workloads, double seconds) {
    AtomicLong calls = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    try (Simulator sim = Simulator.create()) {
      int i = 0;
      while (System.nanoTime() < deadline) {
        Workload wl = workloads.get(i++ % workloads.size());
        ScenarioWorld world = new ScenarioWorld(wl.replicaScenario(), wl.settings());
        WorldSpec counted = counting(world, calls);
        sim.explore(counted, new ExploreOptions(StrategyKind.RANDOM, seed + i, 20, 3, 64,
            world.runOptions(RunOptions.DEFAULT)));
      }
    }
    return new Bench(calls.get(), (System.nanoTime() - start) / 1e9);
  }

  private static WorldSpec counting(ScenarioWorld world, AtomicLong calls) {
    Monitor counter = new Monitor() {
      @Override
      public String name() {
        return "count";
      }

      @Override
      public void onObservation(Object o, Verdict v) {
        if (o instanceof Calls.Returned) {
          calls.incrementAndGet();
        }
      }
    };
    return WorldSpec.of(world.name(), world.modelVersion(), world.text(), world::root, (World wd) -> {
      List<Monitor> m = new ArrayList<>(world.monitors(wd));
      m.add(counter);
      return m;
    });
  }

  private long nanos(String option, String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)").matcher(text.trim());
    if (!m.matches()) {
      throw new ParameterException(spec.commandLine(), option + ": expected a time such as 500ms, 10s or 2m, got '"
          + text + "'");
    }
    double v = Double.parseDouble(m.group(1));
    return (long) (v * switch (m.group(2)) {
      case "ms" -> 1e6;
      case "s" -> 1e9;
      default -> 60e9;
    });
  }

  /** The progress line on stderr, rewritten in place; silent when stderr is not a terminal. */
  private static final class ProgressLine implements StressRunner.Progress {
    private final boolean on;
    private final PrintStream err = System.err;
    private boolean drawn;

    ProgressLine(boolean on) {
      this.on = on;
    }

    @Override
    public void update(long rounds, long calls, int violations, double seconds) {
      if (!on) {
        return;
      }
      err.printf(Locale.ROOT, "\r%.1f s: %,d rounds, %,d syscalls, %,.0f syscalls/s, %d violations   ", seconds, rounds,
          calls, calls / Math.max(seconds, 1e-9), violations);
      err.flush();
      drawn = true;
    }

    void close() {
      if (drawn) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }
}
