package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernsim run} on scenarios built in Java. */
class RunCommandTest {
  @Test
  void aRunWithoutRaceShowsEachCallsResultAndAnOkVerdict() {
    Cli.Outcome o = Cli.java("run", "solo-java");
    assertEquals(0, o.exit(), o.both());
    assertEquals("kernsim run solo-java", o.lines().get(0));
    assertTrue(o.out().contains("schedule: 1 (strategy pct, depth 3, seed 1)"), o.out());
    assertTrue(o.out().contains("verdict:  ok \u2014 no oracle objected"), o.out());
    assertTrue(o.out().contains("  writer:\n"), o.out());
    // LOOP_CLR_FD on a mounted device is refused; the umount then succeeds.
    assertTrue(o.lines().stream().anyMatch(l -> l.matches("    \\[ *\\d+- *\\d+\\]  ioctl\\(ld, LOOP_CLR_FD\\) = EBUSY")),
        o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.matches("    \\[ *\\d+- *\\d+\\]  umount2\\(\"/mnt\", 0\\) = 0")), o.out());
    assertTrue(o.lines().get(o.lines().size() - 1).matches("event-log hash: [0-9a-f]{16}"), o.out());
    assertEquals("", o.err());
  }

  @Test
  void aFailingRunShowsTheFailureAndExitsOne() {
    // Seed 6's first PCT schedule runs into the triad's race (if the model changes, another seed will).
    Cli.Outcome o = Cli.java("run", "triad-java", "--seed", "6");
    assertEquals(1, o.exit(), o.both());
    assertTrue(Cli.raceVerdict(o.out(), "verdict:  FAILED \u2014 safety-violation ["), o.out());
    assertTrue(o.out().contains("  message: write_block"), o.out());
    assertTrue(o.out().contains("  actor:   world/loop-control/loop0/cache-"), o.out());
    assertTrue(o.out().contains("interleaving (a column per hart"), o.out());
    assertTrue(o.out().contains("calls then in progress: "), o.out());
    assertTrue(o.out().contains("to keep its trace: kernsim explore triad-java --strategy pct --seed 6 --iterations 1"
        + " --depth 3"), o.out());
  }

  @Test
  void aRunIsTheFirstScheduleOfTheExplorationWithTheSameSeed(@TempDir Path dir) {
    JsonNode run = Cli.java("run", "triad-java", "--seed", "4", "--json").json();
    JsonNode explore = Cli.java("explore", "triad-java", "--seed", "4", "--iterations", "1", "--json",
        "--out", dir.toString()).json();
    assertEquals(explore.get("eventLogHash").asText(), run.get("eventLogHash").asText());
    assertEquals(explore.get("steps").asInt(), run.get("steps").asInt());
    JsonNode other = Cli.java("run", "triad-java", "--seed", "5", "--json").json();
    assertFalse(other.get("eventLogHash").asText().equals(run.get("eventLogHash").asText()),
        "another seed, another schedule");
  }

  @Test
  void jsonHasTheSettingsTheVerdictAndEveryCallsResult() {
    Cli.Outcome o = Cli.java("run", "solo-java", "--json", "--seed", "9", "--strategy", "random",
        "--no-oracle", "livelock", "--fix", "mount-resolve-once");
    assertEquals(0, o.exit(), o.both());
    JsonNode j = o.json();
    assertEquals("run", j.get("command").asText());
    assertEquals("solo-java", j.get("scenario").get("name").asText());
    assertEquals("starry", j.get("profile").asText());
    assertEquals("mount-resolve-once", j.get("fixes").get(0).asText());
    assertEquals("livelock", j.get("oraclesOff").get(0).asText());
    assertEquals("random", j.get("strategy").asText());
    assertTrue(j.get("depth").isNull(), "random has no depth");
    assertEquals(9, j.get("seed").asLong());
    assertEquals("ok", j.get("verdict").get("status").asText());
    assertTrue(j.get("eventLogHash").asText().matches("[0-9a-f]{16}"), j.toString());
    JsonNode harts = j.get("harts");
    assertEquals(1, harts.size(), "setup is built at boot: no hart runs it");
    JsonNode writer = harts.get(0);
    assertEquals("writer", writer.get("name").asText());
    assertTrue(writer.get("exited").asBoolean());
    JsonNode clr = writer.get("calls").get(5);
    assertEquals("ioctl(ld, LOOP_CLR_FD)", clr.get("text").asText());
    assertEquals("EBUSY", clr.get("result").get("errno").asText());
    assertEquals(16, clr.get("result").get("errnoNumber").asInt());
    assertTrue(clr.get("startStep").asInt() <= clr.get("endStep").asInt(), clr.toString());
    JsonNode write = writer.get("calls").get(2);
    assertEquals(4, write.get("result").get("value").asLong(), write.toString());
  }
}
