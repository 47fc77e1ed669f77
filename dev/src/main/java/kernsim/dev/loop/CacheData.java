package kernsim.dev.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
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
 *
 * <p>The linux profile's page cache is a <em>lazy</em> CacheData ({@link #createLazy}): no page is cached
 * at creation; {@link ReadPages} and {@link WritePages} answer which page is missing instead of copying,
 * and the reader fills it from the backing file ({@link FillPage}) through the loop queue, as
 * {@code filemap_read} and {@code block_write_begin} do. Only cached pages take memory. Each page has its
 * own dirty bit: {@link SwapDirty} moves the dirty pages to the write-back set, {@link CopyNextPage} copies
 * them one region each, a failed write-back's {@link StoreDirty} puts them back, and {@link Invalidate}
 * drops the clean ones ({@code invalidate_bdev}) or every page ({@code kill_bdev}).
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

  // ---- the lazy page cache (linux) ----

  /** A read of cached pages: {@link Paged} with {@code Ok(length, byte[])}, or the first page not cached. */
  public record ReadPages(long byteOffset, int length, ActorRef<Reply<Paged>> replyTo) implements Command {}

  /**
   * A write into the page cache: every page the write covers only in part must be cached (else the first
   * that is not is answered and nothing is copied); pages it covers whole are made. {@code Ok(0)}, each
   * page it touched dirty.
   */
  public record WritePages(long blockId, long byteOffset, byte[] data, ActorRef<Reply<Paged>> replyTo)
      implements Command {}

  /**
   * Pages read from the backing file cached, from page {@code index} on, one per 4 KiB of {@code bytes}
   * (the last zero-padded; at least one page), each unless one is cached by now. Replies {@code Ok(0)}.
   */
  public record FillPage(int index, byte[] bytes, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * {@code invalidate_bdev} (clean pages dropped; none while a filesystem is mounted on the cache) or, with
   * {@code all}, {@code kill_bdev}. Replies {@code Ok(0)}.
   */
  public record Invalidate(boolean all, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** The device's capacity changed: the cache's length is {@code totalLen}. Replies {@code Ok(0)}. */
  public record Resize(int totalLen, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * Write-back's copy of the next page of the write-back set from {@code fromIndex} (one region): replies
   * a {@link Page}, its bytes clipped to the cache's length; index -1 when none is left.
   */
  public record CopyNextPage(int fromIndex, ActorRef<Reply<Page>> replyTo) implements Command {}

  /** The reply to {@link ReadPages} and {@link WritePages}: the result, or {@code missing >= 0}: that page is not cached. */
  public record Paged(SysResult result, int missing) {}

  /** The reply to {@link CopyNextPage}. */
  public record Page(int index, byte[] bytes) {}

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

  static Code readPages(CacheRef cd, long byteOffset, int length, String what, Function<Paged, Code> then) {
    return Code.ask(cd.ref(), r -> new ReadPages(byteOffset, length, r), what, then);
  }

  static Code writePages(CacheRef cd, long blockId, long byteOffset, byte[] data, String what, Function<Paged, Code> then) {
    return Code.ask(cd.ref(), r -> new WritePages(blockId, byteOffset, data, r), what, then);
  }

  static Code fillPage(CacheRef cd, int index, byte[] bytes, Supplier<Code> then) {
    return Code.call(cd.ref(), r -> new FillPage(index, bytes, r), "page fill", v -> then.get());
  }

  static Code invalidate(CacheRef cd, boolean all, Supplier<Code> then) {
    return Code.call(cd.ref(), r -> new Invalidate(all, r), all ? "kill_bdev" : "invalidate_bdev", v -> then.get());
  }

  static Code resize(CacheRef cd, int totalLen, Supplier<Code> then) {
    return Code.call(cd.ref(), r -> new Resize(totalLen, r), "set_capacity", v -> then.get());
  }

  static Code copyNextPage(CacheRef cd, int fromIndex, Function<Page, Code> then) {
    return Code.ask(cd.ref(), r -> new CopyNextPage(fromIndex, r), "writeback copy", then);
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
  /** The cached chunks by index (starry: all of {@code 0 .. nblocks-1}; lazy: those read or written). */
  private final TreeMap<Integer, byte[]> blocks = new TreeMap<>();
  private int nblocks;
  private int totalLen;
  private boolean dirty;
  private boolean mounted;
  /** The linux profile's page cache: pages filled on first access, dirty page by page. */
  private final boolean lazy;
  private final TreeSet<Integer> dirtyPages = new TreeSet<>();
  private final TreeSet<Integer> writingBack = new TreeSet<>();

  /**
   * A fresh cache ({@code CacheData::new}: not dirty, not mounted) over copies of {@code chunks}.
   *
   * @param device {@code loopN}, for observations
   * @param id {@code loopN#g}
   */
  public static Behavior<Command> create(World world, String device, String id, List<byte[]> chunks, int totalLen) {
    // The chunks are handed over: as_dyn_block_device allocated each one for this cache and keeps none.
    List<byte[]> own = new ArrayList<>(chunks);
    return Behaviors.setup(ctx -> new CacheData(ctx, world, device, id, own, totalLen, false));
  }

  /** The linux profile's page cache of a device of {@code totalLen} bytes: nothing cached yet. */
  public static Behavior<Command> createLazy(World world, String device, String id, int totalLen) {
    return Behaviors.setup(ctx -> new CacheData(ctx, world, device, id, List.of(), totalLen, true));
  }

  private CacheData(ActorContext<Command> ctx, World world, String device, String id, List<byte[]> chunks,
      int totalLen, boolean lazy) {
    super(ctx);
    if (totalLen < 0) {
      throw new IllegalArgumentException("total_len must not be negative: " + totalLen);
    }
    this.world = world;
    this.device = device;
    this.id = id;
    this.lazy = lazy;
    for (int i = 0; i < chunks.size(); i++) {
      blocks.put(i, chunks.get(i).clone()); // the receiver copies what it keeps
    }
    this.totalLen = totalLen;
    this.nblocks = lazy ? pages(totalLen) : chunks.size();
  }

  private static int pages(long len) {
    return (int) ((len + CACHE_BLK - 1) / CACHE_BLK);
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
        .onMessage(ReadPages.class, this::onReadPages)
        .onMessage(WritePages.class, this::onWritePages)
        .onMessage(FillPage.class, this::onFillPage)
        .onMessage(Invalidate.class, this::onInvalidate)
        .onMessage(Resize.class, this::onResize)
        .onMessage(CopyNextPage.class, this::onCopyNextPage)
        .build();
  }

  private Behavior<Command> onReadBlock(ReadBlock r) {
    byte[] buf = copyOut(r.byteOffset(), r.length());
    // a chunk missing: blocks.get(idx) is None
    r.replyTo().tell(new Reply<>(buf == null ? SysResult.err(Errno.EIO) : SysResult.ok(buf.length, buf)));
    return this;
  }

  /** The cached bytes from {@code byteOffset}, {@code length} of them; null when a chunk they fall in is missing. */
  private byte[] copyOut(long byteOffset, int length) {
    byte[] buf = new byte[length];
    int pos = 0;
    long cur = byteOffset;
    while (pos < buf.length) {
      int off = (int) (cur % CACHE_BLK);
      byte[] chunk = blocks.get((int) (cur / CACHE_BLK));
      if (chunk == null) {
        return null;
      }
      int n = Math.min(buf.length - pos, CACHE_BLK - off);
      System.arraycopy(chunk, off, buf, pos, n);
      pos += n;
      cur += n;
    }
    return buf;
  }

  private Behavior<Command> onWriteBlock(WriteBlock w) {
    byte[] data = w.data();
    int pos = 0;
    long cur = w.byteOffset();
    while (pos < data.length) {
      int idx = (int) (cur / CACHE_BLK);
      int off = (int) (cur % CACHE_BLK);
      byte[] chunk = blocks.get(idx);
      if (chunk == null) {
        // The source returns here, after copying the chunks before this one, without setting dirty.
        w.replyTo().tell(new Reply<>(SysResult.err(Errno.EIO)));
        return this;
      }
      int n = Math.min(data.length - pos, CACHE_BLK - off);
      System.arraycopy(data, pos, chunk, off, n);
      pos += n;
      cur += n;
    }
    dirty = true;
    world.emit(new LoopEvents.BlockWritten(device, id, w.blockId(), data.clone()));
    w.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onChunkCount(ChunkCount c) {
    c.replyTo().tell(new Reply<>(nblocks));
    return this;
  }

  private Behavior<Command> onCopyChunk(CopyChunk c) {
    byte[] chunk = blocks.get(c.index());
    if (chunk == null) {
      c.replyTo().tell(new Reply<>(new Chunk(false, null)));
      return this;
    }
    long left = Math.max(0, totalLen - c.offset()); // total.saturating_sub(offset)
    int n = (int) Math.min(chunk.length, left);
    c.replyTo().tell(new Reply<>(new Chunk(true, Arrays.copyOf(chunk, n))));
    return this;
  }

  private Behavior<Command> onSwapDirty(SwapDirty s) {
    boolean old = dirty;
    dirty = s.value();
    if (lazy && !s.value()) {
      writingBack.addAll(dirtyPages); // the dirty pages go under write-back
      dirtyPages.clear();
    }
    s.replyTo().tell(new Reply<>(old));
    return this;
  }

  private Behavior<Command> onLoadDirty(LoadDirty l) {
    l.replyTo().tell(new Reply<>(dirty));
    return this;
  }

  private Behavior<Command> onStoreDirty(StoreDirty s) {
    dirty = s.value();
    if (lazy && s.value()) {
      dirtyPages.addAll(writingBack); // a failed write-back: the pages stay dirty
      writingBack.clear();
    }
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

  // ---- the lazy page cache ----

  /** The first page in {@code [offset, offset + length)} not cached, or -1. */
  private int firstMissing(long offset, int length, boolean partialOnly) {
    long end = offset + length;
    for (long cur = offset; cur < end; ) {
      int idx = (int) (cur / CACHE_BLK);
      long pageStart = (long) idx * CACHE_BLK;
      long pageEnd = pageStart + CACHE_BLK;
      boolean whole = cur == pageStart && end >= pageEnd;
      if (!blocks.containsKey(idx) && !(partialOnly && whole)) {
        return idx;
      }
      cur = pageEnd;
    }
    return -1;
  }

  private Behavior<Command> onReadPages(ReadPages r) {
    int missing = firstMissing(r.byteOffset(), r.length(), false);
    if (missing >= 0) {
      r.replyTo().tell(new Reply<>(new Paged(null, missing)));
      return this;
    }
    byte[] buf = copyOut(r.byteOffset(), r.length()); // every page is there (firstMissing)
    r.replyTo().tell(new Reply<>(new Paged(SysResult.ok(buf.length, buf), -1)));
    return this;
  }

  private Behavior<Command> onWritePages(WritePages w) {
    byte[] data = w.data();
    int missing = firstMissing(w.byteOffset(), data.length, true);
    if (missing >= 0) {
      w.replyTo().tell(new Reply<>(new Paged(null, missing)));
      return this;
    }
    int pos = 0;
    long cur = w.byteOffset();
    while (pos < data.length) {
      int idx = (int) (cur / CACHE_BLK);
      int off = (int) (cur % CACHE_BLK);
      int n = Math.min(data.length - pos, CACHE_BLK - off);
      System.arraycopy(data, pos, blocks.computeIfAbsent(idx, k -> new byte[CACHE_BLK]), off, n);
      dirtyPages.add(idx);
      pos += n;
      cur += n;
    }
    dirty = true;
    world.emit(new LoopEvents.BlockWritten(device, id, w.blockId(), data.clone()));
    w.replyTo().tell(new Reply<>(new Paged(SysResult.ok(0), -1)));
    return this;
  }

  private Behavior<Command> onFillPage(FillPage f) {
    byte[] b = f.bytes();
    int pages = Math.max(1, pages(b.length));
    for (int i = 0; i < pages; i++) {
      int idx = f.index() + i;
      if (idx >= 0 && idx < nblocks) {
        int from = i * CACHE_BLK;
        blocks.putIfAbsent(idx, Arrays.copyOfRange(b, Math.min(from, b.length), Math.min(from, b.length) + CACHE_BLK));
      }
    }
    f.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onInvalidate(Invalidate m) {
    if (m.all()) {
      blocks.clear();
      dirtyPages.clear();
      dirty = false;
    } else if (!mounted) {
      // invalidate_bdev drops only pages nobody holds: a mounted filesystem's buffers pin its pages, and
      // the model's ext4 holds the whole cache (it reads it under spin locks, where no fill may sleep).
      blocks.keySet().retainAll(dirtyPages);
    }
    writingBack.clear();
    m.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onResize(Resize m) {
    totalLen = m.totalLen();
    nblocks = pages(totalLen);
    m.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onCopyNextPage(CopyNextPage c) {
    Integer idx = writingBack.ceiling(c.fromIndex());
    while (idx != null && !blocks.containsKey(idx)) {
      idx = writingBack.higher(idx);
    }
    long offset = idx == null ? 0 : (long) idx * CACHE_BLK;
    int n = idx == null ? 0 : (int) Math.max(0, Math.min(CACHE_BLK, totalLen - offset));
    if (idx == null || n == 0) {
      c.replyTo().tell(new Reply<>(new Page(-1, new byte[0])));
      return this;
    }
    c.replyTo().tell(new Reply<>(new Page(idx, Arrays.copyOf(blocks.get(idx), n))));
    return this;
  }
}
