package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/scenarios.md stays true: its example parses, and it lists every call and constant. */
class ScenarioDocsTest {
  private static String docs() throws IOException {
    Path p = Path.of("../docs/scenarios.md");
    if (!Files.exists(p)) {
      p = Path.of("docs/scenarios.md"); // run from the repository root
    }
    return Files.readString(p);
  }

  @Test
  void theFullExampleParses() throws Exception {
    String doc = docs();
    int start = doc.indexOf("```\n", doc.indexOf("## A full example")) + 4;
    String example = doc.substring(start, doc.indexOf("```", start));
    Scenario s = Scenarios.parse(example, "triad.ksim");
    assertEquals("triad", s.name());
    assertEquals(List.of("mounter", "flusher", "clearer"), s.hartNames());
    assertEquals(9, s.setupCalls().size());
  }

  @Test
  void everyCallAndConstantIsDocumented() throws Exception {
    String doc = docs();
    List<String> missing = new ArrayList<>();
    for (String call : CallTable.names()) {
      if (!doc.contains("`" + call + "(")) {
        missing.add(call);
      }
    }
    for (Constants.Const c : Constants.all()) {
      if (!doc.contains(c.name())) {
        missing.add(c.name());
      }
    }
    assertTrue(missing.isEmpty(), "not in docs/scenarios.md: " + missing);
  }

  @Test
  void theErrorExamplesAreWhatParseSays() throws Exception {
    String doc = docs();
    for (String[] c : new String[][] {
        {"# demo\nhart mounter:\n  fd = open(\"/mnt/a\", O_RDWR|O_CRAET)\n"},
        {"hart flusher:\n  ioctl(ld, BLKFLSBUF)\n"}}) {
      try {
        Scenarios.parse(c[0], "triad.ksim");
      } catch (ScenarioException e) {
        assertTrue(doc.contains("```\n" + e.getMessage() + "\n```"), e.getMessage());
        continue;
      }
      throw new AssertionError("expected an error");
    }
  }
}
