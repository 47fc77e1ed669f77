package kernsim.oracle;

import java.util.ArrayList;
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

  private record Key(long taken, SpecState state) {}

  /** One search over a window. */
  private final class Search {
    final Call[][] calls;
    final long[] radix;
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
      this.radix = new long[calls.length];
      long r = 1;
      for (int h = 0; h < calls.length; h++) {
        radix[h] = r;
        r = Math.multiplyExact(r, calls[h].length + 1);
      }
    }

    /** True when a linearization was found (and, with {@code all}, only when the budget ran out). */
    boolean dfs(SpecState s, long code) {
      if (s.wild) {
        ends.add(s); // anything goes from here: every remaining call is allowed
        return !all;
      }
      if (!seen.add(new Key(code, s))) {
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

  /** A call whose result no state on some path allowed: who it is, what it could have been, and the call that changed that. */
  private record DeadEnd(Call victim, String allowed, Call culprit, int depth) {}

  /** Why no linearization of {@code window} from {@code starts} exists, for a report; null when the search found no dead end. */
  String explain(List<SpecState> starts, Call[][] window, int budget) {
    List<DeadEnd> ends = new ArrayList<>();
    new Object() {
      final int[] taken = new int[window.length];
      final HashSet<Key> seen = new HashSet<>();
      final List<Call> pathCalls = new ArrayList<>();
      final List<SpecState> pathStates = new ArrayList<>();
      long[] radix = radix(window);
      int visits;

      void run() {
        for (SpecState s : starts) {
          dfs(s, 0);
        }
      }

      void dfs(SpecState s, long code) {
        if (s.wild || !seen.add(new Key(code, s)) || ++visits > budget) {
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
          if (out.next().isEmpty()) {
            deadEnd(s, c);
          }
          for (SpecState next : out.next()) {
            taken[h] = p + 1;
            pathCalls.add(c);
            pathStates.add(s);
            dfs(next, code + radix[h]);
            pathCalls.remove(pathCalls.size() - 1);
            pathStates.remove(pathStates.size() - 1);
            taken[h] = p;
          }
        }
      }

      void deadEnd(SpecState s, Call c) {
        Outcomes why = new Outcomes(c, true, hartNames);
        spec.step(s, c, why);
        // The culprit: the last call on the path before which c's result was still allowed.
        Call culprit = null;
        for (int j = pathCalls.size() - 1; j >= 0 && culprit == null; j--) {
          Outcomes before = new Outcomes(c, false, hartNames);
          spec.step(pathStates.get(j), c, before);
          if (!before.next().isEmpty()) {
            culprit = pathCalls.get(j);
          }
        }
        ends.add(new DeadEnd(c, why.allowedText(), culprit, pathCalls.size()));
      }
    }.run();
    return describe(ends);
  }

  private static long[] radix(Call[][] window) {
    long[] radix = new long[window.length];
    long r = 1;
    for (int h = 0; h < window.length; h++) {
      radix[h] = r;
      r = Math.multiplyExact(r, window[h].length + 1);
    }
    return radix;
  }

  /**
   * The report: a pair of calls that each make the other's result impossible, if there is one;
   * otherwise the deepest dead ends (up to three), each with what its call could have returned there.
   */
  private static String describe(List<DeadEnd> ends) {
    if (ends.isEmpty()) {
      return null;
    }
    // Deepest first, then in the order found; one per (call, culprit).
    List<DeadEnd> sorted = new ArrayList<>(ends);
    sorted.sort((a, b) -> Integer.compare(b.depth(), a.depth()));
    java.util.LinkedHashMap<String, DeadEnd> distinct = new java.util.LinkedHashMap<>();
    for (DeadEnd d : sorted) {
      distinct.putIfAbsent(d.victim().id + "/" + (d.culprit() == null ? -1 : d.culprit().id), d);
    }
    List<DeadEnd> unique = new ArrayList<>(distinct.values());
    for (DeadEnd a : unique) {
      for (DeadEnd b : unique) {
        if (a.culprit() == b.victim() && b.culprit() == a.victim() && a.victim() != b.victim()) {
          DeadEnd first = a.victim().id < b.victim().id ? a : b;
          DeadEnd second = first == a ? b : a;
          return first.victim().shown() + " and " + second.victim().shown()
              + " cannot both have these results in any order: after " + second.victim().shortName()
              + ", " + first.victim().shortName() + " can only be " + first.allowed() + "; after "
              + first.victim().shortName() + ", " + second.victim().shortName() + " can only be "
              + second.allowed();
        }
      }
    }
    List<String> parts = new ArrayList<>();
    for (DeadEnd d : unique) {
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
