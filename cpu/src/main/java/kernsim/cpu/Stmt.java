package kernsim.cpu;

import java.util.Objects;
import java.util.function.Function;
import kernsim.dev.code.Code;

/**
 * One statement of a hart's program: a syscall as written ({@code text}, for timelines and reports),
 * the variable its result is bound to ({@code assign}, e.g. an fd; null for none), and the kernel code
 * it runs, built against the hart's process when the statement starts.
 */
public record Stmt(String text, String assign, Function<Proc, Code> code) {
  public Stmt {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(code, "code");
  }

  public static Stmt of(String text, Function<Proc, Code> code) {
    return new Stmt(text, null, code);
  }

  /** The same statement, binding its result value to {@code variable}. */
  public Stmt as(String variable) {
    return new Stmt(variable + " = " + text, variable, code);
  }
}
