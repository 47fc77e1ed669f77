package kernsim.dev.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Monitor;
import kernsim.dev.SysResult;
import kernsim.dev.file.BackingFile;
import org.junit.jupiter.api.Test;

/**
 * The loop oracles on hand-written observation sequences: what each must pass and what each must fail,
 * independent of the simulator (the catalog tests show them catching real interleavings).
 */
class LoopOraclesTest {
  static final byte[] A = block('a');
  static final byte[] B = block('b');

  static byte[] block(char c) {
    byte[] b = new byte[512];
    java.util.Arrays.fill(b, (byte) c);
    return b;
  }

  /** A durable image of 4 blocks with {@code data} at block 1. */
  static byte[] image(byte[] data) {
    byte[] img = new byte[2048];
    System.arraycopy(data, 0, img, 512, 512);
    return img;
  }

  record Started(String hart, String text) {}

  record Returned(String hart, String text, Object result) {}

  static final DurabilityMonitor.Calls CALLS = new DurabilityMonitor.Calls() {
    @Override
    public DurabilityMonitor.Started started(Object o) {
      return o instanceof Started s ? new DurabilityMonitor.Started(s.hart(), s.text(), s.text().startsWith("umount2(")) : null;
    }

    @Override
    public Object[] returned(Object o) {
      return o instanceof Returned r ? new Object[] {r.hart(), r.text(), r.result()} : null;
    }
  };

