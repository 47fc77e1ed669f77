package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.scenario.Clients;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The userspace loop client scenarios ({@link Clients}): each finding docs/findings.md records is found
 * again by exploration from its stated strategy and seed, in its stated schedule, and the trace recorded
 * in docs/traces replays to the same outcome and event-log hash; the mixed scenarios find what
 * findings.md says they find; and {@code kernsim list} / {@code explore NAME} know the client scenarios.
 */
class ClientScenariosTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /**
   * One row of docs/findings.md: exploring {@code scenario} with {@code strategy} from {@code seed} fails
   * first in schedule {@code schedule} with {@code oracle} (a safety oracle's name, or "deadlock" /
   * "livelock"); {@code trace} is the trace in docs/traces recorded by that exploration.
   */
  record Finding(String scenario, String strategy, long seed, int schedule, String oracle, String trace) {
    @Override
    public String toString() {
      return scenario + " " + strategy + " seed " + seed;
    }
  }

  static Stream<Finding> findings() {
    return Stream.of(
        new Finding("systemd-free-reversed", "pct", 1, 5, "deadlock", "systemd-free-reversed-1.trace"),
        new Finding("systemd-memfd-fallback", "pct", 1, 551, "read-only", "systemd-memfd-fallback-pct-1.trace"),
        new Finding("monogon-2-creators", "pct", 1, 10, "livelock", "monogon-2-creators-pct-1.trace"),
        new Finding("monogon-2-creators-linux", "random", 1, 1, "client-data",
            "monogon-2-creators-linux-random-1.trace"),
        new Finding("mixed-2-clients-linux", "pct", 1, 2, "client-data", "mixed-2-clients-linux-pct-1.trace"),
        new Finding("mixed-4-clients", "pct", 1, 63, "livelock", "mixed-4-clients-pct-1.trace"));
  }

  /**
   * docs/findings.md: one systemd and one Monogon client under starry, with or without the prober, find
   * nothing in 2,000 schedules of PCT or random from seed 1; here the first 300 PCT schedules.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("quietMixed")
  void twoMixedClientsUnderStarryFindNothing(String name) throws Exception {
    ExploreResult r = explore(Clients.find(name).orElseThrow(), "pct", 1, 300);
    assertFalse(r.found(), () -> name + ": " + r.failing().orElseThrow().outcome());
    assertEquals(300, r.iterations());
  }

  /**
   * docs/findings.md: under linux the memfd fallback keeps READ_ONLY (LOOP_SET_STATUS64 cannot clear it), so
   * the writer is refused; 2,000 PCT schedules from seed 1 find nothing, here the first 300.
   */
  @Test
  void theMemfdFallbackUnderLinuxKeepsTheDeviceReadOnly() throws Exception {
    Scenario s = Clients.find("systemd-memfd-fallback").orElseThrow();
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, "linux", List.of(), List.of()));
    ExploreResult r = sim.explore(w, ExploreOptions.pct(1, 300, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome().toString());
    assertEquals(300, r.iterations());
  }

  static Stream<String> quietMixed() {
    return Stream.of("mixed-2-clients", "mixed-2-clients-prober");
  }

  static ExploreResult explore(Scenario s, String strategy, long seed, int budget) {
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    ExploreOptions o = strategy.equals("pct") ? ExploreOptions.pct(seed, budget, 3) : ExploreOptions.random(seed, budget);
    return sim.explore(w, o.withRun(w.runOptions(RunOptions.DEFAULT)));
  }

  static String oracle(Failure f) {
    return f instanceof Failure.SafetyViolation v ? v.oracle() : f.kind();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("findings")
  void explorationFindsTheRecordedFindingAndItsTraceReplaysIt(Finding f) throws Exception {
    Scenario s = Clients.find(f.scenario()).orElseThrow();
    ExploreResult r = explore(s, f.strategy(), f.seed(), f.schedule());
    assertTrue(r.found(), f + ": nothing found in " + f.schedule() + " schedules");
    assertEquals(f.schedule(), r.iterations(), f + ": found in another schedule");
    RunResult failing = r.failing().orElseThrow();
    assertEquals(f.oracle(), oracle(failing.failure().orElseThrow()), f + ": " + failing.outcome());

    Trace trace = TraceCodec.read(Path.of("../docs/traces", f.trace()));
    assertEquals(ScenarioWorld.MODEL_VERSION, trace.header().modelVersion(), f.trace() + " was recorded on another model");
    Scenario again = Scenarios.parse(trace.header().text(), f.scenario() + ".ksim");
    ScenarioWorld world = new ScenarioWorld(again, Settings.fromOptions(trace.header().options()));
    ReplayResult replay = sim.replay(world, trace);
    assertTrue(replay.confirmed(), f.trace() + ": " + replay);
    assertNull(sim.scheduleMismatch(world, trace), f.trace() + ": its header names another schedule");
    assertEquals(failing.outcome(), replay.run().outcome(), f.trace());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash(), f.trace());
  }

  /**
   * docs/findings.md: in {@code kernsim run mixed-4-clients --strategy random --seed 209} a Monogon Create
   * leaks an O_EXCL fd on the device systemd-2 configured, so systemd-2's free sees LOOP_CTL_REMOVE EBUSY on
   * all 39 attempts and gives up — and no oracle objects (the free stays within its retry budget).
   */
  @Test
  void monogonsLeakedFdMakesSystemdsFreeGiveUpWithinItsBudget() throws Exception {
    Scenario s = Clients.find("mixed-4-clients").orElseThrow();
    List<Object> seen = new java.util.ArrayList<>();
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    kernsim.actors.WorldSpec recorded = kernsim.actors.WorldSpec.of(w.name(), w.modelVersion(), w.text(), w::root,
        x -> {
          List<kernsim.actors.Monitor> ms = new java.util.ArrayList<>(w.monitors(x));
          ms.add(kernsim.actors.Monitor.recorder(seen));
          return ms;
        });
    RunResult r = sim.run(recorded, kernsim.actors.Strategies.random(Simulator.iterationSeed(209, 0)),
        w.runOptions(RunOptions.DEFAULT), 209, 0);
    assertFalse(r.failed(), r.outcome());
    List<Object> removes = seen.stream().filter(o -> o instanceof kernsim.cpu.Calls.Returned c
        && c.hart().equals("world/systemd-2") && c.text().startsWith("ioctl(__d_ctl, LOOP_CTL_REMOVE"))
        .map(o -> ((kernsim.cpu.Calls.Returned) o).result()).toList();
    assertEquals(39, removes.size(), removes.toString());
    assertTrue(removes.stream().allMatch(x -> String.valueOf(x).equals("EBUSY")), removes.toString());
  }

  @Test
  void everyClientScenarioIsListedParsesAndHasAHeaderComment() throws Exception {
    List<String> files;
    try (Stream<Path> p = Files.list(Path.of("src/main/resources/kernsim/clients"))) {
      files = p.map(x -> x.getFileName().toString()).filter(n -> n.endsWith(".ksim"))
          .map(n -> n.substring(0, n.length() - ".ksim".length())).sorted().toList();
    }
    assertEquals(files, Clients.names().stream().sorted().toList(), "clients/index.txt lists every clients/*.ksim");
    for (Scenario s : Clients.all()) {
      assertFalse(s.description().isBlank(), s.name() + " has no header comment");
    }
  }

  @Test
  void listShowsTheClientScenariosAfterTheCatalog() {
    Cli.Outcome o = Cli.run("list");
    assertEquals(0, o.exit(), o.both());
    List<String> lines = o.lines();
    int heading = lines.indexOf("client scenarios (userspace loop clients; findings in docs/findings.md):");
    assertTrue(heading > 0, o.out());
    assertEquals("", lines.get(heading - 1), o.out());
    int end = heading + 1 + Clients.names().size();
    assertEquals(Clients.names(), lines.subList(heading + 1, end).stream()
        .map(l -> l.split(" +")[0]).toList(), o.out());
    assertEquals("", lines.get(end), "a blank line before Linux's races (RegressCommandTest):\n" + o.out());
    assertTrue(lines.stream().anyMatch(l -> l.matches("mixed-2-clients +mixed: 1 systemd \\+ 1 Monogon client on 2 loop"
        + " devices, prober off, starry")), o.out());
    assertEquals(Clients.names().size(), Cli.run("list", "--json").json().get("clients").size());
  }

  @Test
  void exploreAndRunAcceptAClientScenariosName(@TempDir Path dir) {
    Cli.Outcome o = Cli.run("explore", "monogon-2-creators-linux", "--strategy", "random", "--iterations", "1",
        "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.out().contains("scenario: monogon-2-creators-linux"), o.out());
    assertTrue(o.out().contains("safety-violation [client-data]"), o.out());
    assertTrue(Files.isRegularFile(dir.resolve("monogon-2-creators-linux-1.trace")));
    Cli.Outcome r = Cli.run("run", "systemd-2-make-free");
    assertEquals(0, r.exit(), r.both());
    Cli.Outcome bad = Cli.run("run", "systemd-9-make-free");
    assertEquals(2, bad.exit(), bad.both());
    assertTrue(bad.err().contains("the client scenarios: systemd-2-make-free"), bad.err());
  }
}
