package kernsim.oracle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import kernsim.actors.Monitor;
import kernsim.cpu.Calls;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.Syscall;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;

/**
 * The {@code errno} oracle (errno conformance): a run fails when a call returned a result that the
 * profile's sequential semantics does not allow for it in any sequential order of the calls that
 * overlapped it. Each call is an interval from its {@link Calls.Started} to its {@link Calls.Returned}
 * (in observation order); some total order of all calls, consistent with real time and with each
 * hart's program order, must let the profile's {@link SequentialSpec} allow every call's outcome —
 * success, or the errno by name (success values are not compared; fds are followed).
 *
 * <p>Every hart's calls count, the setup hart's too (it runs alone, so its calls are simply applied in
 * order). Whenever no call is in flight, the calls since the last such point are settled: the set of
 * states they can end in becomes the start of the next window, and a window no order explains fails
 * the run at once. The last window is checked at the end of the run. The failure names the calls, their
 * results, and what each could have returned after the other (see {@link Linearizer}).
 *
 * <p>The check is a search (Wing and Gong, Lowe) memoised on (calls taken per hart, state), so a
 * sequential history costs one specification step per call. Searches are bounded; a window too large
 * to decide is let pass rather than reported. A window too large to settle (its budget falls with the
 * harts in it, see {@link #WINDOW_BUDGET}) is checked with the rest of the run at its end. Both say so
 * after the run ({@link #incomplete}): not decided, or checked late.
 */
public final class ErrnoConformance implements Monitor {
  public static final String NAME = "errno";

  /**
   * Configurations a settled window of up to {@link #WIDE} harts may explore before the oracle stops
   * settling windows early. A configuration costs a specification step per hart with a call left, so
   * a wider window's budget is cut in proportion ({@link #windowBudget}): about 60,000 steps whatever the
   * width. Settling a window searches every order of its calls, which grows exponentially with the
   * harts that overlap in it (32 harts sharing a device never settle), and the end-of-run check, which
   * stops at the first order it finds, decides what settling gave up on.
   */
  static final int WINDOW_BUDGET = 20_000;
  /** The widest window (in harts) that gets the whole {@link #WINDOW_BUDGET}. */
  static final int WIDE = 3;
  /** Configurations the end-of-run check may explore before it lets the run pass undecided. */
  static final int FINAL_BUDGET = 1_000_000;
  /** Most end states a settled window may have before the oracle stops settling windows early. */
  private static final int MAX_FRONTIER = 256;

  private static final class HartLog {
    final List<Call> calls = new ArrayList<>();
    int settled;
  }

  private final SequentialSpec spec;
  private final List<String> hartNames = new ArrayList<>();
  /** Hart name → index; looked up only, never iterated (indices follow first appearance). */
  private final HashMap<String, Integer> hartIndex = new HashMap<>();
  private final List<HartLog> harts = new ArrayList<>();
  private final Linearizer linearizer;
  /** The states the run starts from (the kernel's boot state). */
  private final List<SpecState> boot;
  private List<SpecState> frontier;
  private long seq;
  private int nextId;
  private int inFlight;
  private boolean settleOff;
  /** Why windows stopped being settled (one of the {@code LATE_} reasons), or null. */
  private String settledUntil;
  /** Whether the end-of-run check ran ({@link #onEnd}: not after a power loss), and ran out of its {@link #FINAL_BUDGET}. */
  private boolean ended;
  private boolean endUndecided;
  private boolean failed;

  /** {@link #incomplete}'s reasons: windows not settled, each a cap of {@link #settle}. */
  static final String LATE_OVERLAP = "windows not settled: 2^(calls in flight at once) orders over the settling budget";
  static final String LATE_BUDGET = "windows not settled: a window's search over the settling budget";
  static final String LATE_FRONTIER = "windows not settled: over " + MAX_FRONTIER + " end states";
  /** {@link #incomplete}'s reason when settling stopped and the world then lost power: no end-of-run check. */
  static final String NO_END = "windows not settled, then a power loss: no end-of-run check";
  /** {@link #incomplete}'s reason when the end-of-run check ran out of budget. */
  static final String UNDECIDED = String.format(java.util.Locale.ROOT, "search budget %,d configurations",
      FINAL_BUDGET);

  /** The oracle for the starry profile. */
  public ErrnoConformance() {
    this(Semantics.STARRY);
  }

  /** The oracle for {@code semantics}' profile and fixes ({@link SequentialSpec#of}). */
  public ErrnoConformance(Semantics semantics) {
    this(SequentialSpec.of(semantics));
  }

  ErrnoConformance(SequentialSpec spec) {
    this(spec, List.of(spec.initial()));
  }

  private ErrnoConformance(SequentialSpec spec, List<SpecState> boot) {
    this.spec = spec;
    this.linearizer = new Linearizer(spec, hartNames);
    this.boot = List.copyOf(boot);
    this.frontier = this.boot;
  }

