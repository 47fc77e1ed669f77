package kernsim.conform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import kernsim.scenario.Scenario;
import kernsim.scenario.Scenarios;

/** The conformance suite in the repo ({@code conform/*.ksim}), its recorded results and its known differences. */
final class Suite {
  private Suite() {}

  /** The suite's directory (the tests run in {@code sim-scenarios}). */
  static final Path DIR = Path.of("..", "conform");

  static List<Path> files() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.toString().endsWith(".ksim")).sorted().toList();
    }
  }

  static Scenario load(Path p) {
    try {
      return Scenarios.load(p);
    } catch (Exception e) {
      throw new AssertionError(p + ": " + e.getMessage(), e);
    }
  }

  /** {@code known-differences.txt}: key {@code SCENARIO HART#INDEX} → the whole line. */
  static TreeMap<String, String> knownDifferences() throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    for (String line : Files.readAllLines(DIR.resolve("known-differences.txt"))) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] w = line.split(" ", 3);
      if (out.put(w[0] + " " + w[1], line) != null) {
        throw new AssertionError("listed twice: " + line);
      }
    }
    return out;
  }

  static String key(String scenario, Conform.Row r) {
    return scenario + " " + r.hart() + "#" + r.index();
  }
}
