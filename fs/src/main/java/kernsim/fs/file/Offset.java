package kernsim.fs.file;

import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.code.Mutex;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * An open file description's position and the lock the source holds around it: read, write and lseek
 * take it, do their I/O at the file (a region at another actor) and release it with the new position.
 * It is a sleeping lock held across regions, so it is a {@link Mutex}: a second hart sharing the open
 * file (dup, fork) waits in its queue, with a wait-for edge to the holder.
 */
public final class Offset extends AbstractBehavior<Offset.Command> {
  public sealed interface Command {}

  /** Replies {@code Long position} once the caller holds the lock. */
  public record Lock(ActorRef<Reply<Long>> replyTo) implements Command {}

  /** Sets the position, releases the lock, replies {@code Ok(position)}. */
  public record Unlock(long position, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  private final Mutex<Long> lock;
  private long position;

  private Offset(ActorContext<Command> ctx, World world) {
    super(ctx);
    this.lock = new Mutex<>("f_pos", world, ctx.getSelf());
  }

  public static Behavior<Command> create(World world) {
    return Behaviors.setup(ctx -> new Offset(ctx, world));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Lock.class, l -> {
          lock.lock(l.replyTo(), position);
          return this;
        })
        .onMessage(Unlock.class, u -> {
          position = u.position();
          lock.unlock(u.replyTo(), position);
          u.replyTo().tell(new Reply<>(SysResult.ok(position)));
          return this;
        })
        .build();
  }
}
