package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernsim replay}: confirmation, the ways a replay is not confirmed, and traces that cannot be read. */
class ReplayCommandTest {
  @TempDir static Path dir;
  static Path trace;

  /** One failing triad trace, explored once for the whole class. */
  @BeforeAll
  static void explore() {
    Cli.Outcome o = Cli.java("explore", "triad-java", "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    trace = dir.resolve("triad-java-1.trace");
  }

  /** A copy of the trace with its header and footer changed, as a new file. */
  private static Path edited(String name, UnaryOperator<Trace.Header> header, UnaryOperator<Trace.Footer> footer)
      throws Exception {
    Trace t = TraceCodec.read(trace);
    Trace changed = new Trace(header.apply(t.header()), t.keys(), t.choices(), footer.apply(t.footer()));
    Path p = dir.resolve(name);
    TraceCodec.write(changed, p);
    return p;
  }

  private static Trace.Header withOptions(Trace.Header h, String key, String value) {
    TreeMap<String, String> o = new TreeMap<>(h.options());
    o.put(key, value);
    return new Trace.Header(h.formatVersion(), h.modelVersion(), h.scenario(), h.scenarioHash(), h.text(),
        h.strategy(), h.seed(), h.iteration(), o);
  }

  private static void assertOneCleanLine(Cli.Outcome o, String expected) {
    assertEquals(2, o.exit(), o.both());
    assertEquals("", o.out());
    assertEquals(1, o.err().lines().count(), o.err());
    assertTrue(o.err().startsWith("kernsim replay: "), o.err());
    assertTrue(o.err().contains(expected), "expected '" + expected + "' in " + o.err());
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), o.err());
  }

  @Test
  void aTraceWithAnotherRecordedHashIsNotConfirmed() throws Exception {
    Path p = edited("other-hash.trace", h -> h, f -> new Trace.Footer(f.steps(), f.outcome(), "0123456789abcdef"));
    Cli.Outcome o = Cli.java("replay", p.toString());
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.out().contains("replay: NOT confirmed"), o.out());
    assertTrue(o.out().contains("(recorded: 0123456789abcdef)"), o.out());
    assertTrue(Cli.raceVerdict(o.out(), "  outcome: safety-violation: ["), o.out());
    assertTrue(o.out().contains("(as recorded)"), "the outcome is the same, only the hash differs:\n" + o.out());
  }

  @Test
  void aTraceReplayedWithTheFixTurnedOnDivergesAndNamesTheStep() throws Exception {
    // The header's settings are not part of the scenario hash: this is the trace of a world without the fix,
    // replayed in a world with it, which takes other steps.
    Path p = edited("with-fix.trace", h -> withOptions(h, "fixes", "mount-recheck-file,mark-mounted-at-install"),
        f -> f);
    Cli.Outcome o = Cli.java("replay", p.toString());
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.out().contains("replay: NOT confirmed"), o.out());
    assertTrue(o.out().contains("fixes: mount-recheck-file, mark-mounted-at-install"), o.out());
    assertTrue(o.out().contains("  first diverging step: "), o.out());
    assertTrue(o.out().contains("the trace expects"), o.out());
    JsonNode j = Cli.java("replay", "--json", p.toString()).json();
    assertFalse(j.get("confirmed").asBoolean());
    assertEquals("replay-divergence", j.get("verdict").get("kind").asText());
    assertTrue(j.get("divergence").get("step").asInt() >= 0, j.toString());
    assertFalse(j.get("divergence").get("expected").asText().isEmpty(), j.toString());
  }

  @Test
  void aCorruptedTraceIsBadInput() throws Exception {
    byte[] b = Files.readAllBytes(trace);
    b[b.length / 2] ^= 0x5a;
    Path p = Files.write(dir.resolve("corrupt.trace"), b);
    assertOneCleanLine(Cli.java("replay", p.toString()), "corrupt");
  }

  @Test
  void aTruncatedTraceIsBadInput() throws Exception {
    byte[] b = Files.readAllBytes(trace);
    Path p = Files.write(dir.resolve("truncated.trace"), java.util.Arrays.copyOf(b, b.length - 7));
    assertOneCleanLine(Cli.java("replay", p.toString()), "truncated or corrupt");
  }

  @Test
  void somethingElseIsBadInput() throws Exception {
    Path p = Files.writeString(dir.resolve("notes.trace"), "not a trace at all\n");
    assertOneCleanLine(Cli.java("replay", p.toString()), "not a kernsim trace");
    assertOneCleanLine(Cli.java("replay", dir.resolve("missing.trace").toString()), "no such trace file");
    Cli.Outcome d = Cli.java("replay", dir.toString()); // as every refused input file: FILE: error: ...
    assertEquals(2, d.exit(), d.both());
    assertEquals(dir + ": error: is a directory, not a trace file", d.err().strip());
  }

  @Test
  void aTraceOfAnotherModelIsBadInput() throws Exception {
    Path p = edited("old-model.trace", h -> new Trace.Header(h.formatVersion(), "kernsim-model-0", h.scenario(),
        h.scenarioHash(), h.text(), h.strategy(), h.seed(), h.iteration(), h.options()), f -> f);
    assertOneCleanLine(Cli.java("replay", p.toString()), "recorded on model kernsim-model-0");
  }

  @Test
  void aTraceWithAnUnknownFixIsBadInput() throws Exception {
    Path p = edited("unknown-fix.trace", h -> withOptions(h, "fixes", "no-such-fix"), f -> f);
    assertOneCleanLine(Cli.java("replay", p.toString()), "unknown fix 'no-such-fix'");
  }

  @Test
  void aTraceWhoseScenarioDoesNotParseIsBadInput() throws Exception {
    Path p = edited("garbage.trace", h -> new Trace.Header(h.formatVersion(), h.modelVersion(), h.scenario(),
        Trace.hashText("@@@ not a scenario"), "@@@ not a scenario", h.strategy(), h.seed(), h.iteration(),
        h.options()), f -> f);
    Cli.Outcome o = Cli.java("replay", p.toString());
    assertEquals(2, o.exit(), o.both());
    assertEquals("", o.out());
    assertTrue(o.err().startsWith("kernsim replay: cannot replay " + p + ": its scenario does not parse:\n"
        + "triad-java.ksim (in " + p + "):1:"), o.err());
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), o.err());
  }

  private static Trace.Header claiming(Trace.Header h, String strategy, long seed, int iteration) {
    return new Trace.Header(h.formatVersion(), h.modelVersion(), h.scenario(), h.scenarioHash(), h.text(), strategy,
        seed, iteration, h.options());
  }

  @Test
  void aTraceWhoseHeaderLiesAboutItsScheduleIsRefused() throws Exception {
    Trace t = TraceCodec.read(trace);
    Trace.Header h = t.header();
    assertEquals("pct", h.strategy());
    assertEquals("3", h.strategyParameters().get("depth"), h.options().toString());
    // The same choices, replayed, confirm the same run; but no exploration makes them under these headers.
    assertOneCleanLine(Cli.java("replay", edited("other-seed.trace",
        x -> claiming(x, x.strategy(), x.seed() + 1, x.iteration()), f -> f).toString()),
        "the trace's header claims schedule " + (h.iteration() + 1) + " of pct {depth=3, steps=");
    assertOneCleanLine(Cli.java("replay", edited("other-iteration.trace",
        x -> claiming(x, x.strategy(), x.seed(), x.iteration() + 5), f -> f).toString()),
        "but that schedule makes other choices than the trace holds");
    assertOneCleanLine(Cli.java("replay", edited("other-strategy.trace",
        x -> claiming(x, "random", x.seed(), x.iteration()), f -> f).toString()),
        "the trace's header claims schedule " + (h.iteration() + 1) + " of random");
    assertOneCleanLine(Cli.java("replay", edited("other-depth.trace",
        x -> withOptions(x, "strategy.depth", "7"), f -> f).toString()), "of pct {depth=7, steps=");
    assertOneCleanLine(Cli.java("replay", edited("no-depth.trace", x -> {
      TreeMap<String, String> o = new TreeMap<>(x.options());
      o.remove("strategy.depth");
      return new Trace.Header(x.formatVersion(), x.modelVersion(), x.scenario(), x.scenarioHash(), x.text(),
          x.strategy(), x.seed(), x.iteration(), o);
    }, f -> f).toString()), "pct needs strategy.depth in the header");
    // The header as written is the truth.
    assertEquals(0, Cli.java("replay", edited("as-written.trace", x -> x, f -> f).toString()).exit());
  }

  @Test
  void extraChoicesAfterTheRecordedRunAreRefused() throws Exception {
    Trace t = TraceCodec.read(trace);
    int[] more = java.util.Arrays.copyOf(t.choices(), t.choices().length + 1_000_000);
    Path p = dir.resolve("extra-choices.trace");
    TraceCodec.write(new Trace(t.header(), t.keys(), more, t.footer()), p);
    Cli.Outcome o = Cli.java("replay", p.toString());
    assertTrue(o.exit() != 0, o.both());
    assertFalse(o.out().contains("replay: CONFIRMED"), o.out());
  }

  @Test
  void everyExploringStrategysTraceNamesItsScheduleTruly(@TempDir Path out) {
    // dfs finds configure-ro's race in its 270th execution (docs/performance.md); replay searches up to it again.
    for (String[] s : new String[][] {{"triad-java", "--strategy", "random"}, {"triad-java", "--strategy", "pos"},
        {"triad-java", "--strategy", "delay-bounding", "--delays", "3"}, {"configure-ro", "--strategy", "dfs"}}) {
      java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("explore", s[0], "--out",
          out.resolve(s[2]).toString(), "--iterations", "3000"));
      args.addAll(java.util.List.of(s).subList(1, s.length));
      Cli.Outcome e = Cli.java(args.toArray(String[]::new));
      assertEquals(1, e.exit(), e.both());
      Path tr = out.resolve(s[2]).resolve(s[0] + "-1.trace");
      Cli.Outcome r = Cli.java("replay", tr.toString());
      assertEquals(0, r.exit(), r.both()); // the failure, confirmed
      assertTrue(r.out().contains("replay: CONFIRMED"), r.out());
    }
  }
}
