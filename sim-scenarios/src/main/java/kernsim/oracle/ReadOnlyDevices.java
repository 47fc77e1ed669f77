package kernsim.oracle;

import static kernsim.dev.loop.LoopAbi.LO_FLAGS_READ_ONLY;
import static kernsim.fs.file.Uapi.F_DUPFD;
import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_RDONLY;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.actors.Monitor;
import kernsim.cpu.Calls;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.Syscall;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.loop.LoopEvents;
import kernsim.dev.loop.ReadOnlyMonitor;

/**
 * The {@code read-only} oracle. It fails a run
 *
 * <ul>
 *   <li>at the first write to a backing file bound from an {@code O_RDONLY} fd
 *       ({@link LoopEvents.BackingWrite#readOnlyOpen}, as {@link ReadOnlyMonitor} checks it), and
 *   <li>when a call wrote through a loop device that no sequential order of the calls lets it write
 *       through: a write-family call on a loop device fd (write, pwrite64, writev, the vector and
 *       transfer calls, mkfs.ext4 of the device) that returned a positive count or success, or any call
 *       during which bytes reached the device's backing file ({@link LoopEvents.BackingWrite}, emitted by
 *       the hart that runs the call: write_at, or a write-back by BLKFLSBUF, LOOP_CLR_FD, mount or
 *       umount2), must have a point in its interval at which, in some order of the calls that change the
 *       device's binding or read-only state (consistent with real time and each hart's program order),
 *       the device is writable.
 * </ul>
 *
 * <p>Writable, under starry: bound and {@code ro} clear ({@code write_at} is EROFS read-only and EPERM
 * unbound; every write-back path checks {@code ro}). The calls that change it, when they succeed:
 * LOOP_SET_FD (read-only iff the fd was opened O_RDONLY), LOOP_CONFIGURE (read-only iff its flags have
 * LO_FLAGS_READ_ONLY or the fd was opened O_RDONLY), LOOP_CLR_FD (unbound; {@code ro} stays),
 * LOOP_SET_STATUS(64) and BLKROSET ({@code set_lo_flags}: read-only as the flags say). Under linux: a
 * write needs neither LO_FLAGS_READ_ONLY nor BLKROSET's {@code bd_read_only} ({@code bdev_read_only} is
 * EPERM), a write-back only no LO_FLAGS_READ_ONLY (loop refuses writes to a read-only binding;
 * {@code bd_read_only} does not stop the page cache's write-back). LO_FLAGS_READ_ONLY is set by the
 * binding call; LOOP_CLR_FD and the close of a device fd may unbind (autoclear, rundown), after which it
 * is unknown until the next binding; whether a device is bound is not followed.
 *
 * <p>This is a necessary condition of the whole history's linearizability, checked per device
 * (devices are independent objects): the other calls' own results are not required to be consistent
 * (the {@code errno} oracle checks those), so it never fails a run a sequential order explains. Fds
 * are followed per hart (open of {@code /dev/loopN}, dup, fcntl's F_DUPFD, close); the check turns itself
 * off for the rest of a run after a call it cannot follow: a library call made as one call of the process
 * (a Monogon operation), a successful mount, MS_MOVE or pivot_root over {@code /} or {@code /dev} (device
 * paths may then lead elsewhere), or a successful LOOP_CTL_REMOVE or LOOP_CTL_ADD (a device's state
 * starts again). Calls are settled whenever none is in flight, as the errno oracle's windows are; a
 * window too large to search (over {@link #BUDGET} configurations) is let pass, and the run reported
 * not decided ({@link #incomplete}).
 */
public final class ReadOnlyDevices implements Monitor {
  public static final String NAME = ReadOnlyMonitor.NAME;

  /** Configurations one device's window may explore before the oracle lets it pass undecided. */
  static final int BUDGET = 200_000;

  // A concrete device: three bits.
  private static final int BOUND = 1;
  private static final int LO_RO = 2;
  private static final int BD_RO = 4;
  private static final int STATES = 8;
  private static final int ALL = 0xFF;

  // What a call does to its device (on success).
  private static final int NONE = 0;
  private static final int BIND = 1;
  private static final int CLR = 2;
  private static final int SET_RO = 3;
  private static final int SET_BD_RO = 4;
  /** linux: LO_FLAGS_READ_ONLY unknown from here (the device may have been unbound). */
  private static final int LOOSE = 5;

