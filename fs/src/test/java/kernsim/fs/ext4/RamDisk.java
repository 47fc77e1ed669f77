package kernsim.fs.ext4;

import java.util.Arrays;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A block device in memory for the filesystem's tests: an actor owning an {@link Image} of 512-byte
 * blocks, one message per read, write or flush (none of them sleeps). Fault model: reads and/or
 * writes can be made to fail with EIO; nothing is torn.
 */
final class RamDisk implements BlockDevice {
  static final int BLOCK = 512;

  /** The bytes; the test keeps it to inspect or copy after a run (only the actor touches it during one). */
  static final class Image {
    final byte[][] blocks;
    boolean failReads;
    boolean failWrites;
    int flushes;

    Image(int numBlocks) {
      blocks = new byte[numBlocks][BLOCK];
    }

    Image copy() {
      Image c = new Image(blocks.length);
      for (int i = 0; i < blocks.length; i++) {
        c.blocks[i] = blocks[i].clone();
      }
      return c;
    }

    boolean sameBytes(Image o) {
      return Arrays.deepEquals(blocks, o.blocks);
    }
  }

  sealed interface Command {}

  record Read(long block, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  record Write(long block, byte[] data, ActorRef<Reply<SysResult>> replyTo) implements Command {
    Write {
      data = data.clone();
    }
  }

  record Flush(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  static Behavior<Command> behavior(Image image) {
    return Behaviors.receive(Command.class)
        .onMessage(Read.class, r -> {
          boolean ok = !image.failReads && r.block() >= 0 && r.block() < image.blocks.length;
          r.replyTo().tell(new Reply<>(ok
              ? SysResult.ok(BLOCK, image.blocks[(int) r.block()].clone())
              : SysResult.err(Errno.EIO)));
          return Behaviors.same();
        })
        .onMessage(Write.class, w -> {
          boolean ok = !image.failWrites && w.block() >= 0 && w.block() < image.blocks.length
              && w.data().length == BLOCK;
          if (ok) {
            image.blocks[(int) w.block()] = w.data().clone();
          }
          w.replyTo().tell(new Reply<>(ok ? SysResult.ok(0) : SysResult.err(Errno.EIO)));
          return Behaviors.same();
        })
        .onMessage(Flush.class, f -> {
          image.flushes++;
          f.replyTo().tell(new Reply<>(SysResult.ok(0)));
          return Behaviors.same();
        })
        .build();
  }

  final ActorRef<Command> ref;
  private final long numBlocks;

  RamDisk(ActorRef<Command> ref, long numBlocks) {
    this.ref = ref;
    this.numBlocks = numBlocks;
  }

  @Override
  public int blockSize() {
    return BLOCK;
  }

  @Override
  public long numBlocks() {
    return numBlocks;
  }

  @Override
  public Code readBlock(long blockId) {
    return Code.call(ref, r -> new Read(blockId, r), "read_block", Code::done);
  }

  @Override
  public Code writeBlock(long blockId, byte[] data) {
    return Code.call(ref, r -> new Write(blockId, data, r), "write_block", Code::done);
  }

  @Override
  public Code flush() {
    return Code.call(ref, Flush::new, "flush", Code::done);
  }

  @Override
  public String toString() {
    return "ramdisk(" + kernsim.actors.Keys.of(ref) + ")";
  }
}
