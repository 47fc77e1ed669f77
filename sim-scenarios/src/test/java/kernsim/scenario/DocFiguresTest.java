package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The docs' figures are what kernsim measures, so they cannot drift: every cell of docs/fixes.md's table of
 * scenarios of our own (the oracle and the schedule exploration first objected in, or "clean" for the whole
 * budget), and every {@code kernsim replay docs/traces/…  # CONFIRMED, N steps, HASH} line of the docs.
 */
class DocFiguresTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Path doc(String name) {
    Path p = Path.of("..", "docs", name);
    return Files.exists(p) ? p : Path.of("docs", name);
  }

  /** One cell of the table: scenario, fixes on, strategy, what the docs say ("clean" or "oracle, N"). */
  record Cell(String scenario, List<String> fixes, StrategyKind strategy, String says) {
    @Override
    public String toString() {
      return scenario + " " + fixes + " " + strategy.id() + ": " + says;
    }
  }

  private static final Pattern TICKED = Pattern.compile("`([a-z0-9-]+)`");

  /** The table under "Checked against scenarios of our own", with its budget from the text above it. */
  static Stream<Cell> fixCells() throws Exception {
    List<String> lines = Files.readAllLines(doc("fixes.md"));
    int at = lines.indexOf("| scenario | fixes on | pct | random | pos |");
    assertTrue(at > 0, "docs/fixes.md has no table of scenarios of our own");
    StrategyKind[] columns = {StrategyKind.PCT, StrategyKind.RANDOM, StrategyKind.POS};
    List<Cell> cells = new ArrayList<>();
    String scenario = null;
    List<String> previous = List.of();
    for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] c = lines.get(i).split("\\|", -1);
      Matcher name = TICKED.matcher(c[1]);
      if (name.find()) {
        scenario = name.group(1);
      }
      List<String> fixes = new ArrayList<>();
      if (c[2].strip().startsWith("the same and")) {
        fixes.addAll(previous);
      }
      Matcher f = TICKED.matcher(c[2]);
      while (f.find()) {
        fixes.add(f.group(1));
      }
      previous = List.copyOf(fixes);
      for (int k = 0; k < columns.length; k++) {
        cells.add(new Cell(scenario, List.copyOf(fixes), columns[k], c[3 + k].strip()));
      }
    }
    assertFalse(cells.isEmpty());
    return cells.stream();
  }

  /** The budget the table states ("2,000 schedules each"). */
  static int budget() throws Exception {
    Matcher m = Pattern.compile("([0-9,]+) schedules each").matcher(Files.readString(doc("fixes.md")));
    assertTrue(m.find(), "docs/fixes.md does not state its budget");
    return Integer.parseInt(m.group(1).replace(",", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixCells")
  void docsFixesTableIsWhatExplorationFinds(Cell cell) throws Exception {
    Scenario s = Scenarios.load(doc("../examples/fixes/" + cell.scenario() + ".ksim").normalize());
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, cell.fixes(), List.of()));
    int budget = budget();
    ExploreResult r = sim.explore(w, ExploreOptions.pct(1, budget, 3).withStrategy(cell.strategy())
        .withRun(w.runOptions(RunOptions.DEFAULT)));
    String found = r.failing().map(f -> oracle(f.failure().orElseThrow()) + ", "
        + String.format(Locale.ROOT, "%,d", ExploreResult.schedule(f.iteration()))).orElse("clean");
    assertEquals(cell.says(), found, cell + " (docs/fixes.md), but exploration finds " + found);
  }

  static String oracle(Failure f) {
    return f instanceof Failure.SafetyViolation v ? v.oracle() : f.kind();
  }

  /** Every "kernsim replay docs/traces/X.trace  # CONFIRMED, N steps, HASH" in the docs and the README. */
  /** A replay line: where, the trace, the steps and hash the docs give. */
  record ReplayLine(String where, String trace, String steps, String hash) {
    @Override
    public String toString() {
      return where;
    }
  }

  static Stream<ReplayLine> replayLines() throws Exception {
    Pattern p = Pattern.compile("kernsim replay (docs/traces/[^ ]+\\.trace) +# CONFIRMED, ([0-9,]+) steps, ([0-9a-f]{16})");
    List<ReplayLine> out = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    try (var d = Files.list(doc("."))) {
      d.filter(x -> x.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    files.add(doc("../README.md").normalize());
    for (Path f : files) {
      Matcher m = p.matcher(Files.readString(f));
      while (m.find()) {
        out.add(new ReplayLine(f.getFileName() + ": " + m.group(1), m.group(1), m.group(2), m.group(3)));
      }
    }
    assertFalse(out.isEmpty(), "no replay line with its figures in the docs");
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replayLines")
  void docsReplayFiguresAreWhatReplayGives(ReplayLine line) throws Exception {
    Trace t = TraceCodec.read(doc("../" + line.trace()).normalize());
    Scenario s = Scenarios.parse(t.header().text(), t.header().scenario() + ".ksim");
    ScenarioWorld w = new ScenarioWorld(s, Settings.fromOptions(t.header().options()));
    ReplayResult r = sim.replay(w, t);
    assertTrue(r.confirmed(), line + ": " + r);
    assertEquals(line.steps(), String.format(Locale.ROOT, "%,d", r.run().steps()), line + ": steps");
    assertEquals(line.hash(), r.run().eventLogHash(), line + ": event-log hash");
  }

  /**
   * Every scenario, trace or plan a documented {@code kernsim} command names exists in the repository (the
   * README's tour once ran a file that did not), unless it is a placeholder ({@code NAME}, {@code *}) or the
   * output of an earlier command: under {@code kernsim-out/} or a directory the same page passes to
   * {@code --out}.
   */
  @org.junit.jupiter.api.Test
  void everyFileADocumentedCommandNamesExists() throws Exception {
    Pattern command = Pattern.compile("kernsim [a-z]+ ([^ `]*\\.(ksim|trace|toml))");
    List<Path> files = new ArrayList<>();
    try (var d = Files.list(doc("."))) {
      d.filter(x -> x.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    files.add(doc("../README.md").normalize());
    Path root = doc("..").normalize();
    List<String> missing = new ArrayList<>();
    int seen = 0;
    for (Path f : files) {
      String text = Files.readString(f);
      Matcher m = command.matcher(text);
      while (m.find()) {
        String file = m.group(1);
        String first = file.contains("/") ? file.substring(0, file.indexOf('/')) : "";
        boolean made = file.startsWith("kernsim-out/") || file.contains("NAME") || file.contains("*")
            || (!first.isEmpty() && text.contains("--out " + first)) || file.startsWith("/");
        seen++;
        if (!made && !Files.exists(root.resolve(file))) {
          missing.add(f.getFileName() + ": " + m.group());
        }
      }
    }
    assertTrue(seen > 10, "found only " + seen + " documented commands");
    assertTrue(missing.isEmpty(), "documented commands name files that do not exist: " + missing);
  }
}
