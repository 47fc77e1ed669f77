package kernsim.actors;

import java.util.ArrayList;
import java.util.List;

/**
 * The first steps of a recorded run, to explore onward from (Coyote's trace prefix): every iteration of an
 * exploration with a prefix answers its first {@link #steps} scheduling choices, and the values drawn in
 * them, from the prefix, and only then lets its strategy choose. Its choices are recorded like any others,
 * so the trace of such an iteration holds the prefix too and replays on its own.
 *
 * @param steps how many steps the prefix holds (0 to the trace's steps)
 * @param keys the actor keys the encoded choices refer to
 * @param data the encoded choices ({@link ChoiceLog}) of those steps, their drawn values included
 * @param hash a hash of the prefix's steps (actors and drawn values): the trace header records it, and a
 *     replay checks that the trace's own first steps have it
 * @param origin where the prefix comes from, for the header and reports (a trace file's name and what its
 *     header says of it); empty for {@link #NONE}
 */
public record Prefix(int steps, List<String> keys, int[] data, String hash, String origin) {
  /** No prefix: the strategy makes every choice. */
  public static final Prefix NONE = new Prefix(0, List.of(), new int[0], "", "");

  /** The header option holding {@link #steps} (under {@link Trace#STRATEGY_PREFIX}). */
  public static final String STEPS = "prefix";
  /** The header option holding {@link #hash}. */
  public static final String HASH = "prefix-hash";
  /** The header option holding {@link #origin}. */
  public static final String ORIGIN = "prefix-of";

  public Prefix {
    keys = List.copyOf(keys);
    data = data.clone();
  }

  /** Whether there is a prefix (one of 0 steps from a trace is one). */
  public boolean present() {
    return !origin.isEmpty();
  }

  /**
   * The first {@code n} steps of {@code trace}.
   *
   * @throws IllegalArgumentException if {@code n} is negative or more than the trace's steps
   */
  public static Prefix of(Trace trace, int n, String origin) {
    if (n < 0) {
      throw new IllegalArgumentException("the prefix must be at least 0 steps, got " + n);
    }
    int[] c = trace.choices();
    int steps = 0;
    int end = 0;
    while (end < c.length) {
      int kind = c[end] & 3;
      if (kind == ChoiceLog.ACTOR || kind == ChoiceLog.CLOCK) {
        if (steps == n) {
          break;
        }
        steps++;
      }
      end += kind == ChoiceLog.INT ? 2 : 1;
    }
    if (steps < n) {
      throw new IllegalArgumentException("the prefix of " + n + " steps is longer than the trace, which has "
          + steps + " steps");
    }
    int[] data = java.util.Arrays.copyOf(c, Math.min(end, c.length));
    return new Prefix(n, trace.keys(), data, hash(trace.keys(), data), origin.isEmpty() ? "?" : origin);
  }

  /** The hash of encoded choices, over the steps they decode to (so it does not depend on key numbering). */
  static String hash(List<String> keys, int[] data) {
    StringBuilder b = new StringBuilder();
    for (ChoiceLog.Step s : ChoiceLog.steps(keys, data)) {
      b.append(s.actor() == null ? Run.CLOCK : s.actor());
      for (ChoiceLog.Draw d : s.draws()) {
        b.append(' ').append(d.value()).append('/').append(d.bound());
      }
      b.append('\n');
    }
    return Trace.hashText(b.toString());
  }

  /** The header options that say how an iteration was made from this prefix. */
  java.util.SortedMap<String, String> parameters() {
    java.util.TreeMap<String, String> p = new java.util.TreeMap<>();
    if (present()) {
      p.put(STEPS, Integer.toString(steps));
      p.put(HASH, hash);
      p.put(ORIGIN, origin);
    }
    return p;
  }

  /** This prefix in front of {@code inner}, for one iteration; {@code inner} itself without a prefix. */
  Strategy before(Strategy inner) {
    return present() ? new PrefixStrategy(this, inner) : inner;
  }

  List<String> keyList() {
    return new ArrayList<>(keys);
  }
}
