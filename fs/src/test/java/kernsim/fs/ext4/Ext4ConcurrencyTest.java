package kernsim.fs.ext4;

import static kernsim.fs.ext4.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Failure;
import kernsim.actors.Keys;
import kernsim.actors.Monitor;
import kernsim.actors.Simulator;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.dev.code.SleepInAtomicMonitor;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fs lock serializes operations, harts interleave between them, and sleeping inside one is caught. */
class Ext4ConcurrencyTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /**
   * Fails when a hart's block I/O reaches the disk while another hart's ext4 operation holds the fs
   * lock, and records which hart started each operation.
   */
  static final class Exclusive implements Monitor {
    static final String NAME = "ext4-exclusive";
    String owner;
    final List<String> starts = new ArrayList<>();

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public void onObservation(Object o, Verdict v) {
      if (o instanceof Ext4.OpStarted s) {
        owner = s.hart();
        starts.add(s.hart());
      } else if (o instanceof Ext4.OpEnded) {
        owner = null;
      }
    }

    @Override
    public void onStep(Step step, Verdict v) {
      if (!step.actor().equals("world/disk") || owner == null) {
        return;
      }
      Object m = step.message();
      ActorRef<?> from = m instanceof RamDisk.Read r ? r.replyTo()
          : m instanceof RamDisk.Write w ? w.replyTo()
          : m instanceof RamDisk.Flush f ? f.replyTo()
          : null;
      if (from != null && !Keys.of(from).equals(owner)) {
        v.fail(Keys.of(from) + " did block I/O inside " + owner + "'s ext4 operation");
      }
    }
  }

  static final byte[] ONE = pattern(1500, 1);
  static final byte[] TWO = pattern(1300, 2);

  /** hart-1 makes and mounts the fs, then both write and read a file of their own, in three pieces. */
  static List<List<Runner.Step>> twoHarts(Harness.Env env) {
    List<Runner.Step> h1 = new ArrayList<>(List.of(env.mkfs(), env.mount("mount", false), env.open()));
    List<Runner.Step> h2 = new ArrayList<>(List.of(env.await()));
    for (Object[] h : new Object[][] {{h1, "/one", ONE}, {h2, "/two", TWO}}) {
      @SuppressWarnings("unchecked")
      List<Runner.Step> s = (List<Runner.Step>) h[0];
      String path = (String) h[1];
      byte[] data = (byte[]) h[2];
      s.add(env.inode("create", path));
      for (int i = 0; i < 3; i++) {
        int from = i * 500;
        int to = Math.min(data.length, from + 500);
        s.add(env.write("write " + i + " " + path, path, from, java.util.Arrays.copyOfRange(data, from, to)));
      }
      s.add(env.read("read " + path, path, 0, 2000));
    }
    return List.of(h1, h2);
  }

  @Test
  void theFsLockSerializesOperationsAndHartsInterleaveBetweenThem() {
    long interleavedSeed = -1;
    for (long seed = 1; seed <= 30; seed++) {
      Exclusive ex = new Exclusive();
      Harness.Outcome o = Harness.run(sim, new RamDisk.Image(256), seed, d -> d, Ext4ConcurrencyTest::twoHarts, ex)
          .assertOk();
      assertArrayEquals(ONE, o.bytes("read /one"), "seed " + seed);
      assertArrayEquals(TWO, o.bytes("read /two"), "seed " + seed);
      // Every operation started and ended before the next one started.
      List<Object> ops = o.seen().stream()
          .filter(x -> x instanceof Ext4.OpStarted || x instanceof Ext4.OpEnded).toList();
      for (int i = 0; i < ops.size(); i++) {
        Class<?> expected = i % 2 == 0 ? Ext4.OpStarted.class : Ext4.OpEnded.class;
        assertTrue(expected.isInstance(ops.get(i)), "seed " + seed + ": " + ops);
      }
      if (interleavedSeed < 0 && interleaves(ex.starts)) {
        interleavedSeed = seed;
      }
    }
    assertTrue(interleavedSeed > 0, "no seed ran a hart-2 operation between two of hart-1's");
  }

  /** Whether a hart-2 operation started between two hart-1 operations. */
  static boolean interleaves(List<String> starts) {
    int first = starts.indexOf("world/hart-1");
    int last = starts.lastIndexOf("world/hart-1");
    return first >= 0 && starts.subList(first, last).contains("world/hart-2");
  }

  @Test
  void theOracleSeesBlockIoThatBypassesTheLock() {
    // hart-2 reads the disk directly, without the fs lock: some schedule puts that inside hart-1's op.
    boolean caught = false;
    for (long seed = 1; seed <= 30 && !caught; seed++) {
      Exclusive ex = new Exclusive();
      Harness.Outcome o = Harness.run(sim, new RamDisk.Image(256), seed, d -> d, env -> {
        List<List<Runner.Step>> hs = twoHarts(env);
        List<Runner.Step> h2 = new ArrayList<>(List.of(env.await()));
        for (int i = 0; i < 8; i++) {
          h2.add(new Runner.Step("raw read " + i, () -> env.dev.readBlock(0)));
        }
        return List.of(hs.get(0), h2);
      }, ex);
      if (o.run().failed()) {
        Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, o.run().failure().orElseThrow());
        assertEquals(Exclusive.NAME, v.oracle());
        assertTrue(v.message().startsWith("world/hart-2 did block I/O inside world/hart-1's"), v.message());
        caught = true;
      }
    }
    assertTrue(caught);
  }

  @Test
  void sameSeedSameEventLog() {
    String a = Harness.run(sim, new RamDisk.Image(256), 7, d -> d, Ext4ConcurrencyTest::twoHarts).run().eventLogHash();
    String b = Harness.run(sim, new RamDisk.Image(256), 7, d -> d, Ext4ConcurrencyTest::twoHarts).run().eventLogHash();
    assertEquals(a, b);
  }

  /** A device whose flush writes back through sleeping I/O: the variant the source's no-op flush avoids. */
  record SleepyFlush(RamDisk disk) implements BlockDevice {
    @Override
    public int blockSize() {
      return disk.blockSize();
    }

    @Override
    public long numBlocks() {
      return disk.numBlocks();
    }

    @Override
    public Code readBlock(long blockId) {
      return disk.readBlock(blockId);
    }

    @Override
    public Code writeBlock(long blockId, byte[] data) {
      return disk.writeBlock(blockId, data);
    }

    @Override
    public Code flush() {
      return Code.sleepingCall(disk.ref, RamDisk.Flush::new, "sync backing file", Code::done);
    }
  }

  static List<Runner.Step> fsyncProgram(Harness.Env env) {
    return List.of(env.mkfs(), env.mount("mount", false), env.inode("create", "/a"),
        env.write("write", "/a", 0, new byte[] {1, 2, 3}),
        env.op("fsync /a", fs -> fs.fsync(env.ino.get("/a"))));
  }

  @Test
  void aFlushThatSleepsInsideTheNoPreemptRegionIsCaught() {
    Harness.Outcome o = Harness.run(sim, new RamDisk.Image(256), 1, SleepyFlush::new,
        env -> List.of(fsyncProgram(env)));
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, o.run().failure().orElseThrow());
    assertEquals(SleepInAtomicMonitor.NAME, v.oracle());
    assertEquals("world/hart-1 slept in atomic context: sync backing file inside fsync /a > ext4 fsync", v.message());
  }

  @Test
  void theNoOpStyleFlushPasses() {
    RamDisk.Image image = new RamDisk.Image(256);
    Harness.Outcome o = Harness.run(sim, image, 1, d -> d, env -> List.of(fsyncProgram(env))).assertOk();
    assertEquals(0, o.ok("fsync /a").value());
    assertEquals(1, image.flushes);
  }

  @Test
  void umountWaitsForTheOperationInProgressAndLaterOnesGetEio() {
    boolean sawEio = false;
    boolean sawWritten = false;
    for (long seed = 1; seed <= 20; seed++) {
      Harness.Outcome o = Harness.run(sim, new RamDisk.Image(256), seed, d -> d, env -> {
        List<Runner.Step> h1 = List.of(env.mkfs(), env.mount("mount", false), env.inode("create", "/f"),
            env.open(), env.op("umount", Ext4::umount));
        List<Runner.Step> h2 = new ArrayList<>(List.of(env.await()));
        for (int i = 0; i < 4; i++) {
          h2.add(env.write("write " + i, "/f", i * 100L, new byte[100]));
        }
        return List.of(h1, h2);
      }, new Exclusive()).assertOk();
      assertEquals(0, o.ok("umount").value());
      boolean unmounted = false;
      for (int i = 0; i < 4; i++) {
        Object r = o.result("write " + i);
        if (unmounted || r instanceof kernsim.dev.SysResult.Err) {
          assertEquals(kernsim.dev.Errno.EIO, o.errno("write " + i), "seed " + seed);
          unmounted = true;
        } else {
          assertEquals(100, o.ok("write " + i).value());
        }
      }
      sawEio |= unmounted;
      sawWritten |= o.result("write 0") instanceof kernsim.dev.SysResult.Ok;
    }
    // Some schedule ran umount while a write was in progress (it waited), some before any write.
    assertTrue(sawEio && sawWritten, "umount did not both follow and precede hart-2's writes");
  }
}
