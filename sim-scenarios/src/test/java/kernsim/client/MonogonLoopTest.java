package kernsim.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kernsim.cpu.KernelWorld;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.cpu.Kernel;
import kernsim.dev.SysResult;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Monogon's pkg/loop as statements: the happy path, Config validation, Open of what is not a bound loop
 * device, and each race exploration found in {@code kernsim/clients/monogon-*.ksim}, found from its seed and
 * replayed from its own trace with the same failure.
 */
class MonogonLoopTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static KernelWorld.Outcome run(String text, String profile) throws Exception {
    Scenario s = Scenarios.parse(text, "t.ksim");
    Kernel.Spec spec = s.kernelSpec(Settings.of(s, profile, List.of(), List.of()).semantics());
    return KernelWorld.run(sim, s.name(), s.text(), spec, 1);
  }

  static String hart(String... lines) {
    return "loops 2\nsetup:\n  image /img 64K\nhart c1:\n  img = open(\"/img\", O_RDWR)\n"
        + String.join("\n", java.util.Arrays.stream(lines).map(l -> "  " + l).toList()) + "\n";
  }

  @Test
  void createBindsAFreeDeviceAndRemoveFreesIt() throws Exception {
    for (String profile : List.of("starry", "linux")) {
      KernelWorld.Outcome o = run(hart("m = monogon_create(img, 4096)", "monogon_dev_path(m)", "monogon_dev(m)",
          "monogon_remove(m)", "n = monogon_create(img, 0)", "monogon_close(n)", "monogon_close(n)"), profile);
      List<Object> r = o.results("world/c1");
      assertEquals(SysResult.ok(0, "/dev/loop0"), r.get(1), profile);
      assertEquals(SysResult.ok(0, "/dev/loop0"), r.get(2), profile);
      assertEquals(SysResult.ok(7 << 8), r.get(3), profile);
      assertEquals(SysResult.ok(0), r.get(4), profile);
      // Remove did LOOP_CTL_REMOVE of loop0: GET_FREE now finds loop1 free.
      assertEquals(SysResult.ok(1, "/dev/loop1"), r.get(5), profile);
      assertEquals(SysResult.ok(0), r.get(6), profile);
      assertEquals("device is closed", r.get(7), profile);
      assertEquals(List.of(new ClientEvents.Acquired("world/c1", "monogon", 0, "/img"),
          new ClientEvents.Acquired("world/c1", "monogon", 1, "/img")), o.observed(ClientEvents.Acquired.class), profile);
      assertEquals(List.of(new ClientEvents.Released("world/c1", "monogon", 0),
          new ClientEvents.Released("world/c1", "monogon", 1)), o.observed(ClientEvents.Released.class), profile);
      List<String> ops = o.observed(ClientEvents.OpEnded.class).stream().map(e -> e.op() + ":" + e.result()).toList();
      assertEquals(List.of("Create:ok", "Remove:ok", "Create:ok", "Close:ok", "Close:device is closed"), ops, profile);
      assertTrue(o.observed(ClientEvents.OpStarted.class).stream()
          .allMatch(s -> s.budgetNanos() == MonogonLoop.BUDGET_NANOS), profile);
    }
  }

  /** BackingFilePath reads sysfs: the path and a newline while bound; ENOENT once Remove unbound it. */
  @Test
  void backingFilePathReadsSysfsWhileTheDeviceIsBound() throws Exception {
    for (String profile : List.of("starry", "linux")) {
      KernelWorld.Outcome o = run(hart("m = monogon_create(img, 4096)", "monogon_backing_file_path(m)", "monogon_remove(m)",
          "monogon_backing_file_path(m)"), profile);
      List<Object> r = o.results("world/c1");
      assertEquals(SysResult.ok(5, "/img\n"), r.get(2), profile);
      assertEquals("failed to get backing file path: open /sys/block/loop0/loop/backing_file: no such file or directory",
          r.get(4), profile);
    }
  }

  @Test
  void configValidationRefusesBlockSizesThatAreNotAPowerOfTwoUpToThePageSize() throws Exception {
    KernelWorld.Outcome o = run(hart("monogon_create(img, 256)", "monogon_create(img, 1000)", "monogon_create(img, 8192)",
        "m = monogon_create(img, 512)", "monogon_remove(m)"), "starry");
    List<Object> r = o.results("world/c1");
    assertEquals(MonogonLoop.BAD_BLOCK_SIZE, r.get(1));
    assertEquals(MonogonLoop.BAD_BLOCK_SIZE, r.get(2));
    assertEquals(MonogonLoop.BAD_BLOCK_SIZE, r.get(3));
    assertEquals(SysResult.ok(0, "/dev/loop0"), r.get(4));
    assertEquals(1, o.observed(ClientEvents.Acquired.class).size());
  }

  /** Create puts Config's Flags, Offset and SizeLimit into the loop_config's info, unchecked, as the Go code does. */
  @Test
  void createPassesOffsetAndSizeLimitInTheConfigsInfo() {
    kernsim.dev.loop.LoopAbi.LoopInfo64 info = MonogonLoop.info(new MonogonLoop.Config(4096, 5, 512, 8192));
    assertEquals(512, info.offset());
    assertEquals(8192, info.sizeLimit());
    assertEquals(5, info.flags());
    assertEquals(0, info.number());
    assertEquals("", info.fileNameString());
    assertEquals(0, MonogonLoop.info(new MonogonLoop.Config(0, 0, 0, 0)).offset());
  }

  /**
   * {@code monogon_create(fd, block_size, flags, offset, size_limit)}: starry's LOOP_CONFIGURE reads the fd,
   * the file name and the flags only (its seed never looks at lo_offset or lo_sizelimit), so the device
   * covers the whole file whatever the Config says; the statement shows the fields it was given.
   */
  @Test
  void underStarryOffsetAndSizeLimitReachLoopConfigureAndChangeNothing() throws Exception {
    // Close (not Remove) gives up the O_EXCL fd and leaves the device bound.
    KernelWorld.Outcome o = run(hart("m = monogon_create(img, 4096, 0, 512, 8192)", "monogon_close(m)",
        "d = open(\"/dev/loop0\", O_RDONLY)", "ioctl(d, BLKGETSIZE64)"), "starry");
    List<Object> r = o.results("world/c1");
    assertEquals(SysResult.ok(0, "/dev/loop0"), r.get(1));
    assertEquals(SysResult.ok(0, 65536L), r.get(4));
    List<String> texts = o.observed(kernsim.cpu.Calls.Returned.class).stream().map(kernsim.cpu.Calls.Returned::text).toList();
    assertTrue(texts.contains("m = monogon_create(img, 4096, 0, 512, 8192)"), texts.toString());
  }

  /**
   * The seed says "not a loop device" only when LOOP_GET_STATUS64 fails with EINVAL. Nothing in the model
   * (or in Linux, for a regular file: ENOTTY; an unbound loop device: ENXIO) answers EINVAL, so Open of a
   * non-loop path reports "failed to determine state of potential loop device".
   */
  @Test
  void openOfANonLoopPathIsRefusedWithTheSeedsMessages() throws Exception {
    KernelWorld.Outcome o = run(hart("a = monogon_open(\"/img\")", "b = monogon_open(\"/nope\")", "c = monogon_open(\"/dev/loop1\")",
        "monogon_close(a)", "m = monogon_create(img, 0)", "d = monogon_open(\"/dev/loop0\")", "monogon_dev_path(d)",
        "monogon_close(d)"), "starry");
    List<Object> r = o.results("world/c1");
    assertEquals("failed to determine state of potential loop device: inappropriate ioctl for device", r.get(1));
    assertEquals("failed to open device: open /nope: no such file or directory", r.get(2));
    assertEquals("failed to determine state of potential loop device: no such device or address", r.get(3));
    assertEquals(MonogonLoop.NIL_DEVICE, r.get(4));
    // starry refuses a plain open while Create's O_EXCL fd holds the device.
    assertEquals("failed to open device: open /dev/loop0: device or resource busy", r.get(6));
    assertEquals(MonogonLoop.NIL_DEVICE, r.get(7));

    KernelWorld.Outcome linux = run(hart("m = monogon_create(img, 0)", "d = monogon_open(\"/dev/loop0\")", "monogon_dev_path(d)",
        "monogon_close(d)"), "linux");
    List<Object> l = linux.results("world/c1");
    assertEquals(SysResult.ok(1, "/dev/loop0"), l.get(2));
    assertEquals(SysResult.ok(0, "/dev/loop0"), l.get(3));
    assertEquals(SysResult.ok(0), l.get(4));
    // Open does not make the client an owner, and closing what Open gave releases nothing.
    assertEquals(1, linux.observed(ClientEvents.Acquired.class).size());
    assertEquals(0, linux.observed(ClientEvents.Released.class).size());
  }

  // ==== races found by exploration ====

  static Scenario load(String name) throws Exception {
    return Scenarios.load(Path.of("src", "main", "resources", "kernsim", "clients", name + ".ksim"));
  }

  /** Explores {@code name} with PCT (depth 3) or random from {@code seed}; the failure found, replayed from its trace. */
  static Failure findAndReplay(String name, boolean pct, long seed, int budget, List<String> off) throws Exception {
    Scenario s = load(name);
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), off));
    ExploreOptions opts = pct ? ExploreOptions.pct(seed, budget, 3) : ExploreOptions.random(seed, budget);
    ExploreResult r = sim.explore(w, opts.withRun(w.runOptions(RunOptions.DEFAULT)));
    assertTrue(r.found(), name + ": nothing found");
    RunResult failing = r.failing().orElseThrow();
    Trace trace = TraceCodec.decode(TraceCodec.encode(failing.trace()), name);
    Scenario again = Scenarios.parse(trace.header().text(), name + ".ksim");
    ReplayResult replay = sim.replay(new ScenarioWorld(again, Settings.fromOptions(trace.header().options())), trace);
    assertTrue(replay.confirmed(), name + ": " + replay);
    assertEquals(failing.outcome(), replay.run().outcome());
    assertEquals(failing.eventLogHash(), replay.run().eventLogHash());
    return failing.failure().orElseThrow();
  }

  /** Under linux, Remove's LOOP_CLR_FD + close by the only opener drops what is still in the page cache. */
  @Test
  void underLinuxRemoveLosesDataWrittenThroughTheDevice() throws Exception {
    Failure f = findAndReplay("monogon-2-creators-linux", true, 1, 10, List.of());
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, f);
    assertEquals("client-data", v.oracle());
    assertTrue(v.describe().contains("released the device") && v.describe().contains("never written"), v.describe());
  }

  /** Two Creates get the same number from GET_FREE; the loser spins on GET_FREE + EBUSY while PCT starves the winner. */
  @Test
  void twoCreatorsSpinWhileTheWinnerIsStarved() throws Exception {
    Failure f = findAndReplay("monogon-2-creators", true, 1, 100, List.of());
    assertInstanceOf(Failure.Livelock.class, f);
  }

  @Test
  void theSameSeedGivesTheSameEventLog() throws Exception {
    Scenario s = load("monogon-3-creators-prober-linux");
    ScenarioWorld w = new ScenarioWorld(s, Settings.of(s, null, List.of(), List.of()));
    RunResult a = sim.run(w, Strategies.random(7), w.runOptions(RunOptions.DEFAULT), 7, 0);
    RunResult b = sim.run(w, Strategies.random(7), w.runOptions(RunOptions.DEFAULT), 7, 0);
    assertEquals(a.eventLogHash(), b.eventLogHash());
    assertEquals(a.outcome(), b.outcome());
    assertEquals(a.steps(), b.steps());
  }
}
