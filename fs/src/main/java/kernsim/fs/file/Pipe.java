package kernsim.fs.file;

import java.util.ArrayDeque;
import java.util.Arrays;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A pipe: a bounded byte buffer owned by one actor (the pipe's lock), with counts of open read and
 * write ends. Linux semantics:
 *
 * <ul>
 *   <li>a read takes what is there (up to the length asked); on an empty pipe it returns 0 (EOF) when
 *       no writer is left, fails with {@code EAGAIN} when non-blocking, and otherwise waits: the reply
 *       is held back until a writer writes or the last writer closes;
 *   <li>a write with no reader left fails with {@code EPIPE}; a write of at most {@code PIPE_BUF} bytes
 *       goes in whole or not at all (atomic); a larger one goes in as space frees. Non-blocking writes
 *       take what fits, or fail with {@code EAGAIN} when nothing (or not a whole atomic write) fits;
 *       blocking ones wait, and a reader that leaves ends them with {@code EPIPE} (or the count written);
 *   <li>zero-length reads and writes return 0 at once.
 * </ul>
 *
 * A hart waiting here has a wait-for edge to the pipe (its executor records it), so a pipe nobody will
 * ever write shows up as a deadlock.
 */
public final class Pipe extends AbstractBehavior<Pipe.Command> {
  public sealed interface Command {}

  /** Replies {@code Ok(n, byte[])}, {@code Ok(0)} at EOF, or {@code EAGAIN}. */
  public record Read(int length, boolean nonblock, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Replies {@code Ok(n)}, {@code EPIPE} or {@code EAGAIN}. */
  public record Write(byte[] data, boolean nonblock, ActorRef<Reply<SysResult>> replyTo) implements Command {
    @Override
    public String toString() {
      return "Write(bytes=" + data.length + ", nonblock=" + nonblock + ")";
    }
  }

  /** {@code Ok(1)} when a read would not block (data, or no writer left), else {@code Ok(0)}. */
  public record Poll(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** One more fd refers to this end (dup); replies {@code Ok(0)}. */
  public record Open(boolean readEnd, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** One fd fewer refers to this end; replies {@code Ok(0)}. */
  public record Close(boolean readEnd, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  private record WaitingReader(int length, ActorRef<Reply<SysResult>> replyTo) {}

  /** A blocking write still in progress: {@code rest} is what has not gone in yet. */
  private record WaitingWriter(byte[] rest, int written, ActorRef<Reply<SysResult>> replyTo) {}

  private final int capacity;
  private final int atomic;
  private byte[] buf = new byte[0];
  private int readers = 1;
  private int writers = 1;
  private final ArrayDeque<WaitingReader> waitingReaders = new ArrayDeque<>();
  private final ArrayDeque<WaitingWriter> waitingWriters = new ArrayDeque<>();

  private Pipe(ActorContext<Command> ctx, int capacity) {
    super(ctx);
    if (capacity < 1) {
      throw new IllegalArgumentException("pipe capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    this.atomic = Math.min(Uapi.PIPE_BUF, capacity);
  }

  /** A pipe with one reader and one writer open. */
  public static Behavior<Command> create(int capacity) {
    return Behaviors.setup(ctx -> new Pipe(ctx, capacity));
  }

  /** Spawns a pipe and returns its read and write ends. */
  public static End[] spawn(ActorContext<?> ctx, World world, String name, int capacity) {
    ActorRef<Command> ref = ctx.spawn(create(capacity), name);
    String id = world.keyOf(ref);
    return new End[] {new End(ref, true, id), new End(ref, false, id)};
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Read.class, this::onRead)
        .onMessage(Write.class, this::onWrite)
        .onMessage(Poll.class, this::onPoll)
        .onMessage(Open.class, this::onOpen)
        .onMessage(Close.class, this::onClose)
        .build();
  }

  private Behavior<Command> onRead(Read r) {
    if (r.length() == 0) {
      r.replyTo().tell(new Reply<>(SysResult.ok(0, new byte[0])));
    } else if (buf.length > 0) {
      r.replyTo().tell(new Reply<>(take(r.length())));
      serve();
    } else if (writers == 0) {
      r.replyTo().tell(new Reply<>(SysResult.ok(0, new byte[0])));
    } else if (r.nonblock()) {
      r.replyTo().tell(new Reply<>(SysResult.err(Errno.EAGAIN)));
    } else {
      waitingReaders.add(new WaitingReader(r.length(), r.replyTo()));
    }
    return this;
  }

  private Behavior<Command> onWrite(Write w) {
    byte[] data = w.data().clone(); // a blocked writer's bytes are kept: the receiver copies them
    if (data.length == 0) {
      w.replyTo().tell(new Reply<>(SysResult.ok(0)));
      return this;
    }
    if (readers == 0) {
      w.replyTo().tell(new Reply<>(SysResult.err(Errno.EPIPE)));
      return this;
    }
    int space = capacity - buf.length;
    boolean fitsWhole = data.length <= space;
    boolean atomicWrite = data.length <= atomic;
    if (!waitingWriters.isEmpty() && !w.nonblock()) {
      // Earlier blocked writers go first: bytes of one write are not interleaved with a later one's.
      waitingWriters.add(new WaitingWriter(data, 0, w.replyTo()));
    } else if (fitsWhole) {
      put(data);
      w.replyTo().tell(new Reply<>(SysResult.ok(data.length)));
    } else if (w.nonblock()) {
      if (space == 0 || atomicWrite) {
        w.replyTo().tell(new Reply<>(SysResult.err(Errno.EAGAIN)));
      } else {
        put(Arrays.copyOf(data, space));
        w.replyTo().tell(new Reply<>(SysResult.ok(space)));
      }
    } else if (atomicWrite) {
      waitingWriters.add(new WaitingWriter(data, 0, w.replyTo()));
    } else {
      put(Arrays.copyOf(data, space));
      waitingWriters.add(new WaitingWriter(Arrays.copyOfRange(data, space, data.length), space, w.replyTo()));
    }
    serve();
    return this;
  }

  private Behavior<Command> onPoll(Poll p) {
    p.replyTo().tell(new Reply<>(SysResult.ok(buf.length > 0 || writers == 0 ? 1 : 0)));
    return this;
  }

  private Behavior<Command> onOpen(Open o) {
    if (o.readEnd()) {
      readers++;
    } else {
      writers++;
    }
    o.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onClose(Close c) {
    if (c.readEnd()) {
      readers--;
      if (readers == 0) {
        // Nobody will drain the pipe: blocked writers end now.
        for (WaitingWriter w : waitingWriters) {
          w.replyTo().tell(new Reply<>(w.written() > 0 ? SysResult.ok(w.written()) : SysResult.err(Errno.EPIPE)));
        }
        waitingWriters.clear();
      }
    } else {
      writers--;
      if (writers == 0) {
        for (WaitingReader r : waitingReaders) {
          r.replyTo().tell(new Reply<>(SysResult.ok(0, new byte[0])));
        }
        waitingReaders.clear();
      }
    }
    c.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private SysResult take(int length) {
    int n = Math.min(length, buf.length);
    byte[] out = Arrays.copyOf(buf, n);
    buf = Arrays.copyOfRange(buf, n, buf.length);
    return SysResult.ok(n, out);
  }

  private void put(byte[] data) {
    byte[] next = Arrays.copyOf(buf, buf.length + data.length);
    System.arraycopy(data, 0, next, buf.length, data.length);
    buf = next;
  }

  /** Lets waiting readers and writers make progress until neither can. */
  private void serve() {
    boolean progress = true;
    while (progress) {
      progress = false;
      while (!waitingReaders.isEmpty() && buf.length > 0) {
        WaitingReader r = waitingReaders.poll();
        r.replyTo().tell(new Reply<>(take(r.length())));
        progress = true;
      }
      progress |= serveWritersIfSpace();
    }
  }

  private boolean serveWritersIfSpace() {
    boolean progress = false;
    while (!waitingWriters.isEmpty()) {
      WaitingWriter w = waitingWriters.peek();
      int space = capacity - buf.length;
      byte[] rest = w.rest();
      if (rest.length <= space) {
        put(rest);
        waitingWriters.poll();
        w.replyTo().tell(new Reply<>(SysResult.ok(w.written() + rest.length)));
        progress = true;
      } else if (space > 0 && w.written() + rest.length > atomic) {
        put(Arrays.copyOf(rest, space));
        waitingWriters.poll();
        waitingWriters.addFirst(new WaitingWriter(Arrays.copyOfRange(rest, space, rest.length),
            w.written() + space, w.replyTo()));
        return true;
      } else {
        return progress;
      }
    }
    return progress;
  }

  /** One end of a pipe as an open file refers to it. */
  public record End(ActorRef<Command> ref, boolean readEnd, String id) implements FileOps {
    @Override
    public FileKind kind() {
      return FileKind.PIPE;
    }

    @Override
    public boolean writeEnd() {
      return !readEnd;
    }

    @Override
    public Code read(int length, boolean nonblock) {
      if (!readEnd) {
        return Code.err(Errno.EBADF);
      }
      return Code.sleepingCall(ref, r -> new Read(length, nonblock, r), "pipe read", Code::done);
    }

    @Override
    public Code write(byte[] data, boolean nonblock) {
      if (readEnd) {
        return Code.err(Errno.EBADF);
      }
      byte[] copy = data.clone();
      return Code.sleepingCall(ref, r -> new Write(copy, nonblock, r), "pipe write", Code::done);
    }

    @Override
    public Code pollIn() {
      return Code.call(ref, Poll::new, "pipe poll", Code::done);
    }

    @Override
    public Code open() {
      return Code.call(ref, r -> new Open(readEnd, r), "pipe open", Code::done);
    }

    @Override
    public Code release() {
      return Code.call(ref, r -> new Close(readEnd, r), "pipe release", Code::done);
    }
  }
}
