package kernsim.oracle;

import static kernsim.fs.file.Uapi.F_DUPFD;
import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_APPEND;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_PATH;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_TRUNC;
import static kernsim.fs.vfs.Flags.MS_BIND;
import static kernsim.fs.vfs.Flags.MS_MOVE;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.actors.Monitor;
import kernsim.cpu.Calls;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.Syscall;
import kernsim.dev.SysResult;
import kernsim.fs.file.RamFile;
import kernsim.fs.file.Uapi;

/**
 * The {@code file-contents} oracle: what reads of tmpfs and ext4 regular files return is what some
 * sequential order of the calls allows. Each file is an object of its own (linearizability is local):
 * its calls — writes (write, pwrite64, writev, pwritev; O_APPEND at the end), ftruncate and truncate,
 * fallocate (mode 0: the length becomes {@code max(length, offset + len)}), open with O_TRUNC — change
 * its bytes; its reads (read, pread64, readv, preadv) and {@code lseek(fd, d, SEEK_END)} observe them. A
 * run fails when no order of a file's calls, consistent with real time and each hart's program order,
 * gives every read the bytes (and the count) it returned and every SEEK_END the position. So a write
 * that extended a file and a concurrent fallocate that cut it back again, which no order gives, fail
 * the run at the read that sees the shorter file.
 *
 * <p>What the oracle does not know it does not check. A file's bytes and length are unknown until an
 * O_TRUNC open (the {@code file} setup command has one) or an O_CREAT|O_EXCL open makes it empty, and
 * bytes stay unknown where no write put them; a read of unknown bytes is not checked. A file is
 * followed by its path, with a generation per mount point crossed, so a mount or umount2 over its
 * path starts a new, unknown file; an open that overlaps a mount change is not followed. It stops
 * following a file for the rest of the run when something else may write it: a loop device bound to it
 * (LOOP_SET_FD, LOOP_CONFIGURE), the destination of sendfile, copy_file_range or splice, a failed
 * write, truncate or fallocate (an ext4 error may leave part of it), or a file over {@link #MAX_LEN}
 * bytes; and stops altogether after a Monogon operation, MS_BIND, MS_MOVE, an overlay mount or
 * pivot_root (one file may then have two paths). Memfds and pipes are not followed. What a tmpfs file
 * holds at the end of a run is checked too: its actor reports each write and change of length
 * ({@code RamFile.Written}, {@code Changed}) and each open the file it found ({@code Calls.Opened}), so at
 * the end the bytes those show must be one of the contents some order of the file's calls leaves, even
 * when no read looks. An ext4 file's end is checked only as far as the run reads it (ext4 reports no
 * bytes).
 *
 * <p>Calls are settled whenever none is in flight, as the errno oracle's windows are; a file whose
 * window is over {@link #BUDGET} configurations, or ends in more than {@link #MAX_ENDS} contents, is
 * let pass and unknown from there, and the run reported not decided ({@link #incomplete}). Files that no call reads cost one step per call.
 */
public final class FileContents implements Monitor {
  public static final String NAME = "file-contents";

  static final int BUDGET = 100_000;
  static final int MAX_ENDS = 64;
  static final int MAX_LEN = 64 * 1024;

  /**
   * A file's contents as known: its length ({@code -1} unknown, at least {@code minLen}), and each byte
   * below the length (or below {@code minLen}) with whether it is known. Immutable, with value equality.
   */
  static final class Content {
    static final Content UNKNOWN = new Content(-1, 0, new byte[0], new byte[0]);
    static final Content EMPTY = new Content(0, 0, new byte[0], new byte[0]);

    final int len;
    final int minLen;
    final byte[] data;
    final byte[] known;
    private final int hash;

    Content(int len, int minLen, byte[] data, byte[] known) {
      this.len = len;
      this.minLen = minLen;
      this.data = data;
      this.known = known;
      this.hash = (31 * (31 * len + minLen) + Arrays.hashCode(data)) * 31 + Arrays.hashCode(known);
    }

    /** The bytes the file holds at least (its length, or its least length). */
    int extent() {
      return len >= 0 ? len : minLen;
    }

