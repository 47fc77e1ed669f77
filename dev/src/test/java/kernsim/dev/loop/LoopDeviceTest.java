package kernsim.dev.loop;

import static kernsim.dev.loop.LoopWorld.block;
import static kernsim.dev.loop.LoopWorld.step;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.Monitor;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.dev.file.BackingImage;
import kernsim.dev.loop.LoopAbi.HdGeometry;
import kernsim.dev.loop.LoopAbi.LoopConfig;
import kernsim.dev.loop.LoopAbi.LoopInfo;
import kernsim.dev.loop.LoopAbi.LoopInfo64;
import kernsim.dev.loop.LoopWorld.Env;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /dev/loop0 over one backing file: every errno path of the source, data round trips, and races found by exploration. */
class LoopDeviceTest {
  static final int IMAGE = 16 * 1024;
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static final SysResult OK = SysResult.ok(0);

  private static SysResult err(Errno e) {
    return SysResult.err(e);
  }

  /** One hart running {@code program} on loop0 over a patterned image; the run must not fail. */
  private static LoopWorld.Captured run(BackingImage.Faults faults, Function<Env, Code> setup,
      Function<Env, List<Runner.Step>> program) {
    LoopWorld.Captured cap = new LoopWorld.Captured();
    WorldSpec spec = LoopWorld.spec("loop0", () -> LoopWorld.patterned(IMAGE, faults), setup,
        e -> List.of(program.apply(e)), List::of, cap);
    RunResult r = sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
    assertFalse(r.failed(), r.outcome());
    return cap;
  }

  private static LoopWorld.Captured run(Function<Env, List<Runner.Step>> program) {
    return run(BackingImage.Faults.NONE, null, program);
  }

  private static Runner.Step ioctl(Env e, LoopIoctl c, Object arg) {
    IoctlArg a = arg == null ? IoctlArg.none()
        : arg instanceof IoctlArg x ? x
        : arg instanceof FdArg f ? new IoctlArg.File(f)
        : arg instanceof LoopInfo i ? new IoctlArg.Status(i)
        : arg instanceof LoopInfo64 i ? new IoctlArg.Status64(i)
        : IoctlArg.of(((Number) arg).longValue());
    return step(c.name(), () -> e.loop().ioctl(c, a));
  }

  private static Runner.Step ioctl(Env e, LoopIoctl c) {
    return ioctl(e, c, null);
  }

  /** as_dyn_block_device, keeping the adapter in {@code slot[0]}. */
  private static Runner.Step mount(Env e, LoopBlockDevice[] slot) {
    return step("as_dyn_block_device", () -> Code.bind(e.loop().asDynBlockDevice(), v -> {
      if (v instanceof SysResult.Ok ok) {
        slot[0] = (LoopBlockDevice) ok.data();
      }
      return Code.done(v);
    }));
  }

  private static void expect(LoopWorld.Captured cap, SysResult... results) {
    for (int i = 0; i < results.length; i++) {
      if (results[i] != null) {
        assertEquals(results[i], cap.sys("hart-1", i), "procedure " + i);
      }
    }
  }

  // ---- errno paths, sequentially ----

  @Test
  void devIdIsLinuxsEncodingOfMajor7WithTheMinorsHighBitsAbove255() {
    // new_encode_dev / glibc's makedev: minor bits 0-7 at 0-7, major at 8-19, minor bits 8-19 at 20-31.
    assertEquals(0x700L, LoopDevice.devId(0));
    assertEquals(0x7ffL, LoopDevice.devId(255));
    assertEquals(0x100700L, LoopDevice.devId(256));
    assertEquals(0x10072cL, LoopDevice.devId(300));
    assertEquals(0xfff007ffL, LoopDevice.devId(LoopControl.MAX_INDEX));
    for (int n : new int[] {0, 1, 255, 256, 257, 4095, 4096, 65535, LoopControl.MAX_INDEX}) {
      long d = LoopDevice.devId(n);
      assertEquals(LoopDevice.LOOP_MAJOR, (d >> 8) & 0xfff, "major of loop" + n);
      assertEquals(n, (d & 0xff) | ((d >> 12) & 0xfff00), "minor of loop" + n);
    }
  }

