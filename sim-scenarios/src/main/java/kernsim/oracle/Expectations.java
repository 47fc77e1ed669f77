package kernsim.oracle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.cpu.Calls;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;

/**
 * The {@code expectation} oracle: a scenario's {@code expect VAR == VALUE} statements ({@link Check}),
 * checked after every schedule that ran to its end: the result of the call that assigned {@code VAR} must
 * be (or, with {@code !=}, must not be) the value: a number (its success value), an errno (its failure) or
 * a string (the bytes it returned: a read's data; for another call's data, its text, e.g. fstat's
 * {@code REGULAR}). A call that never returned fails its check too.
 */
public final class Expectations implements Monitor {
  public static final String NAME = "expectation";

  /**
   * One {@code expect} statement: the hart ({@code world/a}) and the index of its call
   * ({@code Calls.Returned.index}) whose result is checked, {@code equal} for {@code ==} ({@code !=}
   * otherwise), the value (a {@code Long}, an {@link Errno} or a {@code String}), and where it was written:
   * the statement as written, its line, and the call's statement text. (No file name: a replay reads the
   * scenario from its trace, under another name, and must give the same message.)
   */
  public record Check(String hart, int call, boolean equal, Object value, String text, int line,
      String statement) {
    public Check {
      if (!(value instanceof Long || value instanceof Errno || value instanceof String)) {
        throw new IllegalArgumentException("an expected value is a number, an errno or a string: " + value);
      }
    }

    /** Whether {@code result} (a call's result, or null for none) satisfies this check. */
    boolean holds(Object result) {
      return result != null && matches(result) == equal;
    }

    private boolean matches(Object result) {
      if (value instanceof Errno e) {
        return result instanceof SysResult.Err err && err.errno() == e;
      }
      if (!(result instanceof SysResult.Ok ok)) {
        return false;
      }
      if (value instanceof Long n) {
        return ok.value() == n;
      }
      String s = (String) value;
      if (ok.data() instanceof byte[] b) {
        byte[] want = s.getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(b.length, Math.max(0, ok.value()));
        return Arrays.equals(b, 0, n, want, 0, want.length);
      }
      return ok.data() != null && String.valueOf(ok.data()).equals(s);
    }
  }

  private final List<Check> checks;
  /** hart → call index → its result, for the calls some check reads. */
  private final Map<String, Map<Integer, Object>> results = new TreeMap<>();

  public Expectations(List<Check> checks) {
    this.checks = List.copyOf(checks);
    for (Check c : this.checks) {
      results.computeIfAbsent(c.hart(), h -> new TreeMap<>());
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object o, Verdict verdict) {
    if (o instanceof Calls.Returned r) {
      Map<Integer, Object> m = results.get(r.hart());
      if (m != null) {
        m.put(r.index(), r.result());
      }
    }
  }

  @Override
  public void onEnd(Verdict verdict) {
    for (Check c : checks) {
      Object result = results.get(c.hart()).get(c.call());
      if (!c.holds(result)) {
        verdict.fail(c.hart() + ", line " + c.line() + ": `" + c.text() + "` does not hold: `"
            + c.statement() + "` " + (result == null ? "never returned" : "returned " + shown(result)));
        return;
      }
    }
  }

  /** A result as the check reads it: {@code 4}, {@code EBADF}, {@code 3 "abc"}. */
  static String shown(Object result) {
    if (result instanceof SysResult.Err e) {
      return e.errno().name();
    }
    if (result instanceof SysResult.Ok ok) {
      if (ok.data() instanceof byte[] b) {
        int n = (int) Math.min(b.length, Math.max(0, ok.value()));
        return ok.value() + " " + quoted(Arrays.copyOf(b, n));
      }
      return ok.data() == null ? Long.toString(ok.value()) : ok.value() + " " + ok.data();
    }
    return String.valueOf(result);
  }

  private static String quoted(byte[] b) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte x : b) {
      int c = x & 0xff;
      if (c == '"' || c == '\\') {
        sb.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append((char) c);
      } else {
        sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", c));
      }
    }
    return sb.append('"').toString();
  }
}
