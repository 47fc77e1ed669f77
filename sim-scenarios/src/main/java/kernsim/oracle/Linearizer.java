package kernsim.oracle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The linearizability search (Wing and Gong's, with Lowe's memoisation): over a window of calls, one
 * list per hart in program order, find orders of all of them that respect each hart's program order and
 * real time (a call that returned before another started comes first), and in which the specification
 * allows every call's actual outcome. A configuration is the calls taken so far (a prefix per hart)
 * and the state; one already explored is not explored again, so a sequential history costs one
 * specification step per call.
 *
 * <p>Calls that have not returned may be left out, and when taken allow anything after them.
 * Searches stop after a budget of configurations: undecided is not a failure.
 */
final class Linearizer {
  /** What a search found. */
  enum Verdict {
    LINEARIZABLE,
    NOT_LINEARIZABLE,
    UNDECIDED
  }

  private final SequentialSpec spec;
  private final List<String> hartNames;

  Linearizer(SequentialSpec spec, List<String> hartNames) {
    this.spec = spec;
    this.hartNames = hartNames;
  }

  /**
   * A configuration: the calls taken per hart, as one mixed-radix number ({@code taken}), or as a copy of
   * the array itself ({@code wide}) when the number would not fit in a long; and the state.
   */
  private static final class Key {
    final long taken;
    final int[] wide;
    final SpecState state;
    private final int hash;

