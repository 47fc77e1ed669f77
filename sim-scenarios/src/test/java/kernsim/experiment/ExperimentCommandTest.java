package kernsim.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.ExploreResult;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import kernsim.cli.Main;
import kernsim.scenario.ScenarioWorld;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kernsim experiment} end to end: the CSV, the plots and the page, resuming, determinism, mistakes. */
class ExperimentCommandTest {
  @TempDir Path dir;

  record Outcome(int exit, String out, String err) {
    String both() {
      return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  static Outcome run(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Outcome(exit, out.toString(), err.toString());
  }

  /** Two cells: the triad under PCT from seeds 1 and 2, 20 schedules each. */
  private Path plan(String name, String seeds, int budget) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, "title = \"tiny\"\nbudget = " + budget + "\nseeds = " + seeds
        + "\nscenarios = [\"triad\"]\nstrategies = [{name = \"pct\", depth = 3}]\n");
    return p;
  }

  private static List<String> deterministic(List<Row> rows) {
    List<String> out = new ArrayList<>();
    int timing = Row.COLUMNS.indexOf(Row.TIMING.get(0));
    for (Row r : rows) {
      out.add(String.join("|", r.values().subList(0, timing)));
    }
    return out;
  }

  @Test
  void aTinyExperimentWritesItsRowsPlotsAndPage() throws Exception {
    Path out = dir.resolve("out");
    Outcome o = run("experiment", plan("tiny.toml", "[1, 2]", 20).toString(), "--out", out.toString());
    assertEquals(0, o.exit(), o.both());
    List<Row> rows = Results.read(out.resolve(Results.FILE));
    assertEquals(2, rows.size(), o.both());
    try (Simulator sim = Simulator.create()) {
      for (int i = 0; i < 2; i++) {
        Row r = rows.get(i);
        assertEquals("triad", r.scenario());
        assertEquals("pct", r.strategy());
        assertEquals("depth=3", r.parameters());
        assertEquals(i + 1, r.seed());
        assertEquals(20, r.budget());
        assertEquals(ScenarioWorld.MODEL_VERSION, r.model());
        // The row says what kernsim explore's exploration gives for the same cell.
        Plan.Target t = PlanReader.parse(Files.readString(dir.resolve("tiny.toml")), "tiny.toml", dir).scenarios().get(0);
        ScenarioWorld world = new ScenarioWorld(t.scenario(), t.settings());
        ExploreResult e = sim.explore(world,
            kernsim.actors.ExploreOptions.pct(r.seed(), 20, 3).withRun(world.runOptions(RunOptions.DEFAULT)));
        assertEquals(e.found(), r.found());
        assertEquals(e.iterations(), r.schedules());
        assertEquals(e.totalSteps(), r.totalSteps());
        if (e.found()) {
          assertEquals(e.failing().orElseThrow().iteration() + 1, r.schedule());
          assertEquals(e.failing().orElseThrow().outcome(), r.signature());
          assertEquals(e.failing().orElseThrow().steps(), r.steps());
          assertFalse(r.oracle().isEmpty(), "a race's failure names its oracle");
        }
        assertTrue(r.wallSeconds() > 0 && r.schedulesPerSecond() > 0, r.toString());
      }
    }
    for (String f : List.of("time-to-bug-triad", "found-triad", "speed")) {
      byte[] png = Files.readAllBytes(out.resolve(f + ".png"));
      assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), f);
      assertTrue(Files.readString(out.resolve(f + ".svg")).contains("<svg"), f);
    }
    String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    assertTrue(html.startsWith("<!DOCTYPE html>"), html);
    assertEquals(3, html.split("src=\"data:image/png;base64,", -1).length - 1, "every plot inline");
    assertEquals(3, html.split("src=\"", -1).length - 1, "self-contained: nothing loaded from elsewhere");
    assertTrue(html.contains("<td>triad</td>"), html);
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("| triad | pct depth=3 |"), md);
    assertTrue(md.contains("](time-to-bug-triad.png)") && md.contains("](time-to-bug-triad.svg)"), md);
    assertTrue(o.out().contains("ran 2 cells"), o.out());
  }

  @Test
  void aRerunSkipsTheCellsDoneAndSetsAsideThoseNoLongerPlanned() throws Exception {
    Path out = dir.resolve("out");
    assertEquals(0, run("experiment", plan("a.toml", "[1, 2]", 20).toString(), "--out", out.toString()).exit());
    List<String> before = Files.readAllLines(out.resolve(Results.FILE));

    Outcome again = run("experiment", plan("a.toml", "[1, 2]", 20).toString(), "--out", out.toString());
    assertEquals(0, again.exit(), again.both());
    assertTrue(again.out().contains("skipped 2 cells"), again.out());
    assertTrue(again.out().contains("ran 0 cells"), again.out());
    assertEquals(before, Files.readAllLines(out.resolve(Results.FILE)), "the rows, wall times too, are the first run's");

    Outcome more = run("experiment", plan("b.toml", "[1, 2, 3]", 20).toString(), "--out", out.toString());
    assertEquals(0, more.exit(), more.both());
    assertTrue(more.out().contains("skipped 2 cells") && more.out().contains("ran 1 cells"), more.out());
    List<String> three = Files.readAllLines(out.resolve(Results.FILE));
    assertEquals(before.subList(0, 3), three.subList(0, 3));
    assertEquals(4, three.size());

    // Another budget is another cell: the old rows move to stale.csv, nothing is lost.
    Outcome changed = run("experiment", plan("c.toml", "[1]", 21).toString(), "--out", out.toString());
    assertEquals(0, changed.exit(), changed.both());
    assertTrue(changed.out().contains("moved 3 rows"), changed.out());
    assertEquals(1, Results.read(out.resolve(Results.FILE)).size());
    assertEquals(3, Results.read(out.resolve(Results.STALE)).size());
    assertEquals(21, Results.read(out.resolve(Results.FILE)).get(0).budget());
  }

  @Test
  void theDeterministicColumnsAreTheSameOnEveryRunAndWithAnyWorkers() throws Exception {
    Path p = dir.resolve("two.toml");
    Files.writeString(p, """
        budget = 15
        seeds = [1, 2]
        scenarios = ["triad", "clr-fd-before-mark"]
        strategies = ["random", "pos"]
        """);
    assertEquals(0, run("experiment", p.toString(), "--out", dir.resolve("one").toString()).exit());
    assertEquals(0, run("experiment", p.toString(), "--out", dir.resolve("two").toString(), "--workers", "2").exit());
    List<Row> one = Results.read(dir.resolve("one").resolve(Results.FILE));
    List<Row> two = Results.read(dir.resolve("two").resolve(Results.FILE));
    assertEquals(8, one.size());
    assertEquals(deterministic(one), deterministic(two));
  }

  @Test
  void plotOnlyRemakesThePlotsAndTablesFromTheCsv() throws Exception {
    Path out = dir.resolve("out");
    assertEquals(0, run("experiment", plan("a.toml", "[1]", 10).toString(), "--out", out.toString()).exit());
    List<String> csv = Files.readAllLines(out.resolve(Results.FILE));
    Files.delete(out.resolve("speed.png"));
    Files.delete(out.resolve("report.html"));
    Path doc = dir.resolve("doc.md");
    Files.writeString(doc, "# mine\n\n" + Pages.BEGIN + "\nold\n" + Pages.END + "\n\nafter\n");
    Outcome o = run("experiment", "--plot-only", out.toString(), "--doc", doc.toString());
    assertEquals(0, o.exit(), o.both());
    assertTrue(Files.exists(out.resolve("speed.png")));
    assertTrue(Files.readString(out.resolve("report.html")).contains("<h1>tiny</h1>"), "the title of the plan copied in");
    assertEquals(csv, Files.readAllLines(out.resolve(Results.FILE)), "nothing ran");
    String d = Files.readString(doc);
    assertTrue(d.startsWith("# mine\n\n" + Pages.BEGIN), d);
    assertTrue(d.endsWith(Pages.END + "\n\nafter\n"), d);
    assertFalse(d.contains("old"), d);
    assertTrue(d.contains("](out/time-to-bug-triad.png)"), "images relative to the doc: " + d);
  }

  @Test
  void mistakesExitTwoWithoutAStackTrace() throws Exception {
    Path bad = dir.resolve("bad.toml");
    Files.writeString(bad, "budget = 5\nseeds = [1]\nscenarios = [\"triad\"]\nstrategies = [\"pcct\"]\n");
    for (String[] args : List.of(
        new String[] {"experiment", bad.toString(), "--out", dir.resolve("o").toString()},
        new String[] {"experiment", dir.resolve("none.toml").toString()},
        new String[] {"experiment", "--plot-only", dir.resolve("empty").toString()},
        new String[] {"experiment"},
        new String[] {"experiment", bad.toString(), "--plot-only", dir.toString()},
        new String[] {"experiment", bad.toString(), "--workers", "0"})) {
      Outcome o = run(args);
      assertEquals(2, o.exit(), String.join(" ", args) + "\n" + o.both());
      assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), o.both());
      assertFalse(o.err().isBlank(), o.both());
    }
    Outcome o = run("experiment", bad.toString(), "--out", dir.resolve("o").toString());
    assertTrue(o.err().startsWith(bad + ":4:15: error: unknown strategy 'pcct'"), o.err());
    Path notOurs = dir.resolve("theirs");
    Files.createDirectories(notOurs);
    Files.writeString(notOurs.resolve(Results.FILE), "a,b\n1,2\n");
    Outcome csv = run("experiment", plan("a.toml", "[1]", 5).toString(), "--out", notOurs.toString());
    assertEquals(2, csv.exit(), csv.both());
    assertTrue(csv.err().contains("not an experiment's results"), csv.err());
  }
}
