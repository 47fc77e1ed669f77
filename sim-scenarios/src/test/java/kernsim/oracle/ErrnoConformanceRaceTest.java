package kernsim.oracle;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.mount;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.umount2;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Kernel;
import kernsim.dev.Semantics;
import kernsim.cpu.Stmt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Races the errno oracle finds by exploring the kernel model, replayed from their own traces. */
class ErrnoConformanceRaceTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static WorldSpec world(String name, Kernel.Spec spec) {
    return WorldSpec.of(name, "test", name, w -> Kernel.create(w, spec), w -> List.of(new ErrnoConformance(ErrnoConformance.start(Semantics.STARRY, Kernel.bootCalls(spec.loops())))));
  }

  /**
   * hart-1 mounts a tmpfs on /mnt, creates /mnt/f (closing the fd again) and unmounts; hart-2 opens
   * /mnt/f until it exists. In any order of whole calls, an open that succeeds either comes first (its
   * fd makes umount2 EBUSY) or after the umount (and finds no /mnt/f: ENOENT). In the source the busy
   * check and the unmount are separate regions: an open that resolved into the mount and registers
   * its fd after the busy check leaves both succeeding.
   */
  static Kernel.Spec umountVersusOpen() {
    List<Stmt> prober = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      prober.add(open("/mnt/f", O_RDWR).as("fd"));
    }
    return new Kernel.Spec(0, List.of(), List.of(
        List.of(mount("none", "/mnt", "tmpfs", 0, null), open("/mnt/f", O_RDWR | O_CREAT).as("c"), close("c"),
            umount2("/mnt", 0)),
        prober));
  }

  @Test
  void theUmountBusyCheckRacingAnOpenIsFoundAndReplayed() throws Exception {
    WorldSpec spec = world("errno: umount2 busy check vs open (2 harts, tmpfs)", umountVersusOpen());
    ExploreResult x = sim.explore(spec, ExploreOptions.random(20260522L, 2000));
    assertTrue(x.found(), "no failure in " + x.iterations() + " iterations");
    RunResult failing = x.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(ErrnoConformance.NAME, v.oracle());
    assertTrue(v.message().contains("world/hart-1: umount2(\"/mnt\", 0) = 0 and world/hart-2: fd = open(\"/mnt/f\", O_RDWR) ="),
        v.message());
    assertTrue(v.message().contains("umount2 can only be EBUSY (world/hart-2's fd"), v.message());
    assertTrue(v.message().contains("open can only be ENOENT (/mnt/f does not exist on the root tmpfs)"), v.message());

    ReplayResult replay = sim.replay(spec, failing.trace());
    assertTrue(replay.confirmed(), "replay: " + replay.run().outcome());
    assertEquals(failing.outcome(), replay.run().outcome());
  }

  /**
   * hart-1 mounts ext4 from loop0; hart-2 unbinds loop0 (LOOP_CLR_FD). In any order of whole calls one
   * of them fails: a mounted device refuses LOOP_CLR_FD (EBUSY), an unbound one refuses the mount
   * (ENXIO). In the source, as_dyn_block_device clones the file in one region and installs the new cache
   * in a later one, without checking the file is still bound: LOOP_CLR_FD can unbind in between, and
   * ext4 ends up mounted on a device with no backing file.
   */
  @Test
  void aMountRacingLoopClrFdIsFoundAndReplayed() throws Exception {
    foundAndReplayed("errno: mount ext4 vs LOOP_CLR_FD (2 harts)", new Kernel.Spec(1,
            ErrnoConformanceNoFalseAlarmTest.boundAndFormatted(), List.of(
            List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null)),
            List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", kernsim.dev.loop.LoopIoctl.LOOP_CLR_FD)))),
        ExploreOptions.pct(20260522L, 500, 3),
        "world/hart-1: mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0) = 0 and world/hart-2: ioctl(ld, LOOP_CLR_FD) = 0"
            + " cannot both have these results in any order: after LOOP_CLR_FD, mount can only be ENXIO (loop0 has no"
            + " backing file); after mount, LOOP_CLR_FD can only be EBUSY (loop0 is mounted)");
  }

  /** Explores {@code program}, expects the errno oracle to fail it with {@code message}, and replays the trace. */
  static void foundAndReplayed(String name, Kernel.Spec program, ExploreOptions options, String... messages)
      throws Exception {
    WorldSpec spec = world(name, program);
    ExploreResult x = sim.explore(spec, options);
    assertTrue(x.found(), "no failure in " + x.iterations() + " iterations");
    RunResult failing = x.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(ErrnoConformance.NAME, v.oracle());
    assertTrue(List.of(messages).contains(v.message()), "expected one of " + List.of(messages) + ", got " + v.message());
    ReplayResult replay = sim.replay(spec, failing.trace());
    assertTrue(replay.confirmed(), "replay: " + replay.run().outcome());
    assertEquals(failing.outcome(), replay.run().outcome());
  }

  /**
   * Two tmpfs mounts on /mnt, each hart unmounting once: in any order of whole calls both umount2 calls
   * succeed (there are two mounts to take off). In the source umount2 resolves the target and unmounts
   * it in separate regions: both can resolve the same topmost mount, and the second then finds it gone
   * (EINVAL) while the other mount stays.
   */
  @Test
  void twoUmountsOfStackedMountsRaceOnOneTarget() throws Exception {
    foundAndReplayed("errno: two umount2 of /mnt (2 harts, 2 tmpfs)", new Kernel.Spec(0, List.of(), List.of(
            List.of(mount("none", "/mnt", "tmpfs", 0, null), open("/mnt/a", O_RDWR | O_CREAT).as("a"), close("a"),
                umount2("/mnt", 0)),
            List.of(mount("none", "/mnt", "tmpfs", 0, null), kernsim.cpu.Syscalls.mkdir("/mnt/d"), umount2("/mnt", 0)))),
        ExploreOptions.random(11, 200),
        // the race is symmetric: either hart's umount2 may be the one that finds the mount gone
        "no sequential order of the calls allows their results: world/hart-1: umount2(\"/mnt\", 0) = EINVAL, but after"
            + " world/hart-2: mount(\"none\", \"/mnt\", \"tmpfs\", 0) = 0 it can only be success",
        "no sequential order of the calls allows their results: world/hart-2: umount2(\"/mnt\", 0) = EINVAL, but after"
            + " world/hart-1: mount(\"none\", \"/mnt\", \"tmpfs\", 0) = 0 it can only be success");
  }

  /**
   * BLKFLSBUF on a read-only device with a cache is EIO in any order of whole calls, whether a mount
   * runs before or after it. In the source as_dyn_block_device empties the cache slot, reads the file
   * with no lock held, and only then installs the new cache: a BLKFLSBUF in between finds no cache and
   * succeeds.
   */
  @Test
  void blkflsbufInTheMountsEmptyCacheSlotWindow() throws Exception {
    // Mounted and unmounted once in the setup, so the device has a cache (mkfs may not make one).
    List<Stmt> setup = new ArrayList<>(ErrnoConformanceNoFalseAlarmTest.boundAndFormatted());
    setup.addAll(List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null), umount2("/mnt", 0)));
    foundAndReplayed("errno: mount ext4 vs BLKFLSBUF on a read-only device (2 harts)", new Kernel.Spec(1, setup, List.of(
            List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null), umount2("/mnt", 0)),
            List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", kernsim.dev.loop.LoopIoctl.BLKROSET, 1),
                ioctl("ld", kernsim.dev.loop.LoopIoctl.BLKFLSBUF)))),
        ExploreOptions.pct(11, 500, 2),
        "no sequential order of the calls allows their results: world/hart-2: ioctl(ld, BLKFLSBUF) = 0, but it can only"
            + " be EIO (loop0 is read-only and has a cache)");
  }
}
