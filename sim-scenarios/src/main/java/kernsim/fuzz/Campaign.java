package kernsim.fuzz;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;

/**
 * A fuzz campaign in a directory (docs/fuzz.md, "corpus format"): programs drawn new or mutated from
 * the corpus, each explored for the template's budget of schedules; a program that adds coverage joins
 * the corpus; a failure of a new signature is saved as a finding (the program's {@code .ksim}, the
 * failing schedule's {@code .trace}, checked by replaying it, and a report), shrunk when asked. Program
 * {@code i} draws from {@code Simulator.iterationSeed(seed, i)}, so a campaign is reproducible and
 * resumes where its directory's {@code state.json} says it stopped.
 */
public final class Campaign {
  /**
   * @param template the world and the calls
   * @param seed the campaign's seed
   * @param programs stop after this many programs in all (counting those of earlier runs)
   * @param shrink shrink each new finding
   * @param shrinkBudget schedules per shrinking candidate
   */
  public record Options(Template template, long seed, int programs, boolean shrink, int shrinkBudget) {}

  /**
   * A distinct failure: its signature, when it was first found, where it is saved, and whether it is
   * {@code sequential}: the program fails so with its harts run one after another ({@link Sequential}), so
   * it is the program's own failure, not a race.
   */
  public record Finding(String signature, int program, long schedules, double seconds, Path dir, boolean replayed,
      String shrunk, boolean sequential) {
    /** The key findings are deduplicated by: the signature, marked when sequential. */
    public String key() {
      return key(signature, sequential);
    }

    static String key(String signature, boolean sequential) {
      return sequential ? signature + " [sequential]" : signature;
    }
  }

  /** What the campaign reports as it goes. */
  public interface Listener {
    void program(Stats stats);

    void finding(Finding f);
  }

  /** Where the campaign stands; {@code sequential} of the {@code findings} are the programs' own failures. */
  public record Stats(int programs, long schedules, int corpus, int coverage, int findings, int sequential,
      int rejected, double seconds) {}

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Options o;
  private final Path dir;
  private final LongSupplier nanos;
  private final Coverage coverage = new Coverage();
  private final List<Program> corpus = new ArrayList<>();
  private final Map<String, Finding> findings = new LinkedHashMap<>();
  private int programs;
  private long schedules;
  private int rejected;
  private double secondsBefore;

  /** {@code nanos} is the wall clock the progress line's rates and the findings' times are read from. */
  public Campaign(Options o, Path dir, LongSupplier nanos) throws IOException {
    this.o = o;
    this.dir = dir;
    this.nanos = nanos;
    Files.createDirectories(dir.resolve("corpus"));
    Files.createDirectories(dir.resolve("findings"));
    resume();
  }

  /**
   * The findings so far, in the order found, by {@link Finding#key()}: the signature, for a race; the
   * signature and {@code [sequential]} for a failure that needs no interleaving.
   */
  public Map<String, Finding> findings() {
    return findings;
  }

  public int corpusSize() {
    return corpus.size();
  }

