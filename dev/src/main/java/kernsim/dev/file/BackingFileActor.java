package kernsim.dev.file;

import kernsim.dev.SysResult;
import kernsim.actors.World;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A plain backing file: a {@link BackingImage} behind the {@link BackingFile} protocol. Like every
 * backing file it emits {@link BackingFile.Synced} after each successful sync.
 * {@code fs} has richer files; this one serves dev's own tests and benchmarks.
 */
public final class BackingFileActor {
  private BackingFileActor() {}

  public static Behavior<BackingFile.Command> create(World world, BackingImage image) {
    return Behaviors.setup(ctx -> Behaviors.receive(BackingFile.Command.class)
        .onMessage(BackingFile.ReadAt.class, r -> {
          r.replyTo().tell(new Reply<>(image.readAt(r.offset(), r.length())));
          return Behaviors.same();
        })
        .onMessage(BackingFile.WriteAt.class, w -> {
          w.replyTo().tell(new Reply<>(image.writeAt(w.offset(), w.data())));
          return Behaviors.same();
        })
        .onMessage(BackingFile.Sync.class, s -> {
          var result = image.sync();
          if (result.isOk()) {
            world.emit(new BackingFile.Synced(world.keyOf(ctx.getSelf()), image.durableSnapshot()));
          }
          s.replyTo().tell(new Reply<>(result));
          return Behaviors.same();
        })
        .onMessage(BackingFile.Length.class, l -> {
          l.replyTo().tell(new Reply<>(kernsim.dev.SysResult.ok(image.length())));
          return Behaviors.same();
        })
        .build());
  }
}
