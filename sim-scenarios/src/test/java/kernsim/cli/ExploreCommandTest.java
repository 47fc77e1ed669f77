package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernsim explore} on scenarios built in Java, and {@code kernsim replay} of what it wrote. */
class ExploreCommandTest {
  private static final Pattern HASH = Pattern.compile("event-log hash: ([0-9a-f]{16})");
  private static final String SPEED = "explored [\\d,]+ schedules \\([\\d,]+ steps\\) in \\d+\\.\\d\\d s: [\\d,]+ schedules/s"
      + "( \\(a short exploration: mostly JVM start-up and warm-up\\))?";

  @Test
  void findsTheTriadRaceWritesTraceAndReportAndTheReplayConfirmsIt(@TempDir Path dir) throws Exception {
    Cli.Outcome o = Cli.java("explore", "triad-java", "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    Path trace = dir.resolve("triad-java-1.trace");
    Path report = dir.resolve("triad-java-1.report.txt");
    assertTrue(Files.isRegularFile(trace), o.out());
    assertTrue(Files.isRegularFile(report), o.out());

    List<String> lines = o.lines();
    assertTrue(lines.get(0).startsWith("kernsim explore triad-java: strategy pct, depth 3, seed 1, at most 10,000"
        + " schedules"), lines.get(0));
    assertTrue(o.out().contains("profile:  starry   fixes: none   oracles off: none   expected: stale-cache"), o.out());
    assertTrue(Cli.raceVerdict(o.out(), "verdict:  FAILED \u2014 safety-violation ["), o.out());
    assertTrue(o.out().contains("  step:    "), o.out());
    assertTrue(o.out().contains("timeline ("), o.out());
    assertTrue(o.out().contains("  mounter:\n    ["), o.out());
    assertTrue(o.out().contains("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0) = 0"), o.out());
    assertTrue(o.out().contains("interleaving (a column per hart"), o.out());
    assertTrue(o.out().contains("replay:  kernsim replay " + trace), o.out());
    assertTrue(lines.get(lines.size() - 1).matches(SPEED), lines.get(lines.size() - 1));
    // Every line fits 120 columns but those that name the (long) temporary directory.
    assertTrue(lines.stream().filter(l -> !l.contains(dir.toString())).allMatch(l -> l.length() <= 120), o.out());
    Matcher m = HASH.matcher(o.out());
    assertTrue(m.find(), o.out());
    String hash = m.group(1);

    String text = Files.readString(report, StandardCharsets.UTF_8);
    assertTrue(text.startsWith("kernsim explore triad-java --strategy pct --depth 3 --seed 1 --iterations 10000"), text);
    assertTrue(Cli.raceVerdict(text, "verdict:  FAILED \u2014 safety-violation ["), text);
    assertTrue(text.contains("event log ("), text);
    assertTrue(text.contains(" world/mounter "), "the event log lists the steps:\n" + text);

    Cli.Outcome r = Cli.java("replay", trace.toString());
    assertEquals(0, r.exit(), r.both());
    assertTrue(r.out().contains("replay: CONFIRMED \u2014 same outcome"), r.out());
    assertTrue(r.out().contains("same event-log hash " + hash), r.out());
    assertTrue(Cli.raceVerdict(r.out(), "verdict:  FAILED \u2014 safety-violation ["), r.out());
    assertTrue(r.out().matches("(?s).*\nschedule: [1-9][0-9,]* \\(strategy pct, seed 1\\)\n.*"), r.out());
    // The replay shows the same timeline as the exploration.
    assertEquals(section(o.out(), "timeline ("), section(r.out(), "timeline ("));
  }

  @Test
  void findsNothingInAScenarioWithoutRace(@TempDir Path dir) throws Exception {
    Cli.Outcome o = Cli.java("explore", "solo-java", "--iterations", "20", "--out", dir.toString());
    assertEquals(0, o.exit(), o.both());
    assertTrue(o.out().contains("no failure found in 20 schedules (strategy pct, seed 1)"), o.out());
    assertTrue(o.lines().get(o.lines().size() - 1).matches(SPEED), o.out());
    assertTrue(o.out().contains("explored 20 schedules"), o.out());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no trace without a failure");
    }
  }

  @Test
  void theFixesCloseTheRace(@TempDir Path dir) {
    Cli.Outcome o = Cli.java("explore", "triad-java", "--fix", "mount-recheck-file", "--fix", "mark-mounted-at-install",
        "--iterations", "60", "--out", dir.toString());
    assertEquals(0, o.exit(), o.both());
    assertTrue(o.out().contains("fixes: mount-recheck-file, mark-mounted-at-install"), o.out());
    // Without them, the same budget finds it.
    assertEquals(1, Cli.java("explore", "triad-java", "--iterations", "60", "--out", dir.toString()).exit());
  }

  @Test
  void anOracleTurnedOffIsNamedAndDoesNotReport(@TempDir Path dir) {
    Cli.Outcome o = Cli.java("explore", "triad-java", "--no-oracle", "stale-cache", "--iterations", "60",
        "--out", dir.toString());
    assertTrue(o.out().contains("oracles off: stale-cache"), o.out());
    assertFalse(o.out().contains("[stale-cache]"), o.out());
  }

  @Test
  void theSameSeedGivesTheSameReport(@TempDir Path dir) {
    Cli.Outcome a = Cli.java("explore", "triad-java", "--strategy", "random", "--seed", "3", "--out", dir.toString());
    Cli.Outcome b = Cli.java("explore", "triad-java", "--strategy", "random", "--seed", "3", "--out", dir.toString());
    assertEquals(1, a.exit(), a.both());
    assertEquals(withoutSpeed(a.out()), withoutSpeed(b.out()));
    assertTrue(a.out().matches("(?s).*\nschedule: [1-9][0-9,]* \\(strategy random, seed 3\\)\n.*"), a.out());
  }

