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
 * The {@code dfs} strategy: an exhaustive search over a world's schedules with partial-order reduction,
 * optionally bounded in preemptions. Each execution runs the world from its start; the search keeps the
 * tree of choices between executions (and, bounded, the classes of the prefixes it reached).
 *
 * <p><b>Unbounded</b>: source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas: "Optimal
 * Dynamic Partial Order Reduction", POPL 2014, Algorithm 1), with its races computed on each complete
 * execution. Each Mazurkiewicz trace (class of schedules equal up to swapping adjacent independent
 * steps) is run to its end exactly once; an execution whose every candidate is asleep is given up
 * ({@link Strategy#ABANDON}) and counted apart.
 *
 * <p><b>Bounded</b> ({@code preemptionBound >= 0}, CHESS: Musuvathi, Qadeer, PLDI 2007): a preemption is a
 * step of another thread while the thread of the step before could go on. A thread is a causal chain of
 * messages, what a CPU thread is to CHESS: a step belongs to the thread of the step that began what it
 * does (the one that sent the message it processes, or, for an actor's start, the one that created it),
 * and to a thread of its own, its actor's, when no step did or when the world's root (the actor of its
 * first step: the harness) did. So a hart's system call, through the devices it calls and back, is one
 * thread, and switching away from it while it can go on costs a preemption; after a clock advance, and
 * when the thread waits, every choice is free. Every choice within the bound is tried at every node (no
 * race analysis: pruning DPOR by a bound is unsound, Coons, Musuvathi, McKinley, OOPSLA 2013, and the
 * repairs it needs are intricate). Instead the search is stateful over classes: a prefix of the same
 * Mazurkiewicz class as one reached before (kept step by step, {@link PrefixClass}), with the same
 * thread last and no fewer preemptions spent, is given up. That is sound: equivalent prefixes reach the
 * same state of the world (the message-passing dependence below, which {@code DfsTest} checks schedule by
 * schedule), each step's thread is fixed by the class (its send edges are), so the earlier prefix's
 * subtree, explored in full first (depth first), holds an equivalent within the bound of every schedule
 * below the later one. Bounded, then, the executions given up are those prefixes; each complete execution's
 * class is counted, and a class may complete twice (two prefixes that differ in their last step).
 *
 * <p>Dependence is {@link Footprint}'s message-passing view ({@link Footprint#fine()}): two steps are
 * dependent when either is global (a clock advance, a drawn value) or they touched a common name. An
 * ordinary message put in an actor's mailbox touches its inbox, not the actor, so a send commutes with the
 * receiver's steps that process messages already queued; sends into one inbox stay ordered; a step that
 * processed no ordinary message touches its own inbox; and a receive is a happens-before edge from its
 * send, a race only when the receiver could run where the send ran ({@link #receiveRace}). Steps of one
 * actor are always ordered. A drawn value branches the tree on every value in its bound.
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
  /**
   * Bounded: the prefixes reached, by class and last thread, with the fewest preemptions spent on one; looked
   * up only, never iterated.
   */
  private final HashMap<PrefixKey, Integer> reached = new HashMap<>();

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
    /** What the chosen step touched (set after it ran), in the message-passing view (see the class comment). */
    long[] touched;
    /** The event (index among the scheduling nodes) that sent the ordinary message this step processed, or -1. */
    int from = -1;
    boolean global;
    /** Bounded: preemptions spent before this node's choice. */
    int preemptions;
    /**
     * Bounded: per enabled choice, the thread its step would belong to (null for the clock): the thread of the
     * step that sent the message it would process, or the actor itself when no step did (see the class comment).
     */
    String[] threads;
    /** Bounded: the thread of the step before (null at the start and after a clock advance), whether it can go on here. */
    String current;
    boolean currentEnabled;
    /** Bounded: the thread of the chosen step. */
    String chosenThread;
    // a drawn value
    int bound;
    int value;

    Node(boolean data) {
      this.data = data;
    }

    /** Bounded: 1 when the choice switches away from the thread of the step before while that thread could go on. */
    int cost(String choice) {
      return currentEnabled && !current.equals(threads[enabled.indexOf(choice)]) ? 1 : 0;
    }
  }

  /** Unbounded: an explored (or otherwise covered) step asleep at a node: its actor and what it touched. */
  private record Sleeper(String actor, long[] touched, boolean global) {}

  /** A Mazurkiewicz trace's canonical form, hashed: per touched name, the sequence of events on it. */
  private record Fingerprint(long a, long b) {}

  /** A prefix's class (as {@link PrefixClass} hashes it) and the thread of its last step. */
  private record PrefixKey(long a, long b, String thread) {}

  /**
   * The class of an execution's prefix, kept step by step in the message-passing view: for each name, a
   * hash chain over the events on it (an event: its actor and occurrence, the event whose message it
   * received, the values it drew; a global event on every name's chain and on its own), summed over the
   * names. Equivalent prefixes, which reach the same state of the world, get the same hash.
   */
  private final class PrefixClass {
    private long[] a = new long[64];
    private long[] b = new long[64];
    private final BitSet present = new BitSet();
    private long sumA;
    private long sumB;
    private long globalA = 1;
    private long globalB = 2;
    private long drawn;
    private final HashMap<String, Integer> occurrences = new HashMap<>();
    private final ArrayList<Long> events = new ArrayList<>();

    void drawn(int value) {
      drawn = mix(drawn * 31 + value + 1);
    }

    void add(Node n) {
      int occ = occurrences.merge(n.chosen, 1, Integer::sum);
      long self = mix(n.chosen.hashCode() * 0x1_0000_0001L + occ);
      long event = n.from >= 0 ? mix(self ^ events.get(n.from) * 0xD6E8FEB86659FD93L) : self;
      events.add(self);
      if (drawn != 0) {
        event = mix(event ^ drawn * 0x9E3779B97F4A7C15L);
        drawn = 0;
      }
      if (n.global) {
        for (int id = present.nextSetBit(0); id >= 0; id = present.nextSetBit(id + 1)) {
          chain(id, event);
        }
        globalA = mix(globalA * 31 + event);
        globalB = mix(globalB ^ event * 0xC2B2AE3D27D4EB4FL);
        return;
      }
      for (int w = 0; w < n.touched.length; w++) {
        long word = n.touched[w];
        while (word != 0) {
          int id = w * 64 + Long.numberOfTrailingZeros(word);
          word &= word - 1;
          if (id >= a.length) {
            a = Arrays.copyOf(a, Math.max(id + 1, a.length * 2));
            b = Arrays.copyOf(b, a.length);
          }
          if (!present.get(id)) {
            present.set(id);
            a[id] = globalA; // the name's sequence starts with the global events before it
            b[id] = globalB;
            sumA += mix(a[id] + id);
            sumB += mix(b[id] ^ id * 0x9E3779B97F4A7C15L);
          }
          chain(id, event);
        }
      }
    }

    private void chain(int id, long event) {
      sumA -= mix(a[id] + id);
      sumB -= mix(b[id] ^ id * 0x9E3779B97F4A7C15L);
      a[id] = mix(a[id] * 31 + event);
      b[id] = mix(b[id] ^ event * 0xC2B2AE3D27D4EB4FL);
      sumA += mix(a[id] + id);
      sumB += mix(b[id] ^ id * 0x9E3779B97F4A7C15L);
    }

    PrefixKey key(String thread) {
      return new PrefixKey(sumA ^ mix(globalA), sumB + mix(globalB), thread);
    }
  }

  // ---- one execution ----

  /** The strategy for the next execution: it follows the tree's current path, then extends it. */
  Strategy execution() {
    return new Execution();
  }

  private final class Execution implements Strategy {
    private int pos;
    /** Index in {@link #path} of the last scheduling node, or -1. */
    private int lastSched = -1;
    /** Bounded: per step of this execution, its thread (null for a clock advance). */
    private final ArrayList<String> stepThreads = new ArrayList<>();
    /** Bounded: per step of this execution, its actor (or the clock). */
    private final ArrayList<String> stepActors = new ArrayList<>();
    /** Bounded: the class of the execution's prefix so far, kept step by step. */
    private final PrefixClass prefix = new PrefixClass();

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
        node = sleepSets ? fresh(enabled) : freshBounded(enabled, ready);
        if (node == null) {
          return ABANDON;
        }
        path.add(node);
      }
      pos++;
      lastSched = pos - 1;
      if (!sleepSets) {
        node.chosenThread = node.threads[node.enabled.indexOf(node.chosen)];
        stepThreads.add(node.chosenThread);
        stepActors.add(node.chosen);
      }
      return node.chosen.equals(CLOCK) ? ready.size() : index(ready, node.chosen);
    }

    @Override
    public void stepDone(Footprint step) {
      Node n = path.get(lastSched);
      n.global = step.global();
      n.touched = bits(step);
      n.from = step.receivedFrom();
      if (!sleepSets) {
        prefix.add(n);
      }
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
      if (!sleepSets) {
        prefix.drawn(node.value);
      }
      return node.value;
    }

    /** Per enabled choice, its thread (see {@link Node#threads}). */
    private String[] threads(List<String> enabled, Ready ready) {
      String[] t = new String[enabled.size()];
      for (int i = 0; i < ready.size(); i++) {
        int from = ready.sender(i);
        // the world's root (the actor of its first step) is the harness: what it begins is a thread of its own
        String sender = from >= 0 && from < stepThreads.size() && !stepActors.get(from).equals(stepActors.get(0))
            ? stepThreads.get(from) : null;
        t[i] = sender != null ? sender : ready.key(i);
      }
      return t;
    }

    /**
     * Bounded: a new scheduling node, or null when a prefix of the same class, with the same thread last and no
     * more preemptions spent, was reached before (its subtree, explored in full, has an equivalent of every
     * schedule below this one). Every choice within the bound is tried, the step's own thread's first.
     */
    private Node freshBounded(List<String> enabled, Ready ready) {
      Node node = new Node(false);
      node.enabled = enabled;
      node.sleep = List.of();
      node.threads = threads(enabled, ready);
      Node prev = lastSched < 0 ? null : path.get(lastSched);
      if (prev != null) {
        node.preemptions = prev.preemptions + prev.cost(prev.chosen);
        node.current = prev.chosenThread;
        node.currentEnabled = node.current != null && Arrays.asList(node.threads).contains(node.current);
      }
      PrefixKey key = prefix.key(node.current);
      Integer seen = reached.get(key);
      if (seen != null && seen <= node.preemptions) {
        return null;
      }
      reached.put(key, node.preemptions);
      node.backtrack = new TreeSet<>();
      String first = null;
      for (String e : enabled) {
        int c = node.cost(e);
        if (node.preemptions + c > bound) {
          boundPruned = true; // the bound cut this branch
          continue;
        }
        node.backtrack.add(e);
        if (first == null || c < node.cost(first)) {
          first = e;
        }
      }
      if (first == null) {
        return null; // nothing runnable within the bound (a switch is forced only when the thread cannot go on)
      }
      node.chosen = first;
      return node;
    }

    /** Unbounded: a new scheduling node after the current path, with its sleep set and its first choice. */
    private Node fresh(List<String> enabled) {
      Node node = new Node(false);
      node.enabled = enabled;
      node.sleep = new ArrayList<>();
      Node prev = lastSched < 0 ? null : path.get(lastSched);
      String previous = null;
      if (prev != null) {
        previous = prev.chosen.equals(CLOCK) || !enabled.contains(prev.chosen) ? null : prev.chosen;
        if (!prev.global) {
          for (List<Sleeper> from : List.of(prev.sleep, prev.doneSleepers)) {
            for (Sleeper s : from) {
              if (!s.global() && !intersects(s.touched(), prev.touched)) {
                node.sleep.add(s);
              }
            }
          }
        }
      }
      String choice = null;
      if (previous != null && !asleep(node, previous)) {
        choice = previous; // keep the actor that ran last
      } else {
        for (String e : enabled) {
          if (!asleep(node, e)) {
            choice = e;
            break;
          }
        }
      }
      if (choice == null) {
        return null; // everything runnable is asleep: equivalent to an explored execution
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

  /** The names a step touched in the message-passing view, as bits by their numbers. */
  private long[] bits(Footprint step) {
    int size = step.fineSize();
    long[] b = new long[Math.max(1, (names.size() + size + 63) / 64)];
    for (int i = 0; i < size; i++) {
      int id = names.computeIfAbsent(step.fineName(i), k -> names.size());
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
    if (sleepSets) {
      analyse(end);
    }
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
        if (e.from > lastGlobal) {
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
    if (e.from != i || !ev[i].enabled.contains(e.chosen)) {
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
    for (String q : initials) {
      if (at.backtrack.contains(q)) {
        return;
      }
    }
    at.backtrack.add(initials.first());
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
      if (sleepSets) {
        n.doneSleepers.add(new Sleeper(n.chosen, n.touched == null ? new long[0] : n.touched, n.global));
      }
      n.touched = null;
      n.from = -1;
      n.global = false;
      String next = null;
      for (String q : n.backtrack) {
        if (asleep(n, q) || !n.enabled.contains(q)) {
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
        for (int w = 0; w < n.touched.length; w++) {
          long word = n.touched[w];
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
