package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same exploration of the catalog's triad, in this JVM and in a freshly started one, finds the same
 * schedule with the same event-log hash: determinism holds for the whole kernel model with its oracles.
 */
class CrossJvmTest {
  @Test
  void theTriadExploresToTheSameEventLogInAnotherJvm(@TempDir Path dir) throws Exception {
    JsonNode here = Cli.run("explore", "triad", "--json", "--seed", "4", "--out", dir.resolve("here").toString()).json();

    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", cp, Main.class.getName(), "explore", "triad", "--json", "--seed", "4",
        "--out", dir.resolve("there").toString())).redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM finished");
    assertEquals(1, p.exitValue(), err);
    JsonNode there = new ObjectMapper().readTree(out);

    assertEquals(here.get("schedule").asInt(), there.get("schedule").asInt());
    assertEquals(here.get("eventLogHash").asText(), there.get("eventLogHash").asText());
    assertEquals(here.get("verdict").get("signature").asText(), there.get("verdict").get("signature").asText());
  }
}
