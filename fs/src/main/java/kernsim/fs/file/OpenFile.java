package kernsim.fs.file;

import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_APPEND;
import static kernsim.fs.file.Uapi.O_NONBLOCK;
import static kernsim.fs.file.Uapi.O_PATH;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static kernsim.fs.file.Uapi.O_WRONLY;

import java.util.Objects;
import java.util.function.LongFunction;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * An open file description: the object, the open flags and (for objects with one) the position with
 * its lock, an {@link Offset} actor. Immutable, so fd tables of several harts can share it (dup, fork);
 * the shared mutable part is the Offset actor.
 *
 * <p>{@link #read}, {@link #write} and {@link #seek} are the source's {@code FileLike::read/write} and
 * {@code File::seek}: take the position lock, do the I/O at the object, release the lock with the new
 * position, in three steps another hart can run between (on another open file of the same object).
 */
public record OpenFile(FileOps ops, int flags, ActorRef<Offset.Command> offset) {
  public OpenFile {
    Objects.requireNonNull(ops, "ops");
    if (ops.kind().seekable() != (offset != null)) {
      throw new IllegalArgumentException(ops.kind() + " needs " + (offset == null ? "a" : "no") + " position");
    }
  }

  /** Opens {@code ops} with {@code flags}; spawns the position actor ({@code name}) when it has one. */
  public static OpenFile open(ActorContext<?> ctx, World world, String name, FileOps ops, int flags) {
    ActorRef<Offset.Command> pos = ops.kind().seekable() ? ctx.spawn(Offset.create(world), name) : null;
    return new OpenFile(ops, flags, pos);
  }

  public FileKind kind() {
    return ops.kind();
  }

  public boolean isPath() {
    return (flags & O_PATH) != 0;
  }

  public boolean readable() {
    int mode = flags & O_ACCMODE;
    return !isPath() && (mode == O_RDONLY || mode == O_RDWR);
  }

  public boolean writable() {
    int mode = flags & O_ACCMODE;
    return !isPath() && (mode == O_WRONLY || mode == O_RDWR);
  }

  public boolean append() {
    return (flags & O_APPEND) != 0;
  }

  public boolean nonblock() {
    return (flags & O_NONBLOCK) != 0;
  }

  /** A result and the position to leave behind when releasing the lock. */
  private record Moved(long position, Object result) {}

  /** Runs {@code body(position)} under the position lock; body ends in a {@link Moved}. */
  private Code locked(LongFunction<Code> body) {
    return Code.sleepingAsk(offset, Offset.Lock::new, "lock f_pos", p -> Code.bind(body.apply(p), m -> {
      if (!(m instanceof Moved moved)) {
        throw new IllegalStateException("a positioned operation ended in no Moved: " + m);
      }
      return Code.sleepingCall(offset, r -> new Offset.Unlock(moved.position(), r), "unlock f_pos",
          x -> Code.done(moved.result()));
    }));
  }

  /** The source's {@code FileLike::read}: {@code Ok(n, byte[])}. */
  public Code read(int length) {
    if (!readable()) {
      return Code.err(Errno.EBADF);
    }
    return switch (kind()) {
      case DIRECTORY -> Code.err(Errno.EISDIR);
      case ANON -> Code.err(Errno.EINVAL);
      case PIPE -> ops.read(length, nonblock());
      default -> locked(pos -> Code.bind(ops.readAt(pos, length),
          res -> Code.done(new Moved(res instanceof SysResult.Ok ok ? pos + ok.value() : pos, res))));
    };
  }

  /** The source's {@code FileLike::write}: {@code Ok(n)}; with O_APPEND the write lands at the end. */
  public Code write(byte[] data) {
    if (!writable()) {
      return Code.err(Errno.EBADF);
    }
    return switch (kind()) {
      case DIRECTORY -> Code.err(Errno.EISDIR);
      case ANON -> Code.err(Errno.EINVAL);
      case PIPE -> ops.write(data, nonblock());
      default -> locked(pos -> append()
          ? FileOps.appended(ops.append(data), err -> Code.done(new Moved(pos, err)),
              (written, end) -> Code.done(new Moved(end, SysResult.ok(written))))
          : Code.bind(ops.writeAt(pos, data),
              res -> Code.done(new Moved(res instanceof SysResult.Ok ok ? pos + ok.value() : pos, res))));
    };
  }

  /**
   * {@code File::seek} for files and directories: {@code Ok(new position)}; {@code EINVAL} when the
   * result would be negative. {@code whence} is SEEK_SET, SEEK_CUR or SEEK_END (checked by the caller).
   */
  public Code seek(int whence, long delta) {
    if (offset == null) {
      return Code.err(Errno.ESPIPE);
    }
    return locked(pos -> switch (whence) {
      case Uapi.SEEK_SET -> Code.done(new Moved(delta, SysResult.ok(delta)));
      case Uapi.SEEK_CUR -> Code.done(moveTo(pos, pos, delta));
      default -> Code.bind(ops.length(), len -> Code.done(len instanceof SysResult.Ok ok
          ? moveTo(pos, ok.value(), delta) : new Moved(pos, len)));
    });
  }

  private static Moved moveTo(long pos, long base, long delta) {
    long to = base + delta;
    boolean overflow = ((base ^ to) & (delta ^ to)) < 0;
    return overflow || to < 0 ? new Moved(pos, SysResult.err(Errno.EINVAL)) : new Moved(to, SysResult.ok(to));
  }
}