  /** Runs until {@code options.programs} programs in all, or until {@code stop} says so. */
  public Stats run(Listener listener, java.util.function.BooleanSupplier stop) throws IOException {
    long start = nanos.getAsLong();
    Simulator sim = Simulator.create();
    try {
      while (programs < o.programs() && !stop.getAsBoolean()) {
        int index = programs;
        long pseed = Simulator.iterationSeed(o.seed(), index);
        SplittableRandom rnd = new SplittableRandom(pseed);
        Program p;
        if (corpus.isEmpty() || rnd.nextInt(4) == 0) {
          p = new Generator(o.template(), rnd).program();
        } else {
          Program base = corpus.get(rnd.nextInt(corpus.size()));
          Program other = corpus.get(rnd.nextInt(corpus.size()));
          p = new Mutator(o.template(), rnd).mutate(base, other);
        }
        String name = "fuzz-" + index;
        String text = p.render(name, List.of("generated by kernsim fuzz: template " + o.template().name()
            + ", seed " + o.seed() + ", program " + index));
        programs++;
        Scenario sc;
        try {
          sc = Scenarios.parse(text, name + ".ksim");
        } catch (ScenarioException e) {
          rejected++; // a mutation the language refuses (e.g. a handle reassigned): not run
          listener.program(stats(start));
          continue;
        }
        Settings settings = Settings.of(sc, null, List.of(), List.of());
        ScenarioWorld world = new ScenarioWorld(sc, settings);
        ExploreOptions eo = o.template().strategies().get(index % o.template().strategies().size())
            .options(pseed, o.template().schedules(), world.runOptions(RunOptions.DEFAULT));
        int[] added = {0};
        ExploreResult r;
        try {
          r = sim.explore(world, eo, (i, run) -> {
            added[0] += coverage.addAll(Coverage.of(run.log(), sc.hartKeys()));
            return true;
          });
        } catch (RuntimeException e) {
          // kernsim itself failed on this program: a finding too, never the end of the campaign
          schedules += o.template().schedules();
          sim.close();
          sim = Simulator.create();
          saveError(text, name, index, e, start, listener);
          listener.program(stats(start));
          continue;
        }
        schedules += r.iterations();
        if (added[0] > 0) {
          corpus.add(p);
          Path f = dir.resolve("corpus").resolve(String.format("%06d", index));
          JSON.writeValue(f.resolveSibling(f.getFileName() + ".json").toFile(), p);
          Files.writeString(f.resolveSibling(f.getFileName() + ".ksim"), text);
        }
        if (r.found()) {
          RunResult failing = r.failing().orElseThrow();
          String sig = Signature.of(failing.failure().orElseThrow(), sc.hartKeys());
          if (!findings.containsKey(sig)) {
            // a failure the harts run one after another also show is the program's own, not a race
            Optional<Sequential.Run> seq = Sequential.find(sim, world, sc, sig);
            schedules += seq.isPresent() ? 1 : 0;
            if (seq.isEmpty() || !findings.containsKey(Finding.key(sig, true))) {
              save(sim, world, sc, settings, text, name, index, failing, sig, seq.orElse(null), start, listener);
            }
          }
        }
        if (index % 10 == 9) {
          saveState(start);
        }
        listener.program(stats(start));
      }
    } finally {
      sim.close();
      saveState(start);
    }
    return stats(start);
  }

  private Stats stats(long start) {
    return new Stats(programs, schedules, corpus.size(), coverage.size(), findings.size(),
        (int) findings.values().stream().filter(Finding::sequential).count(), rejected,
        secondsBefore + (nanos.getAsLong() - start) / 1e9);
  }

  private void save(Simulator sim, ScenarioWorld world, Scenario sc, Settings settings, String text, String name,
      int index, RunResult failing, String sig, Sequential.Run seq, long start, Listener listener)
      throws IOException {
    Path d = dir.resolve("findings").resolve(String.format("%03d-%s%s", findings.size() + 1,
        Signature.oracle(sig).replaceAll("[^A-Za-z0-9._-]", "_"), seq == null ? "" : "-sequential"));
    Files.createDirectories(d);
    Files.writeString(d.resolve(name + ".ksim"), text);
    Path trace = d.resolve(name + ".trace");
    TraceCodec.write(failing.trace(), trace);
    boolean replayed;
    try {
      ReplayResult rr = sim.replay(world, TraceCodec.read(trace));
      replayed = rr.confirmed();
    } catch (Exception e) {
      replayed = false;
    }
    String shrunk = null;
    List<String> report = new ArrayList<>();
    report.add("signature: " + sig);
    report.add("failure:   " + failing.failure().orElseThrow().signature());
    report.add("found by:  program " + index + " of campaign seed " + o.seed() + " (template " + o.template().name()
        + "), after " + (schedules) + " schedules in all");
    report.add("replay:    kernsim replay " + trace + (replayed ? "  (confirmed)" : "  (DID NOT REPLAY)"));
    if (seq != null) {
      Path st = d.resolve("sequential.trace");
      TraceCodec.write(seq.trace(), st);
      report.add("sequential: the same failure with the harts run one after another (" + String.join(", ",
          seq.order()) + "): the program's own failure, not a race (kernsim replay " + st + ")");
    }
    if (o.shrink()) {
      try {
        Shrinker sh = new Shrinker(sim, settings, Math.max(o.shrinkBudget(), failing.iteration() + 1),
            failing.trace().header().seed(), o.template().depth());
        Shrinker.Result res = sh.shrink(text, name + "-shrunk", failing, sig,
            List.of("shrunk by kernsim fuzz from " + name + ".ksim", "signature: " + sig));
        Files.writeString(d.resolve(name + "-shrunk.ksim"), res.text());
        TraceCodec.write(res.run().trace(), d.resolve(name + "-shrunk.trace"));
        shrunk = res.before() + " -> " + res.after();
        report.add("shrunk:    " + shrunk + "  (kernsim replay " + d.resolve(name + "-shrunk.trace") + ")");
      } catch (RuntimeException | ScenarioException e) {
        report.add("shrunk:    not shrunk: " + e.getMessage());
      }
    }
    report.add("");
    report.add("program:");
    text.lines().forEach(l -> report.add("  " + l));
    report.add("");
    report.add("event log of the failing schedule (" + failing.steps() + " steps):");
    report.addAll(failing.log().lines());
    Files.write(d.resolve("report.txt"), report, StandardCharsets.UTF_8);
    Files.writeString(d.resolve("signature.txt"), sig + "\n");
    Finding f = new Finding(sig, index, schedules, secondsBefore + (nanos.getAsLong() - start) / 1e9, d, replayed,
        shrunk, seq != null);
    findings.put(f.key(), f);
    listener.finding(f);
    saveState(start);
  }