    Key(long taken, int[] wide, SpecState state) {
      this.taken = taken;
      this.wide = wide;
      this.state = state;
      this.hash = (Long.hashCode(taken) * 31 + Arrays.hashCode(wide)) * 31 + state.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && taken == k.taken && Arrays.equals(wide, k.wide)
          && state.equals(k.state);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** The radix of each hart's count in a configuration's number, or null when the product overflows a long. */
  private static long[] radix(Call[][] window) {
    long[] radix = new long[window.length];
    long r = 1;
    try {
      for (int h = 0; h < window.length; h++) {
        radix[h] = r;
        r = Math.multiplyExact(r, window[h].length + 1); // the last product bounds the largest number
      }
    } catch (ArithmeticException e) {
      return null;
    }
    return radix;
  }

  private static Key key(long code, int[] taken, boolean wide, SpecState s) {
    return wide ? new Key(0, taken.clone(), s) : new Key(code, null, s);
  }

  /** One search over a window. */
  private final class Search {
    final Call[][] calls;
    final long[] radix;
    final boolean wide;
    final int[] taken;
    final HashSet<Key> seen = new HashSet<>();
    final int budget;
    final boolean all;
    final Set<SpecState> ends = new LinkedHashSet<>();
    int visits;
    boolean over;

    Search(Call[][] calls, int budget, boolean all) {
      this.calls = calls;
      this.budget = budget;
      this.all = all;
      this.taken = new int[calls.length];
      long[] r = radix(calls);
      this.wide = r == null;
      this.radix = wide ? new long[calls.length] : r;
    }

    /** True when a linearization was found (and, with {@code all}, only when the budget ran out). */
    boolean dfs(SpecState s, long code) {
      if (s.wild) {
        ends.add(s); // anything goes from here: every remaining call is allowed
        return !all;
      }
      if (!seen.add(key(code, taken, wide, s))) {
        return false;
      }
      if (++visits > budget) {
        over = true;
        return true;
      }
      long minEnd = Long.MAX_VALUE;
      boolean done = true;
      for (int h = 0; h < calls.length; h++) {
        int p = taken[h];
        if (p < calls[h].length) {
          Call c = calls[h][p];
          minEnd = Math.min(minEnd, c.end());
          if (c.isReturned() || p < calls[h].length - 1) {
            done = false;
          }
        }
      }
      if (done) {
        ends.add(s);
        if (!all) {
          return true;
        }
      }
      for (int h = 0; h < calls.length; h++) {
        int p = taken[h];
        if (p == calls[h].length) {
          continue;
        }
        Call c = calls[h][p];
        if (c.start > minEnd) {
          continue; // a call that returned before this one started is still to be taken
        }
        Outcomes out = new Outcomes(c, false, hartNames);
        spec.step(s, c, out);
        List<SpecState> next = out.next();
        for (int i = 0; i < next.size(); i++) {
          taken[h] = p + 1;
          boolean stop = dfs(next.get(i), code + radix[h]);
          taken[h] = p;
          if (stop) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /**
   * Every state a linearization of {@code window} can end in, from any of {@code starts}; null when the
   * budget ran out first. The window's calls have all returned.
   */
  Set<SpecState> ends(List<SpecState> starts, Call[][] window, int budget) {
    if (window.length == 1 && window[0].length == 1) { // one call: no order to search
      Set<SpecState> ends = new LinkedHashSet<>();
      for (SpecState s : starts) {
        if (s.wild) {
          ends.add(s);
          continue;
        }
        Outcomes out = new Outcomes(window[0][0], false, hartNames);
        spec.step(s, window[0][0], out);
        ends.addAll(out.next());
      }
      return ends;
    }
    Search search = new Search(window, budget, true);
    for (SpecState s : starts) {
      search.dfs(s, 0);
      if (search.over) {
        return null;
      }
    }
    return search.ends;
  }

  /** Whether some linearization of {@code window} exists from one of {@code starts}. */
  Verdict check(List<SpecState> starts, Call[][] window, int budget) {
    Search search = new Search(window, budget, false);
    for (SpecState s : starts) {
      if (search.dfs(s, 0)) {
        return search.over ? Verdict.UNDECIDED : Verdict.LINEARIZABLE;
      }
    }
    return Verdict.NOT_LINEARIZABLE;
  }

  // ==== explaining a failure ====

  /** A call whose result the specification did not allow at the end of a path of taken calls. */
  private record DeadEnd(Call victim, SpecState start, List<Call> path) {}

  /** A dead end explained: what the call could have returned there, and the call that changed that (or null). */
  private record Blocked(Call victim, String allowed, Call culprit, int depth) {}

  /** How many of the deepest dead ends are explained. */
  private static final int EXPLAINED = 32;
  /** How many dead ends the explaining search keeps. */
  private static final int MAX_DEAD_ENDS = 1_000;

  /** Why no linearization of {@code window} from {@code starts} exists, for a report; null when the search found no dead end. */
  String explain(List<SpecState> starts, Call[][] window, int budget) {
    List<DeadEnd> deadEnds = new ArrayList<>();
    new Object() {
      final int[] taken = new int[window.length];
      final HashSet<Key> seen = new HashSet<>();
      final List<Call> path = new ArrayList<>();
      final boolean wide = radix(window) == null;
      final long[] radix = wide ? new long[window.length] : radix(window);
      SpecState start;
      int visits;
      int deepest;

      void run() {
        for (SpecState s : starts) {
          start = s;
          dfs(s, 0);
        }
      }

      void dfs(SpecState s, long code) {
        if (s.wild || !seen.add(key(code, taken, wide, s)) || ++visits > budget) {
          return;
        }
        long minEnd = Long.MAX_VALUE;
        for (int h = 0; h < window.length; h++) {
          if (taken[h] < window[h].length) {
            minEnd = Math.min(minEnd, window[h][taken[h]].end());
          }
        }
        for (int h = 0; h < window.length; h++) {
          int p = taken[h];
          if (p == window[h].length || window[h][p].start > minEnd) {
            continue;
          }
          Call c = window[h][p];
          Outcomes out = new Outcomes(c, false, hartNames);
          spec.step(s, c, out);
          if (out.next().isEmpty() && path.size() >= deepest - 1
              && (deadEnds.size() < MAX_DEAD_ENDS || path.size() > deepest)) {
            // Only the deepest dead ends say much: keep those within one call of the deepest.
            deepest = Math.max(deepest, path.size());
            deadEnds.removeIf(d -> d.path().size() < deepest - 1);
            deadEnds.add(new DeadEnd(c, start, List.copyOf(path)));
          }
          for (SpecState next : out.next()) {
            taken[h] = p + 1;
            path.add(c);
            dfs(next, code + radix[h]);
            path.remove(path.size() - 1);
            taken[h] = p;
          }
        }
      }
    }.run();
    if (deadEnds.isEmpty()) {
      return null;
    }
    deadEnds.sort((a, b) -> Integer.compare(b.path().size(), a.path().size()));
    long[] firstStart = new long[window.length];
    for (int h = 0; h < window.length; h++) {
      firstStart[h] = window[h].length == 0 ? Long.MAX_VALUE : window[h][0].start;
    }
    List<Blocked> blocked = new ArrayList<>();
    for (DeadEnd d : deadEnds.subList(0, Math.min(EXPLAINED, deadEnds.size()))) {
      blocked.add(explain(d, firstStart, window));
    }
    return describe(blocked);
  }

  /**
   * Whether {@code c} is context: it returned before every other hart (with calls in the window)
   * started, as the setup hart's calls did. Context is not named as a culprit.
   */
  private static boolean context(Call c, long[] firstStart, Call[][] window) {
    for (int h = 0; h < window.length; h++) {
      if (window[h].length > 0 && window[h][0].hart != c.hart && c.end() > firstStart[h]) {
        return false;
      }
    }
    return true;
  }

  /**
   * What the dead end's call could have returned, and its culprit: the latest call of another hart on
   * the path without which the call's actual result would have been allowed — preferably one that
   * overlapped it (whose order against it was open), else one that is not context.
   */
  private Blocked explain(DeadEnd d, long[] firstStart, Call[][] window) {
    List<SpecState> at = replay(d.start(), d.path(), -1);
    Outcomes why = new Outcomes(d.victim(), true, hartNames);
    spec.step(at.get(0), d.victim(), why);
    Call culprit = null;
    for (int pass = 0; pass < 2 && culprit == null; pass++) {
      for (int j = d.path().size() - 1; j >= 0 && culprit == null; j--) {
        Call x = d.path().get(j);
        boolean overlaps = x.start < d.victim().end() && d.victim().start < x.end();
        if (x.hart == d.victim().hart || (pass == 0 ? !overlaps : overlaps || context(x, firstStart, window))) {
          continue;
        }
        if (allowedWithout(d, j)) {
          culprit = x;
        }
      }
    }
    return new Blocked(d.victim(), why.allowedText(), culprit, d.path().size());
  }

  private boolean allowedWithout(DeadEnd d, int j) {
    for (SpecState s : replay(d.start(), d.path(), j)) {
      Outcomes without = new Outcomes(d.victim(), false, hartNames);
      spec.step(s, d.victim(), without);
      if (!without.next().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The states after {@code path} from {@code start}, leaving out call {@code skip} (-1: none). Leaving
   * one out may make later calls impossible (an ENOENT that the removed call caused); those are left
   * out too.
   */
  private List<SpecState> replay(SpecState start, List<Call> path, int skip) {
    List<SpecState> states = List.of(start);
    for (int i = 0; i < path.size(); i++) {
      if (i == skip) {
        continue;
      }
      List<SpecState> next = new ArrayList<>();
      for (SpecState s : states) {
        Outcomes out = new Outcomes(path.get(i), false, hartNames);
        spec.step(s, path.get(i), out);
        for (SpecState n : out.next()) {
          if (!next.contains(n)) {
            next.add(n);
          }
        }
      }
      if (!next.isEmpty()) {
        states = next;
      }
    }
    return states;
  }

  /**
   * The report: a pair of calls that each make the other's result impossible, if there is one;
   * otherwise the deepest dead ends (up to three), each with what its call could have returned there.
   */
  private static String describe(List<Blocked> ends) {
    // Deepest first, then in the order found; one per (call, culprit), and none without a culprit for
    // a call that has one.
    List<Call> explained = new ArrayList<>();
    for (Blocked d : ends) {
      if (d.culprit() != null && !explained.contains(d.victim())) {
        explained.add(d.victim());
      }
    }
    List<Blocked> unique = new ArrayList<>();
    for (Blocked d : ends) {
      boolean dup = unique.stream().anyMatch(u -> u.victim() == d.victim() && u.culprit() == d.culprit());
      if (!dup && (d.culprit() != null || !explained.contains(d.victim()))) {
        unique.add(d);
      }
    }
    for (Blocked a : unique) {
      for (Blocked b : unique) {
        if (a.culprit() == b.victim() && b.culprit() == a.victim() && a.victim() != b.victim()) {
          Blocked first = a.victim().id < b.victim().id ? a : b;
          Blocked second = first == a ? b : a;
          return first.victim().shown() + " and " + second.victim().shown()
              + " cannot both have these results in any order: after " + second.victim().shortName()
              + ", " + first.victim().shortName() + " can only be " + first.allowed() + "; after "
              + first.victim().shortName() + ", " + second.victim().shortName() + " can only be "
              + second.allowed();
        }
      }
    }
    List<String> parts = new ArrayList<>();
    for (Blocked d : unique) {
      parts.add(d.culprit() == null
          ? d.victim().shown() + ", but it can only be " + d.allowed()
          : d.victim().shown() + ", but after " + d.culprit().shown() + " it can only be " + d.allowed());
      if (parts.size() == 3) {
        break;
      }
    }
    return "no sequential order of the calls allows their results: " + String.join("; ", parts);
  }
}
