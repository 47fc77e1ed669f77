package kernsim.cpu;

import java.util.Objects;
import kernsim.cpu.call.Call;
import kernsim.cpu.call.LibraryCall;

/**
 * One statement of a hart's program: the {@link Call} it makes, the variable its result is bound to
 * ({@code assign}, e.g. an fd; null for none), and, for a statement a scenario wrote, its source line
 * ({@code source}, as written, spacing normalised; null for one built in code). Its {@link #text()} is
 * what timelines and reports show: the source line, or the call's own text.
 *
 * <p>A statement that {@link #expands()} is a userspace library call (a loop client's operation) that is
 * no call of the process itself: its code runs syscall statements of its own, each through
 * {@link Hart#call}, which makes each one a call of the process like any other.
 */
public record Stmt(String source, String assign, Call call) {
  public Stmt {
    Objects.requireNonNull(call, "call");
  }

  /** A statement of {@code call} with no variable and no source line. */
  public static Stmt of(Call call) {
    return new Stmt(null, null, call);
  }

  /** The statement as timelines show it: {@code fd = open("/mnt/f", O_RDWR)}. */
  public String text() {
    if (source != null) {
      return source;
    }
    return assign == null ? call.text() : assign + " = " + call.text();
  }

  /** Whether this is a library call that runs its syscalls as calls of their own (see above). */
  public boolean expands() {
    return call instanceof LibraryCall l && l.expands();
  }

  /** The same statement, binding its result value to {@code variable}. */
  public Stmt as(String variable) {
    return new Stmt(source == null ? null : variable + " = " + source, variable, call);
  }

  /** The same statement shown as {@code text} (a scenario's source line). */
  public Stmt shown(String text) {
    return new Stmt(text, assign, call);
  }
}
