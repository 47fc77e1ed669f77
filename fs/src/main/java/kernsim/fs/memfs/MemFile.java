package kernsim.fs.memfs;

import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.code.Reply;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingFileActor;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A regular file of a {@link MemFs}: its bytes as a {@link BackingImage} (written, and durable as of the
 * last sync), behind dev's {@link BackingFile} protocol so an image file on tmpfs can back a loop device.
 * Each message is one region under the file's lock. After a successful sync it emits dev's
 * {@link BackingFileActor.Synced} with the durable bytes, the observation the durability oracle reads.
 *
 * <p>The actor's reference is an {@code ActorRef<BackingFile.Command>}; {@code ref.narrow()} gives an
 * {@code ActorRef<MemFile.Command>} for the requests only a MemFile understands.
 */
public final class MemFile extends AbstractBehavior<BackingFile.Command> {
  /** Requests beyond the backing-file protocol. */
  public sealed interface Command extends BackingFile.Command permits Truncate, SetFaults {}

  /** Sets the length; replies {@code Ok(0)} or {@code Err(EINVAL)}. */
  public record Truncate(long length, ActorRef<Reply> replyTo) implements Command {}

  /** Changes the image's fault options (for tests of write-back failure paths); replies {@code Ok(0)}. */
  public record SetFaults(BackingImage.Faults faults, ActorRef<Reply> replyTo) implements Command {}

  private final World world;
  private final BackingImage image;

  public static Behavior<BackingFile.Command> create(World world, BackingImage image) {
    return Behaviors.setup(ctx -> new MemFile(ctx, world, image));
  }

  public static Behavior<BackingFile.Command> create(World world, byte[] initial) {
    return create(world, new BackingImage(initial, BackingImage.Faults.NONE));
  }

  private MemFile(ActorContext<BackingFile.Command> ctx, World world, BackingImage image) {
    super(ctx);
    this.world = world;
    this.image = image;
  }

  @Override
  public Receive<BackingFile.Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(BackingFile.ReadAt.class, this::onReadAt)
        .onMessage(BackingFile.WriteAt.class, this::onWriteAt)
        .onMessage(BackingFile.Sync.class, this::onSync)
        .onMessage(BackingFile.Length.class, this::onLength)
        .onMessage(Truncate.class, this::onTruncate)
        .onMessage(SetFaults.class, this::onSetFaults)
        .build();
  }

  private Behavior<BackingFile.Command> onReadAt(BackingFile.ReadAt r) {
    r.replyTo().tell(new Reply(image.readAt(r.offset(), r.length())));
    return this;
  }

  private Behavior<BackingFile.Command> onWriteAt(BackingFile.WriteAt w) {
    w.replyTo().tell(new Reply(image.writeAt(w.offset(), w.data())));
    return this;
  }

  private Behavior<BackingFile.Command> onSync(BackingFile.Sync s) {
    SysResult result = image.sync();
    if (result.isOk()) {
      world.emit(new BackingFileActor.Synced(world.keyOf(getContext().getSelf()), image.durable()));
    }
    s.replyTo().tell(new Reply(result));
    return this;
  }

  private Behavior<BackingFile.Command> onLength(BackingFile.Length l) {
    l.replyTo().tell(new Reply(SysResult.ok(image.length())));
    return this;
  }

  private Behavior<BackingFile.Command> onTruncate(Truncate t) {
    t.replyTo().tell(new Reply(image.truncate(t.length())));
    return this;
  }

  private Behavior<BackingFile.Command> onSetFaults(SetFaults f) {
    image.faults(f.faults());
    f.replyTo().tell(new Reply(SysResult.ok(0)));
    return this;
  }
}
