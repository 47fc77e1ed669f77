package kernsim.oracle;

import java.util.List;
import kernsim.dev.loop.StaleCacheMonitor;
import org.junit.jupiter.api.Test;

/**
 * Loop devices stacked on a file on ext4 and on another loop device's node ({@code LOOP_SET_FD} takes any
 * {@code File}): exploration from a seed finds the triad's race on the upper device and replays its own
 * trace; with the triad's two fixes the same stacks explore clean.
 */
class StackRaceTest extends OracleScenariosTest {
  @Test
  void theTriadOnALoopDeviceOverAnExt4FileIsFoundAndReplayed() throws Exception {
    foundAndReplayed(world("stack-ext4-triad", null, List.of(), List.of()), 1, 200, StaleCacheMonitor.NAME,
        "landed in loop1#", "loop1 has no backing file");
  }

  @Test
  void theTriadOnALoopDeviceOverADeviceNodeIsFoundAndReplayed() throws Exception {
    foundAndReplayed(world("stack-device-triad", null, List.of(), List.of()), 1, 200, StaleCacheMonitor.NAME,
        "landed in loop1#", "loop1 has no backing file");
  }

  @Test
  void withTheTriadsFixesBothStacksExploreClean() throws Exception {
    List<String> fixes = List.of("mount-recheck-file", "mark-mounted-at-install");
    quiet(world("stack-ext4-triad", null, fixes, List.of()), 1, 300);
    quiet(world("stack-device-triad", null, fixes, List.of()), 1, 500);
  }
}
