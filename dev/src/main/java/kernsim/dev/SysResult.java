package kernsim.dev;

import java.util.Objects;

/**
 * What a syscall (or a kernel procedure) returns: a value, or an errno. {@code data} carries bytes read
 * or a structure filled in (e.g. {@code loop_info64}); it is null when there is none.
 */
public sealed interface SysResult {
  record Ok(long value, Object data) implements SysResult {
    @Override
    public String toString() {
      return data == null ? Long.toString(value) : value + " " + kernsim.actors.Summaries.value(data);
    }
  }

  record Err(Errno errno) implements SysResult {
    public Err {
      Objects.requireNonNull(errno);
    }

    @Override
    public String toString() {
      return errno.name();
    }
  }

  static SysResult ok(long value) {
    return new Ok(value, null);
  }

  static SysResult ok(long value, Object data) {
    return new Ok(value, data);
  }

  static SysResult err(Errno errno) {
    return new Err(errno);
  }

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The errno, or null on success. */
  default Errno errno() {
    return this instanceof Err e ? e.errno() : null;
  }
}
