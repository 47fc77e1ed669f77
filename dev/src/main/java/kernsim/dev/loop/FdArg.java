package kernsim.dev.loop;

import java.util.Objects;
import kernsim.dev.Errno;

/**
 * The fd argument of {@code LOOP_SET_FD} / {@code LOOP_CONFIGURE}, as the calling hart resolved it:
 * the file, or the errno resolution gave ({@code EBADF} for a negative or closed fd, {@code EINVAL} for
 * an fd that is not a regular file). The source checks these before it takes any lock. An fd open on a
 * loop device is {@code EINVAL} with that device's number in {@code loop} (-1 for anything else): Linux's
 * {@code loop_validate_file} says EBADF when it is the ioctl's own device.
 */
public sealed interface FdArg {
  record Resolved(BoundFile file) implements FdArg {
    public Resolved {
      Objects.requireNonNull(file, "file");
    }
  }

  record Bad(Errno errno, int loop) implements FdArg {
    public Bad {
      Objects.requireNonNull(errno, "errno");
    }

    public Bad(Errno errno) {
      this(errno, -1);
    }
  }

  static FdArg of(BoundFile file) {
    return new Resolved(file);
  }

  static FdArg bad(Errno errno) {
    return new Bad(errno);
  }

  /** An fd open on {@code /dev/loopN}: not a regular file (EINVAL), remembering N. */
  static FdArg loopDevice(int number) {
    return new Bad(Errno.EINVAL, number);
  }
}
