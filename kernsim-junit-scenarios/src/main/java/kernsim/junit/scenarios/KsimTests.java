package kernsim.junit.scenarios;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.TraceCodec;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.DynamicTest;

/**
 * kernsim scenarios as JUnit 5 dynamic tests, one per scenario, each explored with its own settings (its
 * profile, fixes and oracles) and the exploration set here:
 *
 * <pre>{@code
 * @TestFactory
 * Stream<DynamicTest> ourRaces() {
 *   return KsimTests.directory(Path.of("src/test/ksim")).iterations(5000).knownRaces().tests();
 * }
 * }</pre>
 *
 * <p>By default a scenario's test fails when any oracle objects in some schedule; the failure names the
 * schedule, writes its trace ({@code TRACE_DIR/<scenario>-<seed>.trace}) and gives the command that replays
 * it. With {@link #knownRaces()} each scenario is graded against its header's {@code expect} lines instead,
 * as a race catalog is: one that expects oracles passes only when exploration finds one of them (its trace
 * written all the same), one that says {@code expect none} (or nothing) passes only when none objects.
 */
public final class KsimTests {
  /** Where traces go unless {@link #traceDir(Path)} says. */
  public static final Path DEFAULT_TRACE_DIR = Path.of("target", "kernsim-traces");

  private record Source(String name, Path file) {}

  private final List<Source> sources;
  private StrategyKind strategy = StrategyKind.PCT;
  private long seed = 1;
  private int iterations = 10_000;
  private int depth = 3;
  private Path traceDir = DEFAULT_TRACE_DIR;
  private boolean knownRaces;

  private KsimTests(List<Source> sources) {
    this.sources = List.copyOf(sources);
  }

  /** The scenarios of kernsim's race catalog, in its order. */
  public static KsimTests catalog() {
    return new KsimTests(Catalog.names().stream().map(n -> new Source(n, null)).toList());
  }

  /** Every {@code *.ksim} file directly in {@code dir}, by name. */
  public static KsimTests directory(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return files(s.filter(p -> p.getFileName().toString().endsWith(".ksim") && Files.isRegularFile(p))
          .sorted().toArray(Path[]::new));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list the scenario directory " + dir + ": " + e, e);
    }
  }

  /** These scenario files. */
  public static KsimTests files(Path... files) {
    List<Source> l = new ArrayList<>();
    for (Path f : files) {
      String n = f.getFileName().toString();
      l.add(new Source(n.endsWith(".ksim") ? n.substring(0, n.length() - 5) : n, f));
    }
    return new KsimTests(l);
  }

  /** An exploration strategy's name, as kernsim's {@code StrategyKind} spells it: {@code pct} (the default), {@code random}, … */
  public KsimTests strategy(String id) {
    StrategyKind k = StrategyKind.byId(id);
    if (k == StrategyKind.REPLAY) { // not an exploration
      throw new IllegalArgumentException("replay is not an exploration strategy");
    }
    this.strategy = k;
    return this;
  }

  public KsimTests seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Schedules per scenario at most (default 10,000); exploration stops at the first failure. */
  public KsimTests iterations(int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be positive, got " + iterations);
    }
    this.iterations = iterations;
    return this;
  }

  /** PCT's depth (default 3). */
  public KsimTests depth(int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be at least 1, got " + depth);
    }
    this.depth = depth;
    return this;
  }

  /** Where failing schedules' traces go (default {@code target/kernsim-traces}). */
  public KsimTests traceDir(Path dir) {
    this.traceDir = Objects.requireNonNull(dir, "dir");
    return this;
  }

  /** Grade each scenario against its {@code expect} lines: a kept race must still be found. */
  public KsimTests knownRaces() {
    this.knownRaces = true;
    return this;
  }

  /** One dynamic test per scenario, named after it. */
  public Stream<DynamicTest> tests() {
    return sources.stream().map(s -> s.file() == null
        ? DynamicTest.dynamicTest(s.name(), () -> explore(load(s), s))
        : DynamicTest.dynamicTest(s.name(), s.file().toUri(), () -> explore(load(s), s)));
  }

  private static Scenario load(Source s) throws ScenarioException {
    if (s.file() == null) {
      return Catalog.find(s.name()).orElseThrow(() -> new IllegalStateException("no catalog scenario " + s.name()));
    }
    return Scenarios.load(s.file());
  }

  /** The oracle a failure is graded by: a safety violation's oracle, or deadlock / livelock. */
  static String oracle(Failure f) {
    if (f instanceof Failure.SafetyViolation v) {
      return v.oracle();
    }
    return f instanceof Failure.Deadlock ? "deadlock" : f instanceof Failure.Livelock ? "livelock" : f.kind();
  }

  private void explore(Scenario scenario, Source source) throws IOException {
    ScenarioWorld world = new ScenarioWorld(scenario, Settings.of(scenario, null, List.of(), List.of()));
    ExploreOptions options = new ExploreOptions(strategy, seed, iterations, depth, 64,
        world.runOptions(RunOptions.DEFAULT));
    ExploreResult r;
    try (Simulator sim = Simulator.create()) {
      r = sim.explore(world, options);
    }
    List<String> expected = scenario.expect().stream().filter(e -> !e.equals("none")).toList();
    String how = strategy.id() + " (seed " + seed + (strategy == StrategyKind.PCT ? ", depth " + depth : "") + ")";
    if (!r.found()) {
      String line = String.format(Locale.ROOT, "%s: no oracle objected in %,d schedules of %s", scenario.name(),
          r.iterations(), how);
      if (knownRaces && !expected.isEmpty()) {
        throw new AssertionError(line + ", but the scenario expects " + String.join(" or ", expected)
            + " (a known race that is no longer found)");
      }
      return;
    }
    RunResult failing = r.failing().orElseThrow();
    Failure f = failing.failure().orElseThrow();
    Path trace = traceDir.resolve(scenario.name() + "-" + seed + ".trace");
    TraceCodec.write(failing.trace(), trace);
    String report = String.format(Locale.ROOT,
        "%s failed in schedule %d of %s, the %s schedule explored (schedules count from 1)%n"
            + "  failure: %s%n  steps: %,d%n  trace: %s%n  replay: kernsim replay %s",
        scenario.name(), ExploreResult.schedule(failing.iteration()), how, ExploreResult.ordinal(r.iterations()),
        failing.outcome(), failing.steps(), trace.toAbsolutePath(), trace);
    if (knownRaces && expected.contains(oracle(f))) {
      System.out.println("kernsim: known race found: " + report);
      return;
    }
    if (knownRaces) {
      throw new AssertionError(report + "\n  the scenario expects "
          + (expected.isEmpty() ? "no failure" : String.join(" or ", expected)));
    }
    throw new AssertionError(report);
  }
}
