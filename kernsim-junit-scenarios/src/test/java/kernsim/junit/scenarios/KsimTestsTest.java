package kernsim.junit.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.actors.ReplayResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.scenario.Catalog;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * {@link KsimTests} through JUnit's own engine: the catalog's races are found as their headers expect, the
 * examples fail with their traces written (and those traces replay), and a fixed scenario passes where a
 * known race must still be found.
 */
class KsimTestsTest {
  /** PCT from seed 1 finds every catalog and examples race within this budget (CatalogTest uses 5,000). */
  static final int BUDGET = 5000;

  @TempDir Path traces;

  private Events run(Class<?> c) {
    Samples.traces = traces;
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(c)).execute().testEvents();
  }

  private static String message(Event e) {
    return e.getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow().getMessage();
  }

  private static String name(Event e) {
    return e.getTestDescriptor().getDisplayName();
  }

  @Test
  void theCatalogAsKnownRacesPassesOneTestPerScenario() {
    Events events = run(Samples.CatalogKnownRaces.class);
    events.assertStatistics(s -> s.started(Catalog.names().size()).succeeded(Catalog.names().size()).failed(0));
    assertEquals(Catalog.names(), events.succeeded().list().stream().map(KsimTestsTest::name).toList());
    for (String n : Catalog.names()) {
      assertTrue(Files.exists(traces.resolve(n + "-1.trace")), n + ": its trace is written all the same");
    }
  }

  @Test
  void theExamplesFailWithTheirScheduleAndATraceThatReplaysIt() throws Exception {
    Events events = run(Samples.ExamplesMustPass.class);
    List<String> examples = examples();
    events.assertStatistics(s -> s.started(examples.size()).failed(examples.size()));
    assertEquals(examples, events.failed().list().stream().map(KsimTestsTest::name).sorted().toList());
    try (Simulator sim = Simulator.create()) {
      for (Event e : events.failed().list()) {
        String m = message(e);
        Path trace = traces.resolve(name(e) + "-1.trace");
        assertTrue(m.startsWith(name(e) + " failed in schedule "), m);
        assertTrue(m.contains("trace: " + trace.toAbsolutePath()), m);
        assertTrue(m.contains("replay: kernsim replay " + trace), m);
        Matcher schedule = Pattern.compile("failed in schedule (\\d+) of pct \\(seed 1, depth 3\\)").matcher(m);
        assertTrue(schedule.find(), m);
        Trace t = TraceCodec.read(trace);
        assertEquals(Integer.parseInt(schedule.group(1)), t.header().iteration() + 1, "messages count from 1");
        assertTrue(m.contains("failure: " + t.footer().outcome()), m);
        ReplayResult r = sim.replay(new ScenarioWorld(Scenarios.parse(t.header().text(), name(e) + ".ksim"),
            Settings.fromOptions(t.header().options())), t);
        assertTrue(r.confirmed(), name(e) + ": " + r.run().outcome());
      }
    }
  }

  @Test
  void theExamplesAsKnownRacesPass() throws Exception {
    int n = examples().size();
    run(Samples.ExamplesKnownRaces.class).assertStatistics(s -> s.started(n).succeeded(n).failed(0));
  }

  @Test
  void aFixedRacePassesButAsAKnownRaceItFails() throws Exception {
    Path dir = traces.resolve("fixed");
    Files.createDirectories(dir);
    String triad = Catalog.text("triad").orElseThrow();
    Files.writeString(dir.resolve("triad-fixed.ksim"),
        "fix mount-recheck-file\nfix mark-mounted-at-install\n" + triad.replace("scenario triad", "scenario triad-fixed"));
    Samples.fixed = dir;
    run(Samples.FixedMustPass.class).assertStatistics(s -> s.started(1).succeeded(1));
    Events known = run(Samples.FixedKnownRaces.class);
    known.assertStatistics(s -> s.started(1).failed(1));
    String m = message(known.failed().list().get(0));
    assertTrue(m.contains("triad-fixed: no oracle objected in 300 schedules of pct (seed 1, depth 3), but the scenario"
        + " expects stale-cache or durability or errno (a known race that is no longer found)"), m);
  }

  /** The repository's example scenarios (examples/*.ksim), by name, sorted: each is a race. */
  private static List<String> examples() throws java.io.IOException {
    try (var files = Files.list(Samples.EXAMPLES)) {
      return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".ksim"))
          .map(f -> f.substring(0, f.length() - ".ksim".length())).sorted().toList();
    }
  }
}
