package kernsim.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kernsim.actors.StrategyKind;
import kernsim.dev.Fix;
import kernsim.scenario.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlanReaderTest {
  @TempDir Path dir;

  private Plan parse(String text) throws PlanException {
    return PlanReader.parse(text, "p.toml", dir);
  }

  @Test
  void aGridOfScenariosSettingsStrategiesAndSeeds() throws Exception {
    Files.writeString(dir.resolve("mine.ksim"), Catalog.text("triad").orElseThrow().replaceFirst(
        "(?m)^scenario .*$", "scenario mine"));
    Plan p = parse("""
        title = "grid"
        budget = 30
        seeds = [3, 1]
        scenarios = ["triad", "mine.ksim", "systemd-make-vs-free"]
        profiles = ["starry", "linux"]
        fixes = [[], ["flush-own-cache"]]
        no-oracle = ["durability"]
        strategies = ["random", {name = "pct", depth = [2, 4]}, {name = "delay-bounding", delays = 1, seeds = [9]}]
        """);
    assertEquals("grid", p.title());
    assertEquals(30, p.budget());
    assertEquals(List.of(3L, 1L), p.seeds());
    assertEquals(3 * 2 * 2, p.scenarios().size());
    assertEquals(List.of("random", "pct depth=2", "pct depth=4", "delay-bounding delays=1"),
        p.strategies().stream().map(a -> a.strategy().label()).toList());
    assertEquals(List.of(9L), p.strategies().get(3).seeds());
    // 12 scenario settings × (3 strategies × 2 seeds + 1 strategy × 1 seed)
    List<Cell> cells = p.cells();
    assertEquals(12 * 7, cells.size());
    Cell first = cells.get(0);
    assertEquals("triad", first.scenario());
    assertEquals("starry", first.profile());
    assertEquals("durability", first.oraclesOff());
    assertEquals(3L, first.seed());
    assertEquals(30, first.budget());
    assertTrue(cells.stream().anyMatch(c -> c.scenario().equals("mine") && c.profile().equals("linux")
        && c.fixes().contains("flush-own-cache")));
    assertEquals(cells.size(), cells.stream().map(Cell::key).distinct().count(), "every cell has its own key");
    assertEquals(30, cells.get(0).strategy().options(1, 30, kernsim.actors.RunOptions.DEFAULT).iterations());
  }

  @Test
  void parametersSetTheExplorationAndDefaultsAreTheCli() throws Exception {
    Plan p = parse("""
        budget = 5
        seeds = {from = 4, count = 3}
        scenarios = ["triad"]
        strategies = [{name = "pct", depth = 5}, "pct", {name = "dfs", preemption-bound = 2}, "dfs"]
        """);
    assertEquals(List.of(4L, 5L, 6L), p.seeds());
    StrategySpec pct5 = p.strategies().get(0).strategy();
    assertEquals(5, pct5.options(1, 5, kernsim.actors.RunOptions.DEFAULT).pctDepth());
    assertEquals(Map.of("depth", 5L), pct5.parameters());
    assertEquals(kernsim.actors.ExploreOptions.pct(1, 5, 3).pctDepth(),
        p.strategies().get(1).strategy().parameters().get("depth"), "the default depth is the CLI's");
    assertEquals(2, p.strategies().get(2).strategy().options(1, 5, kernsim.actors.RunOptions.DEFAULT)
        .preemptionBound());
    assertEquals("", p.strategies().get(3).strategy().parameterText(), "dfs without a bound lists none");
    assertTrue(p.strategies().get(3).strategy().options(1, 5, kernsim.actors.RunOptions.DEFAULT).preemptionBound() < 0);
  }

  @Test
  void aScenarioTableHasItsOwnSettings() throws Exception {
    Plan p = parse("""
        budget = 1
        seeds = [1]
        profiles = ["starry"]
        scenarios = [{name = "systemd-make-vs-free", profiles = ["starry", "linux"]}, "triad",
                     {name = "double-mount", fixes = ["@closing"]}]
        strategies = ["random"]
        """);
    assertEquals(List.of("systemd-make-vs-free starry", "systemd-make-vs-free linux", "triad starry",
        "double-mount starry"), p.scenarios().stream()
            .map(t -> t.scenario().name() + " " + t.settings().semantics().profile()).toList());
    assertTrue(p.scenarios().get(3).settings().semantics().has(Fix.byId("mount-recheck-slot").orElseThrow()));
    PlanException e = assertThrows(PlanException.class, () -> parse(
        "budget = 1\nseeds = [1]\nstrategies = ['random']\nscenarios = [{name = 'triad', profile = ['linux']}]"));
    assertEquals(4, e.line(), e.getMessage());
    assertEquals(31, e.column(), e.getMessage());
    assertTrue(e.reason().contains("unknown key 'profile'"), e.getMessage());
  }

  @Test
  void groupsExpandToTheirScenariosAndStrategies() throws Exception {
    Plan p = parse("""
        budget = 1
        seeds = [1]
        scenarios = ["@catalog"]
        fixes = ["@closing"]
        strategies = ["@all"]
        """);
    assertEquals(Catalog.names(), p.scenarios().stream().map(t -> t.scenario().name()).toList());
    assertEquals(StrategyKind.exploring(), p.strategies().stream().map(a -> a.strategy().kind()).toList());
    for (Plan.Target t : p.scenarios()) {
      for (Fix f : Catalog.fixesFor(t.scenario().name())) {
        assertTrue(t.settings().semantics().has(f), t.scenario().name() + " with its closing fix " + f);
      }
    }
  }

  @Test
  void theShippedPlansRead() throws Exception {
    Plan clients = PlanReader.read(Path.of("..", "experiments", "clients.toml"));
    assertEquals(kernsim.scenario.Clients.names().size() + 7, clients.scenarios().size(),
        "every client scenario, the systemd ones under both profiles");
  }

  @Test
  void theShippedCatalogPlanNamesEveryRaceAndEveryStrategy() throws Exception {
    Path plan = Path.of("..", "experiments", "catalog.toml");
    Plan p = PlanReader.read(plan);
    assertEquals(Catalog.names(), p.scenarios().stream().map(t -> t.scenario().name()).toList());
    assertEquals(StrategyKind.exploring(), p.strategies().stream().map(a -> a.strategy().kind()).distinct().toList(),
        "experiments/catalog.toml names every strategy StrategyKind has");
    assertEquals(10, p.seeds().size());
  }

  @Test
  void theShippedLinuxPlanNamesEveryLinuxRaceWithItsToggleAndEveryStrategy() throws Exception {
    Plan p = PlanReader.read(Path.of("..", "experiments", "linux.toml"));
    assertEquals(kernsim.scenario.LinuxRaces.names(), p.scenarios().stream().map(t -> t.scenario().name()).toList());
    for (Plan.Target t : p.scenarios()) {
      kernsim.dev.Regress r = kernsim.scenario.LinuxRaces.regressFor(t.scenario().name()).orElseThrow();
      assertEquals(java.util.Set.of(r), t.settings().semantics().regressions(), t.scenario().name());
    }
    assertEquals(StrategyKind.exploring(), p.strategies().stream().map(a -> a.strategy().kind()).distinct().toList(),
        "experiments/linux.toml names every strategy StrategyKind has");
    assertEquals(10, p.seeds().size());
  }

  /** Each bad plan: its text (\n for new lines), the line and column of the error, and words of the reason. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = ['pcct']|4|15|unknown strategy 'pcct'",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = ['replay']|4|15|unknown strategy 'replay'",
    "budget = 5\\nseeds = [1]\\nscenarios = ['nosuch']\\nstrategies = ['pct']|3|14|no such catalog scenario",
    "budget = 0\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = ['pct']|1|1|budget must be between 1",
    "budget = 'x'\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = ['pct']|1|1|budget must be a whole number",
    "budget = 5\\nseeds = [1, 1]\\nscenarios = ['triad']\\nstrategies = ['pct']|2|13|seed 1 is listed twice",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = [{name = 'pct', depth = 0}]|4|30|depth must be 1 to 10000, got 0",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = [{name = 'pct', depth = 2147483647}]|4|30|depth must be 1 to 10000, got 2147483647",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = [{name = 'random', depth = 3}]|4|33|random has no parameter 'depth'",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = [{depth = 3}]|4|15|needs a name",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = ['pct', 'pct']|4|22|is in the plan twice",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nprofiles = ['bsd']\\nstrategies = ['pct']|4|13|unknown profile 'bsd'",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nfixes = [['nofix']]\\nstrategies = ['pct']|4|11|unknown fix 'nofix'",
    "budget = 5\\nseeds = [1]\\nscenarios = ['systemd-make-vs-free']\\nfixes = ['@closing']\\nstrategies = ['pct']|4|10|not one",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad']\\nstrategies = ['pct']\\nbogus = 1|5|1|unknown key 'bogus'",
    "budget = 5\\nseeds = [1]\\nscenarios = ['triad', 'triad']\\nstrategies = ['pct']|3|23|in the plan twice",
    "budget = 5\\nseeds = [1]\\nscenarios = 'triad'\\nstrategies = ['pct']|3|1|scenarios must be an array",
    "budget = 5\\nseeds = [1\\nscenarios = ['triad']|3|1|",
    "budget = = 5|1|10|",
  })
  void badPlansSayWhere(String text, int line, int column, String reason) {
    PlanException e = assertThrows(PlanException.class, () -> parse(text.replace("\\n", "\n")));
    assertEquals(line, e.line(), e.getMessage());
    assertEquals(column, e.column(), e.getMessage());
    assertTrue(e.getMessage().startsWith("p.toml:" + line + ":" + column + ": error: "), e.getMessage());
    if (reason != null) {
      assertTrue(e.reason().contains(reason), e.getMessage());
    }
    List<String> lines = e.getMessage().lines().toList();
    assertEquals(3, lines.size(), "the message, the line, a caret: " + e.getMessage());
    assertEquals(column - 1, lines.get(2).indexOf('^'), e.getMessage());
  }

  @Test
  void missingKeysAndFilesAreNamed() throws IOException {
    PlanException e = assertThrows(PlanException.class, () -> parse("seeds = [1]\nscenarios = ['triad']\nstrategies = ['pct']"));
    assertEquals("p.toml: error: the plan has no budget (budget = N, schedules per cell)", e.getMessage());
    PlanException missing = assertThrows(PlanException.class, () -> PlanReader.read(dir.resolve("none.toml")));
    assertTrue(missing.getMessage().endsWith("cannot read the plan: no such file or directory"), missing.getMessage());
    Files.writeString(dir.resolve("bad.ksim"), "scenario bad\nhart a {\n  nosuch()\n}\n");
    PlanException scenario = assertThrows(PlanException.class,
        () -> parse("budget = 5\nseeds = [1]\nscenarios = ['bad.ksim']\nstrategies = ['pct']"));
    assertTrue(java.util.regex.Pattern.compile("bad\\.ksim:\\d+:\\d+: error: ").matcher(scenario.getMessage()).find(),
        "the scenario's own position: " + scenario.getMessage());
    assertFalse(scenario.getMessage().contains("Exception"), scenario.getMessage());
  }
}