  // What a call must find.
  private static final int CHECK_WRITE = 1;
  private static final int CHECK_BACKING = 2;

  /** What an fd refers to: loop device {@code dev} (≥ 0), loop-control, or a file opened read-only or not. */
  private record Obj(int dev, boolean control, boolean roOpen) {
    static final Obj OTHER_RW = new Obj(-1, false, false);
  }

  /** One call on one device. {@code roValues}: bit 0 false allowed, bit 1 true allowed. */
  private static final class Op {
    final int hart;
    final String shown;
    final long start;
    long end = Long.MAX_VALUE;
    boolean returned;
    boolean maybe; // outcome unknown: the effect may or may not have happened
    int effect = NONE;
    int roValues;
    int check;

    Op(int hart, String shown, long start) {
      this.hart = hart;
      this.shown = shown;
      this.start = start;
    }
  }

  private static final class HartLog {
    final String name;
    /** The fds of the hart's process: its own, or shared with the other threads of its process. */
    final TreeMap<Integer, Obj> fds;
    Calls.Started current;
    long currentStart;
    /** Devices the current call wrote to the backing file of. */
    final TreeSet<Integer> backing = new TreeSet<>();

    HartLog(String name, TreeMap<Integer, Obj> fds) {
      this.name = name;
      this.fds = fds;
    }
  }

  private final boolean linux;
  private final ReadOnlyMonitor opens = new ReadOnlyMonitor();
  /** Hart name → log; looked up only, never iterated. */
  private final HashMap<String, HartLog> harts = new HashMap<>();
  private final List<HartLog> hartOrder = new ArrayList<>();
  /** Device → the states it may be in at the last settled point (absent: unbound, writable). */
  private final TreeMap<Integer, Integer> frontier = new TreeMap<>();
  /** Device → its calls since then. */
  private final TreeMap<Integer, List<Op>> window = new TreeMap<>();
  private long seq;
  private int inFlight;
  private boolean off;
  private boolean failed;
  /** Whether a window went over {@link #BUDGET} (its device was let pass from there). */
  private boolean overBudget;

  /** {@link #incomplete}'s reason. */
  static final String UNDECIDED = String.format(java.util.Locale.ROOT,
      "search budget %,d configurations: a device's window let pass, anything allowed from there", BUDGET);

  /** Not decided when a device's window went over {@link #BUDGET}: its calls, and its state after, went unchecked. */
  @Override
  public Incomplete incomplete() {
    return overBudget && !failed ? Incomplete.notDecided(UNDECIDED) : null;
  }

  /** The oracle for {@code semantics}' profile, from a kernel with every device unbound. */
  public ReadOnlyDevices(Semantics semantics) {
    this.linux = semantics.profile().equals("linux");
  }

  /** The oracle from {@code start}'s boot state. */
  public ReadOnlyDevices(Start start) {
    this.linux = start.linux;
    this.frontier.putAll(start.frontier);
    this.off = start.off;
  }

  /** The device states a scenario's boot calls leave; computed once, shared by every run. */
  public static final class Start {
    private final boolean linux;
    private final TreeMap<Integer, Integer> frontier;
    private final boolean off;

    private Start(boolean linux, TreeMap<Integer, Integer> frontier, boolean off) {
      this.linux = linux;
      this.frontier = frontier;
      this.off = off;
    }
  }

  /**
   * The start after {@code calls} (as the setup hart would run them, each succeeding; an fd a call
   * assigns is the lowest free one from 3, as {@link ErrnoConformance#start} has it).
   */
  public static Start start(Semantics semantics, List<Stmt> calls) {
    ReadOnlyDevices o = new ReadOnlyDevices(semantics);
    Verdict ignore = m -> {};
    for (Object x : BootCalls.observations(calls, false)) {
      o.onObservation(x, ignore);
    }
    return new Start(o.linux, new TreeMap<>(o.frontier), o.off);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object observation, Verdict verdict) {
    onObservation(observation, null, verdict);
  }

  @Override
  public void onObservation(Object observation, String actor, Verdict verdict) {
    if (failed) {
      return;
    }
    if (observation instanceof LoopEvents.BackingWrite w) {
      opens.onObservation(w, m -> {
        failed = true;
        verdict.fail(m);
      });
      HartLog h = actor == null ? null : harts.get(actor);
      if (h != null && h.current != null) {
        Integer dev = deviceNumber(w.device());
        if (dev != null) {
          h.backing.add(dev);
        }
      }
    } else if (observation instanceof Calls.Started s) {
      started(s);
    } else if (observation instanceof Calls.Returned r) {
      returned(r, verdict);
    }
  }

