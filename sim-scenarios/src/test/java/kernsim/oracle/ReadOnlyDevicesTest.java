package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.dev.loop.ReadOnlyMonitor;
import kernsim.scenario.ScenarioWorld;
import org.apache.pekko.actor.typed.Behavior;
import org.junit.jupiter.api.Test;

/**
 * The read-only oracle over loop devices made read-only by LOOP_CONFIGURE's and LOOP_SET_STATUS64's
 * LO_FLAGS_READ_ONLY and by BLKROSET, on scenarios of {@code src/test/resources/kernsim/oracle}.
 */
class ReadOnlyDevicesTest extends OracleScenariosTest {
  /**
   * LOOP_CONFIGURE with LO_FLAGS_READ_ONLY over an O_RDWR fd: a write between the bind and the flags
   * succeeds, which neither order of the two calls allows. The check of O_RDONLY backing files alone
   * (the dev module's {@code ReadOnlyMonitor}) does not see it: with only that on, the same exploration
   * finds nothing.
   */
  @Test
  void aWriteDuringAReadOnlyConfigureIsFoundAndReplayed() throws Exception {
    String m = foundAndReplayed(world("ro-configure-flag", null, List.of(), List.of(ErrnoConformance.NAME)), 1, 2000,
        ReadOnlyDevices.NAME, "world/writer: pwrite64(ld, \"not for a read-only device\", ",
        "in no order of the calls is loop0 writable when it runs: it has no backing file or is read-only",
        "world/configurer: ioctl(ld, LOOP_CONFIGURE, {fd: img, flags: LO_FLAGS_READ_ONLY}");
    assertTrue(m.contains("wrote to loop0's backing file"), m);
  }

  /** With only the dev module's check of O_RDONLY backing files, the same schedules find nothing. */
  @Test
  void theCheckOfReadOnlyOpensAloneMissesIt() throws Exception {
    ScenarioWorld w = world("ro-configure-flag", null, List.of(), List.of());
    WorldSpec opensOnly = new WorldSpec() {
      public String name() {
        return w.name();
      }

      public String modelVersion() {
        return w.modelVersion();
      }

      public String text() {
        return w.text();
      }

      public java.util.SortedMap<String, String> options() {
        return w.options();
      }

      public Behavior<?> root(World world) {
        return w.root(world);
      }

      public List<Monitor> monitors(World world) {
        return List.of(new ReadOnlyMonitor());
      }
    };
    ExploreResult x = sim.explore(opensOnly, ExploreOptions.pct(1, 2000, 3).withRun(w.runOptions(RunOptions.DEFAULT)));
    assertFalse(x.found(), () -> x.failing().orElseThrow().failure().orElseThrow().toString());
  }

  /** The errno oracle sees the same race: a write on a loop device is a checked call. */
  @Test
  void theErrnoOracleFindsTheSameWrite() throws Exception {
    foundAndReplayed(world("ro-configure-flag", null, List.of(), List.of(ReadOnlyDevices.NAME)), 1, 2000,
        ErrnoConformance.NAME, "pwrite64(ld, \"not for a read-only device\"", "EROFS (loop0 is read-only)");
  }

  /** With configure-flags-first (the flags stored before the file is published) every order is allowed. */
  @Test
  void configureFlagsFirstLeavesTheWritesExplained() throws Exception {
    quiet(world("ro-configure-flag", null, List.of("configure-flags-first"), List.of()), 1, 2000);
  }

  /** Writes racing BLKROSET on and off: each found the device writable or was refused. */
  @Test
  void writesRacingBlkrosetAreExplained() throws Exception {
    quiet(world("ro-blkroset-writes", null, List.of(), List.of()), 1, 2000);
  }

  /** umount2's write-back racing LOOP_SET_STATUS64's LO_FLAGS_READ_ONLY. */
  @Test
  void aWritebackRacingSetStatus64IsExplained() throws Exception {
    quiet(world("ro-status-umount", null, List.of(), List.of()), 1, 2000);
  }

  /** The same two under linux, where BLKROSET is bd_read_only and the flags cannot be changed. */
  @Test
  void underLinuxTooTheyAreExplained() throws Exception {
    quiet(world("ro-blkroset-writes", "linux", List.of(), List.of()), 1, 1000);
    quiet(world("ro-status-umount", "linux", List.of(), List.of()), 1, 1000);
  }
}
