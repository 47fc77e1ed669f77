package kernsim.dev.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.dev.code.Code;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * One cache instance: the source's {@code CacheData} (an {@code Arc} shared by the device's slot and a
 * block adapter). It owns {@code blocks} (4 KiB chunks behind a {@code SpinNoPreempt} lock), the
 * immutable {@code total_len}, and the {@code dirty} and {@code mounted} atomics.
 *
 * <p>Every message is one region of the source: {@link ReadBlock} and {@link WriteBlock} are
 * {@code read_block}'s / {@code write_block}'s copy under the blocks lock (write_block's
 * {@code dirty.store(true)} is inside that region: its guard lives to the end of the function); {@link ChunkCount} and {@link CopyChunk} are {@code writeback_buffer}'s two kinds of
 * blocks-lock region; the others are single atomic operations. Its id is {@code loopN#g}.
 */
public final class CacheData extends AbstractBehavior<CacheData.Command> {
  public static final int CACHE_BLK = 4096;

  public sealed interface Command {}

  /** read_block's copy of {@code length} bytes from {@code byteOffset}: {@code Ok(length, byte[])} or EIO. */
  public record ReadBlock(long byteOffset, int length, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** write_block's copy of {@code data} at {@code byteOffset}, then {@code dirty = true}: {@code Ok(0)} or EIO. */
  public record WriteBlock(long blockId, long byteOffset, byte[] data, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code blocks.lock().len()}: replies the chunk count (Integer). */
  public record ChunkCount(ActorRef<Reply<Integer>> replyTo) implements Command {}

  /**
   * writeback_buffer's per-chunk region: replies a {@link Chunk} with the first
   * {@code min(4096, total_len - offset)} bytes of chunk {@code index}, or a missing chunk.
   */
  public record CopyChunk(int index, long offset, ActorRef<Reply<Chunk>> replyTo) implements Command {}

  /** {@code dirty.swap(value)}: replies the old value (Boolean). */
  public record SwapDirty(boolean value, ActorRef<Reply<Boolean>> replyTo) implements Command {}

  /** {@code dirty.load()}: replies Boolean. */
  public record LoadDirty(ActorRef<Reply<Boolean>> replyTo) implements Command {}

  /** {@code dirty.store(value)}: replies {@code Ok(0)}. */
  public record StoreDirty(boolean value, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code mounted.load()}: replies Boolean. */
  public record LoadMounted(ActorRef<Reply<Boolean>> replyTo) implements Command {}

  /** {@code mounted.store(value)}: replies {@code Ok(0)}. */
  public record StoreMounted(boolean value, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  // ---- code: one region each, typed by its reply ----

  /** ReadBlock, named for the path that reads ({@code read_block}, {@code read_iter}): {@code Ok(n, byte[])} or EIO. */
  static Code readBlock(CacheRef cd, long byteOffset, int length, String what) {
    return Code.call(cd.ref(), r -> new ReadBlock(byteOffset, length, r), what, Code::done);
  }

  /** WriteBlock, named for the path that writes ({@code write_block}, {@code write_iter}): {@code Ok(0)} or EIO. */
  static Code writeBlock(CacheRef cd, long blockId, long byteOffset, byte[] data, String what,
      Function<SysResult, Code> then) {
    return Code.call(cd.ref(), r -> new WriteBlock(blockId, byteOffset, data, r), what, then);
  }

  static Code chunkCount(CacheRef cd, Function<Integer, Code> then) {
    return Code.ask(cd.ref(), ChunkCount::new, "blocks.len", then);
  }

  static Code copyChunk(CacheRef cd, int index, long offset, Function<Chunk, Code> then) {
    return Code.ask(cd.ref(), r -> new CopyChunk(index, offset, r), "writeback copy", then);
  }

  /** {@code dirty.swap(false)}. */
  static Code swapDirty(CacheRef cd, Function<Boolean, Code> then) {
    return Code.ask(cd.ref(), r -> new SwapDirty(false, r), "dirty.swap", then);
  }

  static Code loadDirty(CacheRef cd, Function<Boolean, Code> then) {
    return Code.ask(cd.ref(), LoadDirty::new, "dirty.load", then);
  }

  static Code storeDirty(CacheRef cd, boolean value, Supplier<Code> then) {
    return Code.call(cd.ref(), r -> new StoreDirty(value, r), "dirty.store", v -> then.get());
  }

  static Code loadMounted(CacheRef cd, Function<Boolean, Code> then) {
    return Code.ask(cd.ref(), LoadMounted::new, "mounted.load", then);
  }

  static Code storeMounted(CacheRef cd, boolean value, Supplier<Code> then) {
    return Code.call(cd.ref(), r -> new StoreMounted(value, r), "mounted.store(" + value + ")", v -> then.get());
  }

  /** The reply to {@link CopyChunk}: {@code present} false when {@code blocks.get(i)} is None. */
  /** {@code bytes} is the region's own fresh copy (the source's {@code buf}); nobody writes it afterwards. */
  public record Chunk(boolean present, byte[] bytes) {
    public Chunk {
      bytes = bytes == null ? new byte[0] : bytes;
    }
  }

  private final World world;
  private final String device;
  private final String id;
  private final byte[][] blocks;
  private final int totalLen;
  private boolean dirty;
  private boolean mounted;

  /**
   * A fresh cache ({@code CacheData::new}: not dirty, not mounted) over copies of {@code chunks}.
   *
   * @param device {@code loopN}, for observations
   * @param id {@code loopN#g}
   */
  public static Behavior<Command> create(World world, String device, String id, List<byte[]> chunks, int totalLen) {
    // The chunks are handed over: as_dyn_block_device allocated each one for this cache and keeps none.
    List<byte[]> own = new ArrayList<>(chunks);
    return Behaviors.setup(ctx -> new CacheData(ctx, world, device, id, own, totalLen));
  }

  private CacheData(ActorContext<Command> ctx, World world, String device, String id, List<byte[]> chunks, int totalLen) {
    super(ctx);
    if (totalLen < 0) {
      throw new IllegalArgumentException("total_len must not be negative: " + totalLen);
    }
    this.world = world;
    this.device = device;
    this.id = id;
    this.blocks = new byte[chunks.size()][];
    for (int i = 0; i < blocks.length; i++) {
      blocks[i] = chunks.get(i).clone(); // the receiver copies what it keeps
    }
    this.totalLen = totalLen;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(ReadBlock.class, this::onReadBlock)
        .onMessage(WriteBlock.class, this::onWriteBlock)
        .onMessage(ChunkCount.class, this::onChunkCount)
        .onMessage(CopyChunk.class, this::onCopyChunk)
        .onMessage(SwapDirty.class, this::onSwapDirty)
        .onMessage(LoadDirty.class, this::onLoadDirty)
        .onMessage(StoreDirty.class, this::onStoreDirty)
        .onMessage(LoadMounted.class, this::onLoadMounted)
        .onMessage(StoreMounted.class, this::onStoreMounted)
        .build();
  }

  private Behavior<Command> onReadBlock(ReadBlock r) {
    byte[] buf = new byte[r.length()];
    int pos = 0;
    long cur = r.byteOffset();
    while (pos < buf.length) {
      int idx = (int) (cur / CACHE_BLK);
      int off = (int) (cur % CACHE_BLK);
      if (idx >= blocks.length) { // blocks.get(idx) is None
        r.replyTo().tell(new Reply<>(SysResult.err(Errno.EIO)));
        return this;
      }
      int n = Math.min(buf.length - pos, CACHE_BLK - off);
      System.arraycopy(blocks[idx], off, buf, pos, n);
      pos += n;
      cur += n;
    }
    r.replyTo().tell(new Reply<>(SysResult.ok(buf.length, buf)));
    return this;
  }

  private Behavior<Command> onWriteBlock(WriteBlock w) {
    byte[] data = w.data();
    int pos = 0;
    long cur = w.byteOffset();
    while (pos < data.length) {
      int idx = (int) (cur / CACHE_BLK);
      int off = (int) (cur % CACHE_BLK);
      if (idx >= blocks.length) {
        // The source returns here, after copying the chunks before this one, without setting dirty.
        w.replyTo().tell(new Reply<>(SysResult.err(Errno.EIO)));
        return this;
      }
      int n = Math.min(data.length - pos, CACHE_BLK - off);
      System.arraycopy(data, pos, blocks[idx], off, n);
      pos += n;
      cur += n;
    }
    dirty = true;
    world.emit(new LoopEvents.BlockWritten(device, id, w.blockId(), data.clone()));
    w.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onChunkCount(ChunkCount c) {
    c.replyTo().tell(new Reply<>(blocks.length));
    return this;
  }

  private Behavior<Command> onCopyChunk(CopyChunk c) {
    if (c.index() < 0 || c.index() >= blocks.length) {
      c.replyTo().tell(new Reply<>(new Chunk(false, null)));
      return this;
    }
    byte[] chunk = blocks[c.index()];
    long left = Math.max(0, totalLen - c.offset()); // total.saturating_sub(offset)
    int n = (int) Math.min(chunk.length, left);
    c.replyTo().tell(new Reply<>(new Chunk(true, Arrays.copyOf(chunk, n))));
    return this;
  }

  private Behavior<Command> onSwapDirty(SwapDirty s) {
    boolean old = dirty;
    dirty = s.value();
    s.replyTo().tell(new Reply<>(old));
    return this;
  }

  private Behavior<Command> onLoadDirty(LoadDirty l) {
    l.replyTo().tell(new Reply<>(dirty));
    return this;
  }

  private Behavior<Command> onStoreDirty(StoreDirty s) {
    dirty = s.value();
    s.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onLoadMounted(LoadMounted l) {
    l.replyTo().tell(new Reply<>(mounted));
    return this;
  }

  private Behavior<Command> onStoreMounted(StoreMounted s) {
    mounted = s.value();
    world.emit(new LoopEvents.MountedStored(device, id, mounted));
    s.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }
}