  @Override
  public void onEnd(Verdict verdict) {
    if (failed || off) {
      return;
    }
    // Calls still in flight: whatever they did may or may not have happened.
    for (HartLog h : hartOrder) {
      if (h.current != null) {
        record(h, h.current, null, Long.MAX_VALUE);
      }
    }
    settle(verdict);
  }

  private static Integer deviceNumber(String name) {
    if (name != null && name.startsWith("loop")) {
      try {
        return Integer.parseInt(name.substring(4));
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  /** Threads' processes by hart key; see {@link #threads}. */
  private java.util.SortedMap<String, String> threads = new TreeMap<>();
  /** Each process's fd table by its key (a hart's own key, or a thread's process's). */
  private final TreeMap<String, TreeMap<Integer, Obj>> procFds = new TreeMap<>();

  /**
   * Says which harts are threads of one process ({@code world/a} → {@code world/p}): they share its fds,
   * as CLONE_FILES threads share one table. Before the run.
   */
  public ReadOnlyDevices threads(java.util.SortedMap<String, String> threads) {
    this.threads = new TreeMap<>(threads);
    return this;
  }

  private HartLog hart(String name) {
    HartLog h = harts.get(name);
    if (h == null) {
      h = new HartLog(name, procFds.computeIfAbsent(threads.getOrDefault(name, name), k -> new TreeMap<>()));
      harts.put(name, h);
      hartOrder.add(h);
    }
    return h;
  }

  private void started(Calls.Started s) {
    HartLog h = hart(s.hart());
    h.current = s;
    h.currentStart = seq++;
    h.backing.clear();
    inFlight++;
    if (!(s.call() instanceof Syscall)) {
      off = true; // a library call made as one call of the process: its syscalls are not seen
    }
  }

  private void returned(Calls.Returned r, Verdict verdict) {
    HartLog h = harts.get(r.hart());
    if (h == null || h.current == null || h.current.index() != r.index()) {
      return;
    }
    Calls.Started s = h.current;
    long end = seq++;
    h.current = null;
    inFlight--;
    if (!off) {
      record(h, s, r.result(), end);
    }
    if (inFlight == 0 && !off) {
      settle(verdict);
    }
  }

  /** The call's op on its device (if any), and the fd table after it. {@code result} null: unknown. */
  private void record(HartLog h, Calls.Started s, Object result, long end) {
    SysResult res = result instanceof SysResult x ? x : null;
    boolean ok = res instanceof SysResult.Ok;
    boolean maybe = res == null;
    long value = res instanceof SysResult.Ok o ? o.value() : -1;
    Syscall call = (Syscall) s.call();
    int hart = hartOrder.indexOf(h);
    String shown = h.name + ": " + s.text() + " = " + shown(result, end);
    int dev = -1;
    int effect = NONE;
    int roValues = 0;
    int check = 0;
    if (ok) {
      follow(h, call, res);
    }
    if (call instanceof Syscall.Ioctl i) {
      Obj o = obj(h, i.fd().value());
      if (o != null && o.control() && (ok || maybe)) {
        String cmd = i.cmdName();
        if (cmd.equals("LOOP_CTL_REMOVE") || cmd.equals("LOOP_CTL_ADD")) {
          off = true; // a device starts again: not followed
          return;
        }
      }
      if (o != null && o.dev() >= 0 && (ok || maybe)) {
        dev = o.dev();
        switch (i.cmdName()) {
          case "LOOP_SET_FD" -> {
            effect = BIND;
            roValues = i.arg() instanceof Syscall.Ioctl.File f ? backingRo(h, f.fd().value(), false) : 3;
          }
          case "LOOP_CONFIGURE" -> {
            effect = BIND;
            if (i.arg() instanceof Syscall.Ioctl.Config k) {
              roValues = (k.info().flags() & LO_FLAGS_READ_ONLY) != 0 ? 2 : backingRo(h, k.fd().value(), false);
            } else {
              roValues = 3;
            }
          }
          case "LOOP_CLR_FD" -> effect = linux ? LOOSE : CLR;
          case "LOOP_SET_STATUS", "LOOP_SET_STATUS64" -> {
            if (!linux) {
              effect = SET_RO;
              Integer flags = i.arg() instanceof Syscall.Ioctl.Status st ? (Integer) st.info().flags()
                  : i.arg() instanceof Syscall.Ioctl.Status64 st ? (Integer) st.info().flags() : null;
              roValues = flags == null ? 3 : (flags & LO_FLAGS_READ_ONLY) != 0 ? 2 : 1;
            }
          }
          case "BLKROSET" -> {
            effect = linux ? SET_BD_RO : SET_RO;
            roValues = i.arg() instanceof Syscall.Ioctl.Int v ? (v.value() != 0 ? 2 : 1) : 3;
          }
          default -> { }
        }
      }
    } else if (call instanceof Syscall.Close c && linux) {
      Obj o = obj(h, c.fd().value());
      if (o != null && o.dev() >= 0) {
        dev = o.dev();
        effect = LOOSE; // the last close may unbind (autoclear, rundown)
      }
    } else if (call instanceof Syscall.MkfsExt4 m) {
      int n = loopPath(m.device());
      if (n >= 0 && ok) {
        dev = n;
        check = CHECK_WRITE;
      }
    } else {
      int out = writeTarget(call);
      Obj o = out < 0 ? null : obj(h, out);
      if (o != null && o.dev() >= 0 && ok && value > 0) {
        dev = o.dev();
        check = CHECK_WRITE;
      }
    }
    if (call instanceof Syscall.Close c && ok) {
      h.fds.remove(c.fd().value());
    }
    List<Integer> devices = new ArrayList<>();
    if (dev >= 0) {
      devices.add(dev);
    }
    for (int b : h.backing) {
      if (!devices.contains(b)) {
        devices.add(b);
      }
    }
    for (int d : devices) {
      Op op = new Op(hart, shown, h.currentStart);
      op.end = end;
      op.returned = end != Long.MAX_VALUE;
      op.maybe = maybe;
      if (d == dev) {
        op.effect = effect;
        op.roValues = roValues;
        op.check = check;
      }
      if (h.backing.contains(d)) {
        op.check |= CHECK_BACKING;
      }
      if (op.effect != NONE || op.check != 0) {
        window.computeIfAbsent(d, k -> new ArrayList<>()).add(op);
      }
    }
    h.backing.clear();
  }

  private static String shown(Object result, long end) {
    if (end == Long.MAX_VALUE) {
      return "(pending)";
    }
    if (result instanceof SysResult.Ok ok) {
      return Long.toString(ok.value());
    }
    if (result instanceof SysResult.Err e) {
      return e.errno().name();
    }
    return "?";
  }

  /** The fd a write-family call writes to, or -1. */
  private static int writeTarget(Syscall call) {
    if (call instanceof Syscall.Write w) {
      return w.fd().value();
    } else if (call instanceof Syscall.Pwrite64 w) {
      return w.fd().value();
    } else if (call instanceof Syscall.Writev w) {
      return w.fd().value();
    } else if (call instanceof Syscall.Pwritev w) {
      return w.fd().value();
    } else if (call instanceof Syscall.Pwritev2 w) {
      return w.fd().value();
    } else if (call instanceof Syscall.Sendfile w) {
      return w.out().value();
    } else if (call instanceof Syscall.CopyFileRange w) {
      return w.out().value();
    } else if (call instanceof Syscall.Splice w) {
      return w.out().value();
    }
    return -1;
  }

  /** LOOP_SET_FD / LOOP_CONFIGURE's fd: read-only values {@code 2} (O_RDONLY), {@code 1}, or {@code 3} unknown. */
  private int backingRo(HartLog h, int fd, boolean flagRo) {
    Obj o = obj(h, fd);
    if (o == null) {
      return 3;
    }
    return o.roOpen() || flagRo ? 2 : 1;
  }

  private Obj obj(HartLog h, int fd) {
    return fd < 0 ? null : h.fds.get(fd);
  }

  /** The fd table after a successful call. */
  private void follow(HartLog h, Syscall call, SysResult res) {
    long value = ((SysResult.Ok) res).value();
    if (call instanceof Syscall.Open o) {
      int n = loopPath(o.path());
      boolean ro = (o.flags() & O_ACCMODE) == O_RDONLY;
      h.fds.put((int) value, n >= 0 ? new Obj(n, false, ro)
          : new Obj(-1, normalise(o.path()).equals("/dev/loop-control"), ro));
    } else if (call instanceof Syscall.Dup d) {
      copyFd(h, d.fd().value(), (int) value);
    } else if (call instanceof Syscall.Fcntl f) {
      if (f.cmd() == F_DUPFD || f.cmd() == 1030) { // F_DUPFD_CLOEXEC
        copyFd(h, f.fd().value(), (int) value);
      }
    } else if (call instanceof Syscall.MemfdCreate) {
      h.fds.put((int) value, Obj.OTHER_RW);
    } else if (call instanceof Syscall.Pipe2) {
      if (((SysResult.Ok) res).data() instanceof List<?> l) {
        for (Object x : l) {
          if (x instanceof Number n) {
            h.fds.put(n.intValue(), Obj.OTHER_RW);
          }
        }
      }
    } else if (call instanceof Syscall.Mount m) {
      if (covers(m.target())) {
        off = true;
      }
    } else if (call instanceof Syscall.PivotRoot) {
      off = true;
    }
  }

  private static void copyFd(HartLog h, int from, int to) {
    Obj o = from < 0 ? null : h.fds.get(from);
    h.fds.put(to, o == null ? Obj.OTHER_RW : o);
  }

  /** Whether a mount on {@code target} may change where {@code /dev/loopN} leads. */
  private static boolean covers(String target) {
    String t = normalise(target);
    return t.equals("/") || t.equals("/dev") || t.startsWith("/dev/");
  }

  /** The loop device {@code path} names ({@code /dev/loopN}, spelled any way a walk accepts), or -1. */
  static int loopPath(String path) {
    String p = normalise(path);
    if (!p.startsWith("/dev/loop")) {
      return -1;
    }
    String n = p.substring("/dev/loop".length());
    if (n.isEmpty() || n.length() > 9) {
      return -1;
    }
    for (int i = 0; i < n.length(); i++) {
      if (!Character.isDigit(n.charAt(i))) {
        return -1;
      }
    }
    return Integer.parseInt(n);
  }

  /** {@code //dev/./loop0} → {@code /dev/loop0}; a path with ".." (EINVAL in the model) is left as it is. */
  private static String normalise(String path) {
    return path.contains("..") ? path : Walk.normalised(path);
  }

  // ==== the search ====

  private boolean writable(int s, int check) {
    if (linux) {
      return (check & CHECK_WRITE) != 0 ? (s & (LO_RO | BD_RO)) == 0 : (s & LO_RO) == 0;
    }
    return (s & BOUND) != 0 && (s & LO_RO) == 0;
  }

  /** The states {@code op} may leave from {@code s}, as a mask. */
  private static int after(Op op, int s) {
    int m;
    if (op.effect == BIND) {
      m = ro(op.roValues, s | BOUND, LO_RO);
    } else if (op.effect == CLR) {
      m = 1 << (s & ~BOUND);
    } else if (op.effect == SET_RO) {
      m = ro(op.roValues, s, LO_RO);
    } else if (op.effect == SET_BD_RO) {
      m = ro(op.roValues, s, BD_RO);
    } else if (op.effect == LOOSE) {
      m = ro(3, s, LO_RO);
    } else {
      m = 1 << s;
    }
    return op.maybe ? m | 1 << s : m;
  }

  private static int ro(int values, int s, int bit) {
    int m = 0;
    if ((values & 1) != 0) {
      m |= 1 << (s & ~bit);
    }
    if ((values & 2) != 0) {
      m |= 1 << (s | bit);
    }
    return m;
  }

  /** One device's window, per hart in program order. */
  private final class Search {
    final Op[][] calls;
    final int[] taken;
    final long[] radix;
    final HashSet<Long> seen = new HashSet<>();
    /** The op whose check is left out ({@code null}: none), and the states it was taken in. */
    final Op relaxed;
    int seenAt;
    int ends;
    int visits;
    boolean over;

    Search(List<Op> ops, Op relaxed) {
      TreeMap<Integer, List<Op>> byHart = new TreeMap<>();
      for (Op op : ops) {
        byHart.computeIfAbsent(op.hart, k -> new ArrayList<>()).add(op);
      }
      calls = new Op[byHart.size()][];
      int i = 0;
      for (List<Op> l : byHart.values()) {
        calls[i++] = l.toArray(new Op[0]);
      }
      taken = new int[calls.length];
      radix = new long[calls.length];
      long r = STATES;
      for (int h = 0; h < calls.length; h++) {
        radix[h] = r;
        r *= calls[h].length + 1; // a device's window holds few calls: this does not overflow in practice
      }
      this.relaxed = relaxed;
    }

    void dfs(int s, long code) {
      if (over || !seen.add(code + s)) {
        return;
      }
      if (++visits > BUDGET) {
        over = true;
        return;
      }
      long minEnd = Long.MAX_VALUE;
      boolean done = true;
      for (int h = 0; h < calls.length; h++) {
        int p = taken[h];
        if (p < calls[h].length) {
          minEnd = Math.min(minEnd, calls[h][p].end);
          if (calls[h][p].returned || p < calls[h].length - 1) {
            done = false;
          }
        }
      }
      if (done) {
        ends |= 1 << s;
      }
      for (int h = 0; h < calls.length; h++) {
        int p = taken[h];
        if (p == calls[h].length) {
          continue;
        }
        Op op = calls[h][p];
        if (op.start > minEnd) {
          continue;
        }
        if (op == relaxed) {
          seenAt |= 1 << s;
        } else if (op.check != 0 && relaxed == null && !writable(s, op.check)) {
          continue;
        }
        int next = after(op, s);
        taken[h] = p + 1;
        for (int t = 0; t < STATES; t++) {
          if ((next & 1 << t) != 0) {
            dfs(t, code + radix[h]);
          }
        }
        taken[h] = p;
      }
    }

    /** Runs from every state in {@code from}; false when over budget. */
    boolean run(int from) {
      for (int s = 0; s < STATES; s++) {
        if ((from & 1 << s) != 0) {
          dfs(s, 0);
        }
      }
      return !over;
    }
  }

  /** No call is in flight (or the run ended): each device's window is settled, or fails the run. */
  private void settle(Verdict verdict) {
    for (var e : window.entrySet()) {
      int dev = e.getKey();
      List<Op> ops = e.getValue();
      int from = frontier.getOrDefault(dev, 1); // unbound, writable
      Search search = new Search(ops, null);
      if (!search.run(from)) {
        frontier.put(dev, ALL); // undecided: anything from here
        overBudget = true;
        continue;
      }
      if (search.ends == 0) {
        failed = true;
        verdict.fail(explain(dev, ops, from));
        window.clear();
        return;
      }
      frontier.put(dev, search.ends);
    }
    window.clear();
  }

  /** The failure: the first checked call that no order lets write, with what the device is when it runs. */
  private String explain(int dev, List<Op> ops, int from) {
    List<String> changes = new ArrayList<>();
    for (Op op : ops) {
      if (op.effect != NONE) {
        changes.add(op.shown);
      }
    }
    String changed = changes.isEmpty() ? "no call changes loop" + dev + " meanwhile"
        : "the calls that change loop" + dev + ": " + String.join("; ", changes);
    for (Op op : ops) {
      if (op.check == 0) {
        continue;
      }
      Search alone = new Search(ops, op);
      alone.run(from);
      boolean could = false;
      List<String> states = new ArrayList<>();
      for (int s = 0; s < STATES; s++) {
        if ((alone.seenAt & 1 << s) != 0) {
          could |= writable(s, op.check);
          String d = describe(s);
          if (!states.contains(d)) {
            states.add(d);
          }
        }
      }
      if (!could) {
        String what = (op.check & CHECK_BACKING) != 0 ? "wrote to loop" + dev + "'s backing file"
            : "wrote through loop" + dev;
        return op.shown + " " + what + ", but in no order of the calls is loop" + dev + " writable when it runs"
            + (states.isEmpty() ? "" : ": it " + String.join(" or ", states)) + " (" + changed + ")";
      }
    }
    return "the writes through loop" + dev + " cannot all find it writable in one order of the calls (" + changed + ")";
  }

  private String describe(int s) {
    List<String> d = new ArrayList<>();
    if (!linux && (s & BOUND) == 0) {
      d.add("has no backing file");
    }
    if ((s & LO_RO) != 0) {
      d.add(linux ? "is bound with LO_FLAGS_READ_ONLY" : "is read-only");
    }
    if ((s & BD_RO) != 0) {
      d.add("is read-only (BLKROSET)");
    }
    return d.isEmpty() ? "is writable" : String.join(" and ", d);
  }
}