  private void saveError(String text, String name, int index, RuntimeException e, long start, Listener listener)
      throws IOException {
    String sig = "kernsim-error: " + e.getClass().getName();
    if (findings.containsKey(sig)) {
      return;
    }
    Path d = dir.resolve("findings").resolve(String.format("%03d-kernsim-error", findings.size() + 1));
    Files.createDirectories(d);
    Files.writeString(d.resolve(name + ".ksim"), text);
    StringWriter sw = new StringWriter();
    e.printStackTrace(new PrintWriter(sw));
    Files.writeString(d.resolve("report.txt"), "signature: " + sig + "\nkernsim itself threw while exploring program "
        + index + " (no trace: the run did not end)\n\n" + sw);
    Files.writeString(d.resolve("signature.txt"), sig + "\n");
    Finding f = new Finding(sig, index, schedules, secondsBefore + (nanos.getAsLong() - start) / 1e9, d, false, null,
        false);
    findings.put(f.key(), f);
    listener.finding(f);
  }

  private void saveState(long start) throws IOException {
    ObjectNode s = JSON.createObjectNode();
    s.put("template", o.template().name());
    s.put("seed", o.seed());
    s.put("programs", programs);
    s.put("schedules", schedules);
    s.put("rejected", rejected);
    s.put("seconds", secondsBefore + (nanos.getAsLong() - start) / 1e9);
    var arr = s.putArray("findings");
    for (Finding f : findings.values()) {
      ObjectNode n = arr.addObject();
      n.put("signature", f.signature());
      n.put("program", f.program());
      n.put("schedules", f.schedules());
      n.put("seconds", f.seconds());
      n.put("dir", dir.relativize(f.dir()).toString());
      n.put("replayed", f.replayed());
      n.put("shrunk", f.shrunk());
      n.put("sequential", f.sequential());
    }
    JSON.writeValue(dir.resolve("state.json").toFile(), s);
    Files.write(dir.resolve("coverage.txt"), coverage.features(), StandardCharsets.UTF_8);
  }

  private void resume() throws IOException {
    Path state = dir.resolve("state.json");
    if (!Files.exists(state)) {
      return;
    }
    var s = JSON.readTree(state.toFile());
    if (s.get("seed").asLong() != o.seed() || !s.get("template").asText().equals(o.template().name())) {
      throw new IllegalArgumentException(dir + " holds the campaign of template " + s.get("template").asText()
          + ", seed " + s.get("seed").asLong() + "; resume it with those, or give another directory");
    }
    programs = s.get("programs").asInt();
    schedules = s.get("schedules").asLong();
    rejected = s.get("rejected").asInt();
    secondsBefore = s.get("seconds").asDouble();
    for (var n : s.get("findings")) {
      String sig = n.get("signature").asText();
      Finding f = new Finding(sig, n.get("program").asInt(), n.get("schedules").asLong(),
          n.get("seconds").asDouble(), dir.resolve(n.get("dir").asText()), n.get("replayed").asBoolean(),
          n.get("shrunk").isNull() ? null : n.get("shrunk").asText(),
          n.has("sequential") && n.get("sequential").asBoolean());
      findings.put(f.key(), f);
    }
    TreeSet<Path> files = new TreeSet<>();
    try (Stream<Path> st = Files.list(dir.resolve("corpus"))) {
      // a program past the saved count ran after the last save: it runs again, so its old entry goes
      st.filter(p -> p.toString().endsWith(".json"))
          .filter(p -> Integer.parseInt(p.getFileName().toString().replace(".json", "")) < programs)
          .forEach(files::add);
    }
    for (Path f : files) {
      corpus.add(JSON.readValue(f.toFile(), Program.class));
    }
    Path cov = dir.resolve("coverage.txt");
    if (Files.exists(cov)) {
      coverage.addAll(Files.readAllLines(cov, StandardCharsets.UTF_8));
    }
  }
}
