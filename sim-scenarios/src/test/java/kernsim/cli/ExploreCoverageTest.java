package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kernsim.actors.ExploreOptions;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.fuzz.Coverage;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coverage an exploration reports: the fuzz campaign's signal over its schedules, against the universes. */
class ExploreCoverageTest {
  private static final String[] FIXED = {"triad", "--fix", "mount-recheck-file", "--fix", "mark-mounted-at-install"};

  @TempDir Path dir;

  private JsonNode explore(int iterations, String... more) {
    List<String> args = new ArrayList<>(List.of("explore"));
    args.addAll(List.of(FIXED));
    args.addAll(List.of("--iterations", Integer.toString(iterations), "--out", dir.toString(), "--json"));
    args.addAll(List.of(more));
    Cli.Outcome o = Cli.run(args.toArray(String[]::new));
    assertEquals(0, o.exit(), o.both());
    return o.json().get("coverage");
  }

  @Test
  void theFeaturesAreTheUnionOfTheFuzzSignalOfEverySchedule() throws Exception {
    JsonNode c = explore(40);
    Scenario s = Catalog.find("triad").orElseThrow();
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of("mount-recheck-file", "mark-mounted-at-install"),
        List.of()));
    TreeSet<String> all = new TreeSet<>();
    try (Simulator sim = Simulator.create()) {
      sim.explore(w, new ExploreOptions(StrategyKind.PCT, 1, 40, 3, 64, w.runOptions(RunOptions.DEFAULT)), (i, r) -> {
        all.addAll(Coverage.of(r.log(), s.hartKeys()));
        return true;
      });
    }
    assertEquals(all.size(), c.get("features").asInt());
    assertEquals(all.stream().filter(f -> f.startsWith("M ")).count(), c.get("messages").asLong());
    assertEquals(all.stream().filter(f -> f.startsWith("P ")).count(), c.get("lockRegionPairs").get("distinct").asLong());
    JsonNode types = c.get("messageTypes");
    assertTrue(types.get("reached").asInt() > 0 && types.get("reached").asInt() < types.get("known").asInt(), c.toString());
    JsonNode pairs = c.get("lockRegionPairs");
    assertEquals(pairs.get("possible").asInt() - pairs.get("reached").asInt(), pairs.get("neverAdjacent").size());
  }

  @Test
  void moreSchedulesMakeMorePairsAdjacentAndNoneApart() {
    JsonNode one = explore(1).get("lockRegionPairs");
    JsonNode many = explore(300).get("lockRegionPairs");
    TreeSet<String> adjacentInOne = strings(one.get("adjacent"));
    TreeSet<String> adjacentInMany = strings(many.get("adjacent"));
    assertEquals(one.get("reached").asInt(), adjacentInOne.size());
    assertTrue(adjacentInMany.containsAll(adjacentInOne), one + "\n" + many);
    assertTrue(adjacentInMany.size() > adjacentInOne.size(), one + "\n" + many);
    strings(many.get("neverAdjacent")).forEach(p -> assertFalse(adjacentInOne.contains(p), p));
  }

  private static TreeSet<String> strings(JsonNode array) {
    TreeSet<String> out = new TreeSet<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Test
  void theCoverageOfAFailingExplorationDoesNotDependOnTheWorkers() {
    // Several workers run schedules past the lowest failure; the coverage, like the counts, leaves them out.
    Cli.Outcome one = Cli.run("explore", "--out", dir.toString(), "--json");
    Cli.Outcome four = Cli.run("explore", "--out", dir.toString(), "--json", "--workers", "4");
    assertEquals(1, four.exit(), four.both());
    assertEquals(one.json().get("coverage"), four.json().get("coverage"));
  }

  @Test
  void theReportSaysItAndNoCoverageLeavesItOut() {
    Cli.Outcome o = Cli.run("explore", "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.out().contains("\ncoverage: "), o.out());
    assertTrue(o.out().contains("  lock-region pairs: "), o.out());
    Cli.Outcome off = Cli.run("explore", "--out", dir.toString(), "--no-coverage", "--json");
    assertTrue(off.json().get("coverage").isNull(), off.out());
    assertFalse(Cli.run("explore", "--out", dir.toString(), "--no-coverage").out().contains("coverage:"));
  }
}
