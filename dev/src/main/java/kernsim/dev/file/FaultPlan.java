package kernsim.dev.file;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;

/**
 * Faults injected into backing files, in the manner of FoundationDB's and TigerBeetle's simulators: a
 * read, write or sync failing with EIO at a file's Nth such call or with a probability drawn from the
 * world's seed ({@code World.seed()}, never a recorded choice, so a trace with faults replays), and a
 * latency on the virtual clock added to every backing-file I/O, and a power loss after a chosen step or
 * after each step with a probability ({@link PowerLoss}). The text form (docs/faults.md) is what a
 * scenario's {@code faults} header line and {@code --faults} hold, and what a trace header records.
 *
 * <pre>
 * spec    = item { ( "," | " " ) item } ;
 * item    = [ path ":" ] op "-eio" ( "@" N | "%" P )   (the Nth call, 1-based; each call with P percent)
 *         | "latency=" N ( "ns" | "us" | "ms" | "s" )   (added to each backing-file I/O's reply)
 *         | "power-loss" ( "@" N | "%" P ) ;            (after the run's Nth step; after each step with P percent)
 * op      = "read" | "write" | "sync" ;
 * </pre>
 *
 * A rule without a path applies to every file the plan is given to (the kernel's boot files: the
 * setup's {@code image} and {@code file}s), each counting its own calls.
 */
public record FaultPlan(List<Rule> rules, long latencyNanos, PowerLoss powerLoss) {
  public static final FaultPlan NONE = new FaultPlan(List.of(), 0, null);

  /** A plan with no power loss. */
  public FaultPlan(List<Rule> rules, long latencyNanos) {
    this(rules, latencyNanos, null);
  }

  /**
   * The world loses power once its step {@code step} has run ({@code power-loss@N}), or after each step
   * with {@code percent} probability ({@code power-loss%P}, a draw of the world's seed and the step's
   * number: no state, no recorded choice). What the backing files had not made durable is then dropped or
   * torn ({@link #keptBytes}); docs/faults.md.
   */
  public record PowerLoss(long step, double percent) {
    @Override
    public String toString() {
      return "power-loss" + (step > 0 ? "@" + step : "%" + formatPercent(percent));
    }

    /** Whether the power fails once step {@code step} (1-based: the run's first step is 1) has run. */
    public boolean after(int step, long worldSeed) {
      if (this.step > 0) {
        return step == this.step;
      }
      return unit(mix(worldSeed ^ 0x706f7765722d6c6fL, step)) * 100.0 < percent;
    }
  }

  /** The unit in which a write not yet durable is torn: a sector (docs/faults.md). */
  public static final int SECTOR = 512;

  /**
   * How much of a write not yet durable survives a power loss: the write of {@code length} bytes at
   * {@code offset}, the {@code index}th (0-based) to {@code file} since its last successful sync, keeps a
   * prefix ending at a {@code sector}-byte boundary of the file (or its end): nothing (dropped), all of
   * it, or torn in between; the number of pieces kept is drawn uniformly from the world's seed, the file
   * and the index. Each write is drawn on its own, so a later one may survive an earlier one that does not.
   */
  public static int keptBytes(long worldSeed, String file, int index, long offset, int length, int sector) {
    if (length <= 0) {
      return 0;
    }
    long first = offset / sector;
    long last = (offset + length - 1) / sector;
    int pieces = (int) (last - first + 1);
    int k = (int) (unit(mix(worldSeed ^ fnv(file), index)) * (pieces + 1));
    if (k >= pieces) {
      return length;
    }
    return k == 0 ? 0 : (int) ((first + k) * sector - offset);
  }

