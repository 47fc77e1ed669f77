package kernsim.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.actors.EventLog;
import kernsim.actors.ExploreOptions;
import kernsim.actors.RunOptions;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.Summaries;
import kernsim.dev.Semantics;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;
import org.apache.pekko.actor.typed.internal.TimerSchedulerImpl;
import org.junit.jupiter.api.Test;

/**
 * The coverage signal read from the messages as values ({@link Coverage.Reader}) is the one the event log's lines
 * show: on every catalog scenario, under both profiles, its features, its requests and each step's hart equal a
 * reading of the steps' rendered text (the lines' summaries, not cut at the log's 120 characters) by pattern.
 */
class CoverageByValueTest {
  @Test
  void theValueReadingEqualsTheTextReadingOnEveryCatalogScenario() throws Exception {
    int runs = 0;
    int features = 0;
    try (Simulator sim = Simulator.create()) {
      for (Scenario s : Catalog.all()) {
        for (String profile : Semantics.PROFILES) {
          ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, profile, List.of(), List.of()));
          List<String> harts = s.hartKeys();
          Coverage.Reader reader = new Coverage.Reader(harts); // one reader across runs, as Reach keeps it
          List<String> problems = new ArrayList<>();
          int[] n = {0, 0};
          sim.explore(w, new ExploreOptions(StrategyKind.PCT, 7, 12, 3, 64, w.runOptions(RunOptions.DEFAULT)),
              (i, r) -> {
                Set<List<String>> textRequests = new HashSet<>();
                TreeSet<String> byText = Text.of(r.log(), harts, textRequests);
                Set<List<String>> requests = new HashSet<>();
                TreeSet<String> byValue = Coverage.of(r.log(), harts, requests);
                Coverage.Signal sig = reader.read(r.log());
                TreeSet<String> byReader = new TreeSet<>();
                sig.messages().forEach(m -> byReader.add(m.feature()));
                sig.pairs().forEach(p -> byReader.add(p.feature()));
                if (!byText.equals(byValue) || !byText.equals(byReader) || !textRequests.equals(requests)) {
                  TreeSet<String> only = new TreeSet<>(byText);
                  only.removeAll(byValue);
                  TreeSet<String> extra = new TreeSet<>(byValue);
                  extra.removeAll(byText);
                  problems.add(s.name() + "/" + profile + " schedule " + i + ": text only " + only + ", value only "
                      + extra + ", requests " + textRequests.equals(requests));
                }
                assertArrayEquals(Text.workedFor(r.log(), harts), Coverage.workedFor(r.log(), harts),
                    s.name() + "/" + profile + " schedule " + i);
                n[0]++;
                n[1] += byText.size();
                return true;
              });
          assertTrue(problems.isEmpty(), String.join("\n", problems));
          runs += n[0];
          features += n[1];
        }
      }
    }
    assertTrue(runs >= Catalog.all().size() * 2, "runs " + runs);
    assertTrue(features > runs * 10, "features " + features); // the readings are not both empty
  }

  @Test
  void aReplysOutcomeIsItsConstructorAndErrno() {
    // Through the real types: a failed call's reply, a successful one, a boolean.
    assertEquals("M world/x Reply Err/EBUSY", new Coverage.Message("world/x", "Reply", "Err", "EBUSY").feature());
    assertEquals("M world/x Reply Ok", new Coverage.Message("world/x", "Reply", "Ok", "").feature());
    assertEquals("M hart Open", new Coverage.Message("hart", "Open", "", "").feature());
  }

  /** The signal as it was read from text: each step's summary rendered, then matched by pattern. */
  static final class Text {
    private static final Pattern REPLY_TO = Pattern.compile("replyTo=(world/[^,)\\s]+)");
    private static final Pattern VALUE = Pattern.compile("value=([A-Za-z]+)");
    private static final Pattern ERRNO = Pattern.compile("\\b(E[A-Z0-9]{2,})\\b");

    /** The step's summary as its line shows it, but whole. */
    static String summary(EventLog log, int i) {
      Object m = log.message(i);
      if (m instanceof Summaries.SystemMessages sys) {
        return String.join(",", sys.kinds())
            + (sys.next() == null ? "" : " then " + Summaries.type(sys.next()) + " " + Summaries.value(sys.next()));
      }
      if (m instanceof Summaries.ClockAdvance c) {
        return "to " + Summaries.time(c.toNanos());
      }
      if (m instanceof TimerSchedulerImpl.TimerMsg t) {
        return "key=" + Summaries.value(t.key()) + " gen=" + t.generation();
      }
      return Summaries.value(m);
    }

    static TreeSet<String> of(EventLog log, List<String> hartKeys, Set<List<String>> requests) {
      TreeSet<String> out = new TreeSet<>();
      HashMap<String, String[]> last = new HashMap<>();
      for (int i = 0; i < log.size(); i++) {
        String actor = log.actor(i);
        String type = log.type(i);
        String cls = Coverage.actorClass(actor, hartKeys);
        boolean reply = type.equals("Reply");
        boolean hart = hartKeys.contains(actor);
        String summary = reply || !hart ? summary(log, i) : "";
        String outcome = "";
        if (reply) {
          Matcher v = VALUE.matcher(summary);
          outcome = v.find() ? v.group(1) : "";
          Matcher e = ERRNO.matcher(summary);
          if (e.find()) {
            outcome += "/" + e.group(1);
          }
        }
        out.add("M " + cls + " " + type + (outcome.isEmpty() ? "" : " " + outcome));
        if (hart) {
          continue;
        }
        Matcher r = REPLY_TO.matcher(summary);
        String requester = r.find() ? hartOf(r.group(1), hartKeys) : null;
        if (requester != null) {
          requests.add(List.of(cls, requester, type));
          String[] prev = last.put(actor, new String[] {requester, type});
          if (prev != null && !prev[0].equals(requester)) {
            out.add("P " + cls + " " + prev[1] + " " + type);
          }
        }
      }
      return out;
    }

    static String[] workedFor(EventLog log, List<String> hartKeys) {
      String[] out = new String[log.size()];
      for (int i = 0; i < log.size(); i++) {
        String h = hartOf(log.actor(i), hartKeys);
        if (h == null) {
          Matcher r = REPLY_TO.matcher(summary(log, i));
          h = r.find() ? hartOf(r.group(1), hartKeys) : null;
        }
        out[i] = h;
      }
      return out;
    }

    private static String hartOf(String key, List<String> hartKeys) {
      for (String h : hartKeys) {
        if (key.equals(h) || key.startsWith(h + "/")) {
          return h;
        }
      }
      return null;
    }
  }
}
