package kernsim.conform;

import java.util.Arrays;
import java.util.Objects;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;

/**
 * What one call on the real kernel gave, in the scenario's names (sandbox fds, scenario loop indexes,
 * scenario paths): the model's {@link SysResult} shape, plus the two outcomes only a sandbox has.
 *
 * <ul>
 *   <li>{@link Ok}: the value, and what the call wrote back: the bytes read ({@code byte[]}), a getter's
 *       integer ({@code Long}), a {@code LoopAbi.LoopInfo64} / {@code LoopInfo} / {@code HdGeometry}, as the
 *       model's {@code SysResult.Ok} carries them;
 *   <li>{@link Err}: the kernel's errno, by number and name (names come from glibc, so errnos the model's
 *       {@link Errno} table lacks are still named);
 *   <li>{@link Refused}: the sandbox did not make the call, because it could have touched something that is
 *       not the sandbox's (a path outside it, a raw pointer, a wait that a sequential run never ends);
 *   <li>{@link Foreign}: the kernel answered with a loop device the sandbox does not own (LOOP_CTL_GET_FREE
 *       on a machine with other free devices); the sandbox will not touch it.
 * </ul>
 */
public sealed interface RealResult {
  record Ok(long value, Object data) implements RealResult {
    public Ok {
      if (data instanceof byte[] b) {
        data = b.clone();
      }
    }

    @Override
    public Object data() {
      return data instanceof byte[] b ? b.clone() : data;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ok ok && value == ok.value && (data instanceof byte[] a && ok.data instanceof byte[] b
          ? Arrays.equals(a, b) : Objects.equals(data, ok.data));
    }

    @Override
    public int hashCode() {
      return Long.hashCode(value) * 31 + (data instanceof byte[] b ? Arrays.hashCode(b) : Objects.hashCode(data));
    }

    @Override
    public String toString() {
      return data == null ? Long.toString(value) : value + " " + kernsim.actors.Summaries.value(data);
    }
  }

  record Err(int errno, String name) implements RealResult {
    public Err {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  record Refused(String reason) implements RealResult {
    public Refused {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return "refused: " + reason;
    }
  }

  record Foreign(long realValue, String what) implements RealResult {
    @Override
    public String toString() {
      return "foreign: " + what;
    }
  }

  static RealResult ok(long value) {
    return new Ok(value, null);
  }

  static RealResult ok(long value, Object data) {
    return new Ok(value, data);
  }

  static RealResult err(int errno) {
    return new Err(errno, Sys.errnoName(errno));
  }

  static RealResult refused(String reason) {
    return new Refused(reason);
  }

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The value of an {@link Ok}; an {@link IllegalStateException} naming the result otherwise. */
  default long value() {
    if (this instanceof Ok ok) {
      return ok.value();
    }
    throw new IllegalStateException("not a success: " + this);
  }

  /** The errno's name of an {@link Err}, else null. */
  default String errnoName() {
    return this instanceof Err e ? e.name() : null;
  }

  /**
   * The model's form of this result, for comparing row by row: {@code Ok} as is, {@code Err} when the
   * model's {@link Errno} table has the number; null for an errno the model does not know, a refusal
   * and a foreign answer (each a difference the caller reports as such).
   */
  default SysResult toSysResult() {
    if (this instanceof Ok ok) {
      return SysResult.ok(ok.value(), ok.data());
    }
    if (this instanceof Err e) {
      for (Errno x : Errno.values()) {
        if (x.number() == e.errno()) {
          return SysResult.err(x);
        }
      }
    }
    return null;
  }
}
