package kernsim.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.TraceCodec;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzTest {
  private static List<String> programs(String template, long seed, int n) throws Exception {
    Template t = Template.resolve(template);
    List<String> out = new ArrayList<>();
    List<Program> made = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SplittableRandom rnd = new SplittableRandom(Simulator.iterationSeed(seed, i));
      Program p = made.isEmpty() || i % 2 == 0 ? new Generator(t, rnd).program()
          : new Mutator(t, rnd).mutate(made.get(rnd.nextInt(made.size())), made.get(rnd.nextInt(made.size())));
      made.add(p);
      out.add(p.render("p" + i, List.of()));
    }
    return out;
  }

  @Test
  void theSameSeedDrawsTheSamePrograms() throws Exception {
    for (String t : Template.BUILT_IN) {
      assertEquals(programs(t, 7, 30), programs(t, 7, 30), t);
      assertNotEquals(programs(t, 7, 30), programs(t, 8, 30), t);
    }
  }

  @Test
  void generatedAndMutatedProgramsParseBackFromTheirText() throws Exception {
    for (String t : Template.BUILT_IN) {
      int calls = 0;
      for (String text : programs(t, 3, 200)) {
        Scenario s = Scenarios.parse(text, "gen.ksim"); // throws on any program the language refuses
        assertEquals(Template.resolve(t).harts(), s.harts().size(), text);
        calls += s.harts().stream().mapToInt(List::size).sum();
      }
      assertTrue(calls > 200 * Template.resolve(t).harts(), t + ": " + calls + " calls");
    }
  }

  @Test
  void aHartOpensBeforeItUses() throws Exception {
    Template t = Template.resolve("clients");
    for (int i = 0; i < 100; i++) {
      Program p = new Generator(t, new SplittableRandom(i)).program();
      for (List<Program.Call> hart : p.harts()) {
        java.util.Set<String> set = new java.util.HashSet<>();
        for (Program.Call c : hart) {
          for (Program.Arg a : c.args()) {
            if (a.isUse()) {
              assertTrue(set.contains(a.var()), a.var() + " used before it is set in " + p.render("x", List.of()));
            }
          }
          c.defs().forEach(d -> set.add(d.var()));
        }
      }
    }
  }

  @Test
  void aTemplatesMistakeNamesItsLineAndColumn() {
    Template.TemplateException e = assertThrows(Template.TemplateException.class,
        () -> Template.parse("harts 2\n  calls open frobnicate\n", "t.tmpl"));
    assertTrue(e.getMessage().startsWith("t.tmpl:2:3: error: unknown call `frobnicate`"), e.getMessage());
  }

  private static String catalogSignature(Simulator sim, String name) throws Exception {
    Scenario s = Catalog.find(name).orElseThrow();
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    ExploreResult r = sim.explore(w, new ExploreOptions(StrategyKind.PCT, 1, 1000, 3, 64,
        w.runOptions(RunOptions.DEFAULT)));
    return Signature.of(r.failing().orElseThrow().failure().orElseThrow(), s.hartKeys());
  }

  @Test
  void aSmallCampaignFindsTheDoubleMountAndItsTraceReplays(@TempDir Path dir) throws Exception {
    Template t = Template.resolve("triad-area").with(50, List.of());
    Campaign c = new Campaign(new Campaign.Options(t, 1, 8, false, 0), dir, System::nanoTime);
    c.run(new Quiet(), () -> false);
    String sig;
    try (Simulator sim = Simulator.create()) {
      sig = catalogSignature(sim, "double-mount");
      Campaign.Finding f = c.findings().get(sig);
      assertTrue(f != null, "no " + sig + " among " + c.findings().keySet());
      assertTrue(f.replayed());
      Path trace;
      try (Stream<Path> s = Files.list(f.dir())) {
        trace = s.filter(p -> p.toString().endsWith(".trace")).findFirst().orElseThrow();
      }
      var tr = TraceCodec.read(trace);
      Scenario sc = Scenarios.parse(tr.header().text(), "finding.ksim");
      ReplayResult rr = sim.replay(new ScenarioWorld(sc, Settings.fromOptions(tr.header().options())), tr);
      assertTrue(rr.confirmed());
      assertEquals(sig, Signature.of(rr.run().failure().orElseThrow(), sc.hartKeys()));
    }
  }

  @Test
  void aResumedCampaignIsTheCampaignRunInOneGo(@TempDir Path dir) throws Exception {
    Template t = Template.resolve("triad-area").with(20, List.of());
    Path once = dir.resolve("once");
    Path twice = dir.resolve("twice");
    new Campaign(new Campaign.Options(t, 5, 12, false, 0), once, System::nanoTime).run(new Quiet(), () -> false);
    new Campaign(new Campaign.Options(t, 5, 6, false, 0), twice, System::nanoTime).run(new Quiet(), () -> false);
    Campaign resumed = new Campaign(new Campaign.Options(t, 5, 12, false, 0), twice, System::nanoTime);
    resumed.run(new Quiet(), () -> false);
    assertEquals(listing(once.resolve("corpus")), listing(twice.resolve("corpus")));
    assertEquals(Files.readAllLines(once.resolve("coverage.txt")), Files.readAllLines(twice.resolve("coverage.txt")));
    assertThrows(IllegalArgumentException.class,
        () -> new Campaign(new Campaign.Options(t, 6, 12, false, 0), twice, System::nanoTime));
  }

  private static List<String> listing(Path d) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(d)) {
      for (Path p : s.sorted().toList()) {
        out.add(p.getFileName() + "\n" + Files.readString(p));
      }
    }
    assertTrue(!out.isEmpty());
    return out;
  }

  @Test
  void shrinkingTheTriadsTraceKeepsItsSignatureAndReplays() throws Exception {
    Scenario s = Catalog.find("triad").orElseThrow();
    Settings settings = Settings.of(s, null, List.of(), List.of());
    try (Simulator sim = Simulator.create()) {
      ScenarioWorld w = new ScenarioWorld(s, settings);
      RunResult failing = sim.explore(w, new ExploreOptions(StrategyKind.PCT, 1, 1000, 3, 64,
          w.runOptions(RunOptions.DEFAULT))).failing().orElseThrow();
      String sig = Signature.of(failing.failure().orElseThrow(), s.hartKeys());
      Shrinker.Result r = new Shrinker(sim, settings, 100, 1, 3).shrink(s.text(), "triad-shrunk", failing, sig,
          List.of("test"));
      assertTrue(r.after().calls() < r.before().calls(), r.before() + " -> " + r.after());
      assertTrue(r.after().switches() <= r.before().switches(), r.before() + " -> " + r.after());
      Scenario back = Scenarios.parse(r.text(), "triad-shrunk.ksim");
      ReplayResult rr = sim.replay(new ScenarioWorld(back, settings), r.run().trace());
      assertTrue(rr.confirmed());
      assertEquals(sig, Signature.of(rr.run().failure().orElseThrow(), back.hartKeys()));
    }
  }

  @Test
  void theRecordedExt4ExceptionReplaysAsAFinding() throws Exception {
    var tr = TraceCodec.read(Path.of("../docs/traces/fuzz-ext4-ino-0.trace"));
    Scenario sc = Scenarios.parse(tr.header().text(), "fuzz-ext4-ino-0.ksim");
    try (Simulator sim = Simulator.create()) {
      ReplayResult rr = sim.replay(new ScenarioWorld(sc, Settings.fromOptions(tr.header().options())), tr);
      assertTrue(rr.confirmed());
      assertEquals("exception: hart threw java.lang.IllegalArgumentException",
          Signature.of(rr.run().failure().orElseThrow(), sc.hartKeys()));
    }
  }

  @Test
  void signaturesForgetNamesAndNumbers() {
    assertEquals("errno: hart: ioctl(v, LOOP_CLR_FD) = N on loopN",
        Signature.site("errno: world/mounter: ioctl(ld, LOOP_CLR_FD) = 0 on loop0", List.of("world/mounter")));
  }

  private static final class Quiet implements Campaign.Listener {
    @Override
    public void program(Campaign.Stats s) {}

    @Override
    public void finding(Campaign.Finding f) {}
  }
}
