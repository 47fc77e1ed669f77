package kernsim.dev.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.Test;

/**
 * The power-loss oracle's check of the rebooted kernel's calls ({@link RebootCheck}): a promised block's
 * read must return the promised data or a later write of it, and a call the recovery needs must succeed.
 */
class RebootCheckTest {
  /** A call returned: hart, text, result (what the scenario layer's adapter reads from its observations). */
  record Returned(String hart, String text, Object result) {}

  static final DurabilityMonitor.Calls CALLS = new DurabilityMonitor.Calls() {
    @Override
    public DurabilityMonitor.Started started(Object o) {
      return null;
    }

    @Override
    public Object[] returned(Object o) {
      return o instanceof Returned r ? new Object[] {r.hart(), r.text(), r.result()} : null;
    }
  };

  static byte[] block(char c) {
    byte[] b = new byte[512];
    Arrays.fill(b, (byte) c);
    return b;
  }

  static List<String> run(Object... returned) {
    DurabilityMonitor.PromisedBlock b = new DurabilityMonitor.PromisedBlock("loop0", "world/file:img", 6,
        List.of(block('a'), block('b')), "world/writer", "world/writer", "ioctl(ld, BLKFLSBUF)", "its durable image");
    RebootCheck check = new RebootCheck(CALLS, 266, Map.of("pread64(rd0, 512, 3072)", List.of(b)),
        Map.of("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", "the first boot promised blocks of /dev/loop0 durable"));
    List<String> failures = new ArrayList<>();
    for (Object o : returned) {
      check.onObservation(o, "world/reboot", failures::add);
    }
    return failures;
  }

  static Returned read(byte[] data) {
    return new Returned("world/reboot", "pread64(rd0, 512, 3072)", SysResult.ok(data.length, data));
  }

  @Test
  void thePromisedDataOrALaterWriteOfTheBlockPasses() {
    assertEquals(List.of(), run(read(block('a'))));
    assertEquals(List.of(), run(read(block('b'))));
  }

  @Test
  void aMixedBlockFails() {
    byte[] mixed = block('a');
    Arrays.fill(mixed, 256, 512, (byte) 'b');
    List<String> f = run(read(mixed));
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("block 6 of loop0") && f.get(0).contains("pread64(rd0, 512, 3072)"), f.get(0));
  }

  @Test
  void aFailedReadOrRecoveryCallFails() {
    List<String> f = run(new Returned("world/reboot", "pread64(rd0, 512, 3072)", SysResult.err(Errno.EIO)));
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("returned EIO"), f.get(0));
    f = run(new Returned("world/reboot", "mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", SysResult.err(Errno.EINVAL)));
    assertEquals(1, f.size(), f.toString());
    assertTrue(f.get(0).contains("rebooted kernel's mount(") && f.get(0).contains("EINVAL"), f.get(0));
    assertEquals(List.of(), run(new Returned("world/reboot", "close(rd0)", SysResult.err(Errno.EBADF))));
  }
}
