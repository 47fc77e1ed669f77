package kernsim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.actors.EventLog;

/**
 * The campaign's coverage signal, read from a run's event log (docs/fuzz.md):
 *
 * <ul>
 *   <li>{@code M actor-class message-type outcome}: each actor's (message type, outcome) pairs, where
 *       the actor class is its key with hart names as {@code hart} and numbers as {@code N}, and the
 *       outcome of a {@code Reply} is the reply's constructor and errno ({@code Ok}, {@code Err/EBUSY},
 *       {@code false});
 *   <li>{@code P type-a type-b}: two requests of different harts delivered one right after the other to
 *       the same shared actor (a loop device, the block cache, the mount table), by message type: the
 *       adjacent lock-region steps of different harts a race is made of.
 * </ul>
 */
public final class Coverage {
  private static final Pattern REPLY_TO = Pattern.compile("replyTo=(world/[^,)\\s]+)");
  private static final Pattern VALUE = Pattern.compile("value=([A-Za-z]+)");
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern FILE = Pattern.compile("file:[^/]+");
  private static final Pattern ERRNO = Pattern.compile("\\b(E[A-Z]{2,})\\b");

  private final TreeSet<String> seen = new TreeSet<>();

  /** The features seen so far. */
  public int size() {
    return seen.size();
  }

  /** Adds {@code features}; returns how many were new. */
  public int addAll(Iterable<String> features) {
    int n = 0;
    for (String f : features) {
      if (seen.add(f)) {
        n++;
      }
    }
    return n;
  }

  /** Every feature, sorted (the corpus directory's coverage.txt). */
  public List<String> features() {
    return List.copyOf(seen);
  }

  /** The features of one run. */
  public static TreeSet<String> of(EventLog log, List<String> hartKeys) {
    return of(log, hartKeys, null);
  }

  /**
   * The features of one run, and into {@code requests} (unless null) each request a shared actor handled for a
   * hart, as {@code actor-class}, {@code hart}, {@code message-type}: what the {@code P} features pair up.
   */
  public static TreeSet<String> of(EventLog log, List<String> hartKeys, java.util.Set<List<String>> requests) {
    TreeSet<String> out = new TreeSet<>();
    List<String> actors = new ArrayList<>();
    List<String> lastHart = new ArrayList<>();
    List<String> lastMsg = new ArrayList<>();
    // Per run, each actor key's class and whether it is a hart (keys repeat on nearly every step).
    java.util.HashMap<String, String> classes = new java.util.HashMap<>();
    for (int i = 0; i < log.size(); i++) {
      String actor = log.actor(i);
      String type = log.type(i);
      String cls = classes.computeIfAbsent(actor, a -> actorClass(a, hartKeys));
      boolean reply = type.equals("Reply");
      boolean hart = hartKeys.contains(actor);
      // The summary is rendered only where a feature reads it: a reply's outcome, a shared actor's requester.
      String summary = reply || !hart ? log.summary(i) : "";
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
      if (hart || !summary.contains("replyTo=")) {
        continue;
      }
      Matcher r = REPLY_TO.matcher(summary);
      String requester = r.find() ? hartOf(r.group(1), hartKeys) : null;
      if (requester != null) {
        if (requests != null) {
          requests.add(List.of(cls, requester, type));
        }
        int k = actors.indexOf(actor);
        if (k < 0) {
          actors.add(actor);
          lastHart.add(requester);
          lastMsg.add(type);
        } else {
          if (!lastHart.get(k).equals(requester)) {
            out.add("P " + cls + " " + lastMsg.get(k) + " " + type);
          }
          lastHart.set(k, requester);
          lastMsg.set(k, type);
        }
      }
    }
    return out;
  }

  /**
   * The context switches of a run: how often the hart a step works for changes from one step to the
   * next that works for a hart (a hart's own step, or a request whose {@code replyTo} is a hart).
   */
  public static int switches(EventLog log, List<String> hartKeys) {
    String last = null;
    int n = 0;
    for (String h : workedFor(log, hartKeys)) {
      if (h != null) {
        if (last != null && !last.equals(h)) {
          n++;
        }
        last = h;
      }
    }
    return n;
  }

  /**
   * For each step of a run, the hart it works for: the hart's own step (or one of an actor below it), or
   * a request whose {@code replyTo} is a hart; {@code null} for a step that works for none.
   */
  public static String[] workedFor(EventLog log, List<String> hartKeys) {
    String[] out = new String[log.size()];
    for (int i = 0; i < log.size(); i++) {
      String h = hartOf(log.actor(i), hartKeys);
      if (h == null) {
        Matcher r = REPLY_TO.matcher(log.summary(i));
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

  static String actorClass(String actor, List<String> hartKeys) {
    String h = hartOf(actor, hartKeys);
    String a = h == null ? actor : "hart" + actor.substring(h.length());
    return FILE.matcher(DIGITS.matcher(a).replaceAll("N")).replaceAll("file");
  }
}
