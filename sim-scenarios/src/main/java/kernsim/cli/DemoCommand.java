package kernsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.actors.TraceFormatException;
import kernsim.actors.TraceMismatchException;
import kernsim.actors.WorldSpec;
import kernsim.actors.examples.Counters;
import kernsim.actors.examples.LockOrder;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The runtime's own demonstration: finds a lost update and a deadlock, replays them, and passes a correct variant. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Finds a lost update and a deadlock in example worlds, replays them, passes a correct variant.",
    description = {
      "Explores three example worlds with the same strategy, seed and budget: lost-update-2x1 (two harts add"
          + " one to a counter by read, then write, in two messages), atomic-update-2x1 (the same in one message,"
          + " which is correct) and lock-order-inversion (two harts take two locks in opposite orders).",
      "Each failure found is written as a trace to DIR/<scenario>-<seed>.trace, shown as a per-actor"
          + " interleaving, and replayed from that file to confirm the same outcome and event-log hash."
          + " The last line is the event-log hash of the last run.",
      "Exits 0 when the lost update and the deadlock were found and their replays confirmed and the atomic"
          + " update passed, 1 otherwise, 2 on bad input."
    })
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--strategy", paramLabel = "random|pct", defaultValue = "pct",
      converter = ExplorationStrategy.class, completionCandidates = ExplorationStrategy.Candidates.class,
      description = "Exploration strategy: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  StrategyKind strategy;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "The exploration's seed; the same seed gives the same output (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "1000",
      description = "Iterations per scenario at most (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--depth", paramLabel = "D", defaultValue = "2",
      description = "PCT's bug depth d, at least 1; ignored by random (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "kernsim-out",
      description = "Where the traces go; created if missing (default: ${DEFAULT-VALUE}).")
  Path out;

  /** PCT's initial estimate of the steps per iteration (it learns the longest seen). */
  static final int PCT_STEPS = 64;

  private PrintWriter w;

  @Override
  public Integer call() {
    if (iterations < 1) {
      throw new ParameterException(spec.commandLine(), "--iterations must be at least 1, got " + iterations);
    }
    if (depth < 1) {
      throw new ParameterException(spec.commandLine(), "--depth must be at least 1, got " + depth);
    }
    prepareOut();
    w = spec.commandLine().getOut();
    RunOptions run = RunOptions.DEFAULT;
    ExploreOptions options = new ExploreOptions(strategy, seed, iterations, depth, PCT_STEPS, run);
    w.printf("kernsim demo: seed=%d strategy=%s iterations=%d depth=%d pct-steps=%d%s max-steps=%d"
            + " clock-choices=%b out=%s%n",
        seed, strategy.id(), iterations, depth, PCT_STEPS, strategy == StrategyKind.PCT ? "" : " (pct only)",
        run.maxSteps(), run.clockChoices(), out);
    w.flush();

    List<String> problems = new ArrayList<>();
    String lastHash;
    try (Simulator sim = Simulator.create()) {
      lastHash = expectFailure(sim, Counters.spec(Counters.Update.TWO_MESSAGES, 2, 1), "safety-violation",
          "two harts add one each by read, then write, in two messages: the lost update", options, problems);
      lastHash = expectNothing(sim, Counters.spec(Counters.Update.ONE_MESSAGE, 2, 1),
          "the same in one message: correct, so the same budget must find nothing", options, problems);
      lastHash = expectFailure(sim, LockOrder.spec(true), "deadlock",
          "two harts take two locks in opposite orders: a deadlock", options, problems);
    }

    w.println();
    if (problems.isEmpty()) {
      w.println("demo: as expected (the lost update and the deadlock were found and replayed,"
          + " the atomic update passed)");
    } else {
      w.println("demo: NOT as expected:");
      problems.forEach(p -> w.println("  - " + p));
    }
    w.println("event-log hash: " + lastHash);
    w.flush();
    return problems.isEmpty() ? Main.OK : Main.NOT_AS_EXPECTED;
  }

  private void prepareOut() {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new Main.UserError("cannot create the output directory " + out + ": " + describe(e), e);
    }
    if (!Files.isWritable(out)) {
      throw new Main.UserError("the output directory " + out + " is not writable");
    }
  }

  private void header(WorldSpec ws, String about, String expect) {
    w.println();
    w.println("== " + ws.name() + ": " + about);
    w.println("   scenario: " + ws.text() + "; expecting " + expect);
  }

  /** Explores a buggy scenario; returns the event-log hash of its last run. */
  private String expectFailure(
      Simulator sim, WorldSpec ws, String kind, String about, ExploreOptions options, List<String> problems) {
    header(ws, about, "a " + kind);
    ExploreResult result = explore(sim, ws, options);
    if (!result.found()) {
      w.printf("no failure in %d iterations (%,d steps): the exploration MISSED the %s%n",
          result.iterations(), result.totalSteps(), kind);
      problems.add(ws.name() + ": no " + kind + " found in " + result.iterations() + " iterations");
      w.println("event-log hash: " + result.last().eventLogHash() + " (last iteration)");
      return result.last().eventLogHash();
    }
    RunResult failing = result.failing().orElseThrow();
    Trace trace = failing.trace();
    String signature = failing.failure().orElseThrow().signature();
    String foundKind = failing.failure().orElseThrow().kind();
    w.printf("found in iteration %d (%d of at most %d iterations run, %,d steps in all)%n",
        failing.iteration(), result.iterations(), options.iterations(), result.totalSteps());
    printWrapped("failure: ", signature);
    if (!foundKind.equals(kind)) {
      problems.add(ws.name() + ": expected a " + kind + ", found " + signature);
    }

    Path file = out.resolve(ws.name() + "-" + seed + ".trace");
    try {
      TraceCodec.write(trace, file);
      w.printf("trace: %s (%,d bytes, %d choices)%n", file, Files.size(file), trace.choices().length);
    } catch (IOException e) {
      throw new Main.UserError("cannot write the trace " + file + ": " + describe(e), e);
    }

    w.printf("interleaving of iteration %d, %d steps (a column per actor, keys without world/,"
        + " system messages in [brackets]):%n", failing.iteration(), failing.steps());
    for (String line : InterleavingTable.render(failing.log(), InterleavingTable.WIDTH, InterleavingTable.MAX_ROWS)) {
      w.println(line);
    }

    String hash = failing.eventLogHash();
    try {
      ReplayResult replay = sim.replay(ws, TraceCodec.read(file));
      RunResult again = replay.run();
      hash = again.eventLogHash();
      if (replay.confirmed()) {
        w.printf("replay of %s: confirmed (same outcome, same %d steps, same event-log hash)%n", file, again.steps());
      } else {
        w.printf("replay of %s: NOT confirmed%n", file);
        w.printf("  outcome: %s (recorded: %s)%n", again.outcome(), replay.recorded().outcome());
        w.printf("  steps:   %d (recorded: %d)%n", again.steps(), replay.recorded().steps());
        w.printf("  hash:    %s (recorded: %s)%n", again.eventLogHash(), replay.recorded().eventLogHash());
        problems.add(ws.name() + ": the replay of " + file + " was not confirmed");
      }
    } catch (IOException | TraceFormatException | TraceMismatchException e) {
      w.printf("replay of %s: NOT confirmed, the trace could not be replayed: %s%n", file, describe(e));
      problems.add(ws.name() + ": the trace " + file + " could not be replayed: " + describe(e));
    }
    w.println("event-log hash: " + hash);
    w.flush();
    return hash;
  }

  /** Explores a correct scenario; returns the event-log hash of its last run. */
  private String expectNothing(
      Simulator sim, WorldSpec ws, String about, ExploreOptions options, List<String> problems) {
    header(ws, about, "no failure");
    ExploreResult result = explore(sim, ws, options);
    if (result.found()) {
      RunResult failing = result.failing().orElseThrow();
      w.printf("UNEXPECTED failure in iteration %d: %s%n",
          failing.iteration(), failing.failure().orElseThrow().signature());
      problems.add(ws.name() + ": unexpected " + failing.outcome());
    } else {
      w.printf("no violation found in %d iterations (%,d steps in all)%n", result.iterations(), result.totalSteps());
    }
    w.println("event-log hash: " + result.last().eventLogHash() + " (last iteration)");
    w.flush();
    return result.last().eventLogHash();
  }

  private ExploreResult explore(Simulator sim, WorldSpec ws, ExploreOptions options) {
    Progress progress = new Progress(spec.commandLine().getErr(), options.iterations());
    try {
      return sim.explore(ws, options, progress);
    } finally {
      progress.clear();
    }
  }

  /** {@code first} then {@code text}, wrapped to the table's width with continuation lines indented. */
  private void printWrapped(String first, String text) {
    List<String> lines = InterleavingTable.wrap(text, InterleavingTable.WIDTH - first.length());
    for (int i = 0; i < lines.size(); i++) {
      w.println((i == 0 ? first : " ".repeat(first.length())) + lines.get(i));
    }
  }

  private static String describe(Exception e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** On a terminal, a live "iteration i/N" on stderr, at most four times a second; silent otherwise. */
  private static final class Progress implements Simulator.Progress {
    private static final long EVERY = 250_000_000L;
    private final PrintWriter err;
    private final int total;
    private final boolean live = System.console() != null;
    private long next = System.nanoTime() + EVERY;
    private boolean shown;

    Progress(PrintWriter err, int total) {
      this.err = err;
      this.total = total;
    }

    @Override
    public boolean iterationDone(int iteration, RunResult result) {
      if (live && System.nanoTime() >= next) {
        err.printf("\r  iteration %d/%d", iteration + 1, total);
        err.flush();
        shown = true;
        next = System.nanoTime() + EVERY;
      }
      return true;
    }

    void clear() {
      if (shown) {
        err.print("\r" + " ".repeat(40) + "\r");
        err.flush();
      }
    }
  }

  /** {@code random} or {@code pct}: the strategies an exploration can use. */
  static final class ExplorationStrategy implements ITypeConverter<StrategyKind> {
    @Override
    public StrategyKind convert(String value) {
      for (StrategyKind k : List.of(StrategyKind.RANDOM, StrategyKind.PCT)) {
        if (k.id().equalsIgnoreCase(value)) {
          return k;
        }
      }
      throw new TypeConversionException("unknown strategy '" + value + "' (expected random or pct)");
    }

    static final class Candidates extends ArrayList<String> {
      Candidates() {
        super(List.of(StrategyKind.RANDOM.id(), StrategyKind.PCT.id()));
      }
    }
  }
}