  @Test
  void anUnboundDeviceIsEnxioForStatusClearAndSize() {
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_GET_STATUS), ioctl(e, LoopIoctl.LOOP_GET_STATUS64),
        ioctl(e, LoopIoctl.LOOP_CLR_FD), ioctl(e, LoopIoctl.BLKGETSIZE), ioctl(e, LoopIoctl.BLKGETSIZE64),
        step("as_dyn_block_device", () -> e.loop().asDynBlockDevice()),
        step("read_at", () -> e.loop().readAt(0, 16)), step("write_at", () -> e.loop().writeAt(0, new byte[4])),
        ioctl(e, LoopIoctl.HDIO_GETGEO), ioctl(e, LoopIoctl.BLKFLSBUF)));
    expect(cap, err(Errno.ENXIO), err(Errno.ENXIO), err(Errno.ENXIO), err(Errno.ENXIO), err(Errno.ENXIO),
        err(Errno.ENXIO), err(Errno.EPERM), err(Errno.EPERM), SysResult.ok(0, new HdGeometry(64, 32, 0, 0)), OK);
  }

  @Test
  void aBoundDeviceRefusesASecondSetFdAndConfigure() {
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        ioctl(e, LoopIoctl.LOOP_CONFIGURE, new IoctlArg.Config(
            new LoopConfig(3, 512, LoopInfo64.of("/other", 0)), FdArg.of(e.bound()))),
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.bad(Errno.EBADF)),
        ioctl(e, LoopIoctl.LOOP_CLR_FD),
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.bad(Errno.EBADF))));
    expect(cap, OK, err(Errno.EBUSY), err(Errno.EBUSY), err(Errno.EBADF), OK, err(Errno.EBADF));
    assertEquals(1, cap.events(LoopEvents.FileBound.class).size());
    assertEquals(1, cap.events(LoopEvents.FileUnbound.class).size());
  }

  @Test
  void clrFdIsEbusyWhileAnAdapterIsAliveAndSucceedsAfterItIsDropped() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        mount(e, a),
        ioctl(e, LoopIoctl.LOOP_CLR_FD),
        step("as_dyn_block_device again", () -> e.loop().asDynBlockDevice()),
        step("drop", () -> a[0].drop()),
        ioctl(e, LoopIoctl.LOOP_CLR_FD),
        ioctl(e, LoopIoctl.LOOP_GET_STATUS)));
    expect(cap, OK, null, err(Errno.EBUSY), err(Errno.EBUSY), OK, OK, err(Errno.ENXIO));
    assertEquals(List.of(new LoopEvents.CacheInstalled("loop0", "loop0#1", IMAGE)),
        cap.events(LoopEvents.CacheInstalled.class));
    assertEquals(List.of(new LoopEvents.CacheCleared("loop0", "loop0#1")), cap.events(LoopEvents.CacheCleared.class));
  }

  @Test
  void clrFdIsEioWithADirtyCacheOnAReadOnlyDevice() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        mount(e, a),
        step("write_block", () -> a[0].writeBlock(2, block(0x11))),
        step("drop", () -> a[0].drop()),
        ioctl(e, LoopIoctl.BLKROSET, 1),
        ioctl(e, LoopIoctl.LOOP_CLR_FD),
        ioctl(e, LoopIoctl.BLKFLSBUF),
        ioctl(e, LoopIoctl.BLKROGET),
        ioctl(e, LoopIoctl.BLKROSET, 0),
        ioctl(e, LoopIoctl.LOOP_CLR_FD)));
    expect(cap, OK, null, OK, OK, OK, err(Errno.EIO), err(Errno.EIO), SysResult.ok(0, 1L), OK, OK);
    // The final LOOP_CLR_FD wrote the block back.
    assertArrayEquals(block(0x11), Arrays.copyOfRange(cap.image.durable(), 1024, 1536));
  }

  @Test
  void blkflsbufIsEioWhenTheBackingFileFailsWritesAndKeepsTheCacheDirty() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(new BackingImage.Faults(true, false), null, e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        mount(e, a),
        step("write_block", () -> a[0].writeBlock(1, block(0x22))),
        ioctl(e, LoopIoctl.BLKFLSBUF),
        ioctl(e, LoopIoctl.BLKFLSBUF),
        step("dirty", () -> Code.ask(a[0].cache().ref(), CacheData.LoadDirty::new, "dirty", Code::done))));
    expect(cap, OK, null, OK, err(Errno.EIO), err(Errno.EIO));
    assertEquals(true, cap.result("hart-1", 5));
    assertEquals(List.of(), cap.events(LoopEvents.PersistReturned.class));
  }

  @Test
  void blkflsbufIsEioWhenTheSyncFails() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(new BackingImage.Faults(false, true), null, e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        mount(e, a),
        step("write_block", () -> a[0].writeBlock(1, block(0x22))),
        ioctl(e, LoopIoctl.BLKFLSBUF)));
    expect(cap, OK, null, OK, err(Errno.EIO));
  }

  @Test
  void unsupportedCommandsAreEnottyAndBlkrosetTakesOnlyZeroOrOne() {
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.BLKPG),
        ioctl(e, LoopIoctl.LOOP_CHANGE_FD),
        step("ioctl 0x1234", () -> e.loop().ioctl(0x1234, IoctlArg.none())),
        ioctl(e, LoopIoctl.BLKROSET, 2),
        ioctl(e, LoopIoctl.BLKROSET, -1),
        ioctl(e, LoopIoctl.BLKRRPART)));
    expect(cap, err(Errno.ENOTTY), err(Errno.ENOTTY), err(Errno.ENOTTY), err(Errno.EINVAL), err(Errno.EINVAL), OK);
  }

  @Test
  void exclusiveOpenIsEbusyWhileHeld() {
    LoopWorld.Captured cap = run(e -> List.of(
        step("open", () -> e.loop().open(false)),
        step("open excl", () -> e.loop().open(true)),
        step("open excl", () -> e.loop().open(true)),
        step("open", () -> e.loop().open(false)),
        step("close excl", () -> e.loop().close(true)),
        step("open", () -> e.loop().open(false)),
        step("open excl", () -> e.loop().open(true))));
    expect(cap, OK, OK, err(Errno.EBUSY), err(Errno.EBUSY), OK, OK, OK);
  }

  @Test
  void aReadOnlyDeviceRefusesWritesWithErofsAndItsAdapterWithEio() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.boundRo())),
        step("write_at", () -> e.loop().writeAt(0, new byte[] {1, 2})),
        step("read_at", () -> e.loop().readAt(7, 2)),
        mount(e, a),
        step("write_block", () -> a[0].writeBlock(0, block(3))),
        ioctl(e, LoopIoctl.BLKROGET),
        ioctl(e, LoopIoctl.LOOP_GET_STATUS64)));
    expect(cap, OK, err(Errno.EROFS));
    assertArrayEquals(new byte[] {(byte) 50, (byte) 57}, (byte[]) ((SysResult.Ok) cap.result("hart-1", 2)).data());
    assertTrue(a[0].readOnly());
    assertEquals(err(Errno.EIO), cap.sys("hart-1", 4));
    assertEquals(SysResult.ok(0, 1L), cap.sys("hart-1", 5));
    LoopInfo64 info = (LoopInfo64) ((SysResult.Ok) cap.result("hart-1", 6)).data();
    assertEquals(LoopAbi.LO_FLAGS_READ_ONLY, info.flags());
    assertEquals(List.of(), cap.events(LoopEvents.BackingWrite.class));
  }

  @Test
  void gettersReportSizesGeometryAndStatus() {
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_CONFIGURE, new IoctlArg.Config(
            new LoopConfig(3, 512, LoopInfo64.of("/img", LoopAbi.LO_FLAGS_AUTOCLEAR)), FdArg.of(e.boundRo()))),
        ioctl(e, LoopIoctl.BLKGETSIZE), ioctl(e, LoopIoctl.BLKGETSIZE64), ioctl(e, LoopIoctl.BLKSSZGET),
        ioctl(e, LoopIoctl.BLKPBSZGET), ioctl(e, LoopIoctl.BLKIOMIN), ioctl(e, LoopIoctl.BLKIOOPT),
        ioctl(e, LoopIoctl.BLKRAGET), ioctl(e, LoopIoctl.BLKRASET, 4096), ioctl(e, LoopIoctl.BLKRAGET),
        ioctl(e, LoopIoctl.HDIO_GETGEO), ioctl(e, LoopIoctl.LOOP_GET_STATUS),
        ioctl(e, LoopIoctl.LOOP_SET_STATUS, LoopInfo.of("/a", 0)), ioctl(e, LoopIoctl.LOOP_GET_STATUS64),
        ioctl(e, LoopIoctl.BLKROGET)));
    long size = IMAGE;
    expect(cap, OK, SysResult.ok(0, size / 512), SysResult.ok(0, size), SysResult.ok(0, 512L),
        SysResult.ok(0, 512L), SysResult.ok(0, 512L), SysResult.ok(0, 512L), SysResult.ok(0, 512L), OK,
        SysResult.ok(0, 4096L), SysResult.ok(0, new HdGeometry(64, 32, 0, 0)));
    LoopInfo info = (LoopInfo) ((SysResult.Ok) cap.result("hart-1", 11)).data();
    assertEquals("/img", info.nameString());
    assertEquals(LoopAbi.LO_FLAGS_AUTOCLEAR | LoopAbi.LO_FLAGS_READ_ONLY, info.flags());
    assertEquals(LoopDevice.devId(0), info.rdevice());
    // LOOP_SET_STATUS copies "/a\0" over "/img": the bytes after the NUL stay ("/a\0g"), and its flags
    // (0) clear read-only.
    LoopInfo64 info64 = (LoopInfo64) ((SysResult.Ok) cap.result("hart-1", 13)).data();
    assertEquals("/a", info64.fileNameString());
    assertEquals('g', info64.fileName()[3]);
    assertEquals(0, info64.flags());
    assertEquals(SysResult.ok(0, 0L), cap.sys("hart-1", 14));
  }

  @Test
  void hdioGetgeoCountsCylindersOfOneMebibyte() {
    LoopWorld.Captured cap = new LoopWorld.Captured();
    WorldSpec spec = LoopWorld.spec("geo", () -> BackingImage.ofSize(3 << 20), null,
        e -> List.of(List.of(ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())), ioctl(e, LoopIoctl.HDIO_GETGEO))),
        List::of, cap);
    assertFalse(sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0).failed());
    assertEquals(SysResult.ok(0, new HdGeometry(64, 32, 3, 0)), cap.sys("hart-1", 1));
  }

  // ---- data round trips ----

  @Test
  void writeBlockThenBlkflsbufMakesTheBytesDurable() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        mount(e, a),
        step("write_block 5", () -> a[0].writeBlock(5, block(0x77))),
        ioctl(e, LoopIoctl.BLKFLSBUF),
        ioctl(e, LoopIoctl.BLKFLSBUF)));
    expect(cap, OK, null, OK, OK, OK);
    byte[] durable = cap.image.durable();
    assertArrayEquals(block(0x77), Arrays.copyOfRange(durable, 2560, 3072));
    assertEquals((byte) (2559 * 7 + 1), durable[2559]); // the rest is the file as it was
    assertEquals(List.of(
            new LoopEvents.PersistReturned("loop0", "BLKFLSBUF", "loop0#1", "world/file", true),
            new LoopEvents.PersistReturned("loop0", "BLKFLSBUF", "loop0#1", "world/file", false)),
        cap.events(LoopEvents.PersistReturned.class));
  }

  @Test
  void asDynBlockDeviceReadsTheImageAndARemountSeesWrittenBackData() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopBlockDevice[] b = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        mount(e, a),
        step("read_block 3", () -> a[0].readBlock(3)),
        step("write_block 3", () -> a[0].writeBlock(3, block(0x44))),
        step("drop", () -> a[0].drop()),
        mount(e, b), // writes the dirty cache back, then re-reads the file
        step("read_block 3", () -> b[0].readBlock(3))));
    byte[] expected = new byte[512];
    for (int i = 0; i < 512; i++) {
      expected[i] = (byte) ((1536 + i) * 7 + 1);
    }
    assertArrayEquals(expected, (byte[]) ((SysResult.Ok) cap.result("hart-1", 2)).data());
    assertArrayEquals(block(0x44), (byte[]) ((SysResult.Ok) cap.result("hart-1", 6)).data());
    assertEquals("loop0#2", b[0].cache().id());
    assertEquals(IMAGE / 512, b[0].numBlocks());
    assertArrayEquals(block(0x44), Arrays.copyOfRange(cap.image.durable(), 1536, 2048));
  }

  @Test
  void umountWritebackPersistsAndClearsMountedOnTheCurrentCache() {
    LoopBlockDevice[] a = new LoopBlockDevice[1];
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        mount(e, a),
        step("write_block 0", () -> a[0].writeBlock(0, block(0x55))),
        step("flush_cache_to_file", () -> e.loop().flushCacheToFile()),
        // mounted is false now although the adapter was never dropped, so CLR_FD goes through.
        ioctl(e, LoopIoctl.LOOP_CLR_FD)));
    expect(cap, OK, null, OK, OK, OK);
    assertArrayEquals(block(0x55), Arrays.copyOf(cap.image.durable(), 512));
    assertEquals(List.of("umount-writeback", "LOOP_CLR_FD"),
        cap.events(LoopEvents.PersistReturned.class).stream().map(LoopEvents.PersistReturned::call).toList());
  }

  @Test
  void writeAtAndReadAtGoThroughTheBackingFile() {
    LoopWorld.Captured cap = run(e -> List.of(
        ioctl(e, LoopIoctl.LOOP_SET_FD, FdArg.of(e.bound())),
        step("write_at", () -> e.loop().writeAt(100, new byte[] {9, 8, 7})),
        step("read_at", () -> e.loop().readAt(100, 3))));
    expect(cap, OK, SysResult.ok(3));
    assertArrayEquals(new byte[] {9, 8, 7}, (byte[]) ((SysResult.Ok) cap.result("hart-1", 2)).data());
    assertEquals(List.of(new LoopEvents.BackingWrite("loop0", "world/file", 100, 3, false, "write_at")),
        cap.events(LoopEvents.BackingWrite.class));
  }

  // ---- races, found by exploration ----

  private static WorldSpec doubleMount(boolean sequential, LoopWorld.Captured cap) {
    LoopBlockDevice[] unused = new LoopBlockDevice[2];
    return LoopWorld.spec(
        sequential ? "loop: as_dyn_block_device twice in one hart" : "loop: as_dyn_block_device vs as_dyn_block_device (2 harts)",
        () -> BackingImage.ofSize(8192),
        e -> e.loop().ioctl(LoopIoctl.LOOP_SET_FD, new IoctlArg.File(FdArg.of(e.bound()))),
        e -> sequential
            ? List.of(List.of(mount(e, unused), mount(e, unused)))
            : List.of(List.of(mount(e, unused)), List.of(mount(e, unused))),
        () -> List.<Monitor>of(new SingleMountMonitor()), cap);
  }

  @Test
  void twoConcurrentMountsOfOneDeviceAreFoundAndReplay(@TempDir Path dir) throws Exception {
    LoopWorld.Captured cap = new LoopWorld.Captured();
    WorldSpec spec = doubleMount(false, cap);
    // PCT depth 2, seed 7, at most 200 iterations.
    ExploreResult found = sim.explore(spec, ExploreOptions.pct(7, 200, 2));
    assertTrue(found.found(), "no double mount in " + found.iterations() + " iterations");
    RunResult failing = found.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(SingleMountMonitor.NAME, v.oracle());
    assertEquals("loop0 has two live block adapters: loop0#1, loop0#2", v.message());

    Path file = dir.resolve("double-mount.trace");
    TraceCodec.write(failing.trace(), file);
    Trace trace = TraceCodec.read(file);
    ReplayResult replay = sim.replay(spec, trace);
    assertTrue(replay.confirmed(), replay.run().outcome());
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
  }

  @Test
  void twoSequentialMountsInOneHartAreNotADoubleMount() {
    LoopWorld.Captured cap = new LoopWorld.Captured();
    ExploreResult r = sim.explore(doubleMount(true, cap), ExploreOptions.pct(7, 50, 2));
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome());
    assertEquals(50, r.iterations());
    assertEquals(err(Errno.EBUSY), cap.sys("hart-1", 1)); // the second mount sees the first still mounted
  }

  @Test
  void configureRacingWriteAtReachesAFileOpenedReadOnly(@TempDir Path dir) throws Exception {
    // LOOP_CONFIGURE binds the file, and only after dropping the file lock stores the flags that make
    // the device read-only; a write_at in between passes the ro check and writes to the O_RDONLY file.
    LoopWorld.Captured cap = new LoopWorld.Captured();
    Supplier<List<Monitor>> monitors = () -> List.of(new ReadOnlyMonitor());
    WorldSpec spec = LoopWorld.spec("loop: LOOP_CONFIGURE(O_RDONLY fd) vs write_at (2 harts)",
        () -> BackingImage.ofSize(4096), null,
        e -> List.of(
            List.of(ioctl(e, LoopIoctl.LOOP_CONFIGURE, new IoctlArg.Config(
                new LoopConfig(3, 512, LoopInfo64.of("/img", 0)), FdArg.of(e.boundRo())))),
            List.of(step("write_at", () -> e.loop().writeAt(0, new byte[] {1})))),
        monitors, cap);
    ExploreResult found = sim.explore(spec, ExploreOptions.pct(11, 300, 3));
    assertTrue(found.found(), "no read-only violation in " + found.iterations() + " iterations");
    RunResult failing = found.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(ReadOnlyMonitor.NAME, v.oracle());
    Path file = dir.resolve("ro.trace");
    TraceCodec.write(failing.trace(), file);
    ReplayResult replay = sim.replay(spec, TraceCodec.read(file));
    assertTrue(replay.confirmed(), replay.run().outcome());
  }
}