  /** The oracle for {@code start}'s profile, from the state it describes. */
  public ErrnoConformance(Start start) {
    this(start.spec, start.states);
  }

  /**
   * Where the oracle starts when the kernel boots into a built state instead of running the calls that
   * would build it (see {@code cpu.Boot}): the states those calls leave, applied in order as a hart
   * running alone would make them. Immutable; compute it once per scenario and share it across runs.
   */
  public static final class Start {
    private final SequentialSpec spec;
    private final List<SpecState> states;

    private Start(SequentialSpec spec, List<SpecState> states) {
      this.spec = spec;
      this.states = states;
    }
  }

  /**
   * The start after {@code calls} (statements as the setup hart would run them) in {@code semantics}'
   * profile, each having succeeded; an fd a call assigns is the lowest free one from 3.
   *
   * @throws IllegalArgumentException if the profile's specification does not allow them all to succeed
   */
  public static Start start(Semantics semantics, List<Stmt> calls) {
    return start(semantics, calls, false);
  }

  /**
   * The same; with {@code injectedEio}, in a world whose fault plan injects I/O errors, where any call may
   * also fail with EIO ({@link SequentialSpec#withInjectedEio}).
   */
  public static Start start(Semantics semantics, List<Stmt> calls, boolean injectedEio) {
    SequentialSpec spec = injectedEio ? SequentialSpec.withInjectedEio(SequentialSpec.of(semantics))
        : SequentialSpec.of(semantics);
    ErrnoConformance o = new ErrnoConformance(spec);
    String[] failure = {null};
    Verdict verdict = m -> failure[0] = failure[0] == null ? m : failure[0];
    for (Object x : BootCalls.observations(calls, false)) {
      if (failure[0] != null) {
        break;
      }
      o.onObservation(x, verdict);
    }
    if (failure[0] == null && o.inFlight == 0 && !o.settleOff) {
      return new Start(spec, o.frontier);
    }
    throw new IllegalArgumentException("the " + semantics.profile() + " specification does not follow the boot calls "
        + calls + (failure[0] != null ? ": " + failure[0] : ""));
  }

  /** Checks a recorded run's observations (others are ignored): the failure message, if the run fails the oracle. */
  public static Optional<String> check(Semantics semantics, List<?> observations) {
    return check(new ErrnoConformance(semantics), observations);
  }

