package kernsim.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;

/**
 * The rediscovery benchmark (docs/fuzz.md, "figures"): the catalog races' signatures, each from
 * exploring its catalog scenario, then campaigns of a template for several seeds, each bounded in
 * wall time, and for each race the programs, schedules and seconds until a finding of its signature.
 * The catalog grades the campaigns; the generator never sees it. Not a test: run it by hand,
 * {@code java -cp sim-scenarios/target/kernsim.jar kernsim.fuzz.Rediscovery TEMPLATE SECONDS DIR SEED…}.
 */
public final class Rediscovery {
  private Rediscovery() {}

  /** Each catalog race's signature (the failure its scenario's exploration finds first). */
  public static Map<String, String> catalogSignatures(Simulator sim) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : Catalog.names()) {
      Scenario s = Catalog.find(name).orElseThrow();
      ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
      ExploreResult r = sim.explore(w, new ExploreOptions(kernsim.actors.StrategyKind.PCT, 1, 10_000, 3, 64,
          w.runOptions(RunOptions.DEFAULT)));
      out.put(name, r.failing().map(f -> Signature.of(f.failure().orElseThrow(), s.hartKeys())).orElse("(none)"));
    }
    return out;
  }

  public static void main(String[] args) throws Exception {
    Template t = Template.resolve(args[0]);
    double seconds = Double.parseDouble(args[1]);
    Path dir = Path.of(args[2]);
    Map<String, String> sigs;
    try (Simulator sim = Simulator.create()) {
      sigs = catalogSignatures(sim);
    }
    sigs.forEach((k, v) -> System.out.println("catalog " + k + ": " + v));
    List<String> rows = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      long seed = Long.parseLong(args[i]);
      Path d = dir.resolve("seed-" + seed);
      Campaign c = new Campaign(new Campaign.Options(t, seed, 1_000_000, false, 0), d, System::nanoTime);
      long start = System.nanoTime();
      Campaign.Stats st = c.run(new Campaign.Listener() {
        @Override
        public void program(Campaign.Stats s) {}

        @Override
        public void finding(Campaign.Finding f) {
          System.out.printf(Locale.ROOT, "seed %d: program %d, %d schedules, %.1f s: %s%n", seed, f.program() + 1,
              f.schedules(), f.seconds(), f.signature());
        }
      }, () -> System.nanoTime() - start > seconds * 1e9);
      int found = 0;
      for (var e : sigs.entrySet()) {
        Campaign.Finding f = c.findings().get(e.getValue());
        if (f != null) {
          found++;
        }
        rows.add(String.format(Locale.ROOT, "| %d | %s | %s |", seed, e.getKey(), f == null ? "not found"
            : String.format(Locale.ROOT, "program %d, %,d schedules, %.1f s", f.program() + 1, f.schedules(),
                f.seconds())));
      }
      rows.add(String.format(Locale.ROOT, "| %d | (campaign) | %d of %d races; %,d programs, %,d schedules, %.0f s,"
          + " corpus %d, coverage %d, %d distinct failures |", seed, found, sigs.size(), st.programs(),
          st.schedules(), st.seconds(), st.corpus(), st.coverage(), st.findings()));
    }
    rows.forEach(System.out::println);
    Files.write(dir.resolve("rediscovery.md"), rows);
  }
}
