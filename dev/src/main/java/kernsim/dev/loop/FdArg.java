package kernsim.dev.loop;

import java.util.Objects;
import kernsim.dev.Errno;

/**
 * The fd argument of {@code LOOP_SET_FD} / {@code LOOP_CONFIGURE}, as the calling hart resolved it:
 * the file, or the errno resolution gave ({@code EBADF} for a negative or closed fd, {@code EINVAL} for
 * an fd that is not a regular file). The source checks these before it takes any lock.
 */
public sealed interface FdArg {
  record Resolved(BoundFile file) implements FdArg {
    public Resolved {
      Objects.requireNonNull(file, "file");
    }
  }

  record Bad(Errno errno) implements FdArg {
    public Bad {
      Objects.requireNonNull(errno, "errno");
    }
  }

  static FdArg of(BoundFile file) {
    return new Resolved(file);
  }

  static FdArg bad(Errno errno) {
    return new Bad(errno);
  }
}
