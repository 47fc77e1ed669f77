package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.TreeMap;
import kernsim.actors.Prefix;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code explore --from TRACE --prefix N}: the catalog's triad is explored from a seed, and its trace's first
 * steps are explored onward; the traces that finds replay on their own with plain {@code kernsim replay}.
 */
class ExploreFromTest {
  @TempDir static Path dir;
  static Path source;
  static Trace sourceTrace;
  static int failingStep;

  @BeforeAll
  static void exploreTheRace() throws Exception {
    Cli.Outcome o = Cli.run("explore", "triad", "--seed", "1", "--out", dir.toString(), "--json");
    assertEquals(1, o.exit(), o.both());
    failingStep = o.json().get("verdict").get("step").asInt();
    source = dir.resolve("triad-1.trace");
    sourceTrace = TraceCodec.read(source);
  }

  @Test
  void fromHalfTheRaceAnotherStrategyFindsAFailureWhoseTraceReplaysAlone() throws Exception {
    int n = failingStep / 2;
    Cli.Outcome o = Cli.run("explore", "--from", source.toString(), "--prefix", Integer.toString(n),
        "--strategy", "random", "--seed", "3", "--iterations", "2000", "--out", dir.toString(), "--json");
    assertEquals(1, o.exit(), o.both());
    JsonNode j = o.json();
    assertEquals("triad", j.get("scenario").get("name").asText());
    assertEquals(n, j.get("from").get("prefix").asInt());
    Path written = Path.of(j.get("trace").asText());
    assertEquals(dir.resolve("triad-3-prefix" + n + ".trace"), written);
    assertTrue(j.get("replayConfirmed").asBoolean(), o.out());

    // The written trace holds the prefix's steps, then the strategy's, and says how it was made.
    Trace t = TraceCodec.read(written);
    assertEquals(sourceTrace.steps().subList(0, n), t.steps().subList(0, n));
    assertEquals("random", t.header().strategy());
    assertEquals(Integer.toString(n), t.header().strategyParameters().get(Prefix.STEPS));
    assertTrue(t.header().strategyParameters().get(Prefix.ORIGIN).startsWith("triad-1.trace (pct schedule "),
        t.header().options().toString());

    // Plain replay confirms it, to the same failure, and checks the header's claim.
    Cli.Outcome r = Cli.run("replay", written.toString(), "--json");
    assertEquals(0, r.exit(), r.both());
    assertTrue(r.json().get("confirmed").asBoolean());
    assertEquals(j.get("verdict").get("signature"), r.json().get("verdict").get("signature"));
    assertEquals(j.get("eventLogHash"), r.json().get("eventLogHash"));
  }

  @Test
  void theStrategyChoosesOnlyAfterThePrefix() {
    // With the whole trace as the prefix every schedule is the recorded one; with a short one they differ.
    int all = sourceTrace.steps().size();
    Cli.Outcome whole = Cli.run("explore", "--from", source.toString(), "--prefix", Integer.toString(all),
        "--strategy", "random", "--outcomes", "--iterations", "50", "--out", dir.resolve("whole").toString(), "--json");
    assertEquals(1, whole.exit(), whole.both());
    assertEquals(1, whole.json().get("outcomes").get("distinct").asInt(), whole.out());
    assertEquals(50, whole.json().get("outcomes").get("rows").get(0).get("count").asInt(), whole.out());

    Cli.Outcome shortOne = Cli.run("explore", "--from", source.toString(), "--prefix", "3",
        "--strategy", "random", "--outcomes", "--iterations", "200", "--out", dir.resolve("short").toString(), "--json");
    assertTrue(shortOne.json().get("outcomes").get("distinct").asInt() > 1, shortOne.out());
  }

  @Test
  void aTraceWhosePrefixHashWasEditedIsRefusedByReplay() throws Exception {
    Cli.Outcome o = Cli.run("explore", "--from", source.toString(), "--prefix", "20", "--strategy", "random",
        "--seed", "3", "--iterations", "2000", "--out", dir.resolve("edit").toString(), "--json");
    assertEquals(1, o.exit(), o.both());
    Trace t = TraceCodec.read(Path.of(o.json().get("trace").asText()));
    Trace.Header h = t.header();
    TreeMap<String, String> opts = new TreeMap<>(h.options());
    opts.put(Trace.STRATEGY_PREFIX + Prefix.HASH, "0123456789abcdef");
    Path edited = dir.resolve("edited-prefix.trace");
    TraceCodec.write(new Trace(new Trace.Header(h.formatVersion(), h.modelVersion(), h.scenario(), h.scenarioHash(),
        h.text(), h.strategy(), h.seed(), h.iteration(), opts), t.keys(), t.choices(), t.footer()), edited);
    Cli.Outcome r = Cli.run("replay", edited.toString());
    assertOneCleanLine(r, "kernsim replay: ", "claims its first 20 steps are those of triad-1.trace");
  }

  @Test
  void badPrefixesAndTracesAreOneLineErrors() throws Exception {
    String t = source.toString();
    String out = dir.resolve("errors").toString();
    assertOneCleanLine(Cli.run("explore", "--from", t, "--prefix", "100000", "--out", out), "kernsim explore: ",
        "--prefix 100000 is longer than " + t + ", which has " + sourceTrace.steps().size() + " steps");
    assertOneCleanLine(Cli.run("explore", "--from", t, "--prefix", "-1", "--out", out), "kernsim explore: ",
        "--prefix must be at least 0, got -1");
    assertOneCleanLine(Cli.run("explore", "--prefix", "3", "--out", out), "kernsim explore: ", "--prefix needs --from");
    assertOneCleanLine(Cli.run("explore", "--from", t, "--out", out), "kernsim explore: ", "--from needs --prefix");
    assertOneCleanLine(Cli.run("explore", "double-mount", "--from", t, "--prefix", "3", "--out", out),
        "kernsim explore: ", "the trace was recorded for scenario 'triad'");
    assertOneCleanLine(Cli.run("explore", "--from", t, "--prefix", "3", "--strategy", "dfs", "--out", out),
        "kernsim explore: ", "--from does not go with dfs");
    assertOneCleanLine(Cli.run("explore", "--from", t, "--prefix", "3", "--fix", "mount-recheck-file", "--out", out),
        "kernsim explore: ", "the command line asks for");

    Trace.Header h = sourceTrace.header();
    Path old = dir.resolve("old-model.trace");
    TraceCodec.write(new Trace(new Trace.Header(h.formatVersion(), "kernsim-model-0", h.scenario(), h.scenarioHash(),
        h.text(), h.strategy(), h.seed(), h.iteration(), h.options()), sourceTrace.keys(), sourceTrace.choices(),
        sourceTrace.footer()), old);
    assertOneCleanLine(Cli.run("explore", "--from", old.toString(), "--prefix", "3", "--out", out),
        "kernsim explore: ", "the trace was recorded on model kernsim-model-0");
    assertOneCleanLine(Cli.run("explore", "--from", dir.resolve("nope.trace").toString(), "--prefix", "3", "--out",
        out), "kernsim explore: ", "no such trace file");
  }

  private static void assertOneCleanLine(Cli.Outcome o, String command, String expected) {
    assertEquals(2, o.exit(), o.both());
    assertEquals(1, o.err().lines().count(), o.err());
    assertTrue(o.err().startsWith(command), o.err());
    assertTrue(o.err().contains(expected), "expected '" + expected + "' in " + o.err());
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), o.err());
  }
}