  private static long mix(long seed, long i) {
    long z = seed + 0x9E3779B97F4A7C15L * (i + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** 53 bits of {@code z} as a uniform double in [0, 1). */
  private static double unit(long z) {
    return (z >>> 11) * 0x1.0p-53;
  }

  /** The I/O a rule fails. */
  public enum Op {
    READ, WRITE, SYNC;

    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One rule: {@code op} on {@code path} (null: every file) fails with EIO at the {@code nth} call
   * (0: not by count) or with {@code percent} probability (0: not by chance).
   */
  public record Rule(String path, Op op, long nth, double percent) {
    @Override
    public String toString() {
      return (path == null ? "" : path + ":") + op.id() + "-eio"
          + (nth > 0 ? "@" + nth : "%" + formatPercent(percent));
    }
  }

  /** A spec that cannot be read: {@code offset} is the 0-based index in the text where it goes wrong. */
  public static final class SpecException extends Exception {
    private final int offset;

    public SpecException(int offset, String message) {
      super(message);
      this.offset = offset;
    }

    public int offset() {
      return offset;
    }
  }

  public FaultPlan {
    rules = List.copyOf(rules);
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("negative latency");
    }
  }

  public boolean isEmpty() {
    return rules.isEmpty() && latencyNanos == 0 && powerLoss == null;
  }

  /** Whether the plan can make a backing file's read, write or sync fail with EIO (it has a rule). */
  public boolean injectsErrors() {
    return !rules.isEmpty();
  }

  /** This plan with {@code other}'s rules after its own; the larger latency; {@code other}'s power loss if it has one. */
  public FaultPlan plus(FaultPlan other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    List<Rule> all = new ArrayList<>(rules);
    all.addAll(other.rules);
    return new FaultPlan(all, Math.max(latencyNanos, other.latencyNanos),
        other.powerLoss != null ? other.powerLoss : powerLoss);
  }

  /** The text form, which {@link #parse} reads back to an equal plan. */
  @Override
  public String toString() {
    List<String> items = new ArrayList<>();
    rules.forEach(r -> items.add(r.toString()));
    if (latencyNanos > 0) {
      items.add("latency=" + formatNanos(latencyNanos));
    }
    if (powerLoss != null) {
      items.add(powerLoss.toString());
    }
    return String.join(",", items);
  }

  /** Reads the text form; the empty (or blank) text is {@link #NONE}. */
  public static FaultPlan parse(String text) throws SpecException {
    List<Rule> rules = new ArrayList<>();
    long latency = 0;
    PowerLoss power = null;
    int i = 0;
    int n = text.length();
    while (true) {
      while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == ',' || text.charAt(i) == '\t')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int start = i;
      while (i < n && text.charAt(i) != ' ' && text.charAt(i) != ',' && text.charAt(i) != '\t') {
        i++;
      }
      String item = text.substring(start, i);
      if (item.startsWith("latency=")) {
        if (latency > 0) {
          throw new SpecException(start, "latency given twice");
        }
        latency = parseNanos(item.substring(8), start + 8);
        continue;
      }
      if (item.startsWith("power-loss")) {
        if (power != null) {
          throw new SpecException(start, "power-loss given twice (the world loses power once)");
        }
        power = parsePowerLoss(item, start);
        continue;
      }
      rules.add(parseRule(item, start));
    }
    return rules.isEmpty() && latency == 0 && power == null ? NONE : new FaultPlan(rules, latency, power);
  }

  private static PowerLoss parsePowerLoss(String item, int at) throws SpecException {
    String rest = item.substring("power-loss".length());
    if (rest.isEmpty() || (rest.charAt(0) != '@' && rest.charAt(0) != '%')) {
      throw new SpecException(at + 10, "`power-loss` needs a trigger: `@N` (after the run's Nth step) or `%P`"
          + " (after each step with P percent probability)");
    }
    String num = rest.substring(1);
    int numAt = at + 11;
    if (rest.charAt(0) == '@') {
      long n;
      try {
        n = Long.parseLong(num);
      } catch (NumberFormatException e) {
        throw new SpecException(numAt, "expected a step number (1, 2, ...) after `@`, found `" + num + "`");
      }
      if (n < 1) {
        throw new SpecException(numAt, "steps are counted from 1, found " + n);
      }
      return new PowerLoss(n, 0);
    }
    return new PowerLoss(0, percent(num, numAt));
  }

  private static double percent(String num, int numAt) throws SpecException {
    double p;
    try {
      if (!num.matches("[0-9]+(\\.[0-9]+)?")) {
        throw new NumberFormatException();
      }
      p = Double.parseDouble(num);
    } catch (NumberFormatException e) {
      throw new SpecException(numAt, "expected a percentage (e.g. 10 or 0.5) after `%`, found `" + num + "`");
    }
    if (p <= 0 || p > 100) {
      throw new SpecException(numAt, "a probability is more than 0 and at most 100 percent, found " + num);
    }
    return p;
  }

  private static Rule parseRule(String item, int at) throws SpecException {
    String path = null;
    int base = 0;
    if (item.startsWith("/")) {
      int colon = item.indexOf(':');
      if (colon < 0) {
        throw new SpecException(at, "expected `PATH:OP-eio@N` or `PATH:OP-eio%P` after a path, found `" + item + "`");
      }
      path = item.substring(0, colon);
      base = colon + 1;
    }
    String rest = item.substring(base);
    int trig = firstOf(rest, '@', '%');
    String head = trig < 0 ? rest : rest.substring(0, trig);
    Op op = null;
    for (Op o : Op.values()) {
      if (head.equals(o.id() + "-eio")) {
        op = o;
      }
    }
    if (op == null) {
      throw new SpecException(at + base, "unknown fault `" + head + "`; expected read-eio, write-eio, sync-eio"
          + " (each with @N or %P), latency=DURATION or power-loss (@N or %P)");
    }
    if (trig < 0) {
      throw new SpecException(at + base + rest.length(), "`" + head + "` needs a trigger: `@N` (the Nth call) or"
          + " `%P` (each call with P percent probability)");
    }
    String num = rest.substring(trig + 1);
    int numAt = at + base + trig + 1;
    if (rest.charAt(trig) == '@') {
      long nth;
      try {
        nth = Long.parseLong(num);
      } catch (NumberFormatException e) {
        throw new SpecException(numAt, "expected a call number (1, 2, ...) after `@`, found `" + num + "`");
      }
      if (nth < 1) {
        throw new SpecException(numAt, "calls are counted from 1, found " + nth);
      }
      return new Rule(path, op, nth, 0);
    }
    return new Rule(path, op, 0, percent(num, numAt));
  }

  private static long parseNanos(String s, int at) throws SpecException {
    int j = 0;
    while (j < s.length() && Character.isDigit(s.charAt(j))) {
      j++;
    }
    String unit = s.substring(j);
    long mult = switch (unit) {
      case "ns" -> 1L;
      case "us" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      default -> -1L;
    };
    if (j == 0 || mult < 0) {
      throw new SpecException(at, "expected a duration such as 100us, 1ms or 2s after `latency=`, found `" + s + "`");
    }
    long v;
    try {
      v = Math.multiplyExact(Long.parseLong(s.substring(0, j)), mult);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new SpecException(at, "latency `" + s + "` is too large");
    }
    if (v == 0) {
      throw new SpecException(at, "a latency of 0 is no latency: leave it out");
    }
    if (v > 60_000_000_000L) {
      throw new SpecException(at, "latency `" + s + "` is more than a minute of virtual time per I/O");
    }
    return v;
  }

  private static int firstOf(String s, char a, char b) {
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) == a || s.charAt(k) == b) {
        return k;
      }
    }
    return -1;
  }

  static String formatPercent(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  static String formatNanos(long n) {
    if (n % 1_000_000_000L == 0) {
      return n / 1_000_000_000L + "s";
    }
    if (n % 1_000_000L == 0) {
      return n / 1_000_000L + "ms";
    }
    if (n % 1_000L == 0) {
      return n / 1_000L + "us";
    }
    return n + "ns";
  }

  /**
   * The plan as one file sees it: the rules for {@code path}, a call counter per op, and a SplitMix64
   * stream seeded from {@code worldSeed} and the path, drawn from only by probability rules. Owned by the
   * file's actor (one region at a time), so it needs no lock.
   */
  public Injector injector(String path, long worldSeed) {
    List<Rule> mine = new ArrayList<>();
    for (Rule r : rules) {
      if (r.path() == null || r.path().equals(path)) {
        mine.add(r);
      }
    }
    return new Injector(mine, latencyNanos, worldSeed ^ fnv(path));
  }

  private static long fnv(String s) {
    long h = 0xcbf29ce484222325L;
    for (int k = 0; k < s.length(); k++) {
      h = (h ^ s.charAt(k)) * 0x100000001b3L;
    }
    return h;
  }

  /** One file's faults (see {@link #injector}). */
  public static final class Injector {
    /** No faults, no latency. */
    public static final Injector NONE = new Injector(List.of(), 0, 0);

    private final List<Rule> rules;
    private final long latencyNanos;
    private final long[] calls = new long[Op.values().length];
    private long state;

    private Injector(List<Rule> rules, long latencyNanos, long seed) {
      this.rules = rules;
      this.latencyNanos = latencyNanos;
      this.state = seed;
    }

    /** The delay added to each I/O's reply, on the virtual clock (0: none). */
    public long latencyNanos() {
      return latencyNanos;
    }

    /**
     * Counts one {@code op} call and says whether it fails: EIO, or null when it goes through. Each
     * probability rule for {@code op} draws one number per call, whatever the other rules say.
     */
    public SysResult fail(Op op) {
      if (rules.isEmpty()) {
        return null;
      }
      long n = ++calls[op.ordinal()];
      boolean fails = false;
      for (Rule r : rules) {
        if (r.op() != op) {
          continue;
        }
        if (r.nth() > 0) {
          fails |= r.nth() == n;
        } else {
          // 53 bits of SplitMix64 as a uniform double in [0, 100).
          fails |= (next() >>> 11) * 0x1.0p-53 * 100.0 < r.percent();
        }
      }
      return fails ? SysResult.err(Errno.EIO) : null;
    }

    private long next() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }
  }
}
