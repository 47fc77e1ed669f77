package kernsim.oracle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The abstract state of a sequential specification: immutable, with value equality (the linearizer
 * memoises on it).
 *
 * <ul>
 *   <li>per loop device, a packed {@link Loops} word: for each of bound, ro, cache, mounted, dirty and
 *       exclusive, the set of values it may have;
 *   <li>the mount table in creation order ({@code mounts.get(0)} is the root tmpfs): each mount's
 *       parent, mount point path, type, device, read-only flag, and the paths known to exist on it
 *       ({@link Mount#complete}: nothing else exists there, as on a tmpfs; ext4's contents are unknown);
 *   <li>every hart's open fds: what each refers to and the mount it is on (for umount2's busy check),
 *       and the open file description it shares with its dups;
 *   <li>the flocks held on loop devices and {@code /dev/loop-control}: per inode, each description's
 *       LOCK_SH or LOCK_EX, or {@link #FLOCK_UNSURE} once a conversion happened (Linux drops the old lock
 *       before taking the new one, so a concurrent call may see the inode free: not one atomic step);
 *   <li>{@code wild}: an unmodelled call succeeded, so from here on anything is allowed.
 * </ul>
 */
final class SpecState {
  /** A mount. {@code point} is the absolute path it covers ("" for the root); {@code dev} is -1 unless ext4 on a loop device. */
  record Mount(int id, int parent, String point, String type, int dev, boolean readonly, boolean maybeBusy,
      boolean complete, TreeMap<String, Integer> files) {
    Mount withFile(String rel, int node) {
      TreeMap<String, Integer> f = new TreeMap<>(files);
      f.put(rel, node);
      return new Mount(id, parent, point, type, dev, readonly, maybeBusy, complete, f);
    }

    /** Without {@code rel} and everything below it. */
    Mount withoutFile(String rel) {
      TreeMap<String, Integer> f = new TreeMap<>(files);
      f.remove(rel);
      f.subMap(rel + "/", rel + "0").clear(); // '0' follows '/'
      return new Mount(id, parent, point, type, dev, readonly, maybeBusy, complete, f);
    }

    Mount withReadonly(boolean ro) {
      return new Mount(id, parent, point, type, dev, ro, maybeBusy, complete, files);
    }

    Mount withMaybeBusy() {
      return new Mount(id, parent, point, type, dev, readonly, true, complete, files);
    }

    /** "the tmpfs at /mnt". */
    String describe() {
      return id == ROOT ? "the root tmpfs" : "the " + type + " at " + point;
    }
  }

  /**
   * An open fd: {@code node} is what it was opened on ({@link Nodes}, or {@link #ANON} / {@link #UNKNOWN_FD}),
   * {@code mount} the id of the mount it is on (-1 for none), {@code excl} an O_EXCL open of a loop device,
   * {@code roOpen} opened O_RDONLY, {@code desc} its open file description ({@link #desc(int, int)} of the
   * open that made it; dups share it; -1 when the oracle does not follow it), {@code access} what the open
   * allows ({@link #READ}, {@link #WRITE}, {@link #APPEND}; none for O_PATH).
   */
  record Fd(int node, int mount, boolean excl, boolean roOpen, long desc, int access) {
    Fd(int node, int mount, boolean excl, boolean roOpen) {
      this(node, mount, excl, roOpen, -1);
    }

    Fd(int node, int mount, boolean excl, boolean roOpen, long desc) {
      this(node, mount, excl, roOpen, desc, roOpen ? READ : READ | WRITE);
    }

    boolean readable() {
      return (access & READ) != 0;
    }

    boolean writable() {
      return (access & WRITE) != 0;
    }

    boolean append() {
      return (access & APPEND) != 0;
    }
  }

  static final int READ = 1;
  static final int WRITE = 2;
  static final int APPEND = 4;

  /** What an open with {@code flags} allows, as {@code OpenFile.readable}/{@code writable}/{@code append} say. */
  static int access(int flags) {
    if ((flags & kernsim.fs.file.Uapi.O_PATH) != 0) {
      return 0;
    }
    int mode = flags & kernsim.fs.file.Uapi.O_ACCMODE;
    int a = mode == kernsim.fs.file.Uapi.O_RDONLY ? READ
        : mode == kernsim.fs.file.Uapi.O_WRONLY ? WRITE : mode == kernsim.fs.file.Uapi.O_RDWR ? READ | WRITE : 0;
    return a | ((flags & kernsim.fs.file.Uapi.O_APPEND) != 0 ? APPEND : 0);
  }

  /** The description made by statement {@code index} of hart {@code hart}. */
  static long desc(int hart, int index) {
    return ((long) hart << 32) | (index & 0xFFFF_FFFFL);
  }

  /** A flock inode's entry when who holds what is not known any more. */
  static final long FLOCK_UNSURE = Long.MIN_VALUE;

  static final int ROOT = 0;
  /** A pipe or memfd: on no mount. */
  static final int ANON = -6;
  /** An fd the oracle cannot tell anything about. */
  static final int UNKNOWN_FD = -7;

  private static final TreeMap<Integer, TreeMap<Long, Integer>> NO_FLOCKS = new TreeMap<>();

  private static final SpecState BOOT = new SpecState(new int[0],
      List.of(new Mount(ROOT, -1, "", "tmpfs", -1, false, false, true, new TreeMap<>())), new TreeMap<>(), false);

  private final int[] devs;
  private final List<Mount> mounts;
  private final TreeMap<Long, Fd> fds;
  /** inode (a {@link Nodes} value) → description → LOCK_SH or LOCK_EX; never empty maps. */
  private final TreeMap<Integer, TreeMap<Long, Integer>> flocks;
  final boolean wild;
  // The components' hashes, kept so that a new state rehashes only what changed.
  private final int mountsHash;
  private final int fdsHash;
  private final int hash;

  private SpecState(int[] devs, List<Mount> mounts, TreeMap<Long, Fd> fds, boolean wild) {
    this(devs, mounts, mounts.hashCode(), fds, fds.hashCode(), NO_FLOCKS, wild);
  }

  private SpecState(int[] devs, List<Mount> mounts, int mountsHash, TreeMap<Long, Fd> fds, int fdsHash,
      TreeMap<Integer, TreeMap<Long, Integer>> flocks, boolean wild) {
    this.devs = devs;
    this.mounts = mounts;
    this.fds = fds;
    this.flocks = flocks;
    this.wild = wild;
    this.mountsHash = mountsHash;
    this.fdsHash = fdsHash;
    this.hash = wild ? 1 : (((Arrays.hashCode(devs) * 31 + mountsHash) * 31 + fdsHash) * 31 + flocks.hashCode());
  }

  /** A map entry's hash, as {@code TreeMap.hashCode} sums them. */
  private static int entryHash(long key, Fd fd) {
    return Long.hashCode(key) ^ fd.hashCode();
  }

  /** A booted kernel before its first statement: an empty root tmpfs, unbound devices, no fds. */
  static SpecState boot() {
    return BOOT;
  }

  // ---- loop devices ----

  int devCount() {
    return devs.length;
  }

  /** Device {@code n}'s packed word ({@link Loops#INITIAL} for one not touched yet). */
  int dev(int n) {
    return n < devs.length ? devs[n] : Loops.INITIAL;
  }

  SpecState withDev(int n, int word) {
    if (dev(n) == word) {
      return this;
    }
    int[] d = Arrays.copyOf(devs, Math.max(devs.length, n + 1));
    for (int i = devs.length; i < d.length; i++) {
      d[i] = Loops.INITIAL;
    }
    d[n] = word;
    return new SpecState(d, mounts, mountsHash, fds, fdsHash, flocks, wild);
  }

  // ---- mounts ----

  List<Mount> mounts() {
    return mounts;
  }

  Mount mount(int index) {
    return mounts.get(index);
  }

  /** The index of mount {@code id}, or -1. */
  int indexOf(int id) {
    for (int i = 0; i < mounts.size(); i++) {
      if (mounts.get(i).id() == id) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The topmost mount at absolute path {@code abs} on mount {@code parentIndex}, and on top of it, as
   * a walk crossing onto mount roots finds it; -1 when nothing is mounted there.
   */
  int mountedOn(int parentIndex, String abs) {
    int top = -1;
    int parentId = mounts.get(parentIndex).id();
    for (boolean more = true; more; ) {
      more = false;
      for (int i = 0; i < mounts.size(); i++) {
        Mount m = mounts.get(i);
        if (m.parent() == parentId && m.point().equals(abs)) {
          top = i; // later mounts stack on top
        }
      }
      if (top >= 0 && mounts.get(top).id() != parentId) {
        parentId = mounts.get(top).id();
        more = true;
      }
    }
    return top;
  }

  SpecState withMount(int index, Mount m) {
    List<Mount> ms = new ArrayList<>(mounts);
    ms.set(index, m);
    return new SpecState(devs, List.copyOf(ms), ms.hashCode(), fds, fdsHash, flocks, wild);
  }

  SpecState withNewMount(Mount m) {
    List<Mount> ms = new ArrayList<>(mounts);
    ms.add(m);
    return new SpecState(devs, List.copyOf(ms), ms.hashCode(), fds, fdsHash, flocks, wild);
  }

  SpecState withoutMounts(List<Integer> ids) {
    List<Mount> ms = new ArrayList<>();
    for (Mount m : mounts) {
      if (!ids.contains(m.id())) {
        ms.add(m);
      }
    }
    return new SpecState(devs, List.copyOf(ms), ms.hashCode(), fds, fdsHash, flocks, wild);
  }

  // ---- fds ----

  private static long key(int hart, int fd) {
    return ((long) hart << 32) | (fd & 0xFFFF_FFFFL);
  }

  Fd fd(int hart, int fd) {
    return fds.get(key(hart, fd));
  }

  /** How many fds hart {@code hart} has open (its table's size: every call that makes an fd is followed). */
  int fdCount(int hart) {
    return fds.subMap(key(hart, 0), true, key(hart + 1, 0), false).size();
  }

  SpecState withFd(int hart, int fd, Fd f) {
    long k = key(hart, fd);
    TreeMap<Long, Fd> m = new TreeMap<>(fds);
    Fd old = m.put(k, f);
    int h = fdsHash + entryHash(k, f) - (old == null ? 0 : entryHash(k, old));
    return new SpecState(devs, mounts, mountsHash, m, h, flocks, wild);
  }

  SpecState withoutFd(int hart, int fd) {
    long k = key(hart, fd);
    Fd old = fds.get(k);
    if (old == null) {
      return this;
    }
    TreeMap<Long, Fd> m = new TreeMap<>(fds);
    m.remove(k);
    return new SpecState(devs, mounts, mountsHash, m, fdsHash - entryHash(k, old), flocks, wild);
  }

  /** The first fd (in hart, fd order) on mount {@code id}, as {hart, fd}; null when none is. */
  int[] fdOn(int id) {
    for (Map.Entry<Long, Fd> e : fds.entrySet()) {
      if (e.getValue().mount() == id) {
        return new int[] {(int) (e.getKey() >>> 32), (int) (long) e.getKey()};
      }
    }
    return null;
  }

  /** Whether another fd of hart {@code hart} than {@code fd} refers to description {@code desc}. */
  boolean otherFdOf(int hart, int fd, long desc) {
    for (Map.Entry<Long, Fd> e : fds.subMap(key(hart, 0), true, key(hart + 1, 0), false).entrySet()) {
      if (e.getValue().desc() == desc && e.getKey() != key(hart, fd)) {
        return true;
      }
    }
    return false;
  }

  /** Whether hart {@code hart} has an fd the oracle knows nothing about (fcntl's F_DUPFD makes them). */
  boolean hasUnknownFd(int hart) {
    for (Fd f : fds.subMap(key(hart, 0), true, key(hart + 1, 0), false).values()) {
      if (f.node() == UNKNOWN_FD) {
        return true;
      }
    }
    return false;
  }

  /**
   * Who holds loop device {@code node} open, as Linux counts its openers: the number of open file
   * descriptions on it (dups share one; an fd without a description, O_PATH, counts as one of its own),
   * plus {@link #EXCL_HELD} when one was opened O_EXCL.
   */
  int loopUse(int node) {
    int descs = 0;
    boolean excl = false;
    long[] seen = null;
    int nSeen = 0;
    for (Fd f : fds.values()) {
      if (f.node() != node) {
        continue;
      }
      excl |= f.excl();
      boolean dup = false;
      for (int i = 0; i < nSeen && f.desc() >= 0; i++) {
        dup |= seen[i] == f.desc();
      }
      if (!dup) {
        descs++;
        if (f.desc() >= 0) {
          if (seen == null) {
            seen = new long[4];
          } else if (nSeen == seen.length) {
            seen = Arrays.copyOf(seen, 2 * nSeen);
          }
          seen[nSeen++] = f.desc();
        }
      }
    }
    return descs | (excl ? EXCL_HELD : 0);
  }

  /** {@link #loopUse}'s flag: an O_EXCL open holds the device. */
  static final int EXCL_HELD = 1 << 30;

  /** How many ext4 mounts' claims (their pseudo-fds, an {@link #ANON} node whose description is the device) are on device {@code n}. */
  int claimsOn(int n) {
    int k = 0;
    for (Fd f : fds.values()) {
      if (f.node() == ANON && f.desc() == n) {
        k++;
      }
    }
    return k;
  }

  /** How many mounts in the table are on loop device {@code n}. */
  int mountsOn(int n) {
    int k = 0;
    for (Mount m : mounts) {
      if (m.dev() == n) {
        k++;
      }
    }
    return k;
  }

  /** Whether any followed fd (one with a description) of any hart is on {@code node}. */
  boolean anyFdOn(int node) {
    for (Fd f : fds.values()) {
      if (f.node() == node && f.desc() >= 0) {
        return true;
      }
    }
    return false;
  }

  // ---- flocks ----

  /** Inode {@code node}'s locks (description → LOCK_SH/LOCK_EX, or {@link #FLOCK_UNSURE}); empty when none. */
  TreeMap<Long, Integer> flocks(int node) {
    TreeMap<Long, Integer> m = flocks.get(node);
    return m == null ? new TreeMap<>() : m;
  }

  SpecState withFlocks(int node, TreeMap<Long, Integer> locks) {
    if (flocks(node).equals(locks)) {
      return this;
    }
    TreeMap<Integer, TreeMap<Long, Integer>> f = new TreeMap<>(flocks);
    if (locks.isEmpty()) {
      f.remove(node);
    } else {
      f.put(node, locks);
    }
    return new SpecState(devs, mounts, mountsHash, fds, fdsHash, f, wild);
  }

  // ---- anything goes ----

  /** The state after an unmodelled call succeeded: every later outcome is allowed. */
  SpecState asWild() {
    return wild ? this : new SpecState(devs, mounts, mountsHash, fds, fdsHash, flocks, true);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SpecState s) || hash != s.hash || wild != s.wild) {
      return false;
    }
    return wild || (Arrays.equals(devs, s.devs) && mounts.equals(s.mounts) && fds.equals(s.fds)
        && flocks.equals(s.flocks));
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    if (wild) {
      return "State(unknown)";
    }
    StringBuilder b = new StringBuilder("State(");
    for (int i = 0; i < devs.length; i++) {
      b.append("loop").append(i).append('=').append(Loops.describe(devs[i])).append(' ');
    }
    for (Mount m : mounts) {
      b.append(m.type()).append('@').append(m.point().isEmpty() ? "/" : m.point()).append(m.files().keySet()).append(' ');
    }
    b.append("fds=").append(fds.size());
    if (!flocks.isEmpty()) {
      b.append(" flocks=").append(flocks);
    }
    b.append(')');
    return b.toString();
  }
}
