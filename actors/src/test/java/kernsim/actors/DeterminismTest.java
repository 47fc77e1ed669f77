package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import kernsim.actors.examples.Counters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same seed, same event log, byte for byte: in one JVM, across Simulators, and in a fresh JVM. */
class DeterminismTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static RunResult explore(Simulator s, String model, StrategyKind kind, long seed) {
    ExploreOptions o = kind == StrategyKind.PCT ? ExploreOptions.pct(seed, ExplorationTest.BUDGET, 2)
        : ExploreOptions.random(seed, ExplorationTest.BUDGET);
    ExploreResult e = s.explore(Models.byName(model), o);
    return e.failing().orElse(e.last());
  }

  @Test
  void theSameSeedGivesTheSameEventLogTwice() {
    for (StrategyKind kind : List.of(StrategyKind.RANDOM, StrategyKind.PCT)) {
      for (String model : List.of("lost-update", "lock-inversion", "atomic-update")) {
        RunResult a = explore(sim, model, kind, 42);
        RunResult b = explore(sim, model, kind, 42);
        assertEquals(a.log().lines(), b.log().lines(), kind + " " + model);
        assertEquals(a.eventLogHash(), b.eventLogHash());
        assertEquals(a.outcome(), b.outcome());
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameEventLogInAnotherSimulator() {
    RunResult a = explore(sim, "lost-update", StrategyKind.PCT, 7);
    try (Simulator other = Simulator.create()) {
      RunResult b = explore(other, "lost-update", StrategyKind.PCT, 7);
      assertEquals(a.log().lines(), b.log().lines());
    }
  }

  @Test
  void differentSeedsGiveDifferentInterleavings() {
    WorldSpec spec = Counters.spec(Counters.Update.ONE_MESSAGE, 3, 2);
    Set<String> hashes = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      hashes.add(sim.run(spec, new RandomStrategy(seed), RunOptions.DEFAULT, seed, 0).eventLogHash());
    }
    assertTrue(hashes.size() >= 10, "20 seeds gave only " + hashes.size() + " distinct interleavings");
  }

  @Test
  void aTraceReplaysToTheSameFailureAndHashInAFreshJvm(@TempDir Path dir) throws Exception {
    for (String model : List.of("lost-update", "lock-inversion")) {
      RunResult found = explore(sim, model, StrategyKind.PCT, ExplorationTest.SEED);
      assertTrue(found.failed(), model);
      Path file = dir.resolve(model + ".trace");
      TraceCodec.write(found.trace(), file);
      List<String> out = childJvm("replay", model, file.toString());
      assertEquals(List.of("outcome=" + found.outcome(), "hash=" + found.eventLogHash()), out, model);
    }
  }

  @Test
  void anExplorationFromASeedIsTheSameInAFreshJvm() throws Exception {
    RunResult here = explore(sim, "lost-update", StrategyKind.RANDOM, 99);
    List<String> out = childJvm("explore", "lost-update", "random", "99");
    assertEquals(List.of("outcome=" + here.outcome(), "hash=" + here.eventLogHash()), out);
  }

  /** Runs {@link ChildJvmMain} in a new JVM with this test's classpath and returns its output lines. */
  static List<String> childJvm(String... args) throws IOException, InterruptedException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", cp,
        ChildJvmMain.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
    String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
    assertEquals(0, p.exitValue(), () -> "child JVM failed:\n" + stderr);
    return stdout.lines().toList();
  }
}
