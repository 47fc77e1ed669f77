package kernsim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import kernsim.scenario.Scenario;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite on this machine's real loop driver: each call gives what was recorded
 * ({@code conform/NAME.real.json}), and afterwards nothing of a sandbox is bound, mounted, open or
 * added ({@link HostState}, {@code losetup -a}, {@code /proc/mounts}). Skipped, saying why, without root,
 * x86-64 Linux or {@code /dev/loop-control}.
 */
class ConformLiveTest {
  @BeforeAll
  static void realDriver() {
    assumeTrue(RealSandbox.unavailableReason().isEmpty(),
        () -> "skipped: " + RealSandbox.unavailableReason().orElse(""));
  }

  @Test
  void theSuiteGivesTheRecordedResultsAndLeavesNothingBehind() throws Exception {
    List<String> changed = new ArrayList<>();
    for (Path file : Suite.files()) {
      Scenario s = Suite.load(file);
      Recorded recorded = Recorded.read(Recorded.pathFor(file));
      String root;
      Set<Integer> owned;
      List<Conform.Row> rows;
      try (RealSandbox sb = RealSandbox.open(s.loops())) {
        root = sb.root();
        rows = Conform.real(s, sb);
        owned = Set.copyOf(sb.names.everOwned());
      }
      assertEquals(recorded.rows().size(), rows.size(), file + ": calls");
      for (int i = 0; i < rows.size(); i++) {
        String was = recorded.rows().get(i).real();
        String now = rows.get(i).real();
        if (!was.equals(now)) {
          changed.add(Suite.key(s.name(), rows.get(i)) + " " + rows.get(i).call() + ": recorded " + was + ", now " + now);
        }
      }
      HostState.Leftovers left = HostState.read().leftoversOf(root, owned);
      assertTrue(left.isEmpty(), () -> file + " left: " + left);
      assertEquals(List.of(), Losetup.linesWith(root), file + ": losetup -a");
      assertEquals(List.of(), Losetup.mountsWith(root), file + ": /proc/mounts");
      for (int real : owned) {
        assertTrue(!HostState.loopExists(real), file + ": loop" + real + " removed");
      }
    }
    assertTrue(changed.isEmpty(), () -> "the real kernel answers otherwise than recorded (another kernel?"
        + " re-record with kernsim conform --record conform/*.ksim):\n  " + String.join("\n  ", changed));
  }
}
