package kernsim.fs.ext4;

import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The parent of mounted ext4-lite filesystems. A hart cannot spawn actors itself (an actor's context
 * works only inside that actor), so {@link Ext4Lite#mount} asks this actor to spawn the filesystem's
 * actor, one region. In the full model the mount table plays this part ({@link LoopExt4Driver} spawns
 * with {@link Ext4#create} through {@code MountTable.spawn} and wraps the child with {@link Ext4#handle}).
 */
public final class Ext4Host {
  private Ext4Host() {}

  public sealed interface Command {}

  /** Spawn a filesystem actor; replies {@code Ok(0, Ext4)}. */
  public record Spawn(Superblock sb, BlockDevice dev, boolean readOnly, ActorRef<Reply<SysResult>> replyTo)
      implements Command {}

  public static Behavior<Command> create(World world) {
    return Behaviors.setup(ctx -> {
      int[] mounts = {0};
      return Behaviors.receive(Command.class)
          .onMessage(Spawn.class, s -> {
            // Children named by mount count: stable keys for the trace.
            ActorRef<Ext4.Command> fs = ctx.spawn(Ext4.create(world, s.sb()), "ext4-" + mounts[0]++);
            s.replyTo().tell(new Reply<>(SysResult.ok(0, new Ext4(fs, s.dev(), s.readOnly()))));
            return Behaviors.same();
          })
          .build();
    });
  }
}
