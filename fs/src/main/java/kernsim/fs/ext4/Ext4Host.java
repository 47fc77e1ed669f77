package kernsim.fs.ext4;

import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The parent of mounted ext4-lite filesystems. A hart cannot spawn actors itself (an actor's context
 * works only inside that actor), so {@link Ext4Lite#mount} asks this actor to spawn the filesystem's
 * actor, one region. In the full model the mount table plays this part ({@link LoopExt4Driver} spawns
 * with {@link Ext4#create} through {@code MountTable.spawn} and wraps the child with {@link Ext4#handle}).
 */
public final class Ext4Host extends AbstractBehavior<Ext4Host.Command> {
  public sealed interface Command permits Spawn {}

  /** Spawn a filesystem actor; replies {@code Ok(0, Ext4)}. */
  public record Spawn(Superblock sb, BlockDevice dev, boolean readOnly, ActorRef<Reply<SysResult>> replyTo)
      implements Command {}

  private final World world;
  /** Children are named by mount count: stable keys for the trace. */
  private int mounts;

  private Ext4Host(ActorContext<Command> ctx, World world) {
    super(ctx);
    this.world = world;
  }

  public static Behavior<Command> create(World world) {
    return Behaviors.setup(ctx -> new Ext4Host(ctx, world));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Spawn.class, this::onSpawn).build();
  }

  private Behavior<Command> onSpawn(Spawn s) {
    ActorRef<Ext4.Command> fs = getContext().spawn(Ext4.create(world, s.sb()), "ext4-" + mounts++);
    s.replyTo().tell(new Reply<>(SysResult.ok(0, new Ext4(fs, s.dev(), s.readOnly()))));
    return this;
  }
}
