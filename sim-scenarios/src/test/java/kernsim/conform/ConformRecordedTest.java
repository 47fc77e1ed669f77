package kernsim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.scenario.Scenario;
import org.junit.jupiter.api.Test;

/**
 * The linux profile against the real kernel's recorded answers ({@code conform/NAME.real.json}, made by
 * {@code kernsim conform --record}), on any machine: every suite call the model runs one after another
 * must give the recorded result, except the rows {@code conform/known-differences.txt} lists, and each
 * of those must still differ (a row that starts matching asks for the list to shrink).
 */
class ConformRecordedTest {
  @Test
  void theLinuxProfileGivesTheRecordedResultsExceptTheListedDifferences() throws Exception {
    TreeMap<String, String> known = Suite.knownDifferences();
    TreeSet<String> differing = new TreeSet<>();
    List<String> unlisted = new ArrayList<>();
    int rows = 0;
    for (Path file : Suite.files()) {
      Scenario s = Suite.load(file);
      Path rec = Recorded.pathFor(file);
      assertTrue(Files.exists(rec), () -> rec + " is missing: kernsim conform --record " + file);
      Recorded recorded = Recorded.read(rec);
      List<String> model = Conform.model(s);
      assertEquals(recorded.rows().size(), model.size(),
          () -> file + ": the record has another number of calls (re-record it)");
      for (int i = 0; i < model.size(); i++) {
        Conform.Row r = recorded.rows().get(i);
        String call = Conform.programs(s).stream().flatMap(e -> e.getValue().stream().map(st -> st.text())).toList()
            .get(i);
        assertEquals(call, r.call(), file + ": row " + i + " was recorded for another call (re-record it)");
        rows++;
        if (!Conform.matches(r.real(), model.get(i))) {
          String key = Suite.key(s.name(), r);
          differing.add(key);
          if (!known.containsKey(key)) {
            unlisted.add(key + " | " + r.call() + " | real " + r.real() + " | model " + model.get(i));
          }
        }
      }
    }
    TreeSet<String> nowMatching = new TreeSet<>(known.keySet());
    nowMatching.removeAll(differing);
    assertTrue(unlisted.isEmpty(), () -> "rows that differ from the real kernel and are not in"
        + " conform/known-differences.txt (fix the model, or list them with the reason):\n  "
        + String.join("\n  ", unlisted));
    assertTrue(nowMatching.isEmpty(), () -> "rows listed in conform/known-differences.txt that match now:"
        + " remove them from the list (and from docs/profiles.md):\n  " + String.join("\n  ", nowMatching));
    assertTrue(rows > 400, "the suite has its calls: " + rows);
  }
}
