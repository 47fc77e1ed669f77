package kernsim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.actors.TraceFormatException;
import kernsim.actors.TraceMismatchException;
import kernsim.actors.WorldSpec;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Explores a scenario's schedules until an oracle objects; writes the failing schedule's trace and a
 * report. Without a file it explores the catalog's default scenario, the triad.
 */
@Command(
    name = "explore",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Explores a scenario's interleavings until an oracle objects; writes a trace that replays it.",
    description = {
      "Runs FILE (a scenario file, or a catalog scenario's name; default: the catalog's " + Catalog.DEFAULT
          + ", 'loop: write_block vs BLKFLSBUF vs LOOP_CLR_FD') on up to N schedules chosen by the strategy"
          + " from the seed, and stops at the first failure: an oracle's safety violation, a deadlock, a livelock"
          + " or an exception in the model.",
      "On a failure it writes DIR/<scenario>-<seed>.trace (replay it with 'kernsim replay') and"
          + " DIR/<scenario>-<seed>.report.txt, and prints the report: the failure (oracle, message, step, actor),"
          + " the per-hart timeline, the minimal interleaving table, and the command that replays it.",
      "The last line gives the schedules explored per second.",
      "Exits 1 when a failure was found, 0 when none was, 2 on bad input."
    })
final class ExploreCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;
  /** What the exploration's schedules reached, or null on a cluster. */
  private kernsim.fuzz.Reach reach;
  /** The schedules the exploration counts (up to its lowest failure): the coverage is theirs. */
  private int countedSchedules;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE",
      description = "A scenario file, or a catalog scenario's name (default: " + Catalog.DEFAULT + ").")
  String file;

  @Mixin ScheduleOptions schedule;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "10000",
      description = "Schedules to try at most; exploration stops at the first failure (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
      description = "Explore on N threads, each with its own world; the result does not depend on N: schedule i"
          + " always comes from (seed, i), and the failure reported is the lowest failing schedule. dfs runs on"
          + " one (default: ${DEFAULT-VALUE}).")
  int workers;

  @Mixin kernsim.cluster.ClusterOptions.Explore cluster;

  @Mixin SettingsOptions settingsOptions;
  @Mixin ViewOptions view;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "kernsim-out",
      description = "Where the trace and the report go; created if missing (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--json", description = "Print one JSON document instead, and no progress bar (see docs/cli.md).")
  boolean json;

  @Option(names = "--from", paramLabel = "TRACE", description = "Continue from a trace: every schedule starts with"
      + " the first --prefix steps of TRACE (replayed), then the strategy chooses. The scenario and its settings are"
      + " TRACE's (FILE, if given, must be its scenario); each trace written holds the prefix and replays alone.")
  Path from;

  @Option(names = "--prefix", paramLabel = "N", description = "With --from: how many of TRACE's steps each schedule"
      + " replays before the strategy takes over, 0 to TRACE's steps.")
  Integer prefixSteps;

  @Option(names = "--no-coverage", description = "Do not measure the coverage signal of every schedule (it adds"
      + " about a fifth to a schedule's CPU time); the report then has no coverage lines.")
  boolean noCoverage;

  @Option(names = "--outcomes", description = "Run the whole budget instead of stopping at the first failure, and"
      + " print the table of distinct outcomes (each hart's results and the verdict) with their counts, graded"
      + " acceptable, interesting (a failure the scenario expects) or forbidden; each failing outcome's first"
      + " schedule is written as a trace.")
  boolean outcomes;

  @Override
  public Integer call() {
    if (iterations < 1) {
      throw new ParameterException(spec.commandLine(), "--iterations must be at least 1, got " + iterations);
    }
    schedule.validate();
    if (workers < 1) {
      throw new ParameterException(spec.commandLine(), "--workers must be at least 1, got " + workers);
    }
    cluster.validate(workers, schedule.strategy == kernsim.actors.StrategyKind.DFS, outcomes);
    view.filter(); // a malformed --steps-range is refused before exploring
    if (outcomes && (view.wantsRegions())) {
      throw new ParameterException(spec.commandLine(),
          "--steps, --interleaving regions and --html show one failing schedule; they do not go with --outcomes");
    }
    if (prefixSteps != null && from == null) {
      throw new Main.UserError("--prefix needs --from TRACE: the trace whose first N steps each schedule replays");
    }
    Trace source = null;
    String name = file == null ? Catalog.DEFAULT : file;
    Scenario scenario;
    Settings settings;
    if (from != null) {
      if (prefixSteps == null) {
        throw new Main.UserError("--from needs --prefix N: how many of " + from + "'s steps each schedule replays");
      }
      if (prefixSteps < 0) {
        throw new Main.UserError("--prefix must be at least 0, got " + prefixSteps);
      }
      if (schedule.strategy == kernsim.actors.StrategyKind.DFS) {
        throw new Main.UserError("--from does not go with dfs (yet): explore from a prefix with random, pct, pos or"
            + " delay-bounding");
      }
      if (cluster.on()) {
        throw new Main.UserError("--from does not go with --cluster (yet): explore from a prefix on one machine");
      }
      source = ReplayCommand.read(from);
      Trace.Header h = source.header();
      if (file == null) {
        name = h.scenario();
        try {
          scenario = main.source().parse(h.text(), h.scenario() + ".ksim (in " + from + ")");
        } catch (kernsim.scenario.ScenarioException e) {
          throw new Main.UserError("cannot explore from " + from + ": its scenario does not parse:\n" + e.getMessage(), e);
        }
      } else {
        scenario = main.resolve(name);
      }
      settings = fromSettings(scenario, h);
    } else {
      scenario = main.resolve(name);
      settings = settingsOptions.of(scenario);
    }
    ScenarioWorld world = new ScenarioWorld(scenario, settings);
    ExploreOptions options = schedule.explore(iterations, world.runOptions(RunOptions.DEFAULT));
    if (source != null) {
      String mismatch = source.header().mismatch(world);
      if (mismatch != null) {
        throw new Main.UserError("cannot explore from " + from + ": " + mismatch);
      }
      Trace.Header h = source.header();
      String origin = from.getFileName() + " (" + h.strategy() + " schedule "
          + ExploreResult.schedule(h.iteration()) + " from seed " + h.seed() + ")";
      try {
        options = options.withPrefix(kernsim.actors.Prefix.of(source, prefixSteps, origin));
      } catch (IllegalArgumentException e) {
        throw new Main.UserError("--prefix " + prefixSteps + " is longer than " + from + ", which has "
            + source.steps().size() + " steps", e);
      }
    }
    prepareOut();
    PrintWriter w = spec.commandLine().getOut();
    if (!json) {
      w.printf(Locale.ROOT, "kernsim explore %s: strategy %s%s, seed %d, at most %,d schedules, output in %s%s%n",
          name, schedule.strategy.id(), parameters() == null ? "" : ", " + parameters(),
          schedule.seed, iterations, out, workers == 1 ? "" : ", " + workers + " workers"
              + (schedule.strategy == kernsim.actors.StrategyKind.DFS ? " (dfs runs on one)" : ""));
      w.flush();
    }

    // The coverage signal of every schedule (not measured on a cluster: the logs stay on the workers).
    reach = cluster.on() || noCoverage ? null : new kernsim.fuzz.Reach(scenario.hartKeys());
    if (outcomes) {
      return outcomes(name, scenario, settings, world, options);
    }
    try (Simulator sim = Simulator.create()) {
      ExploreResult result;
      long start = System.nanoTime();
      try (ExploreProgress progress = new ExploreProgress(json, iterations, scenario.name())) {
        Simulator.Progress counted = reach == null ? progress : (i, r) -> {
          reach.add(r.iteration(), r.log()); // the schedule's own index: a worker's callback counts completions
          return progress.iterationDone(i, r);
        };
        result = cluster.on() ? onCluster(world, options, progress) : workers == 1 ? sim.explore(world, options, counted)
            : Simulator.explore(world, options, workers, counted);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      countedSchedules = result.iterations();
      double rate = result.iterations() / Math.max(seconds, 1e-9);
      String speed = String.format(Locale.ROOT, "explored %,d schedules (%,d steps) in %.2f s: %,.0f schedules/s%s",
          result.iterations(), result.totalSteps(), seconds, rate,
          result.iterations() < 1000 || seconds < 1 ? " (a short exploration: mostly JVM start-up and warm-up)" : "");

      ObjectNode o = null;
      if (json) {
        o = jsonHead(scenario, settings, result, seconds);
        if (result.exhaustive().isPresent()) {
          kernsim.actors.Exhaustive x = result.exhaustive().get();
          ObjectNode e = o.putObject("exhaustive");
          e.put("verdict", result.found() ? null : x.verdict());
          e.put("endedBy", result.found() ? "failure" : x.endedBy());
          e.put("complete", x.complete());
          e.put("boundReached", x.boundReached());
          e.put("classes", x.classes());
          e.put("executions", x.executions());
          e.put("completeExecutions", x.completeExecutions());
          e.put("abandoned", x.abandoned());
        }
      }

      if (!result.found()) {
        if (json) {
          Json.run(o, result.last(), null);
          o.putNull("trace");
          o.putNull("report");
          o.putNull("replayCommand");
          Json.print(w, o);
        } else {
          Report.scenario(scenario, settings).forEach(w::println);
          w.println();
          w.printf(Locale.ROOT, "no failure found in %,d schedules (strategy %s, seed %d)%n",
              result.iterations(), schedule.strategy.id(), schedule.seed);
          result.exhaustive().ifPresent(x -> w.println(exhaustive(x)));
          incomplete(result).forEach(w::println);
          if (view.html != null) {
            w.println("html:    not written (no failing schedule to show)");
          }
          w.println();
          coverage().forEach(w::println);
          if (!coverage().isEmpty()) {
            w.println();
          }
          w.println(speed);
          w.flush();
        }
        return Main.OK;
      }

      RunResult failing = result.failing().orElseThrow();
      Path traceFile = out.resolve(stem(scenario) + ".trace");
      Path reportFile = out.resolve(stem(scenario) + ".report.txt");
      Trace trace = failing.trace();
      try {
        TraceCodec.write(trace, traceFile);
      } catch (IOException e) {
        throw new Main.UserError("cannot write the trace " + traceFile + ": " + Main.describe(e), e);
      }
      // The report shows the run as the trace file replays it: that checks the file, and gives the timeline
      // without recording one on every schedule explored.
      Timeline.Recorder recorder = new Timeline.Recorder(scenario.hartKeys());
      ReplayResult replay;
      try {
        replay = sim.replay(view.around(recorder.around(world)), TraceCodec.read(traceFile));
      } catch (IOException | TraceFormatException | TraceMismatchException e) {
        throw new IllegalStateException("the trace just written does not read back: " + e.getMessage(), e);
      }
      Timeline timeline = recorder.timeline();
      StepView steps = view.view(replay.run());
      String replayCommand = "kernsim replay " + traceFile;

      Report.Context context = new Report.Context(scenario, settings, schedule.strategy.id(), parameters(),
          schedule.seed, failing.iteration());
      List<String> report = new ArrayList<>();
      report.add(String.format(Locale.ROOT, "found a failure in schedule %,d of at most %,d", Report.number(failing.iteration()),
          iterations));
      result.exhaustive().ifPresent(x -> report.add(String.format(Locale.ROOT,
          "dfs: %,d classes of schedules ran to their end before it (%,d executions, %,d given up as equivalent)",
          x.classes() - 1, x.executions(), x.abandoned())));
      report.addAll(incomplete(result));
      report.addAll(Report.run(context, failing, timeline, view.regionsFor(steps)));
      view.report(report, steps);
      report.add("");
      if (!replay.confirmed()) {
        report.add("WARNING: replaying the trace did not give the same run (a kernsim bug, please report it):");
        report.add("  replayed: " + replay.run().outcome() + ", " + replay.run().steps() + " steps, hash "
            + replay.run().eventLogHash());
      }
      report.add("trace:   " + traceFile + " (" + size(traceFile) + " bytes)");
      report.add("report:  " + reportFile);
      report.add("event-log hash: " + failing.eventLogHash());
      report.add("replay:  " + replayCommand);
      if (view.html != null) {
        HtmlPage.write(view.html, "kernsim explore " + name, context, failing, timeline, steps, replayCommand);
        report.add("html:    " + view.html);
      }
      if (!coverage().isEmpty()) {
        report.add("");
        report.addAll(coverage());
      }

      List<String> file = new ArrayList<>();
      file.add("kernsim explore " + name + " " + String.join(" ", args()));
      file.add("");
      file.addAll(report);
      file.add("");
      file.addAll(Report.eventLog(failing));
      try {
        Files.write(reportFile, file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new Main.UserError("cannot write the report " + reportFile + ": " + Main.describe(e), e);
      }

      if (json) {
        Json.run(o, failing, timeline);
        o.put("trace", traceFile.toString());
        o.put("report", reportFile.toString());
        o.put("replayCommand", replayCommand);
        o.put("replayConfirmed", replay.confirmed());
        view.json(o, steps);
        Json.print(w, o);
      } else {
        w.println();
        report.forEach(w::println);
        w.println();
        w.println(speed);
        w.flush();
      }
      return Main.NOT_AS_EXPECTED;
    }
  }

  /** {@code --cluster}: the same exploration on the cluster's workers (kernsim.cluster). */
  private ExploreResult onCluster(ScenarioWorld world, ExploreOptions options, ExploreProgress progress) {
    try {
      return cluster.explore(world, options, progress::reached, spec.commandLine().getErr());
    } catch (kernsim.cluster.ClusterException e) {
      throw new Main.UserError(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Main.UserError("interrupted", e);
    }
  }

  /** {@code --outcomes}: every schedule of the budget, then the table of distinct outcomes. */
  private int outcomes(String name, Scenario scenario, Settings settings, ScenarioWorld world, ExploreOptions options) {
    Outcomes table = new Outcomes(scenario);
    WorldSpec counted = table.around(world);
    ExploreResult result;
    long start = System.nanoTime();
    try (ExploreProgress progress = new ExploreProgress(json, iterations, scenario.name())) {
      Simulator.Progress tabled = table.counting(progress);
      Simulator.Progress p = reach == null ? tabled : (i, r) -> {
        reach.add(r.iteration(), r.log()); // the schedule's own index: a worker's callback counts completions
        return tabled.iterationDone(i, r);
      };
      if (workers == 1) {
        try (Simulator sim = Simulator.create()) {
          result = sim.sweep(counted, options, p);
        }
      } else {
        result = Simulator.sweep(counted, options, workers, p);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    countedSchedules = result.iterations();
    List<Outcomes.Row> rows = table.rows();
    List<String> traces = new ArrayList<>();
    List<Boolean> confirmed = new ArrayList<>();
    boolean failed = false;
    try (Simulator sim = Simulator.create()) {
      for (int n = 0; n < rows.size(); n++) {
        Outcomes.Row row = rows.get(n);
        if (row.firstRun == null) {
          traces.add(null);
          confirmed.add(null);
          continue;
        }
        failed = true;
        Path traceFile = out.resolve(stem(scenario) + "-outcome-" + (n + 1) + ".trace");
        try {
          TraceCodec.write(row.firstRun.trace(), traceFile);
          confirmed.add(sim.replay(world, TraceCodec.read(traceFile)).confirmed());
        } catch (IOException e) {
          throw new Main.UserError("cannot write the trace " + traceFile + ": " + Main.describe(e), e);
        } catch (TraceFormatException | TraceMismatchException e) {
          throw new IllegalStateException("the trace just written does not read back: " + e.getMessage(), e);
        }
        traces.add(traceFile.toString());
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = jsonHead(scenario, settings, result, seconds);
      ObjectNode table2 = o.putObject("outcomes");
      var harts = table2.putArray("harts");
      table.hartNames().forEach(harts::add);
      table2.put("distinct", rows.size());
      var list = table2.putArray("rows");
      for (int n = 0; n < rows.size(); n++) {
        Outcomes.Row row = rows.get(n);
        ObjectNode x = list.addObject();
        x.put("count", row.count);
        x.put("grade", row.grade.id());
        x.put("verdict", row.key.verdict());
        x.put("firstSchedule", row.firstSchedule());
        var results = x.putArray("results");
        row.key.results().forEach(r -> {
          var a = results.addArray();
          r.forEach(a::add);
        });
        x.put("trace", traces.get(n));
        if (confirmed.get(n) != null) {
          x.put("replayConfirmed", confirmed.get(n));
        }
      }
      Json.print(w, o);
      return failed ? Main.NOT_AS_EXPECTED : Main.OK;
    }
    Report.scenario(scenario, settings).forEach(w::println);
    w.println();
    long failing = rows.stream().filter(r -> r.firstRun != null).count();
    w.printf(Locale.ROOT, "outcomes of %,d schedules (strategy %s, seed %d): %,d distinct, %,d failing%n",
        result.iterations(), schedule.strategy.id(), schedule.seed, rows.size(), failing);
    incomplete(result).forEach(w::println);
    List<String> names = table.hartNames();
    List<String> header = new ArrayList<>(List.of("#", "count", "share", "grade", "verdict", "first"));
    header.addAll(names);
    List<List<String>> cells = new ArrayList<>();
    for (int n = 0; n < rows.size(); n++) {
      Outcomes.Row row = rows.get(n);
      List<String> c = new ArrayList<>(List.of(Integer.toString(n + 1), String.format(Locale.ROOT, "%,d", row.count),
          String.format(Locale.ROOT, "%.1f%%", 100.0 * row.count / Math.max(1, result.iterations())), row.grade.id(),
          row.key.verdict(), String.format(Locale.ROOT, "%,d", row.firstSchedule())));
      row.key.results().forEach(r -> c.add(Outcomes.cell(r)));
      cells.add(c);
    }
    int[] width = new int[header.size()];
    for (int i = 0; i < header.size(); i++) {
      width[i] = header.get(i).length();
      for (List<String> c : cells) {
        width[i] = Math.max(width[i], c.get(i).length());
      }
    }
    w.println("  " + line(header, width));
    for (List<String> c : cells) {
      w.println("  " + line(c, width));
    }
    w.println("  (first: the first schedule, counted from 1, that gave the outcome; a hart's column: its calls' results"
        + " in order, … for a call in flight at the end)");
    if (failed) {
      w.println();
      for (int n = 0; n < rows.size(); n++) {
        if (traces.get(n) != null) {
          w.printf(Locale.ROOT, "  #%d %s: kernsim replay %s%s%n", n + 1, rows.get(n).key.verdict(), traces.get(n),
              Boolean.TRUE.equals(confirmed.get(n)) ? "" : "  (WARNING: the replay differs, a kernsim bug)");
        }
      }
    }
    w.println();
    coverage().forEach(w::println);
    if (!coverage().isEmpty()) {
      w.println();
    }
    w.printf(Locale.ROOT, "explored %,d schedules (%,d steps) in %.2f s: %,.0f schedules/s%n", result.iterations(),
        result.totalSteps(), seconds, result.iterations() / Math.max(seconds, 1e-9));
    w.flush();
    return failed ? Main.NOT_AS_EXPECTED : Main.OK;
  }

  /**
   * {@code --from}'s settings: the trace's when the command line gives none; else the command line's, which must
   * be the trace's (the prefix replays only under the settings it was recorded with).
   */
  private Settings fromSettings(Scenario scenario, Trace.Header h) {
    Settings recorded;
    try {
      recorded = Settings.fromOptions(h.options());
    } catch (IllegalArgumentException e) {
      throw new Main.UserError("cannot explore from " + from + ": its settings are not understood: " + e.getMessage(), e);
    }
    if (settingsOptions.args().isEmpty()) {
      return recorded;
    }
    Settings given = settingsOptions.of(scenario);
    if (!given.options().equals(recorded.options())) {
      throw new Main.UserError("cannot explore from " + from + ": it was recorded with " + recorded.options()
          + ", the command line asks for " + given.options() + " (leave --profile, --fix, --regress, --no-regress"
          + " and --no-oracle out to explore with the trace's)");
    }
    return given;
  }

  /** The strategy's parameters as the report shows them, with the prefix explored from; null for none. */
  private String parameters() {
    String p = schedule.parameters();
    if (from == null) {
      return p;
    }
    String after = "after " + prefixSteps + " steps of " + from;
    return p == null ? after : p + ", " + after;
  }

  /** The files' common name: {@code <scenario>-<seed>}, and {@code -prefix<N>} when exploring from a trace. */
  private String stem(Scenario scenario) {
    return fileName(scenario.name()) + "-" + schedule.seed + (from == null ? "" : "-prefix" + prefixSteps);
  }

  /** The JSON document's fields every exploration has: the scenario, the schedule options, the counts. */
  private ObjectNode jsonHead(Scenario scenario, Settings settings, ExploreResult result, double seconds) {
    ObjectNode o = Json.document("explore");
    Json.scenario(o, scenario, settings);
    schedule.json(o);
    if (from == null) {
      o.putNull("from");
    } else {
      ObjectNode f = o.putObject("from");
      f.put("trace", from.toString());
      f.put("prefix", prefixSteps);
    }
    o.put("seed", schedule.seed);
    o.put("maxIterations", iterations);
    o.put("iterations", result.iterations());
    o.put("totalSteps", result.totalSteps());
    o.put("seconds", seconds);
    o.put("schedulesPerSecond", result.iterations() / Math.max(seconds, 1e-9));
    var gaps = o.putArray("incomplete");
    for (ExploreResult.Incomplete x : result.incomplete()) {
      ObjectNode g = gaps.addObject();
      g.put("oracle", x.oracle());
      g.put("kind", x.kind().id());
      g.put("reason", x.reason());
      g.put("schedules", x.schedules());
    }
    coverageJson(o);
    return o;
  }

  /**
   * The report's lines for the oracles that did not check every schedule fully (Monitor.incomplete), one per
   * oracle and reason: {@code errno: 37 of 600 schedules not decided (search budget 1,000,000 configurations)};
   * none when every oracle checked every schedule fully.
   */
  static List<String> incomplete(ExploreResult result) {
    List<String> out = new ArrayList<>();
    for (ExploreResult.Incomplete x : result.incomplete()) {
      out.add(x.describe(result.iterations()));
    }
    return out;
  }

  private static String line(List<String> cells, int[] width) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      boolean number = i < 3 || i == 5;
      String c = cells.get(i);
      String pad = " ".repeat(width[i] - c.length());
      b.append(number ? pad + c : c + (i == cells.size() - 1 ? "" : pad));
      if (i < cells.size() - 1) {
        b.append(i >= 6 ? " | " : "  ");
      }
    }
    return b.toString();
  }

  /** The options as they take effect, to repeat them in the report. */
  private List<String> args() {
    List<String> args = new ArrayList<>(schedule.args());
    if (from != null) {
      args.addAll(List.of("--from", from.toString(), "--prefix", Integer.toString(prefixSteps)));
    }
    args.addAll(List.of("--seed", Long.toString(schedule.seed), "--iterations", Integer.toString(iterations)));
    args.addAll(settingsOptions.args());
    args.addAll(List.of("--out", out.toString()));
    return args;
  }

  /** The report's coverage lines: how much of the model the schedules reached (docs/fuzz.md). */
  private List<String> coverage() {
    List<String> out = new ArrayList<>();
    if (reach == null) {
      if (!noCoverage) {
        out.add("coverage: not measured on a cluster (the schedules' event logs stay on the workers)");
      }
      return out;
    }
    kernsim.fuzz.Reach.Summary c = reach.summary(countedSchedules);
    out.add(String.format(Locale.ROOT, "coverage: %,d features of the coverage signal (docs/fuzz.md) in %,d schedules",
        c.features(), c.schedules()));
    out.add(String.format(Locale.ROOT, "  messages:          %,d distinct (actor, message type, outcome)", c.messages()));
    out.add(String.format(Locale.ROOT, "  message types:     %,d of %,d%s delivered, of the protocols of %,d actor classes",
        c.typesReached(), c.typesKnown(), percent(c.typesReached(), c.typesKnown()), c.actorClasses()));
    String never = c.neverAdjacent().isEmpty() ? "every possible pair reached"
        : "never adjacent: " + String.join("; ", c.neverAdjacent().subList(0, Math.min(3, c.neverAdjacent().size())))
            + (c.neverAdjacent().size() > 3 ? String.format(Locale.ROOT, "; … (%,d in all; --json lists them)",
                c.neverAdjacent().size()) : "");
    Report.wrapped(out, "  lock-region pairs: ", String.format(Locale.ROOT, "%,d of %,d%s possible (a request of one"
        + " hart then one of another at a shared actor); %s", c.pairsReached(), c.pairsPossible(),
        percent(c.pairsReached(), c.pairsPossible()), never));
    return out;
  }

  private static String percent(int part, int whole) {
    return whole == 0 ? "" : String.format(Locale.ROOT, " (%.0f%%)", 100.0 * part / whole);
  }

  /** The JSON's {@code coverage} object (null on a cluster). */
  private void coverageJson(ObjectNode o) {
    if (reach == null) {
      o.putNull("coverage");
      return;
    }
    kernsim.fuzz.Reach.Summary c = reach.summary(countedSchedules);
    ObjectNode j = o.putObject("coverage");
    j.put("features", c.features());
    j.put("messages", c.messages());
    ObjectNode types = j.putObject("messageTypes");
    types.put("reached", c.typesReached());
    types.put("known", c.typesKnown());
    types.put("actorClasses", c.actorClasses());
    ObjectNode unreached = types.putObject("unreached");
    c.unreached().forEach((cls, list) -> {
      var a = unreached.putArray(cls);
      list.forEach(a::add);
    });
    ObjectNode pairs = j.putObject("lockRegionPairs");
    pairs.put("distinct", c.pairs());
    pairs.put("reached", c.pairsReached());
    pairs.put("possible", c.pairsPossible());
    var adjacent = pairs.putArray("adjacent");
    c.adjacent().forEach(adjacent::add);
    var never = pairs.putArray("neverAdjacent");
    c.neverAdjacent().forEach(never::add);
  }

  /** The dfs verdict line: what holds, how many classes and executions it took, what ended the search. */
  static String exhaustive(kernsim.actors.Exhaustive x) {
    return String.format(Locale.ROOT, "dfs verdict: %s (%,d classes of schedules, %,d executions, %,d given up as"
        + " equivalent; ended by the %s)", x.verdict(), x.classes(), x.executions(), x.abandoned(), x.endedBy());
  }

  private void prepareOut() {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new Main.UserError("cannot create the output directory " + out + ": " + Main.describe(e), e);
    }
    if (!Files.isWritable(out)) {
      throw new Main.UserError("the output directory " + out + " is not writable");
    }
  }

  /** A scenario name as a file name: anything but letters, digits, '.', '_' and '-' becomes '_'. */
  static String fileName(String scenario) {
    String s = scenario.replaceAll("[^A-Za-z0-9._-]", "_");
    return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
  }

  private static String size(Path p) {
    try {
      return String.format(Locale.ROOT, "%,d", Files.size(p));
    } catch (IOException e) {
      return "?";
    }
  }
}
