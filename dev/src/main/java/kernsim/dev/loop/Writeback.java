package kernsim.dev.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.FileBackend;

/**
 * The code both loop drivers share between a page cache and its backing file: the source's
 * {@code writeback_buffer} (chunk by chunk, then a sync), the writes it makes (each observed as a
 * {@link LoopEvents.BackingWrite} once it reached the file), and the read of the whole file into
 * 4 KiB chunks that fills a fresh cache ({@code as_dyn_block_device}'s step 2, loop_configure's fill).
 */
final class Writeback {
  private final World world;
  private final String name;

  Writeback(World world, String name) {
    this.world = world;
    this.name = name;
  }

  /**
   * {@code writeback_buffer}: the chunk count in one blocks-lock region, then per chunk one region
   * copying {@code min(4096, total_len - offset)} bytes and (unlocked) writes of them until all are
   * written; then a sync. Continues with false on a failed or zero-length write or a failed sync.
   */
  Code writebackBuffer(BoundFile file, CacheRef cd, Function<Boolean, Code> then) {
    return CacheData.chunkCount(cd, n -> writebackChunk(file, cd, 0, n, 0, then));
  }

  private Code writebackChunk(BoundFile file, CacheRef cd, int i, int nchunks, long offset,
      Function<Boolean, Code> then) {
    if (i >= nchunks) {
      return closingSync(file, then);
    }
    return CacheData.copyChunk(cd, i, offset, chunk -> {
      if (!chunk.present() || chunk.bytes().length == 0) {
        return closingSync(file, then); // break: no such chunk, or nothing left to write
      }
      byte[] buf = chunk.bytes();
      return writeAll(file, buf, 0, offset,
          () -> writebackChunk(file, cd, i + 1, nchunks, offset + buf.length, then), then);
    });
  }

  /**
   * The linux page cache's write-back ({@code filemap_write_and_wait} through {@code lo_rw_aio}): each page
   * of the write-back set ({@link CacheData#swapDirty} put the dirty pages there), copied in one region,
   * written at {@code base} (the device's {@code lo_offset}) plus its offset; then a sync. Continues as
   * {@link #writebackBuffer}.
   */
  Code writebackPages(BoundFile file, CacheRef cd, long base, Function<Boolean, Code> then) {
    return writebackPage(file, cd, base, 0, then);
  }

  private Code writebackPage(BoundFile file, CacheRef cd, long base, int from, Function<Boolean, Code> then) {
    return CacheData.copyNextPage(cd, from, page -> {
      if (page.index() < 0) {
        return closingSync(file, then);
      }
      long offset = base + (long) page.index() * CacheData.CACHE_BLK;
      return writeAll(file, page.bytes(), 0, offset,
          () -> writebackPage(file, cd, base, page.index() + 1, then), then);
    });
  }

  private Code writeAll(BoundFile file, byte[] buf, int written, long offset, Supplier<Code> next,
      Function<Boolean, Code> then) {
    if (written >= buf.length) {
      return next.get();
    }
    byte[] part = Arrays.copyOfRange(buf, written, buf.length);
    return backingWrite(file, offset + written, part, "writeback", v -> {
      if (v instanceof SysResult.Ok ok && ok.value() > 0) {
        return writeAll(file, buf, written + (int) ok.value(), offset, next, then);
      }
      if (v instanceof SysResult.Err) {
        world.emit(new LoopEvents.WritebackFailed(name, file.key(), "write"));
      }
      return then.apply(false); // Ok(0): stalled; Err: failed
    });
  }

  /** writeback_buffer's (and the page write-back's) closing {@code sync_all}; a failure is a {@link LoopEvents.WritebackFailed}. */
  private Code closingSync(BoundFile file, Function<Boolean, Code> then) {
    return sync(file, ok -> {
      if (!ok) {
        world.emit(new LoopEvents.WritebackFailed(name, file.key(), "sync"));
      }
      return then.apply(ok);
    });
  }

  /**
   * The backing file's {@code sync_all}; continues with whether it succeeded. A backend that is no file
   * actor has its success reported here ({@link BackingFile.Synced} with no image: what was written to it
   * is durable now).
   */
  Code sync(BoundFile file, Function<Boolean, Code> then) {
    return file.ref().sync(v -> {
      if (v.isOk() && !file.ref().reportsItself()) {
        world.emit(new BackingFile.Synced(file.key(), null));
      }
      return then.apply(v.isOk());
    });
  }

  /** A write to the backing file; once it has reached the file, a {@link LoopEvents.BackingWrite}. */
  Code backingWrite(BoundFile f, long offset, byte[] data, String via, Function<SysResult, Code> then) {
    return f.ref().writeAt(offset, data, via, v -> {
      if (v instanceof SysResult.Ok ok) {
        world.emit(new LoopEvents.BackingWrite(name, f.key(), offset, data.length, f.readOnlyOpen(), via));
        if (!f.ref().reportsItself() && ok.value() > 0) {
          world.emit(new FileBackend.Wrote(f.key(), offset,
              ok.value() >= data.length ? data : Arrays.copyOf(data, (int) ok.value())));
        }
      }
      return then.apply(v);
    });
  }

  /**
   * The first {@code len} bytes of {@code file} read {@code read_at} by {@code read_at} into zero-padded
   * 4 KiB chunks, continuing with them; a failed or short read continues with {@code failed} of that
   * read's result instead.
   */
  static Code readChunks(BoundFile file, int len, Function<SysResult, Code> failed, Function<List<byte[]>, Code> then) {
    return readChunks(file, len, 0, new ArrayList<>(), failed, then);
  }

  private static Code readChunks(BoundFile file, int len, int offset, List<byte[]> chunks,
      Function<SysResult, Code> failed, Function<List<byte[]>, Code> then) {
    if (offset >= len) {
      return then.apply(chunks);
    }
    int toRead = Math.min(CacheData.CACHE_BLK, len - offset);
    return file.ref().readAt(offset, toRead, v -> {
      if (!(v instanceof SysResult.Ok ok) || ok.value() != toRead || !(ok.data() instanceof byte[] bytes)) {
        return failed.apply(v);
      }
      List<byte[]> next = new ArrayList<>(chunks);
      next.add(Arrays.copyOf(bytes, CacheData.CACHE_BLK));
      return readChunks(file, len, offset + toRead, next, failed, then);
    });
  }

  /** The backing file's length as {@code unwrap_or(0)} reads it. */
  static Code lengthOrZero(BoundFile file, Function<Long, Code> then) {
    return file.ref().length(v -> then.apply(v instanceof SysResult.Ok ok ? ok.value() : 0L));
  }
}
