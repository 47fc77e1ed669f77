package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.scenario.Scenarios;
import org.junit.jupiter.api.Test;

/**
 * {@link Oracles#NAMES} is the one list of oracle names: the scenario language's {@code expect} takes
 * it, and every place the docs list the oracles lists exactly it, in its order.
 */
class OracleNamesTest {
  private static String read(String file) throws IOException {
    Path p = Path.of("..", file);
    return Files.readString(Files.exists(p) ? p : Path.of(file)); // from the module, or the repository root
  }

  /** The backticked names in {@code text} from {@code marker} to the first {@code end} after it. */
  private static List<String> listed(String text, String marker, String end) {
    int from = text.indexOf(marker);
    if (from < 0) {
      throw new AssertionError("no `" + marker + "` in the text");
    }
    int to = text.indexOf(end, from + marker.length());
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("`([a-z-]+)`").matcher(text.substring(from + marker.length(), to));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theScenarioLanguageTakesTheOneList() {
    assertEquals(Oracles.NAMES, Scenarios.ORACLES);
    assertEquals(Oracles.NAMES.size(), new TreeSet<>(Oracles.NAMES).size(), "names are distinct");
  }

  @Test
  void theDocsListExactlyTheOracles() throws IOException {
    assertEquals(Oracles.NAMES, listed(read("README.md"), "Oracles, all on by default:", "(["), "README.md");
    assertEquals(Oracles.NAMES, listed(read("docs/cli.md"), "Oracles (`--no-oracle`):", "(`oracle"), "docs/cli.md");
    assertEquals(Oracles.NAMES, listed(read("docs/scenarios.md"), "an oracle exploration should report:", "(`"),
        "docs/scenarios.md's expect row");
    // docs/model.md's table of oracles (its section, up to the next): one row per oracle, in its own order
    String model = read("docs/model.md");
    int from = model.indexOf("\n## Oracles\n");
    String section = model.substring(from, model.indexOf("\n## ", from + 1));
    List<String> rows = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(section);
    while (m.find()) {
      rows.add(m.group(1));
    }
    assertEquals(new TreeSet<>(Oracles.NAMES), new TreeSet<>(rows), "docs/model.md's oracle table");
    assertEquals(Oracles.NAMES.size(), rows.size(), "docs/model.md's oracle table has one row per oracle");
  }
}
