package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.oracle.ErrnoConformance;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.Test;

/**
 * What the oracles did not check fully (Monitor.incomplete) reaches a run's result and an exploration's counts:
 * on bench (f)'s generated 32-hart scenario, whose errno windows are over the settling cap, and not on the triad.
 */
class IncompleteChecksTest {
  private static final String LATE = "windows not settled: 2^(calls in flight at once) orders over the settling budget";

  private static ScenarioWorld harts(int n) throws Exception {
    Scenario s = Scenarios.parse(BenchCommand.sharingScenario(n), "harts-" + n + ".ksim");
    return new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
  }

  private static ExploreOptions pct(ScenarioWorld w, int iterations) {
    return ExploreOptions.pct(1, iterations, 3).withRun(w.runOptions(RunOptions.DEFAULT));
  }

  @Test
  void aManyHartRunOverTheErrnoCapSaysSoAndTheExplorationCountsIt() throws Exception {
    ScenarioWorld w = harts(32);
    List<RunResult> runs = new ArrayList<>();
    ExploreResult r;
    try (Simulator sim = Simulator.create()) {
      r = sim.explore(w, pct(w, 6), (i, run) -> runs.add(run));
    }
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome());
    assertEquals(6, runs.size());
    int late = 0;
    TreeMap<String, Integer> byReason = new TreeMap<>();
    for (RunResult run : runs) {
      Monitor.Incomplete x = run.incomplete().get(ErrnoConformance.NAME);
      if (x != null) {
        assertEquals(Monitor.Incomplete.Kind.CHECKED_LATE, x.kind(), x.toString());
        byReason.merge(x.reason(), 1, Integer::sum);
        late++;
      }
    }
    assertTrue(byReason.getOrDefault(LATE, 0) > 0, byReason::toString);
    List<ExploreResult.Incomplete> expected = new ArrayList<>();
    byReason.forEach((reason, n) -> expected.add(
        new ExploreResult.Incomplete(ErrnoConformance.NAME, Monitor.Incomplete.Kind.CHECKED_LATE, reason, n)));
    assertEquals(expected, r.incomplete());
    assertTrue(late > 0);
    ExploreResult.Incomplete first = r.incomplete().get(0);
    assertEquals("errno: " + first.schedules() + " of 6 schedules checked late (" + first.reason()
        + "; the end-of-run check decided)", ExploreCommand.incomplete(r).get(0));
  }

  @Test
  void theCountsDoNotDependOnTheWorkers() throws Exception {
    ScenarioWorld w = harts(32);
    ExploreResult one;
    try (Simulator sim = Simulator.create()) {
      one = sim.explore(w, pct(w, 8));
    }
    ExploreResult two = Simulator.explore(w, pct(w, 8), 2, null);
    assertFalse(one.incomplete().isEmpty());
    assertEquals(one.incomplete(), two.incomplete());
    assertEquals(one.totalSteps(), two.totalSteps());
  }

  @Test
  void theTriadIsCheckedFully() throws Exception {
    Scenario s = Catalog.find("triad").orElseThrow();
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of("mount-recheck-file", "mark-mounted-at-install"),
        List.of()));
    List<RunResult> runs = new ArrayList<>();
    ExploreResult r;
    try (Simulator sim = Simulator.create()) {
      r = sim.explore(w, pct(w, 200), (i, run) -> runs.add(run));
    }
    assertFalse(r.found());
    assertEquals(200, runs.size());
    for (RunResult run : runs) {
      assertEquals(java.util.Map.of(), run.incomplete(), () -> "schedule " + run.iteration());
    }
    assertEquals(List.of(), r.incomplete());
    assertEquals(List.of(), ExploreCommand.incomplete(r));
  }

  @Test
  void exploreSaysWhichOraclesCheckedLateInTheReportAndTheJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("harts-32.ksim");
    java.nio.file.Files.writeString(file, BenchCommand.sharingScenario(32));
    Cli.Outcome text = Cli.run("explore", file.toString(), "--iterations", "4", "--no-coverage", "--out", dir.toString());
    assertEquals(0, text.exit(), text.both());
    assertTrue(java.util.regex.Pattern.compile("(?m)^errno: [1-4] of 4 schedules checked late \\(windows not settled: ")
        .matcher(text.out()).find(), text.out());
    Cli.Outcome json = Cli.run("explore", file.toString(), "--iterations", "4", "--no-coverage", "--json", "--out",
        dir.toString());
    assertEquals(0, json.exit(), json.both());
    com.fasterxml.jackson.databind.JsonNode gaps = json.json().get("incomplete");
    assertTrue(gaps.size() >= 1, gaps.toString());
    assertEquals("errno", gaps.get(0).get("oracle").asText());
    assertEquals("checked-late", gaps.get(0).get("kind").asText());
    assertTrue(gaps.get(0).get("schedules").asInt() >= 1, gaps.toString());
  }
}