  /** One worker or two: the same schedule found, the same report file, the same trace, byte for byte. */
  @Test
  void theReportAndTraceDoNotDependOnTheWorkers(@TempDir Path dir) throws Exception {
    Path one = dir.resolve("one");
    Path two = dir.resolve("two");
    for (String strategy : List.of("pct", "random")) {
      Cli.Outcome a = Cli.java("explore", "triad-java", "--strategy", strategy, "--seed", "5", "--out", one.toString());
      Cli.Outcome b = Cli.java("explore", "triad-java", "--strategy", strategy, "--seed", "5", "--workers", "2",
          "--out", two.toString());
      assertEquals(1, a.exit(), a.both());
      assertEquals(1, b.exit(), b.both());
      assertEquals(withoutSpeed(a.out()).replace(one.toString(), "OUT"),
          withoutSpeed(b.out()).replace(two.toString(), "OUT").replace(", 2 workers", ""));
      String trace = "triad-java-5.trace";
      assertArrayEquals(java.nio.file.Files.readAllBytes(one.resolve(trace)),
          java.nio.file.Files.readAllBytes(two.resolve(trace)), strategy);
      String report = "triad-java-5.report.txt";
      assertEquals(java.nio.file.Files.readString(one.resolve(report)).replace(one.toString(), "OUT"),
          java.nio.file.Files.readString(two.resolve(report)).replace(two.toString(), "OUT"), strategy);
    }
  }

  @Test
  void jsonHasTheFindingTheTraceAndTheSpeed(@TempDir Path dir) {
    Cli.Outcome o = Cli.java("explore", "triad-java", "--json", "--seed", "2", "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    assertEquals("", o.err());
    JsonNode j = o.json();
    assertEquals("explore", j.get("command").asText());
    assertEquals(1, j.get("schema").asInt());
    assertEquals("triad-java", j.get("scenario").get("name").asText());
    assertEquals("stale-cache", j.get("scenario").get("expect").get(0).asText());
    assertEquals("pct", j.get("strategy").asText());
    assertEquals(3, j.get("depth").asInt());
    assertEquals(2, j.get("seed").asLong());
    assertEquals(10000, j.get("maxIterations").asInt());
    int iterations = j.get("iterations").asInt();
    assertTrue(iterations >= 1 && iterations <= 10000, j.toString());
    assertEquals(iterations, j.get("schedule").asInt(), "the failing schedule is the last one explored");
    assertTrue(j.get("schedulesPerSecond").asDouble() > 0, j.toString());
    assertTrue(j.get("totalSteps").asLong() >= j.get("steps").asLong(), j.toString());
    assertEquals(0, j.get("incomplete").size(), "every oracle checked every schedule fully: " + j.get("incomplete"));
    JsonNode v = j.get("verdict");
    assertEquals("failed", v.get("status").asText());
    assertEquals("safety-violation", v.get("kind").asText());
    assertTrue(Cli.RACE_ORACLES.contains(v.get("oracle").asText()), v.toString());
    assertFalse(v.get("message").asText().isBlank(), v.toString());
    assertTrue(v.get("step").asInt() < j.get("steps").asInt(), v.toString());
    assertTrue(v.get("actor").asText().startsWith("world/"), v.toString());
    assertTrue(j.get("eventLogHash").asText().matches("[0-9a-f]{16}"), j.toString());
    assertEquals(dir.resolve("triad-java-2.trace").toString(), j.get("trace").asText());
    assertTrue(Files.isRegularFile(Path.of(j.get("trace").asText())));
    assertTrue(Files.isRegularFile(Path.of(j.get("report").asText())));
    assertEquals("kernsim replay " + dir.resolve("triad-java-2.trace"), j.get("replayCommand").asText());
    assertTrue(j.get("replayConfirmed").asBoolean());
    List<String> harts = j.get("harts").findValuesAsText("name");
    assertEquals(List.of("mounter", "flusher", "detacher"), harts, "setup is built at boot: no hart runs it");

    JsonNode replay = Cli.java("replay", "--json", j.get("trace").asText()).json();
    assertEquals("replay", replay.get("command").asText());
    assertTrue(replay.get("confirmed").asBoolean(), replay.toString());
    assertEquals(j.get("eventLogHash"), replay.get("eventLogHash"));
    assertEquals(j.get("eventLogHash"), replay.get("recorded").get("eventLogHash"));
    assertEquals(j.get("verdict"), replay.get("verdict"));
    assertEquals(j.get("harts"), replay.get("harts"));
    assertTrue(replay.get("divergence").isNull());
  }

  @Test
  void jsonWithoutAFindingHasNoTrace(@TempDir Path dir) {
    JsonNode j = Cli.java("explore", "solo-java", "--json", "--iterations", "5", "--out", dir.toString()).json();
    assertEquals("ok", j.get("verdict").get("status").asText());
    assertEquals(5, j.get("iterations").asInt());
    assertTrue(j.get("trace").isNull());
    assertTrue(j.get("schedulesPerSecond").asDouble() > 0);
  }

  /** The lines from the one starting with {@code heading} up to the next blank line. */
  static String section(String out, String heading) {
    int start = out.indexOf("\n" + heading);
    assertTrue(start >= 0, heading + " in\n" + out);
    int end = out.indexOf("\n\n", start + 1);
    return out.substring(start + 1, end < 0 ? out.length() : end);
  }

  private static String withoutSpeed(String out) {
    return out.lines().filter(l -> !l.matches(SPEED)).reduce("", (a, b) -> a + b + "\n");
  }
}