  /** Feeds {@code (actor, observation)} pairs; returns the failure messages. */
  static List<String> feed(Monitor m, Object... actorThenObservation) {
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < actorThenObservation.length; i += 2) {
      m.onObservation(actorThenObservation[i + 1], (String) actorThenObservation[i], failed::add);
    }
    return failed;
  }

  static final String H1 = "world/hart-1";
  static final String H2 = "world/hart-2";
  static final String CACHE = "world/loop-control/loop0/cache-1";
  static final String FILE = "world/mounts/fs-1/file-6";

  /** hart-1 writes block 1 (landed, acknowledged) through loop0 bound to FILE. */
  static Object[] written(byte[] data) {
    return new Object[] {
      "world/setup", new LoopEvents.FileBound("loop0", FILE, "/img", false),
      H1, new Started(H1, "write(fd, \"x\")"),
      CACHE, new LoopEvents.BlockWritten("loop0", "loop0#1", 1, data),
      H1, new LoopEvents.WriteBlockAcked("loop0", "loop0#1", 1, data),
      H1, new Returned(H1, "write(fd, \"x\")", SysResult.ok(1)),
    };
  }

  static Object[] concat(Object[]... parts) {
    List<Object> all = new ArrayList<>();
    for (Object[] p : parts) {
      all.addAll(List.of(p));
    }
    return all.toArray();
  }

  @Test
  void aFlushThatReturnsSuccessWithTheAcknowledgedWriteDurablePasses() {
    List<String> failed = feed(new DurabilityMonitor(CALLS), concat(written(A), new Object[] {
        H2, new Started(H2, "ioctl(ld, BLKFLSBUF)"),
        FILE, new BackingFile.Synced(FILE, image(A)),
        H2, new LoopEvents.PersistReturned("loop0", "BLKFLSBUF", "loop0#1", FILE, true),
        H2, new Returned(H2, "ioctl(ld, BLKFLSBUF)", SysResult.ok(0))}));
    assertEquals(List.of(), failed);
  }

  @Test
  void aFlushThatReturnsSuccessWithoutTheWriteInTheDurableImageFails() {
    List<String> failed = feed(new DurabilityMonitor(CALLS), concat(written(A), new Object[] {
        H2, new Started(H2, "ioctl(ld, BLKFLSBUF)"),
        H2, new LoopEvents.PersistReturned("loop0", "BLKFLSBUF", null, null, false),
        H2, new Returned(H2, "ioctl(ld, BLKFLSBUF)", SysResult.ok(0))}));
    assertEquals(1, failed.size(), failed.toString());
    assertTrue(failed.get(0).contains("ioctl(ld, BLKFLSBUF) returned success, but block 1 of loop0"), failed.get(0));
  }

  @Test
  void aLaterWriteToTheSameBlockMayStandInTheImageInstead() {
    List<String> failed = feed(new DurabilityMonitor(CALLS), concat(written(A), new Object[] {
        H2, new Started(H2, "ioctl(ld, BLKFLSBUF)"),
        CACHE, new LoopEvents.BlockWritten("loop0", "loop0#1", 1, B),
        FILE, new BackingFile.Synced(FILE, image(B)),
        H2, new LoopEvents.PersistReturned("loop0", "BLKFLSBUF", "loop0#1", FILE, true),
        H2, new Returned(H2, "ioctl(ld, BLKFLSBUF)", SysResult.ok(0))}));
    assertEquals(List.of(), failed);
  }

  @Test
  void aWriteAcknowledgedAfterTheFlushStartedIsNotPromised() {
    List<String> failed = feed(new DurabilityMonitor(CALLS), concat(new Object[] {
        H2, new Started(H2, "ioctl(ld, BLKFLSBUF)")}, written(A), new Object[] {
        H2, new LoopEvents.PersistReturned("loop0", "BLKFLSBUF", null, null, false),
        H2, new Returned(H2, "ioctl(ld, BLKFLSBUF)", SysResult.ok(0))}));
    assertEquals(List.of(), failed);
  }

  @Test
  void anUmountThatDroppedTheAdapterPromisesEvenWithoutAWriteBack() {
    List<String> failed = feed(new DurabilityMonitor(CALLS), concat(written(A), new Object[] {
        H1, new Started(H1, "umount2(\"/mnt\", 0)"),
        H1, new LoopEvents.AdapterDropped("loop0", "loop0#1"),
        H1, new Returned(H1, "umount2(\"/mnt\", 0)", SysResult.ok(0))}));
    assertEquals(1, failed.size(), failed.toString());
    assertTrue(failed.get(0).startsWith(H1 + ": umount2(\"/mnt\", 0) returned success"), failed.get(0));
  }

  @Test
  void aFailedFlushPromisesNothing() {
    List<String> failed = feed(new DurabilityMonitor(CALLS), concat(written(A), new Object[] {
        H2, new Started(H2, "ioctl(ld, BLKFLSBUF)"),
        H2, new Returned(H2, "ioctl(ld, BLKFLSBUF)", SysResult.err(kernsim.dev.Errno.EIO))}));
    assertEquals(List.of(), failed);
  }

  @Test
  void staleCacheFailsAWriteIntoACacheThatIsNoLongerCurrentOrHasNoFile() {
    Object[] bound = {
      "x", new LoopEvents.FileBound("loop0", FILE, "/img", false),
      "x", new LoopEvents.CacheInstalled("loop0", "loop0#1", 2048)};
    assertEquals(List.of(), feed(new StaleCacheMonitor(), concat(bound, new Object[] {
        "x", new LoopEvents.BlockWritten("loop0", "loop0#1", 1, A)})));
    List<String> replaced = feed(new StaleCacheMonitor(), concat(bound, new Object[] {
        "x", new LoopEvents.CacheInstalled("loop0", "loop0#2", 2048),
        "x", new LoopEvents.BlockWritten("loop0", "loop0#1", 1, A)}));
    assertEquals(1, replaced.size());
    assertTrue(replaced.get(0).contains("no longer loop0's cache (its cache is loop0#2)"), replaced.get(0));
    List<String> unbound = feed(new StaleCacheMonitor(), concat(bound, new Object[] {
        "x", new LoopEvents.FileUnbound("loop0", FILE),
        "x", new LoopEvents.BlockWritten("loop0", "loop0#1", 1, A)}));
    assertEquals(1, unbound.size());
    assertTrue(unbound.get(0).contains("loop0 has no backing file"), unbound.get(0));
  }

  @Test
  void singleMountFailsASecondAdapterAndMountedClearedUnderALiveOne() {
    Object[] one = {"x", new LoopEvents.AdapterCreated("loop0", "loop0#1", false)};
    assertEquals(List.of(), feed(new SingleMountMonitor(), concat(one, new Object[] {
        "x", new LoopEvents.AdapterDropped("loop0", "loop0#1"),
        "x", new LoopEvents.MountedStored("loop0", "loop0#1", false),
        "x", new LoopEvents.AdapterCreated("loop0", "loop0#2", false)})));
    assertEquals(1, feed(new SingleMountMonitor(), concat(one, new Object[] {
        "x", new LoopEvents.AdapterCreated("loop0", "loop0#2", false)})).size());
    List<String> cleared = feed(new SingleMountMonitor(), concat(one, new Object[] {
        "x", new LoopEvents.MountedStored("loop0", "loop0#1", false)}));
    assertEquals(1, cleared.size());
    assertTrue(cleared.get(0).startsWith("mounted was cleared on loop0#1 while its block adapter is live"), cleared.get(0));
  }
}
