package kernsim.conform;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.dev.loop.LoopControl;

/**
 * A scenario's names onto what one sandbox allocated, and back.
 *
 * <p><b>Loop indexes.</b> Scenario index k (its {@code /dev/loopK}, loop-control's argument K) maps to a
 * real index r the sandbox picked: the boot devices when the sandbox starts, any other k when a call
 * first names it. A fresh r is one no device has now and no sandbox of this JVM has picked, counted up
 * from a start far above the machine's own devices. The sandbox <em>owns</em> r from the moment its
 * LOOP_CTL_ADD (or a GET_FREE that created it) returned r until its LOOP_CTL_REMOVE succeeded; a
 * mapped index it does not own stands for "no such device" and is never opened.
 *
 * <p><b>Paths.</b> After lexical normalisation ({@code ..} stops at {@code /}; a relative path is taken
 * from {@code /}, the model's working directory):
 * {@code /dev/loop-control} is the real one; {@code /dev/loopK} (and {@code /dev/loopKpN}) is the real
 * {@code /dev/loopR}; {@code /sys/block/loopK/…} and {@code /sys/devices/virtual/block/loopK/…} are the
 * real device's sysfs; every other path, {@code /dev} and {@code /sys} included, is the same path under
 * the sandbox's root directory. {@link #unmap} turns real paths (a sysfs {@code backing_file}, a
 * mount point) back into the scenario's.
 */
final class NameMap {
  /** Where a scenario path leads. */
  sealed interface Target {
    /** A path under the sandbox's root. */
    record Inside(String real) implements Target {}

    /** {@code /dev/loop-control}. */
    enum Control implements Target { INSTANCE }

    /** A loop device node: scenario index, real index, and a partition suffix ({@code "p1"}) or "". */
    record Device(int scenarioIndex, int realIndex, String suffix) implements Target {}

    /** A loop device's sysfs: {@code prefix + "loop" + realIndex + rest}; {@code rest} is "" or starts with /. */
    record Sysfs(int scenarioIndex, int realIndex, String prefix, String rest) implements Target {}
  }

  static final String CONTROL = "/dev/loop-control";
  private static final Pattern DEVICE = Pattern.compile("/dev/loop(0|[1-9][0-9]{0,6})(p[1-9][0-9]*)?");
  private static final Pattern SYSFS =
      Pattern.compile("(/sys/block/|/sys/devices/virtual/block/)loop(0|[1-9][0-9]{0,6})(/.*)?");

  /** Real indexes picked by any sandbox of this JVM: two sandboxes never pick the same one. */
  private static final Set<Integer> PICKED = Collections.synchronizedSet(new HashSet<>());

  private final String root;
  private final IntPredicate realExists;
  private int nextCandidate;
  private final TreeMap<Integer, Integer> toReal = new TreeMap<>();
  private final TreeMap<Integer, Integer> toScenario = new TreeMap<>();
  private final TreeSet<Integer> owned = new TreeSet<>();
  private final TreeSet<Integer> everOwned = new TreeSet<>();
  private final TreeSet<Integer> picked = new TreeSet<>();

  /**
   * @param root the sandbox's root directory (absolute, real, no trailing slash)
   * @param realExists whether a real loop index has a device now
   * @param firstCandidate where fresh real indexes start
   */
  NameMap(String root, IntPredicate realExists, int firstCandidate) {
    if (!root.startsWith("/") || root.endsWith("/")) {
      throw new IllegalArgumentException("root must be absolute without a trailing slash: " + root);
    }
    if (firstCandidate < 0 || firstCandidate > LoopControl.MAX_INDEX) {
      throw new IllegalArgumentException("first index out of range: " + firstCandidate);
    }
    this.root = root;
    this.realExists = Objects.requireNonNull(realExists, "realExists");
    this.nextCandidate = firstCandidate;
  }

  String root() {
    return root;
  }

  // ==== loop indexes ====

  /** A real index no device has and no sandbox of this JVM picked; it is this map's from now on. */
  int fresh() {
    while (nextCandidate <= LoopControl.MAX_INDEX) {
      int r = nextCandidate++;
      if (!realExists.test(r) && PICKED.add(r)) {
        picked.add(r);
        return r;
      }
    }
    throw new IllegalStateException("no free loop index left above the start");
  }

  /** Scenario index k's real index, picking a fresh one if no call named k before. */
  int realIndex(int k) {
    checkIndex(k);
    Integer r = toReal.get(k);
    if (r == null) {
      r = fresh();
      bind(k, r);
    }
    return r;
  }

