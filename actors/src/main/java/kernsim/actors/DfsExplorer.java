package kernsim.actors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The {@code dfs} strategy: a stateless exhaustive search over a world's schedules with dynamic
 * partial-order reduction, optionally bounded in preemptions. Each execution runs the world from its
 * start; the search keeps the tree of choices between executions.
 *
 * <p><b>Unbounded</b>: source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas: "Optimal
 * Dynamic Partial Order Reduction", POPL 2014, Algorithm 1), with its races computed on each complete
 * execution. Each Mazurkiewicz trace (class of schedules equal up to swapping adjacent independent
 * steps) is run to its end exactly once; an execution whose every candidate is asleep is given up
 * ({@link Strategy#ABANDON}) and counted apart.
 *
 * <p><b>Bounded</b> ({@code preemptionBound >= 0}, CHESS: Musuvathi, Qadeer, PLDI 2007): a step is a
 * preemption when it runs another actor than the last step's while that one could still run. Every
 * initial of a reversed race is tried, and, as in bounded partial-order reduction (Coons, Musuvathi,
 * McKinley, OOPSLA 2013), the racing actor is also tried at the latest earlier point where switching to it
 * costs no preemption. A backtrack point the bound forbids is skipped and remembered: the verdict then
 * says that the bound, not the space, ended the search. An explored choice p at a node (prefix u) goes to
 * sleep for a later sibling q when the bound cut nothing below it (its subtree is then what the unbounded
 * search explores, and the sleep set's argument holds), or else when cost(q) >= cost(p) + [p can still
 * run after its step], costs taken at that node. A schedule u.q.w.p.z the sleeper skips (p independent of
 * q.w) is equivalent to u.p.q.w.z, which differs from it only in the switch into p and back to q at the
 * node (what the condition weighs) and in the switch around p's old place, where dropping p adds no
 * preemption: an actor of w keeps its mailbox, as p sent nothing to it. So u.p.q.w.z is within the bound
 * whenever the skipped schedule is, and p's subtree covered its class. Otherwise the choice stays awake,
 * and equivalent executions may repeat: the search counts executions and distinct classes apart.
 *
 * <p>Dependence is {@link Footprint}'s: two steps are dependent when either is global (a clock advance,
 * a drawn value) or they touched a common name. Unbounded, the names are the message-passing view's
 * ({@link Footprint#fine()}): an ordinary message put in an actor's mailbox touches its inbox, not the
 * actor, so a send commutes with the receiver's steps that process messages already queued; sends into
 * one inbox stay ordered; a step that processed no ordinary message touches its own inbox; and a receive
 * is a happens-before edge from its send, a race only when the receiver could run where the send ran
 * ({@link #receiveRace}). Bounded, the coarse view ({@link Footprint#touched()}, a send touches its
 * receiver): a send into a busy mailbox decides whether the receiver still has a message after its step,
 * so whether switching away from it is a preemption, and the bound's cost is not the same across the finer
 * classes (DfsTest's drawn worlds lose traces at bound 0 with the finer view). Classes are counted in the
 * message-passing view either way. Steps of one actor are always ordered. A drawn value branches the tree
 * on every value in its bound.
 */
final class DfsExplorer {
  /** The clock's pseudo-key in the tree. */
  private static final String CLOCK = Run.CLOCK;

  private final int bound;
  /** Unbounded: every explored choice goes to sleep for its siblings. */
  private final boolean sleepSets;
  private final ArrayList<Node> path = new ArrayList<>();
  /** Names touched by steps, numbered in order of first appearance (deterministic). */
  private final Map<String, Integer> names = new HashMap<>();
  private final Set<Fingerprint> classes = new HashSet<>();

  private long executions;
  private long complete;
  private long abandoned;
  private boolean boundPruned;
  private boolean exhausted;

  /** @param preemptionBound the most preemptions per execution, or a negative number for none */
  DfsExplorer(int preemptionBound) {
    this.bound = preemptionBound;
    this.sleepSets = preemptionBound < 0;
  }

  /** One explored step and its alternatives, or one drawn value. */
  private static final class Node {
    final boolean data;
    // a scheduling point
    List<String> enabled;
    String chosen;
    TreeSet<String> backtrack;
    final TreeSet<String> done = new TreeSet<>();
    /** Sleep set on entry; explored siblings are added as {@code done} with their footprints. */
    List<Sleeper> sleep;
    final List<Sleeper> doneSleepers = new ArrayList<>();
    /**
     * What the chosen step touched (set after it ran), in the view the search's dependence uses: unbounded
     * the message-passing one, bounded the coarse one.
     */
    long[] touched;
    /** What it touched in the message-passing view: its class's canonical form. */
    long[] fine;
    /** The event (index among the scheduling nodes) that sent the ordinary message this step processed, or -1. */
    int from = -1;
    boolean global;
    /** Whether the bound cut a branch below the current choice (then, bounded, it does not go to sleep). */
    boolean childPruned;
    /** Preemptions spent before this node's choice; the actor of the step before and whether it could run here. */
    int preemptions;
    String previous;
    boolean previousEnabled;
    /** Whether the chosen actor could still run right after its step (known once the next choice is made). */
    boolean chosenEnabledAfter;
    // a drawn value
    int bound;
    int value;

    Node(boolean data) {
      this.data = data;
    }

    int cost(String choice) {
      return previousEnabled && !choice.equals(previous) ? 1 : 0;
    }
  }

  /**
   * An explored (or otherwise covered) step asleep at a node: its actor and what it touched. Explored at
   * a node where the bound cut nothing below it, it sleeps for every later sibling ({@code needs} is
   * {@link Integer#MIN_VALUE}); otherwise only for a sibling whose own cost at that node is at least
   * {@code needs}: see {@link #advance()}.
   */
  private record Sleeper(String actor, long[] touched, boolean global, int needs) {}

  /** A Mazurkiewicz trace's canonical form, hashed: per touched name, the sequence of events on it. */
  private record Fingerprint(long a, long b) {}

  // ---- one execution ----

  /** The strategy for the next execution: it follows the tree's current path, then extends it. */
  Strategy execution() {
    return new Execution();
  }

  private final class Execution implements Strategy {
    private int pos;
    /** Index in {@link #path} of the last scheduling node, or -1. */
    private int lastSched = -1;

    @Override
    public StrategyKind kind() {
      return StrategyKind.DFS;
    }

    @Override
    public java.util.SortedMap<String, String> parameters() {
      return new java.util.TreeMap<>(Map.of(Trace.PREEMPTION_BOUND, Integer.toString(bound)));
    }

    @Override
    public boolean wantsFootprints() {
      return true;
    }

    @Override
    public int next(Ready ready) {
      List<String> enabled = enabled(ready);
      Node node;
      if (pos < path.size()) {
        node = path.get(pos);
        if (node.data || !node.enabled.equals(enabled)) {
          throw new IllegalStateException("dfs: the world did not repeat itself at choice " + pos
              + " (expected " + (node.data ? "a drawn value" : "runnable " + node.enabled) + ", got runnable "
              + enabled + "): a model must build the same world from the same choices");
        }
      } else {
        node = fresh(enabled);
        if (node == null) {
          return ABANDON;
        }
        path.add(node);
      }
      pos++;
      lastSched = pos - 1;
      return node.chosen.equals(CLOCK) ? ready.size() : index(ready, node.chosen);
    }

    @Override
    public void stepDone(Footprint step) {
      Node n = path.get(lastSched);
      n.global = step.global();
      // Unbounded, the message-passing dependence; bounded, the coarse one (see the class comment). The
      // classes are counted in the message-passing view either way.
      n.fine = bits(step, true);
      n.touched = sleepSets ? n.fine : bits(step, false);
      n.from = step.receivedFrom();
    }

    @Override
    public boolean nextBoolean() {
      return nextInt(2) == 1;
    }

    @Override
    public int nextInt(int bound) {
      Node node;
      if (pos < path.size()) {
        node = path.get(pos);
        if (!node.data || node.bound != bound) {
          throw new IllegalStateException("dfs: the world did not repeat itself at choice " + pos
              + ": a model must build the same world from the same choices");
        }
      } else {
        node = new Node(true);
        node.bound = bound;
        path.add(node);
      }
      pos++;
      return node.value;
    }

    /** A new scheduling node after the current path: its sleep set, its preemption count, its first choice. */
    private Node fresh(List<String> enabled) {
      Node node = new Node(false);
      node.enabled = enabled;
      node.sleep = new ArrayList<>();
      Node prev = lastSched < 0 ? null : path.get(lastSched);
      if (prev != null) {
        node.preemptions = prev.preemptions + prev.cost(prev.chosen);
        node.previous = prev.chosen.equals(CLOCK) ? null : prev.chosen;
        node.previousEnabled = node.previous != null && enabled.contains(node.previous);
        prev.chosenEnabledAfter = enabled.contains(prev.chosen);
        if (!prev.global) {
          int spent = prev.cost(prev.chosen);
          for (List<Sleeper> from : List.of(prev.sleep, prev.doneSleepers)) {
            for (Sleeper s : from) {
              if (!s.global() && !intersects(s.touched(), prev.touched) && (from == prev.sleep || spent >= s.needs())) {
                node.sleep.add(s);
              }
            }
          }
        }
      }
      String choice = null;
      if (node.previousEnabled && !asleep(node, node.previous)) {
        choice = node.previous; // no preemption: keep the actor that ran last
      } else {
        for (String e : enabled) {
          if (!asleep(node, e) && (bound < 0 || node.preemptions + node.cost(e) <= bound)) {
            choice = e;
            break;
          }
        }
      }
      if (choice == null) {
        for (String e : enabled) {
          if (!asleep(node, e)) {
            pruned(path.size()); // not asleep but past the bound: the bound cut this branch
            break;
          }
        }
        return null; // everything runnable within the bound is asleep: equivalent to an explored execution
      }
      node.chosen = choice;
      node.backtrack = new TreeSet<>(List.of(choice));
      return node;
    }
  }

  private static List<String> enabled(Strategy.Ready ready) {
    List<String> e = new ArrayList<>(ready.size() + 1);
    for (int i = 0; i < ready.size(); i++) {
      e.add(ready.key(i));
    }
    if (ready.clockAvailable()) {
      e.add(CLOCK);
    }
    return e;
  }

  private static int index(Strategy.Ready ready, String key) {
    for (int i = 0; i < ready.size(); i++) {
      if (ready.key(i).equals(key)) {
        return i;
      }
    }
    throw new IllegalStateException("dfs: " + key + " is not runnable");
  }

  private static boolean asleep(Node node, String actor) {
    for (Sleeper s : node.sleep) {
      if (s.actor().equals(actor)) {
        return true;
      }
    }
    return node.done.contains(actor);
  }

  private long[] bits(Footprint step, boolean fine) {
    int size = fine ? step.fineSize() : step.size();
    long[] b = new long[Math.max(1, (names.size() + size + 63) / 64)];
    for (int i = 0; i < size; i++) {
      int id = names.computeIfAbsent(fine ? step.fineName(i) : step.name(i), k -> names.size());
      if (id / 64 >= b.length) {
        b = Arrays.copyOf(b, id / 64 + 1);
      }
      b[id / 64] |= 1L << (id % 64);
    }
    return b;
  }

  private static boolean intersects(long[] a, long[] b) {
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      if ((a[i] & b[i]) != 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean dependent(Node a, Node b) {
    return a.global || b.global || intersects(a.touched, b.touched);
  }

  // ---- after an execution ----

  /**
   * Takes in the execution just run: counts it, adds the backtrack points its races call for, and moves
   * the path to the next unexplored branch. Returns false when there is none left: the search is over.
   */
  boolean finish(RunResult result) {
    executions++;
    // The last step's node, if the run ended before it ran (a failure inside the strategy), has no footprint.
    int end = path.size();
    while (end > 0 && !path.get(end - 1).data && path.get(end - 1).touched == null) {
      end--;
    }
    if (result.abandoned()) {
      abandoned++;
    } else {
      complete++;
      classes.add(fingerprint(end));
    }
    analyse(end);
    return advance();
  }

  /** Source-DPOR's race analysis over the scheduling nodes of path[0, end). */
  private void analyse(int end) {
    List<Integer> events = new ArrayList<>();
    for (int i = 0; i < end; i++) {
      if (!path.get(i).data) {
        events.add(i);
      }
    }
    int m = events.size();
    Node[] ev = new Node[m];
    for (int k = 0; k < m; k++) {
      ev[k] = path.get(events.get(k));
    }
    BitSet[] hb = new BitSet[m]; // hb[j]: the events that happen before event j
    int names = 0;
    for (Node n : ev) {
      names = Math.max(names, n.touched.length * 64);
    }
    int[] last = new int[names];
    Arrays.fill(last, -1);
    int lastGlobal = -1;
    BitSet everything = new BitSet();
    for (int j = 0; j < m; j++) {
      Node e = ev[j];
      BitSet before = new BitSet();
      BitSet covered = new BitSet(); // events that happen before some other predecessor of j
      List<Integer> direct = new ArrayList<>();
      if (e.global) {
        before.set(0, j);
        covered = (BitSet) everything.clone();
        for (int i = 0; i < j; i++) {
          direct.add(i);
        }
      } else {
        if (lastGlobal >= 0) {
          direct.add(lastGlobal);
        }
        for (int w = 0; w < e.touched.length; w++) {
          long word = e.touched[w];
          while (word != 0) {
            int id = w * 64 + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            if (last[id] > lastGlobal) {
              direct.add(last[id]);
            }
          }
        }
        if (sleepSets && e.from > lastGlobal) {
          direct.add(e.from); // the receive: happens after its send, a dependence no schedule reverses
        }
        for (int i : direct) {
          before.set(i);
          before.or(hb[i]);
          covered.or(hb[i]);
        }
      }
      hb[j] = before;
      everything.or(before);
      for (int i : new TreeSet<>(direct)) {
        if (!covered.get(i) && !ev[i].chosen.equals(e.chosen) && (dependent(ev[i], e) || receiveRace(ev, i, j))) {
          reverse(ev, hb, events, i, j);
        }
      }
      if (e.global) {
        lastGlobal = j;
      } else {
        for (int w = 0; w < e.touched.length; w++) {
          long word = e.touched[w];
          while (word != 0) {
            int id = w * 64 + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            last[id] = j;
          }
        }
      }
    }
  }

  /**
   * Whether j's receive of i's message is a race: j's actor could run where i ran (it had only system
   * messages then: its step there would have processed those alone), and j is its first step since. Its
   * step before i is another event than j, so i's send decided what j is. Where the actor could not run
   * there, the receive is a happens-before edge no schedule reverses.
   */
  private boolean receiveRace(Node[] ev, int i, int j) {
    Node e = ev[j];
    if (!sleepSets || e.from != i || !ev[i].enabled.contains(e.chosen)) {
      return false;
    }
    for (int k = i + 1; k < j; k++) {
      if (ev[k].chosen.equals(e.chosen)) {
        return false;
      }
    }
    return true;
  }

  /** The race between events i and j (i first): make sure the schedule that runs j's side first is tried. */
  private void reverse(Node[] ev, BitSet[] hb, List<Integer> events, int i, int j) {
    Node at = ev[i];
    // v = the events after i that do not happen after it, then j; its initials are those of its events
    // with no predecessor in v.
    List<Integer> v = new ArrayList<>();
    for (int k = i + 1; k < j; k++) {
      if (!hb[k].get(i)) {
        v.add(k);
      }
    }
    v.add(j);
    TreeSet<String> initials = new TreeSet<>();
    for (int a = 0; a < v.size(); a++) {
      int k = v.get(a);
      boolean initial = true;
      for (int b = 0; b < a && initial; b++) {
        if (hb[k].get(v.get(b))) {
          initial = false;
        }
      }
      if (initial && at.enabled.contains(ev[k].chosen)) {
        initials.add(ev[k].chosen);
      }
    }
    if (initials.isEmpty()) {
      return; // not co-enabled (the clock offered only when nothing else runs)
    }
    if (sleepSets) {
      for (String q : initials) {
        if (at.backtrack.contains(q)) {
          return;
        }
      }
      at.backtrack.add(initials.first());
      return;
    }
    at.backtrack.addAll(initials);
    // Bounded: also at the latest earlier point where switching to the racing actor is free.
    String q = ev[j].chosen;
    for (int k = i; k >= 0; k--) {
      Node n = ev[k];
      if (n.enabled.contains(q) && n.cost(q) == 0) {
        n.backtrack.add(q);
        break;
      }
    }
  }

  private boolean advance() {
    while (!path.isEmpty()) {
      int idx = path.size() - 1;
      Node n = path.get(idx);
      if (n.data) {
        if (n.value + 1 < n.bound) {
          n.value++;
          return true;
        }
        path.remove(idx);
        continue;
      }
      n.done.add(n.chosen);
      // The explored choice p sleeps for a later sibling q unconditionally when its subtree is what the
      // unbounded search explores; below a cut, only when q costs at least what p plus the switch back
      // from p to q cost here: then every schedule u.q.w.p.z the sleeper skips has the equivalent
      // u.p.q.w.z within the bound too, and p's subtree covered it (see the class comment).
      int needs = sleepSets || !n.childPruned ? Integer.MIN_VALUE : n.cost(n.chosen) + (n.chosenEnabledAfter ? 1 : 0);
      n.doneSleepers.add(new Sleeper(n.chosen, n.touched == null ? new long[0] : n.touched, n.global, needs));
      n.childPruned = false;
      n.chosenEnabledAfter = false;
      n.touched = null;
      n.fine = null;
      n.from = -1;
      n.global = false;
      String next = null;
      for (String q : n.backtrack) {
        if (asleep(n, q) || !n.enabled.contains(q)) {
          continue;
        }
        if (bound >= 0 && n.preemptions + n.cost(q) > bound) {
          pruned(idx);
          continue;
        }
        next = q;
        break;
      }
      if (next != null) {
        n.chosen = next;
        return true;
      }
      path.remove(idx);
    }
    exhausted = true;
    return false;
  }

  /** The bound cut a branch at path[at]: no choice above it may go to sleep once explored. */
  private void pruned(int at) {
    boundPruned = true;
    for (int i = 0; i < at; i++) {
      path.get(i).childPruned = true;
    }
  }

  /**
   * The canonical form of the execution in path[0, end): for each name touched, the sequence of events
   * (actor, its occurrence) on it, global events on every name and on their own list with their drawn
   * values. Equivalent executions give the same form.
   */
  private Fingerprint fingerprint(int end) {
    TreeMap<Integer, List<Long>> perName = new TreeMap<>();
    List<Long> globals = new ArrayList<>();
    Map<String, Integer> occurrences = new HashMap<>();
    List<Long> openGlobal = null;
    List<Long> eventIds = new ArrayList<>(); // per event (scheduling node) in order: its identity
    for (int i = 0; i < end; i++) {
      Node n = path.get(i);
      if (n.data) {
        if (openGlobal != null) {
          openGlobal.add((long) n.value);
        }
        continue;
      }
      int occ = occurrences.merge(n.chosen, 1, Integer::sum);
      long self = mix(n.chosen.hashCode() * 0x1_0000_0001L + occ);
      eventIds.add(self);
      // the event with the send it received: the receive edge is part of the trace
      long event = n.from >= 0 ? mix(self ^ eventIds.get(n.from) * 0xD6E8FEB86659FD93L) : self;
      if (n.global) {
        for (List<Long> seq : perName.values()) {
          seq.add(event);
        }
        globals.add(event);
        openGlobal = globals;
      } else {
        openGlobal = null;
        for (int w = 0; w < n.fine.length; w++) {
          long word = n.fine[w];
          while (word != 0) {
            int id = w * 64 + Long.numberOfTrailingZeros(word);
            word &= word - 1;
            List<Long> seq = perName.computeIfAbsent(id, k -> new ArrayList<>(globals));
            seq.add(event);
          }
        }
      }
    }
    long a = 17;
    long b = 31;
    for (Map.Entry<Integer, List<Long>> e : perName.entrySet()) {
      a = mix(a ^ e.getKey());
      b = mix(b + e.getKey() * 0x9E3779B97F4A7C15L);
      for (long x : e.getValue()) {
        a = mix(a ^ x);
        b = mix(b * 31 + x);
      }
    }
    for (long x : globals) {
      a = mix(a + x);
      b = mix(b ^ x * 7);
    }
    return new Fingerprint(a, b);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  // ---- the verdict ----

  Exhaustive verdict() {
    return new Exhaustive(exhausted, bound, boundPruned, executions, complete, abandoned, classes.size());
  }
}