  static Optional<String> check(ErrnoConformance oracle, List<?> observations) {
    String[] failure = {null};
    Verdict verdict = message -> {
      if (failure[0] == null) {
        failure[0] = message;
      }
    };
    for (Object o : observations) {
      oracle.onObservation(o, verdict);
      if (failure[0] != null) {
        return Optional.of(failure[0]);
      }
    }
    oracle.onEnd(verdict);
    return Optional.ofNullable(failure[0]);
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
    }
  }

  @Override
  public void onEnd(Verdict verdict) {
    if (failed) {
      return;
    }
    ended = true;
    Call[][] window = window();
    if (window.length == 0) {
      return;
    }
    Linearizer.Verdict v = linearizer.check(frontier, window, FINAL_BUDGET);
    if (v == Linearizer.Verdict.NOT_LINEARIZABLE) {
      fail(window, verdict);
    }
    endUndecided = v == Linearizer.Verdict.UNDECIDED;
  }

  /**
   * Not decided when the end-of-run check ran out of its {@link #FINAL_BUDGET} (the run passed undecided);
   * checked late when windows stopped being settled (the calls since were checked only at the end, which
   * decided them), not decided either when the world then lost power (no end check ran); null when every
   * window was settled and the end check decided the last (after a power loss the calls in flight never
   * return, and the last window is not checked: that is the fault's, not a bound's).
   */
  @Override
  public Incomplete incomplete() {
    if (failed) {
      return null;
    }
    if (endUndecided) {
      return Incomplete.notDecided(UNDECIDED);
    }
    if (settledUntil == null) {
      return null;
    }
    return ended ? Incomplete.checkedLate(settledUntil) : Incomplete.notDecided(NO_END);
  }

  /**
   * Threads' processes by hart key ({@code world/a} → {@code world/p}); a hart not listed is its own
   * process. See {@link #threads}.
   */
  private java.util.SortedMap<String, String> threads = new java.util.TreeMap<>();
  /** Process key → index of its fd table in the states; looked up only, never iterated. */
  private final HashMap<String, Integer> procIndex = new HashMap<>();

  /**
   * Says which harts are threads of one process ({@code world/a} → {@code world/p}): their calls share
   * that process's fd table (and its fd limit) in the states, as CLONE_FILES threads share one. Before
   * the run.
   */
  public ErrnoConformance threads(java.util.SortedMap<String, String> threads) {
    this.threads = new java.util.TreeMap<>(threads);
    return this;
  }

  private int proc(String hart) {
    String p = threads.getOrDefault(hart, hart);
    Integer i = procIndex.get(p);
    if (i == null) {
      i = procIndex.size();
      procIndex.put(p, i);
    }
    return i;
  }

  private int hart(String name) {
    Integer h = hartIndex.get(name);
    if (h == null) {
      h = harts.size();
      hartIndex.put(name, h);
      hartNames.add(name);
      harts.add(new HartLog());
    }
    return h;
  }

  private void started(Calls.Started s) {
    int h = hart(s.hart());
    HartLog log = harts.get(h);
    long start = seq++;
    int p = proc(s.hart());
    if (spec.claimsFirst(s.call())) {
      log.calls.add(new Call(nextId++, h, p, s.hart(), s.index(), s.text(), s.call(), start, true));
    }
    log.calls.add(new Call(nextId++, h, p, s.hart(), s.index(), s.text(), s.call(), start, false));
    inFlight++;
  }

  private void returned(Calls.Returned r, Verdict verdict) {
    Integer h = hartIndex.get(r.hart());
    HartLog log = h == null ? null : harts.get(h);
    Call c = log == null || log.calls.isEmpty() ? null : log.calls.get(log.calls.size() - 1);
    if (c == null || c.index != r.index() || c.isReturned()) {
      return; // not a call this oracle saw start
    }
    c.returned(r.result(), seq++);
    Call claim = log.calls.size() < 2 ? null : log.calls.get(log.calls.size() - 2);
    if (claim != null && claim.claim && claim.index == c.index && !claim.isReturned()) {
      claim.returned(r.result(), c.end());
    }
    inFlight--;
    if (inFlight == 0 && !settleOff) {
      settle(verdict);
    }
  }

  /** No call is in flight: the calls since the last such point are settled into the set of states they can end in. */
  private void settle(Verdict verdict) {
    Call[][] window = window();
    if (window.length == 0) {
      return;
    }
    if (1L << Math.min(62, overlap(window)) > windowBudget(window.length)) {
      stopSettling(LATE_OVERLAP); // hopeless to settle within its budget: the end of the run checks everything from here
      return;
    }
    Set<SpecState> ends = linearizer.ends(frontier, window, windowBudget(window.length));
    if (ends == null || ends.size() > MAX_FRONTIER) {
      stopSettling(ends == null ? LATE_BUDGET : LATE_FRONTIER); // too large: the end of the run checks everything from here
      return;
    }
    if (ends.isEmpty()) {
      fail(window, verdict);
      return;
    }
    frontier = List.copyOf(ends);
    for (HartLog log : harts) {
      log.settled = log.calls.size();
    }
  }

  private void stopSettling(String why) {
    settleOff = true;
    settledUntil = why;
  }

  /**
   * The most calls of the window in flight at one instant (claims not counted twice). Those calls overlap
   * pairwise, so real time allows any subset of them to be taken first: settling the window visits one
   * configuration per such subset that the specification accepts, 2^overlap when it accepts every order.
   * A window whose 2^overlap exceeds its budget is not searched for its end states (the search would run
   * into the budget unless the specification rejected nearly every order), only checked at the end.
   */
  static int overlap(Call[][] window) {
    List<long[]> events = new ArrayList<>();
    for (Call[] hart : window) {
      for (Call c : hart) {
        if (!c.claim) {
          events.add(new long[] {c.start, 1});
          events.add(new long[] {c.end(), -1});
        }
      }
    }
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int now = 0;
    int most = 0;
    for (long[] e : events) {
      now += (int) e[1];
      most = Math.max(most, now);
    }
    return most;
  }

  /** The budget of a settled window over {@code harts} harts. */
  static int windowBudget(int harts) {
    return harts <= WIDE ? WINDOW_BUDGET : WINDOW_BUDGET * WIDE / harts;
  }

  /**
   * Fails the run. The explanation searches the whole history from the boot state, so that the call
   * that made a result impossible is found even when it was settled in an earlier window; if that
   * search finds nothing to say within its budget, the failing window alone is explained.
   */
  private void fail(Call[][] window, Verdict verdict) {
    failed = true;
    String why = linearizer.explain(boot, history(), FINAL_BUDGET);
    if (why == null) {
      why = linearizer.explain(frontier, window, FINAL_BUDGET);
    }
    verdict.fail(why != null ? why : "no sequential order of the calls allows their results");
  }

  private Call[][] history() {
    List<Call[]> out = new ArrayList<>();
    for (HartLog log : harts) {
      out.add(log.calls.toArray(new Call[0]));
    }
    return out.toArray(new Call[0][]);
  }

  /** The calls not yet settled, per hart that has any. */
  private Call[][] window() {
    List<Call[]> out = new ArrayList<>();
    for (HartLog log : harts) {
      if (log.settled < log.calls.size()) {
        out.add(log.calls.subList(log.settled, log.calls.size()).toArray(new Call[0]));
      }
    }
    return out.toArray(new Call[0][]);
  }
}
