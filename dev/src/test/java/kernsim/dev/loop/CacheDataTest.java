package kernsim.dev.loop;

import static kernsim.dev.loop.LoopWorld.block;
import static kernsim.dev.loop.LoopWorld.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingFileActor;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One CacheData alone (with an adapter over it and a backing file), driven by one hart. */
class CacheDataTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  record Env(World world, CacheRef cache, BoundFile file, LoopIoctls loop) {}

  /** A cache of {@code chunks} 4 KiB chunks claiming {@code totalLen} bytes, and an empty file. */
  private static LoopWorld.Captured run(int chunks, int totalLen, Function<Env, List<Runner.Step>> program) {
    return run(chunks, totalLen, BackingImage.Faults.NONE, program);
  }

  private static LoopWorld.Captured run(
      int chunks, int totalLen, BackingImage.Faults faults, Function<Env, List<Runner.Step>> program) {
    LoopWorld.Captured cap = new LoopWorld.Captured();
    WorldSpec spec = WorldSpec.of("cache", LoopWorld.MODEL, "cache", w -> Behaviors.setup(ctx -> {
      List<byte[]> cs = new ArrayList<>();
      for (int i = 0; i < chunks; i++) {
        byte[] c = new byte[CacheData.CACHE_BLK];
        Arrays.fill(c, (byte) (i + 1));
        cs.add(c);
      }
      ActorRef<CacheData.Command> cd = ctx.spawn(CacheData.create(w, "loop0", "loop0#1", cs, totalLen), "cache");
      BackingImage img = new BackingImage(new byte[0], faults);
      cap.image = img;
      ActorRef<BackingFile.Command> f = ctx.spawn(BackingFileActor.create(w, img), "file");
      // writeback_buffer is in LoopIoctls, which names a device; this one is never sent anything.
      ActorRef<LoopDevice.Command> dev = ctx.spawn(LoopDevice.create(w, 0), "loop0");
      Env env = new Env(w, new CacheRef("loop0#1", cd, totalLen), new BoundFile(f, "/img", false),
          new LoopIoctls(w, dev, 0));
      ctx.spawn(Runner.create(w, program.apply(env)), "hart-1");
      return Behaviors.empty();
    }), w -> {
      cap.events.clear();
      return List.of(Monitor.recorder(cap.events));
    });
    RunResult r = sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
    assertFalse(r.failed(), r.outcome());
    return cap;
  }

  private static Code adapter(Env e, boolean ro) {
    return LoopBlockDevice.create(e.world(), "loop0", e.cache(), ro,
        new StarryLoop(e.world(), e.loop().device(), 0, kernsim.dev.Semantics.STARRY));
  }

  private static LoopBlockDevice adapterOf(Object result) {
    return (LoopBlockDevice) ((SysResult.Ok) result).data();
  }

  /** The linux profile's page cache of {@code totalLen} bytes, nothing cached, driven by one hart. */
  private static LoopWorld.Captured runLazy(int totalLen, Function<CacheRef, List<Runner.Step>> program) {
    LoopWorld.Captured cap = new LoopWorld.Captured();
    WorldSpec spec = WorldSpec.of("lazy-cache", LoopWorld.MODEL, "lazy-cache", w -> Behaviors.setup(ctx -> {
      ActorRef<CacheData.Command> cd = ctx.spawn(CacheData.createLazy(w, "loop0", "loop0#1", totalLen), "cache");
      ctx.spawn(Runner.create(w, program.apply(new CacheRef("loop0#1", cd, totalLen))), "hart-1");
      return Behaviors.empty();
    }), w -> {
      cap.events.clear();
      return List.of(Monitor.recorder(cap.events));
    });
    RunResult r = sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
    assertFalse(r.failed(), r.outcome());
    return cap;
  }

  @Test
  void theLazyPageCacheAsksForMissingPagesWritesBackOnlyDirtyOnesAndInvalidatesCleanOnes() {
    byte[] fill = new byte[CacheData.CACHE_BLK];
    Arrays.fill(fill, (byte) 7);
    byte[] page = new byte[CacheData.CACHE_BLK];
    Arrays.fill(page, (byte) 0x11);
    byte[] whole = new byte[CacheData.CACHE_BLK];
    Arrays.fill(whole, (byte) 0x22);
    LoopWorld.Captured cap = runLazy(16384, cd -> List.of(
        step("read page 0", () -> CacheData.readPages(cd, 0, 8, "read", Code::done)),
        step("write page 1 whole", () -> CacheData.writePages(cd, 8, 4096, whole, "write", Code::done)),
        step("write page 2 in part", () -> CacheData.writePages(cd, 16, 8192, "ab".getBytes(), "write", Code::done)),
        step("fill page 2", () -> CacheData.fillPage(cd, 2, fill, () -> Code.ok(0))),
        step("write page 2 again", () -> CacheData.writePages(cd, 16, 8192, "ab".getBytes(), "write", Code::done)),
        step("read across 1 and 2", () -> CacheData.readPages(cd, 8190, 6, "read", Code::done)),
        step("swap dirty", () -> CacheData.swapDirty(cd, Code::done)),
        step("next page from 0", () -> CacheData.copyNextPage(cd, 0, Code::done)),
        step("next page from 2", () -> CacheData.copyNextPage(cd, 2, Code::done)),
        step("next page from 3", () -> CacheData.copyNextPage(cd, 3, Code::done)),
        step("write page 3 whole", () -> CacheData.writePages(cd, 24, 12288, page, "write", Code::done)),
        step("invalidate", () -> CacheData.invalidate(cd, false, () -> Code.ok(0))),
        step("read page 1", () -> CacheData.readPages(cd, 4096, 1, "read", Code::done)),
        step("read page 3", () -> CacheData.readPages(cd, 12288, 1, "read", Code::done)),
        step("kill", () -> CacheData.invalidate(cd, true, () -> Code.ok(0))),
        step("read page 3 again", () -> CacheData.readPages(cd, 12288, 1, "read", Code::done))));
    assertEquals(0, ((CacheData.Paged) cap.result("hart-1", 0)).missing());
    assertEquals(SysResult.ok(0), ((CacheData.Paged) cap.result("hart-1", 1)).result(), "a whole page needs no read");
    assertEquals(2, ((CacheData.Paged) cap.result("hart-1", 2)).missing(), "a page written in part is read first");
    assertEquals(SysResult.ok(0), ((CacheData.Paged) cap.result("hart-1", 4)).result());
    byte[] across = (byte[]) ((SysResult.Ok) ((CacheData.Paged) cap.result("hart-1", 5)).result()).data();
    assertArrayEquals(new byte[] {0x22, 0x22, 'a', 'b', 7, 7}, across);
    assertEquals(true, cap.result("hart-1", 6));
    assertEquals(1, ((CacheData.Page) cap.result("hart-1", 7)).index());
    assertArrayEquals(whole, ((CacheData.Page) cap.result("hart-1", 7)).bytes());
    assertEquals(2, ((CacheData.Page) cap.result("hart-1", 8)).index());
    assertEquals(-1, ((CacheData.Page) cap.result("hart-1", 9)).index(), "page 0 was never cached, 3 not dirty then");
    assertEquals(SysResult.ok(0), ((CacheData.Paged) cap.result("hart-1", 10)).result());
    assertEquals(1, ((CacheData.Paged) cap.result("hart-1", 12)).missing(), "clean pages are dropped");
    assertEquals(-1, ((CacheData.Paged) cap.result("hart-1", 13)).missing(), "a dirty page is kept");
    assertEquals(3, ((CacheData.Paged) cap.result("hart-1", 15)).missing(), "kill_bdev drops every page");
  }

  @Test
  void writeBlockLandsInTheChunkSetsDirtyAndReadsBack() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(2, 8192, e -> List.of(
        step("adapter", () -> Code.bind(adapter(e, false), v -> {
          a[0] = adapterOf(v);
          return Code.done(v);
        })),
        step("dirty before", () -> Code.ask(e.cache().ref(), CacheData.LoadDirty::new, "dirty", Code::done)),
        step("write_block 9", () -> a[0].writeBlock(9, block(0x5a))),
        step("dirty after", () -> Code.ask(e.cache().ref(), CacheData.LoadDirty::new, "dirty", Code::done)),
        step("read_block 9", () -> a[0].readBlock(9)),
        step("read_block 0", () -> a[0].readBlock(0))));
    assertEquals(false, cap.result("hart-1", 1));
    assertEquals(SysResult.ok(0), cap.result("hart-1", 2));
    assertEquals(true, cap.result("hart-1", 3));
    assertArrayEquals(block(0x5a), (byte[]) ((SysResult.Ok) cap.result("hart-1", 4)).data());
    assertArrayEquals(block(1), (byte[]) ((SysResult.Ok) cap.result("hart-1", 5)).data());
    LoopEvents.WriteBlockAcked ack = cap.events(LoopEvents.WriteBlockAcked.class).get(0);
    assertEquals("loop0#1", ack.cache());
    assertEquals(9, ack.blockId());
    assertEquals(1, cap.events(LoopEvents.BlockWritten.class).size());
  }

  @Test
  void outOfBoundsBlocksAreEioInTheAdapterAndUnderTheLock() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    // total_len claims 8 KiB, but only one chunk exists: the adapter's bounds check passes block 8 and
    // the copy under the lock finds no chunk.
    LoopWorld.Captured cap = run(1, 8192, e -> List.of(
        step("adapter", () -> Code.bind(adapter(e, false), v -> {
          a[0] = adapterOf(v);
          return Code.done(v);
        })),
        step("read_block 16", () -> a[0].readBlock(16)),
        step("write_block 16", () -> a[0].writeBlock(16, block(1))),
        step("write_block -1", () -> a[0].writeBlock(-1, block(1))),
        step("read_block 8", () -> a[0].readBlock(8)),
        step("write_block 8", () -> a[0].writeBlock(8, block(1))),
        step("dirty", () -> Code.ask(e.cache().ref(), CacheData.LoadDirty::new, "dirty", Code::done))));
    for (int i = 1; i <= 5; i++) {
      assertEquals(SysResult.err(Errno.EIO), cap.result("hart-1", i), "procedure " + i);
    }
    assertEquals(false, cap.result("hart-1", 6)); // a failed write_block does not set dirty
  }

  @Test
  void writeBlockOnAReadOnlyAdapterIsEioAndTouchesNothing() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(1, 4096, e -> List.of(
        step("adapter ro", () -> Code.bind(adapter(e, true), v -> {
          a[0] = adapterOf(v);
          return Code.done(v);
        })),
        step("write_block 0", () -> a[0].writeBlock(0, block(9))),
        step("read_block 0", () -> a[0].readBlock(0))));
    assertEquals(SysResult.err(Errno.EIO), cap.result("hart-1", 1));
    assertArrayEquals(block(1), (byte[]) ((SysResult.Ok) cap.result("hart-1", 2)).data());
    assertEquals(List.of(), cap.events(LoopEvents.BlockWritten.class));
  }

  @Test
  void adapterCreateAndDropStoreMounted() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(1, 4096, e -> List.of(
        step("adapter", () -> Code.bind(adapter(e, false), v -> {
          a[0] = adapterOf(v);
          return Code.done(v);
        })),
        step("mounted", () -> Code.ask(e.cache().ref(), CacheData.LoadMounted::new, "mounted", Code::done)),
        step("drop", () -> a[0].drop()),
        step("mounted", () -> Code.ask(e.cache().ref(), CacheData.LoadMounted::new, "mounted", Code::done)),
        step("flush", () -> a[0].flush())));
    assertEquals(true, cap.result("hart-1", 1));
    assertEquals(false, cap.result("hart-1", 3));
    assertEquals(SysResult.ok(0), cap.result("hart-1", 4));
    assertEquals(List.of(new LoopEvents.AdapterCreated("loop0", "loop0#1", false)),
        cap.events(LoopEvents.AdapterCreated.class));
    assertEquals(List.of(new LoopEvents.AdapterDropped("loop0", "loop0#1")),
        cap.events(LoopEvents.AdapterDropped.class));
  }

  @Test
  void writebackCopiesTotalLenBytesChunkByChunkThenSyncs() {
    // 5000 bytes in two chunks: the second chunk contributes 904 bytes.
    LoopWorld.Captured cap = run(2, 5000, e -> List.of(
        step("writeback_buffer", () -> new Writeback(e.world(), "loop0").writebackBuffer(e.file(), e.cache(), Code::done))));
    assertEquals(true, cap.result("hart-1", 0));
    byte[] durable = cap.image.durable();
    assertEquals(5000, durable.length);
    assertEquals(1, durable[4095]);
    assertEquals(2, durable[4096]);
    assertEquals(2, durable[4999]);
    List<LoopEvents.BackingWrite> writes = cap.events(LoopEvents.BackingWrite.class);
    assertEquals(List.of(4096, 904), writes.stream().map(LoopEvents.BackingWrite::length).toList());
    assertEquals(List.of(0L, 4096L), writes.stream().map(LoopEvents.BackingWrite::offset).toList());
  }

  @Test
  void writebackFailsWhenTheFileRefusesWrites() {
    LoopWorld.Captured cap = run(1, 4096, new BackingImage.Faults(true, false), e -> List.of(
        step("writeback_buffer", () -> new Writeback(e.world(), "loop0").writebackBuffer(e.file(), e.cache(), Code::done))));
    assertEquals(false, cap.result("hart-1", 0));
    assertEquals(0, cap.image.durable().length);
  }
}
