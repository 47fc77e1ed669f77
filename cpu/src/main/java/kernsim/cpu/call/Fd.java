package kernsim.cpu.call;

import java.util.Objects;

/**
 * An fd argument: the program variable that holds it ({@code var}, what the call's text shows) and, once
 * the call has started, the fd number the variable held then ({@code value}; -1 for a variable that was
 * never set or holds a failed call's -1, as in C).
 */
public record Fd(String var, int value) {
  /** The value of an fd not yet resolved. */
  public static final int UNRESOLVED = Integer.MIN_VALUE;

  public Fd {
    Objects.requireNonNull(var, "var");
  }

  /** How a process reads its variables when a call starts. */
  @FunctionalInterface
  public interface Vars {
    /** The fd {@code var} holds, -1 when it is not set. */
    int fd(String var);
  }

  /** The variable {@code var}, not yet resolved. */
  public static Fd of(String var) {
    return new Fd(var, UNRESOLVED);
  }

  /** The same variable with the fd it holds in {@code vars}. */
  public Fd resolve(Vars vars) {
    return new Fd(var, vars.fd(var));
  }

  public boolean resolved() {
    return value != UNRESOLVED;
  }

  /** The fd number; only for a resolved fd. */
  @Override
  public int value() {
    if (value == UNRESOLVED) {
      throw new IllegalStateException("fd variable " + var + " is not resolved");
    }
    return value;
  }

  @Override
  public String toString() {
    return var;
  }
}