    Content write(long off, byte[] bytes) {
      if (off + bytes.length > MAX_LEN) {
        return null;
      }
      int o = (int) off;
      int end = Math.max(extent(), o + bytes.length);
      byte[] d = Arrays.copyOf(data, end);
      byte[] k = Arrays.copyOf(known, end);
      if (len >= 0) {
        for (int i = len; i < o; i++) {
          k[i] = 1; // the hole reads as zeros
        }
      }
      System.arraycopy(bytes, 0, d, o, bytes.length);
      Arrays.fill(k, o, o + bytes.length, (byte) 1);
      return len >= 0 ? new Content(end, 0, d, k) : new Content(-1, end, d, k);
    }

    Content setLen(long l) {
      if (l > MAX_LEN) {
        return null;
      }
      int n = (int) l;
      byte[] d = Arrays.copyOf(data, n);
      byte[] k = Arrays.copyOf(known, n);
      if (len >= 0) {
        for (int i = len; i < n; i++) {
          k[i] = 1; // zeros
        }
      } else {
        for (int i = minLen; i < n; i++) {
          k[i] = 0; // old bytes or zeros: unknown
        }
      }
      return new Content(n, 0, d, k);
    }

    Content atLeast(long l) {
      if (len >= 0) {
        return l > len ? setLen(l) : this;
      }
      return l > MAX_LEN ? null : new Content(-1, (int) Math.max(minLen, l), Arrays.copyOf(data, (int) Math.max(minLen, l)),
          Arrays.copyOf(known, (int) Math.max(minLen, l)));
    }

    /** Whether a read of {@code count} bytes at {@code off} may return {@code got}. */
    boolean reads(long off, int count, byte[] got) {
      if (len >= 0) {
        long n = Math.max(0, Math.min(count, len - off));
        if (got.length != n) {
          return false;
        }
      } else if (got.length < count && off + got.length < minLen) {
        return false; // an end of file before bytes known to be there
      }
      for (int i = 0; i < got.length; i++) {
        long at = off + i;
        if (at < known.length && known[(int) at] != 0 && data[(int) at] != got[i]) {
          return false;
        }
      }
      return true;
    }

    /** Whether SEEK_END may have found the end at {@code end}. */
    boolean endsAt(long end) {
      return len >= 0 ? len == end : end >= minLen;
    }

