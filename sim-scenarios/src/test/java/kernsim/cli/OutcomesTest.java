package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import kernsim.scenario.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code explore --outcomes}: every schedule of the budget, the distinct outcomes counted and graded. */
class OutcomesTest {
  private static JsonNode outcomes(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("explore"));
    args.addAll(List.of(more));
    args.addAll(List.of("--outcomes", "--json", "--out", out.toString()));
    Cli.Outcome o = Cli.run(args.toArray(String[]::new));
    JsonNode j = o.json();
    assertNotNull(j.get("outcomes"), o.both());
    assertEquals(j.get("outcomes").get("rows").size(), j.get("outcomes").get("distinct").asInt());
    return j;
  }

  private static long sum(JsonNode j) {
    long n = 0;
    for (JsonNode x : j.get("outcomes").get("rows")) {
      n += x.get("count").asLong();
    }
    return n;
  }

  @Test
  void theFixedTriadHasOnlyAcceptableOutcomesAndTheTableDoesNotDependOnTheWorkers(@TempDir Path dir) {
    String[] fixed = {"triad", "--fix", "mount-recheck-file", "--fix", "mark-mounted-at-install", "--iterations",
        "400"};
    JsonNode one = outcomes(dir.resolve("1"), concat(fixed, "--workers", "1"));
    JsonNode two = outcomes(dir.resolve("2"), concat(fixed, "--workers", "2"));
    assertEquals(400, one.get("iterations").asInt());
    assertEquals(400, sum(one));
    assertTrue(one.get("outcomes").get("rows").size() >= 2, one.toString());
    for (JsonNode x : one.get("outcomes").get("rows")) {
      assertEquals("acceptable", x.get("grade").asText(), x.toString());
      assertEquals("ok", x.get("verdict").asText(), x.toString());
      assertEquals(3, x.get("results").size(), x.toString()); // mounter, flusher, detacher
      assertTrue(x.get("trace").isNull());
    }
    assertEquals(one.get("outcomes").get("rows"), two.get("outcomes").get("rows"));
  }

  @Test
  void theUnfixedTriadRunsTheWholeBudgetAndEachFailingOutcomeReplays(@TempDir Path dir) throws Exception {
    JsonNode j = outcomes(dir, "triad", "--iterations", "300");
    assertEquals(300, j.get("iterations").asInt());
    assertEquals(300, sum(j));
    int lowestFailing = Integer.MAX_VALUE;
    Set<String> grades = new HashSet<>();
    for (JsonNode x : j.get("outcomes").get("rows")) {
      grades.add(x.get("grade").asText());
      if (x.get("verdict").asText().equals("ok")) {
        continue;
      }
      // The triad expects its three race oracles: every failure of theirs is the race it shows.
      assertTrue(Cli.RACE_ORACLES.contains(x.get("verdict").asText()), x.toString());
      assertEquals("interesting", x.get("grade").asText(), x.toString());
      lowestFailing = Math.min(lowestFailing, x.get("firstSchedule").asInt());
      Path trace = Path.of(x.get("trace").asText());
      assertTrue(Files.exists(trace), x.toString());
      assertTrue(x.get("replayConfirmed").asBoolean(), x.toString());
      Cli.Outcome r = Cli.run("replay", trace.toString(), "--json");
      assertEquals(Main.OK, r.exit(), r.both());
      assertTrue(r.out().contains("\"" + x.get("verdict").asText() + "\""), r.out());
    }
    assertEquals(Set.of("acceptable", "interesting"), grades);
    // The first failing outcome is the schedule a plain exploration stops at.
    Cli.Outcome plain = Cli.run("explore", "triad", "--iterations", "300", "--json", "--out",
        dir.resolve("plain").toString());
    assertEquals(Main.NOT_AS_EXPECTED, plain.exit(), plain.both());
    assertEquals(plain.json().get("schedule").asInt(), lowestFailing);
  }

  @Test
  void aFailureTheScenarioDoesNotExpectIsForbidden(@TempDir Path dir) throws Exception {
    String text = Catalog.find("triad").orElseThrow().text().replaceAll("(?m)^expect .*$", "");
    Path f = dir.resolve("unexpected.ksim");
    Files.writeString(f, "expect none\n" + text);
    Cli.Outcome o = Cli.run("explore", f.toString(), "--iterations", "200", "--outcomes", "--out", dir.toString());
    assertEquals(Main.NOT_AS_EXPECTED, o.exit(), o.both());
    assertTrue(o.out().contains("forbidden"), o.out());
    assertFalse(o.out().contains("interesting"), o.out());
    assertTrue(o.out().matches("(?s).*outcomes of 200 schedules .*"), o.out());
    assertTrue(o.out().contains("kernsim replay "), o.out());
  }

  /**
   * {@code outcome} header lines grade results by value: two threads write one fd, one reads the shared
   * offset after its write. 2 is acceptable, 4 (the other thread's write came between) is graded as the
   * line says; a forbidden grade keeps its trace (which replays as ok) and makes the exit status 1.
   */
  @Test
  void outcomeLinesGradeResultsByValue(@TempDir Path dir) throws Exception {
    String body = """
        process p:
          fd = open("/f", O_RDWR|O_CREAT)
        hart a in p:
          write(fd, "aa")
          lseek(fd, 0, SEEK_CUR)
        hart b in p:
          write(fd, "bb")
        """;
    Path f = dir.resolve("offset.ksim");
    Files.writeString(f, "outcome acceptable a: \"2, 2\"\noutcome interesting a: \"2, 4\"\n" + body);
    JsonNode j = outcomes(dir.resolve("i"), f.toString(), "--iterations", "200");
    Set<String> seen = new HashSet<>();
    for (JsonNode x : j.get("outcomes").get("rows")) {
      assertEquals("ok", x.get("verdict").asText(), x.toString());
      String cell = x.get("results").get(0).get(0).asText() + ", " + x.get("results").get(0).get(1).asText();
      assertEquals(cell.equals("2, 2") ? "acceptable" : "interesting", x.get("grade").asText(), x.toString());
      seen.add(cell);
      assertTrue(x.get("trace").isNull(), x.toString());
    }
    assertEquals(Set.of("2, 2", "2, 4"), seen);
    Cli.Outcome ok = Cli.run("explore", f.toString(), "--iterations", "200", "--outcomes", "--out", dir.toString());
    assertEquals(Main.OK, ok.exit(), ok.both());

    Files.writeString(f, "outcome forbidden a: \"2, 4\"\n" + body);
    Cli.Outcome o = Cli.run("explore", f.toString(), "--iterations", "200", "--outcomes", "--json", "--out",
        dir.resolve("f").toString());
    assertEquals(Main.NOT_AS_EXPECTED, o.exit(), o.both());
    int forbidden = 0;
    for (JsonNode x : o.json().get("outcomes").get("rows")) {
      if (x.get("grade").asText().equals("forbidden")) {
        forbidden++;
        assertEquals("2", x.get("results").get(0).get(0).asText() + "", x.toString());
        assertEquals("4", x.get("results").get(0).get(1).asText(), x.toString());
        assertTrue(Files.exists(Path.of(x.get("trace").asText())), x.toString());
      }
    }
    assertEquals(1, forbidden, o.out());
  }

  private static String[] concat(String[] a, String... b) {
    List<String> l = new ArrayList<>(List.of(a));
    l.addAll(List.of(b));
    return l.toArray(String[]::new);
  }
}