  /** The scenario index mapped to real index r, or -1. */
  int scenarioIndex(int r) {
    Integer k = toScenario.get(r);
    return k == null ? -1 : k;
  }

  boolean owned(int r) {
    return owned.contains(r);
  }

  /** The sandbox's LOOP_CTL_ADD of k's real index r succeeded. */
  void added(int k, int r) {
    checkIndex(k);
    if (!Objects.equals(toReal.get(k), r)) {
      bind(k, r);
    }
    owned.add(r);
    everOwned.add(r);
  }

  /**
   * A device the sandbox's own call created without naming it (LOOP_CTL_ADD of -1, a GET_FREE that
   * had to add one): it is owned, and named by the scenario index already mapped to it, else by the
   * lowest scenario index that has no owned device (the model's {@code loop_add(-1)} takes the lowest
   * free index). Returns that scenario index.
   */
  int adopt(int r) {
    owned.add(r);
    everOwned.add(r);
    Integer known = toScenario.get(r);
    if (known != null) {
      return known;
    }
    int k = 0;
    while (toReal.containsKey(k) && owned.contains(toReal.get(k))) {
      k++;
    }
    bind(k, r);
    return k;
  }

  /** The sandbox's LOOP_CTL_REMOVE of r succeeded (or r was found gone): it no longer owns r. */
  void removed(int r) {
    owned.remove(r);
  }

  SortedSet<Integer> owned() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(owned));
  }

  /** Every real index this sandbox ever owned (for the leftover check after it closed). */
  SortedSet<Integer> everOwned() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(everOwned));
  }

  /** Lets other sandboxes of this JVM pick this map's indexes again. */
  void release() {
    PICKED.removeAll(picked);
    picked.clear();
  }

  private void bind(int k, int r) {
    Integer oldR = toReal.put(k, r);
    if (oldR != null) {
      toScenario.remove(oldR);
    }
    Integer oldK = toScenario.put(r, k);
    if (oldK != null && oldK != k) {
      toReal.remove(oldK);
    }
  }

  private static void checkIndex(int k) {
    if (k < 0 || k > LoopControl.MAX_INDEX) {
      throw new IllegalArgumentException("loop index out of range: " + k);
    }
  }

  // ==== paths ====

  /** Where the scenario's path leads (picking a real index for a loop index named for the first time). */
  Target map(String scenarioPath) {
    String p = normalize(scenarioPath);
    if (p.equals(CONTROL)) {
      return Target.Control.INSTANCE;
    }
    Matcher d = DEVICE.matcher(p);
    if (d.matches()) {
      int k = Integer.parseInt(d.group(1));
      if (k <= LoopControl.MAX_INDEX) {
        return new Target.Device(k, realIndex(k), d.group(2) == null ? "" : d.group(2));
      }
    }
    Matcher s = SYSFS.matcher(p);
    if (s.matches()) {
      int k = Integer.parseInt(s.group(2));
      if (k <= LoopControl.MAX_INDEX) {
        return new Target.Sysfs(k, realIndex(k), s.group(1), s.group(3) == null ? "" : s.group(3));
      }
    }
    return new Target.Inside(p.equals("/") ? root : root + p);
  }

  /** The real path of a target. */
  static String realPath(Target t) {
    if (t instanceof Target.Inside i) {
      return i.real();
    }
    if (t instanceof Target.Device d) {
      return "/dev/loop" + d.realIndex() + d.suffix();
    }
    if (t instanceof Target.Sysfs s) {
      return s.prefix() + "loop" + s.realIndex() + s.rest();
    }
    return CONTROL;
  }

  /** A real path back in the scenario's names; a path that is none of the sandbox's is returned as is. */
  String unmap(String real) {
    if (real.equals(root)) {
      return "/";
    }
    if (real.startsWith(root + "/")) {
      return real.substring(root.length());
    }
    Matcher d = DEVICE.matcher(real);
    if (d.matches()) {
      int k = scenarioIndex(Integer.parseInt(d.group(1)));
      if (k >= 0) {
        return "/dev/loop" + k + (d.group(2) == null ? "" : d.group(2));
      }
    }
    Matcher s = SYSFS.matcher(real);
    if (s.matches()) {
      int k = scenarioIndex(Integer.parseInt(s.group(2)));
      if (k >= 0) {
        return s.group(1) + "loop" + k + (s.group(3) == null ? "" : s.group(3));
      }
    }
    return real;
  }

  /** Lexical normalisation: absolute, no "." or "..", no repeated or trailing slash. */
  static String normalize(String path) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return "/" + String.join("/", parts);
  }
}
