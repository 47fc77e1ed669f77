package kernsim.fs.file;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import kernsim.actors.World;
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
 * The kernel's internal mounts for objects with no path (shmem for memfds, pipefs for pipes): it
 * creates them, since a hart cannot spawn actors from code. Children are named by a counter, so the
 * same program makes the same tree.
 */
public final class AnonFs extends AbstractBehavior<AnonFs.Command> {
  public sealed interface Command {}

  /** Replies {@code Ok(0, OpenFile)}: a new memfd opened O_RDWR. */
  public record CreateMemfd(boolean allowSealing, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Replies {@code Ok(0, List.of(readEnd, writeEnd))} as {@link OpenFile}s. */
  public record CreatePipe(int flags, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  private final World world;
  private final int pipeCapacity;
  private int memfds;
  private int pipes;

  private AnonFs(ActorContext<Command> ctx, World world, int pipeCapacity) {
    super(ctx);
    this.world = world;
    this.pipeCapacity = pipeCapacity;
  }

  public static Behavior<Command> create(World world, int pipeCapacity) {
    return Behaviors.setup(ctx -> new AnonFs(ctx, world, pipeCapacity));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(CreateMemfd.class, this::onCreateMemfd)
        .onMessage(CreatePipe.class, this::onCreatePipe)
        .build();
  }

  /** {@link CreateMemfd} ({@code memfd_create}): continues with the new memfd's open file. */
  public static Code createMemfd(ActorRef<Command> anon, boolean allowSealing, Function<OpenFile, Code> then) {
    return Code.then(Code.call(anon, r -> new CreateMemfd(allowSealing, r), "memfd_create", Code::done), ok -> {
      if (!(ok.data() instanceof OpenFile f)) {
        throw new IllegalStateException("CreateMemfd answered no open file: " + ok);
      }
      return then.apply(f);
    });
  }

  /** {@link CreatePipe} ({@code pipe2}): continues with the read end's and the write end's open files. */
  public static Code createPipe(ActorRef<Command> anon, int flags, BiFunction<OpenFile, OpenFile, Code> then) {
    return Code.then(Code.call(anon, r -> new CreatePipe(flags, r), "pipe2", Code::done), ok -> {
      if (!(ok.data() instanceof List<?> ends && ends.size() == 2
          && ends.get(0) instanceof OpenFile r && ends.get(1) instanceof OpenFile w)) {
        throw new IllegalStateException("CreatePipe answered no pipe: " + ok);
      }
      return then.apply(r, w);
    });
  }

  private Behavior<Command> onCreateMemfd(CreateMemfd c) {
    String name = "memfd-" + ++memfds;
    Memfd.Ops ops = Memfd.spawn(getContext(), world, name, c.allowSealing());
    OpenFile f = OpenFile.open(getContext(), world, name + "-pos", ops, Uapi.O_RDWR);
    c.replyTo().tell(new Reply<>(SysResult.ok(0, f)));
    return this;
  }

  private Behavior<Command> onCreatePipe(CreatePipe c) {
    Pipe.End[] ends = Pipe.spawn(getContext(), world, "pipe-" + ++pipes, pipeCapacity);
    int status = c.flags() & Uapi.O_NONBLOCK;
    OpenFile r = new OpenFile(ends[0], Uapi.O_RDONLY | status, null);
    OpenFile w = new OpenFile(ends[1], Uapi.O_WRONLY | status, null);
    c.replyTo().tell(new Reply<>(SysResult.ok(0, List.of(r, w))));
    return this;
  }
}