    String describe() {
      if (len < 0) {
        return "of unknown length, at least " + minLen + " bytes";
      }
      StringBuilder b = new StringBuilder(len + " bytes");
      if (len <= 40) {
        b.append(" \"");
        for (int i = 0; i < len; i++) {
          b.append(known[i] == 0 ? '?' : data[i] >= 0x20 && data[i] < 0x7f ? (char) data[i] : '.');
        }
        b.append('"');
      }
      return b.toString();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Content c && hash == c.hash && len == c.len && minLen == c.minLen
          && Arrays.equals(data, c.data) && Arrays.equals(known, c.known);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  // Op kinds.
  private static final int EMPTY = 1;
  private static final int WRITE = 2;
  private static final int APPEND = 3;
  private static final int SET_LEN = 4;
  private static final int AT_LEAST = 5;
  private static final int READ = 6;
  private static final int END_AT = 7;

  private static final class Op {
    final int hart;
    final String shown;
    final long start;
    long end;
    boolean returned;
    int kind;
    long off;
    int count;
    byte[] bytes;

    Op(int hart, String shown, long start) {
      this.hart = hart;
      this.shown = shown;
      this.start = start;
    }
  }

  /** An open file description: the file (null: not followed), its position (-1 unknown), its mode. */
  private static final class Desc {
    final String file;
    long pos;
    final boolean append;

    Desc(String file, boolean append) {
      this.file = file;
      this.append = append;
    }
  }

  private static final class HartLog {
    final String name;
    /** The fds of the hart's process: its own, or shared with the other threads of its process. */
    final TreeMap<Integer, Desc> fds;
    Calls.Started current;
    long currentStart;
    /** A mount change overlapped the current call (its path may lead to either side). */
    boolean layoutMoved;
    /** The fd and tmpfs file the current open reported ({@link Calls.Opened}), or null. */
    String openedFile;
    int openedFd = -1;

    HartLog(String name, TreeMap<Integer, Desc> fds) {
      this.name = name;
      this.fds = fds;
    }
  }

  /**
   * A tmpfs file's bytes as its actor's observations show them ({@link RamFile.Written}, {@link RamFile.Changed}):
   * its length ({@code -1} until a change shows it) and each byte a write or a zero fill made known.
   */
  private static final class Actual {
    int len = -1;
    byte[] data = new byte[0];
    byte[] known = new byte[0];
    /** A write was just seen: the next Changed is its new length, not a truncate. */
    boolean written;
    /** Past {@link #MAX_LEN} at some point: not followed (as {@link Content} is not), so anything fits. */
    boolean big;

    void grow(int n) {
      if (n > data.length) {
        data = Arrays.copyOf(data, n);
        known = Arrays.copyOf(known, n);
      }
    }

    void write(long off, byte[] bytes) {
      if (big || off + bytes.length > MAX_LEN) {
        big = true;
        return;
      }
      int o = (int) off;
      grow(o + bytes.length);
      if (len >= 0) {
        for (int i = len; i < o; i++) {
          known[i] = 1; // a hole reads as zeros
          data[i] = 0;
        }
      }
      System.arraycopy(bytes, 0, data, o, bytes.length);
      Arrays.fill(known, o, o + bytes.length, (byte) 1);
      written = true;
    }

    void changed(long length) {
      if (big || length > MAX_LEN) {
        big = true;
        return;
      }
      int l = (int) length;
      if (!written) { // a truncate: shrinks, or grows with zeros
        grow(l);
        if (len >= 0) {
          for (int i = len; i < l; i++) {
            known[i] = 1;
            data[i] = 0;
          }
        }
        for (int i = l; i < known.length; i++) {
          known[i] = 0;
        }
      }
      written = false;
      len = l;
    }

    /** Whether {@code c} may be these bytes: the same length where both know it, no known byte differing. */
    boolean fits(Content c) {
      if (big) {
        return true;
      }
      if (len >= 0 && c.len >= 0 && len != c.len) {
        return false;
      }
      if (len >= 0 && c.len < 0 && len < c.minLen) {
        return false;
      }
      int n = Math.min(len >= 0 ? len : known.length, c.known.length);
      for (int i = 0; i < n; i++) {
        if (i < known.length && known[i] != 0 && c.known[i] != 0 && data[i] != c.data[i]) {
          return false;
        }
      }
      return true;
    }

    String describe() {
      if (len < 0) {
        return "bytes of unknown length";
      }
      StringBuilder b = new StringBuilder(len + " bytes");
      if (len <= 40) {
        b.append(" \"");
        for (int i = 0; i < len; i++) {
          b.append(i >= known.length || known[i] == 0 ? '?' : data[i] >= 0x20 && data[i] < 0x7f ? (char) data[i] : '.');
        }
        b.append('"');
      }
      return b.toString();
    }
  }

  private final HashMap<String, HartLog> harts = new HashMap<>();
  /** A followed file (path and generations) → the actor of the tmpfs file its last open found. */
  private final TreeMap<String, String> actorOf = new TreeMap<>();
  /** A tmpfs file's actor → its bytes as observed. */
  private final TreeMap<String, Actual> actual = new TreeMap<>();
  private final List<HartLog> hartOrder = new ArrayList<>();
  /** Mount point → how many times a mount or unmount there completed. */
  private final TreeMap<String, Integer> generations = new TreeMap<>();
  /** File → the contents it may have at the last settled point (absent: unknown). */
  private final TreeMap<String, Set<Content>> frontier = new TreeMap<>();
  private final TreeMap<String, List<Op>> window = new TreeMap<>();
  /** File → the last calls that changed it in settled windows, for reports. */
  private final TreeMap<String, List<String>> earlier = new TreeMap<>();
  /** Files not followed any more. */
  private final TreeSet<String> wild = new TreeSet<>();
  private long seq;
  private int inFlight;
  private int mountsInFlight;
  private boolean off;
  private boolean failed;
  /** Why a file's window was let pass (one of the {@code UNDECIDED_} reasons), or null. */
  private String letPass;

  /** {@link #incomplete}'s reasons: a file's window let pass, the file unknown from there. */
  static final String UNDECIDED_BUDGET = String.format(java.util.Locale.ROOT,
      "search budget %,d configurations: a file's window let pass, unknown from there", BUDGET);
  static final String UNDECIDED_ENDS = "over " + MAX_ENDS + " contents after a file's window: unknown from there";

  /**
   * Not decided when a file's window went over {@link #BUDGET} or ended in more than {@link #MAX_ENDS}
   * contents: its calls, and the file after them, went unchecked.
   */
  @Override
  public Incomplete incomplete() {
    return letPass != null && !failed ? Incomplete.notDecided(letPass) : null;
  }

  public FileContents() {}

  /** The oracle from {@code start}'s boot state. */
  public FileContents(Start start) {
    frontier.putAll(start.frontier);
    wild.addAll(start.wild);
    generations.putAll(start.generations);
    off = start.off;
  }

  /** What a scenario's boot calls leave; computed once, shared by every run. */
  public static final class Start {
    private final TreeMap<String, Set<Content>> frontier;
    private final TreeSet<String> wild;
    private final TreeMap<String, Integer> generations;
    private final boolean off;

    private Start(FileContents o) {
      this.frontier = new TreeMap<>(o.frontier);
      this.wild = new TreeSet<>(o.wild);
      this.generations = new TreeMap<>(o.generations);
      this.off = o.off;
    }
  }

  /** The start after {@code calls}, each succeeding, as {@link ReadOnlyDevices#start} runs them. */
  public static Start start(List<Stmt> calls) {
    FileContents o = new FileContents();
    Verdict ignore = m -> {};
    for (Object x : BootCalls.observations(calls, true)) {
      o.onObservation(x, ignore);
    }
    return new Start(o);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object observation, Verdict verdict) {
    if (failed) {
      return;
    }
    if (observation instanceof Calls.Started s) {
      started(s);
    } else if (observation instanceof Calls.Returned r) {
      returned(r, verdict);
    } else if (observation instanceof Calls.Opened o) {
      HartLog h = hart(o.hart());
      h.openedFd = o.fd();
      h.openedFile = o.file();
    } else if (observation instanceof RamFile.Written w) {
      actual.computeIfAbsent(w.file(), k -> new Actual()).write(w.offset(), w.data());
    } else if (observation instanceof RamFile.Changed c) {
      actual.computeIfAbsent(c.file(), k -> new Actual()).changed(c.length());
    }
  }

  @Override
  public void onEnd(Verdict verdict) {
    if (failed || off) {
      return;
    }
    for (HartLog h : hartOrder) {
      if (h.current != null) {
        record(h, h.current, null, Long.MAX_VALUE);
      }
    }
    settle(verdict);
    if (!failed) {
      checkEnds(verdict);
    }
  }

  /**
   * What each followed tmpfs file holds at the end (as its actor's observations show it) is one of the
   * contents some order of its calls leaves.
   */
  private void checkEnds(Verdict verdict) {
    if (!threads.isEmpty()) {
      // Not yet with threads: the end states follow each thread's writes at positions of its own, so a
      // position shared through one fd table (CLONE_FILES) would read as a violation. Reads are checked.
      return;
    }
    for (var e : frontier.entrySet()) {
      String file = e.getKey();
      Actual a = actorOf.containsKey(file) ? actual.get(actorOf.get(file)) : null;
      if (a == null || wild.contains(file)) {
        continue;
      }
      boolean fits = false;
      List<String> may = new ArrayList<>();
      for (Content c : e.getValue()) {
        fits |= a.fits(c);
        if (may.size() < 4 && !may.contains(c.describe())) {
          may.add(c.describe());
        }
      }
      if (!fits) {
        failed = true;
        String path = file.substring(0, file.indexOf('@'));
        List<String> past = earlier.getOrDefault(file, List.of());
        verdict.fail("at the end of the run " + path + " holds " + a.describe() + ", but no order of the calls leaves"
            + " that: it may hold " + String.join(" or ", may)
            + (past.isEmpty() ? "" : " (the last calls that change it: " + String.join("; ", past) + ")"));
        return;
      }
    }
  }

  /** Threads' processes by hart key; see {@link #threads}. */
  private java.util.SortedMap<String, String> threads = new TreeMap<>();
  /** Each process's fd table by its key (a hart's own key, or a thread's process's). */
  private final TreeMap<String, TreeMap<Integer, Desc>> procFds = new TreeMap<>();

  /**
   * Says which harts are threads of one process ({@code world/a} → {@code world/p}): they share its fds,
   * as CLONE_FILES threads share one table. Before the run.
   */
  public FileContents threads(java.util.SortedMap<String, String> threads) {
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

  private static boolean changesMounts(kernsim.cpu.call.Call c) {
    return c instanceof Syscall.Mount || c instanceof Syscall.Umount2;
  }

  private void started(Calls.Started s) {
    HartLog h = hart(s.hart());
    h.current = s;
    h.openedFile = null;
    h.currentStart = seq++;
    h.layoutMoved = mountsInFlight > 0;
    inFlight++;
    if (!(s.call() instanceof Syscall) || s.call() instanceof Syscall.PivotRoot) {
      off = true;
    } else if (s.call() instanceof Syscall.Mount m && ((m.flags() & (MS_BIND | MS_MOVE)) != 0 || "overlay".equals(m.type()))) {
      off = true;
    }
    if (changesMounts(s.call())) {
      mountsInFlight++;
      for (HartLog o : hartOrder) {
        if (o.current != null) {
          o.layoutMoved = true;
        }
      }
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
    if (changesMounts(s.call())) {
      mountsInFlight--;
      if (r.result() instanceof SysResult.Ok || !(r.result() instanceof SysResult)) {
        String t = s.call() instanceof Syscall.Mount m ? m.target() : ((Syscall.Umount2) s.call()).target();
        generations.merge(normalise(t), 1, Integer::sum);
      }
    }
    if (!off) {
      record(h, s, r.result(), end);
    }
    if (inFlight == 0 && !off) {
      settle(verdict);
    }
  }

  /** {@code path} as the file it names now: the path and the generation of each mount point above it. */
  private String key(String path) {
    String[] prefixes = Walk.prefixes(path);
    StringBuilder b = new StringBuilder(prefixes.length == 0 ? "/" : prefixes[prefixes.length - 1]).append('@');
    b.append(generations.getOrDefault("/", 0));
    if (prefixes.length == 0) {
      b.append('.').append(generations.getOrDefault("/", 0)); // the root's key has always named it twice
    }
    for (String prefix : prefixes) {
      b.append('.').append(generations.getOrDefault(prefix, 0));
    }
    return b.toString();
  }

  private static String normalise(String path) {
    return Walk.normalised(path);
  }

  private Desc desc(HartLog h, int fd) {
    return fd < 0 ? null : h.fds.get(fd);
  }

  private void record(HartLog h, Calls.Started s, Object result, long end) {
    SysResult res = result instanceof SysResult x ? x : null;
    boolean ok = res instanceof SysResult.Ok;
    boolean failedCall = res instanceof SysResult.Err;
    long value = ok ? ((SysResult.Ok) res).value() : -1;
    byte[] data = ok && ((SysResult.Ok) res).data() instanceof byte[] b ? b : null;
    Syscall call = (Syscall) s.call();
    int hart = hartOrder.indexOf(h);
    String shown = h.name + ": " + s.text() + " = " + (end == Long.MAX_VALUE ? "(pending)"
        : ok ? Long.toString(value) : res == null ? "?" : res.errno().name());
    Op op = new Op(hart, shown, h.currentStart);
    op.end = end;
    op.returned = end != Long.MAX_VALUE;
    String file = null;
    boolean changes = false; // a call that may change the file's bytes
    if (call instanceof Syscall.Open o) {
      if (ok && (o.flags() & O_PATH) == 0) {
        boolean followed = !h.layoutMoved && !isDevice(o.path());
        String k = followed ? key(o.path()) : null;
        Desc d = new Desc(k == null || wild.contains(k) ? null : k, (o.flags() & O_APPEND) != 0);
        h.fds.put((int) value, d);
        if (d.file != null && h.openedFile != null && h.openedFd == value) {
          actorOf.put(d.file, h.openedFile);
        }
        boolean writes = (o.flags() & O_ACCMODE) != O_RDONLY;
        if (d.file != null && ((o.flags() & O_TRUNC) != 0 && writes
            || (o.flags() & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))) {
          file = d.file;
          op.kind = EMPTY;
        }
      } else if (!ok && (o.flags() & O_TRUNC) != 0 && (o.flags() & O_ACCMODE) != O_RDONLY && !isDevice(o.path())) {
        forget(h.layoutMoved ? null : key(o.path())); // the truncate may have run before the failure
      }
    } else if (call instanceof Syscall.Dup d) {
      if (ok) {
        h.fds.put((int) value, shared(h, d.fd().value()));
      }
    } else if (call instanceof Syscall.Fcntl f) {
      if (ok && (f.cmd() == F_DUPFD || f.cmd() == 1030)) {
        h.fds.put((int) value, shared(h, f.fd().value()));
      }
    } else if (call instanceof Syscall.Close c) {
      if (ok) {
        h.fds.remove(c.fd().value());
      }
    } else if (call instanceof Syscall.MemfdCreate || call instanceof Syscall.Pipe2) {
      if (ok) {
        List<Integer> made = new ArrayList<>();
        if (call instanceof Syscall.MemfdCreate) {
          made.add((int) value);
        } else if (((SysResult.Ok) res).data() instanceof List<?> l) {
          for (Object x : l) {
            if (x instanceof Number n) {
              made.add(n.intValue());
            }
          }
        }
        for (int fd : made) {
          h.fds.put(fd, new Desc(null, false));
        }
      }
    } else if (call instanceof Syscall.Write w) {
      file = writeAt(h, w.fd().value(), null, utf8(w.data()), op, ok, value, failedCall);
      changes = true;
    } else if (call instanceof Syscall.Writev w) {
      file = writeAt(h, w.fd().value(), null, utf8(String.join("", w.iov())), op, ok, value, failedCall);
      changes = true;
    } else if (call instanceof Syscall.Pwrite64 w) {
      file = writeAt(h, w.fd().value(), w.offset(), utf8(w.data()), op, ok, value, failedCall);
      changes = true;
    } else if (call instanceof Syscall.Pwritev w) {
      file = writeAt(h, w.fd().value(), w.offset(), utf8(String.join("", w.iov())), op, ok, value, failedCall);
      changes = true;
    } else if (call instanceof Syscall.Pwritev2 w) {
      file = writeAt(h, w.fd().value(), w.offset() == -1 ? null : w.offset(), utf8(String.join("", w.iov())), op, ok,
          value, failedCall);
      changes = true;
    } else if (call instanceof Syscall.Read r) {
      file = readAt(h, r.fd().value(), null, r.count(), op, data);
    } else if (call instanceof Syscall.Pread64 r) {
      file = readAt(h, r.fd().value(), r.offset(), r.count(), op, data);
    } else if (call instanceof Syscall.Readv r) {
      file = readAt(h, r.fd().value(), null, total(r.iov()), op, data);
    } else if (call instanceof Syscall.Preadv r) {
      file = readAt(h, r.fd().value(), r.offset(), total(r.iov()), op, data);
    } else if (call instanceof Syscall.Preadv2 r) {
      file = readAt(h, r.fd().value(), r.offset() == -1 ? null : r.offset(), total(r.iov()), op, data);
    } else if (call instanceof Syscall.Lseek l) {
      Desc d = desc(h, l.fd().value());
      if (d != null && ok) {
        d.pos = value;
        if (l.whence() == Uapi.SEEK_END && d.file != null) {
          file = d.file;
          op.kind = END_AT;
          op.off = value - l.offset();
        }
      }
    } else if (call instanceof Syscall.Ftruncate t) {
      Desc d = desc(h, t.fd().value());
      file = d == null ? null : d.file;
      op.kind = SET_LEN;
      op.off = t.length();
      changes = true;
    } else if (call instanceof Syscall.Truncate t) {
      if (h.layoutMoved) {
        if (ok || res == null) {
          off = true; // which file it cut is not known
        }
      } else if (!isDevice(t.path())) {
        String k = key(t.path());
        file = wild.contains(k) ? null : k;
        op.kind = SET_LEN;
        op.off = t.length();
        changes = true;
      }
    } else if (call instanceof Syscall.Fallocate f) {
      Desc d = desc(h, f.fd().value());
      file = d == null ? null : d.file;
      op.kind = AT_LEAST;
      op.off = f.offset() + f.len();
      changes = true;
    } else if (call instanceof Syscall.Sendfile x) {
      forgetFd(h, x.out().value());
      unknownPos(h, x.in().value(), x.offset() == null);
    } else if (call instanceof Syscall.CopyFileRange x) {
      forgetFd(h, x.out().value());
      unknownPos(h, x.in().value(), x.offIn() == null);
    } else if (call instanceof Syscall.Splice x) {
      forgetFd(h, x.out().value());
      unknownPos(h, x.in().value(), x.offIn() == null);
    } else if (call instanceof Syscall.Ioctl i) {
      if (i.arg() instanceof Syscall.Ioctl.File f) {
        forgetFd(h, f.fd().value()); // a loop device may write it from now on
      } else if (i.arg() instanceof Syscall.Ioctl.Config k) {
        forgetFd(h, k.fd().value());
      }
    }
    if (file == null || wild.contains(file)) {
      return;
    }
    if (changes && failedCall) {
      forget(file); // an ext4 error may leave part of it done
      return;
    }
    if (op.kind == 0 || (!ok && res != null && !changes)) {
      return; // a failed read changes and shows nothing
    }
    window.computeIfAbsent(file, k -> new ArrayList<>()).add(op);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int total(List<Integer> iov) {
    long t = 0;
    for (int n : iov) {
      t += n;
    }
    return (int) Math.min(Integer.MAX_VALUE, t);
  }

  private static boolean isDevice(String path) {
    String p = normalise(path);
    return p.startsWith("/dev/") || p.startsWith("/sys/");
  }

  private Desc shared(HartLog h, int fd) {
    Desc d = desc(h, fd);
    return d == null ? new Desc(null, false) : d;
  }

  /** A write: the op (its offset from the call or the description's position), and the position after. */
  private String writeAt(HartLog h, int fd, Long offset, byte[] bytes, Op op, boolean ok, long n, boolean failedCall) {
    Desc d = desc(h, fd);
    if (d == null) {
      return null;
    }
    boolean append = offset == null && d.append;
    long at = offset != null ? offset : d.pos;
    if (offset == null) {
      if (ok && !append && d.pos >= 0) {
        d.pos += n;
      } else if (ok || !failedCall) {
        d.pos = -1; // an append ends at an end the oracle does not know; an unknown outcome anywhere
      }
    }
    if (d.file == null) {
      return null;
    }
    if (ok && n == 0) {
      op.kind = 0; // nothing written
      return d.file;
    }
    if (!append && at < 0) {
      forget(d.file); // a write at a position the oracle lost
      return null;
    }
    op.kind = append ? APPEND : WRITE;
    op.off = at;
    op.bytes = ok ? Arrays.copyOf(bytes, (int) Math.min(n, bytes.length)) : bytes;
    return d.file;
  }

  /** A read: checked when its offset is known; the position after. */
  private String readAt(HartLog h, int fd, Long offset, int count, Op op, byte[] got) {
    Desc d = desc(h, fd);
    if (d == null) {
      return null;
    }
    long at = offset != null ? offset : d.pos;
    if (offset == null) {
      d.pos = got == null || d.pos < 0 ? -1 : d.pos + got.length;
    }
    if (d.file == null || got == null || at < 0) {
      return null;
    }
    op.kind = READ;
    op.off = at;
    op.count = count;
    op.bytes = got;
    return d.file;
  }

  private void forgetFd(HartLog h, int fd) {
    Desc d = desc(h, fd);
    if (d != null) {
      d.pos = -1;
      forget(d.file);
    }
  }

  private void unknownPos(HartLog h, int fd, boolean usesPos) {
    Desc d = desc(h, fd);
    if (d != null && usesPos) {
      d.pos = -1;
    }
  }

  private void forget(String file) {
    if (file != null) {
      wild.add(file);
      window.remove(file);
      frontier.remove(file);
    }
  }

  // ==== the search ====

  /** The contents {@code op} may leave from {@code c} (null when it cannot run there), as a list. */
  private static List<Content> after(Op op, Content c) {
    Content n;
    switch (op.kind) {
      case EMPTY -> n = Content.EMPTY;
      case WRITE -> n = c.write(op.off, op.bytes);
      case APPEND -> n = c.len >= 0 ? c.write(c.len, op.bytes) : Content.UNKNOWN;
      case SET_LEN -> n = c.setLen(op.off);
      case AT_LEAST -> n = c.atLeast(op.off);
      case READ -> {
        return c.reads(op.off, op.count, op.bytes) ? List.of(c) : List.of();
      }
      case END_AT -> {
        return c.endsAt(op.off) ? List.of(c) : List.of();
      }
      default -> n = c;
    }
    if (n == null) {
      n = Content.UNKNOWN; // too big to follow
    }
    return op.returned ? List.of(n) : List.of(n, c);
  }

  private static boolean observes(Op op) {
    return op.kind == READ || op.kind == END_AT;
  }

  private final class Search {
    final Op[][] calls;
    final int[] taken;
    final long[] radix;
    final HashSet<Object> seen = new HashSet<>();
    final Op relaxed;
    final Set<Content> ends = new LinkedHashSet<>();
    final Set<Content> seenAt = new LinkedHashSet<>();
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
      long r = 1;
      for (int h = 0; h < calls.length; h++) {
        radix[h] = r;
        r *= calls[h].length + 1;
      }
      this.relaxed = relaxed;
    }

    void dfs(Content c, long code) {
      if (over || !seen.add(List.of(code, c))) {
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
        ends.add(c);
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
        List<Content> next;
        if (op == relaxed) {
          seenAt.add(c);
          next = List.of(c);
        } else if (relaxed != null && observes(op)) {
          next = List.of(c); // only the relaxed call is explained: other reads are not asked
        } else {
          next = after(op, c);
        }
        taken[h] = p + 1;
        for (Content n : next) {
          dfs(n, code + radix[h]);
        }
        taken[h] = p;
      }
    }

    boolean run(Set<Content> from) {
      for (Content c : from) {
        dfs(c, 0);
      }
      return !over;
    }
  }

  private void settle(Verdict verdict) {
    for (var e : window.entrySet()) {
      String file = e.getKey();
      List<Op> ops = e.getValue();
      Set<Content> from = frontier.getOrDefault(file, Set.of(Content.UNKNOWN));
      boolean anyRead = ops.stream().anyMatch(FileContents::observes);
      Search search = new Search(ops, null);
      if (!search.run(from) || search.ends.size() > MAX_ENDS) {
        frontier.remove(file); // undecided: unknown from here
        if (letPass == null) {
          letPass = search.over ? UNDECIDED_BUDGET : UNDECIDED_ENDS;
        }
        continue;
      }
      if (search.ends.isEmpty() && anyRead) {
        failed = true;
        verdict.fail(explain(file, ops, from));
        window.clear();
        return;
      }
      frontier.put(file, Set.copyOf(search.ends));
      List<String> past = earlier.computeIfAbsent(file, k -> new ArrayList<>());
      for (Op op : ops) {
        if (!observes(op)) {
          past.add(op.shown);
        }
      }
      while (past.size() > 4) {
        past.remove(0);
      }
    }
    window.clear();
  }

  private String explain(String file, List<Op> ops, Set<Content> from) {
    String path = file.substring(0, file.indexOf('@'));
    List<String> changes = new ArrayList<>();
    for (Op op : ops) {
      if (!observes(op)) {
        changes.add(op.shown);
      }
    }
    String changed = changes.isEmpty() ? "no call changes it meanwhile" : "the calls that change it: "
        + String.join("; ", changes);
    List<String> past = earlier.getOrDefault(file, List.of());
    if (!past.isEmpty()) {
      changed += "; before them, settled: " + String.join("; ", past);
    }
    for (Op op : ops) {
      if (!observes(op)) {
        continue;
      }
      Search alone = new Search(ops, op);
      alone.run(from);
      boolean could = false;
      List<String> states = new ArrayList<>();
      for (Content c : alone.seenAt) {
        could |= op.kind == READ ? c.reads(op.off, op.count, op.bytes) : c.endsAt(op.off);
        if (states.size() < 4 && !states.contains(c.describe())) {
          states.add(c.describe());
        }
      }
      if (!could) {
        return op.shown + " on " + path + ", but in no order of the calls does " + path + " hold that: when it runs "
            + path + " holds " + (states.isEmpty() ? "nothing it could read" : String.join(" or ", states))
            + " (" + changed + ")";
      }
    }
    return "the reads of " + path + " cannot all have their results in one order of the calls (" + changed + ")";
  }
}
