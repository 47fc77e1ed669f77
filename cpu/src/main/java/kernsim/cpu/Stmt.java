package kernsim.cpu;

import java.util.Objects;
import java.util.function.Function;
import kernsim.dev.code.Code;

/**
 * One statement of a hart's program: a syscall as written ({@code text}, for timelines and reports),
 * the variable its result is bound to ({@code assign}, e.g. an fd; null for none), and the kernel code
 * it runs, built against the hart's process when the statement starts.
 *
 * <p>A statement that {@code expands} is a userspace library call (a loop client's operation): it is no
 * syscall itself, so it is not a {@link Calls} call; its code runs syscall statements of its own, each
 * through {@link Hart#syscall}, which makes each one a call of the process like any other.
 */
public record Stmt(String text, String assign, Function<Proc, Code> code, boolean expands) {
  public Stmt {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(code, "code");
  }

  /** A syscall statement. */
  public Stmt(String text, String assign, Function<Proc, Code> code) {
    this(text, assign, code, false);
  }

  public static Stmt of(String text, Function<Proc, Code> code) {
    return new Stmt(text, null, code);
  }

  /** A statement that expands into syscall statements its code runs (see above). */
  public static Stmt expanding(String text, Function<Proc, Code> code) {
    return new Stmt(text, null, code, true);
  }

  /** The same statement, binding its result value to {@code variable}. */
  public Stmt as(String variable) {
    return new Stmt(variable + " = " + text, variable, code, expands);
  }
}
