package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Strategies;
import kernsim.cli.Timeline;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.scenario.ScenarioWorld;
import org.junit.jupiter.api.Test;

/**
 * Fuzz findings that were the errno oracle's or the model's own, not races (docs/findings.md,
 * "Triaged"): each scenario failed before its fix, and is quiet now.
 */
class TriagedFindingsTest extends OracleScenariosTest {
  /** The write's and the pwrite's results in one run of {@code w}. */
  private static List<Object> writeResults(ScenarioWorld w) {
    Timeline.Recorder rec = new Timeline.Recorder();
    RunResult r = sim.run(rec.around(w), Strategies.random(1), w.runOptions(RunOptions.DEFAULT), 1, 0);
    assertTrue(r.failure().isEmpty(), r.outcome());
    return rec.timeline().harts().stream().filter(h -> h.key().equals("world/writer")).findFirst().orElseThrow()
        .calls().subList(2, 4).stream().map(Timeline.Call::result).toList();
  }

  /** write_at reads ro first (EROFS); with write-at-file-first it clones the file first (EPERM): both allowed. */
  @Test
  void theSpecificationFollowsWriteAtFileFirstOnAnUnboundReadOnlyDevice() throws Exception {
    ScenarioWorld plain = world("errno-write-unbound-ro", null, List.of(), List.of());
    ScenarioWorld fixed = world("errno-write-unbound-ro", null, List.of("write-at-file-first"), List.of());
    assertEquals(List.of(SysResult.err(Errno.EROFS), SysResult.err(Errno.EROFS)), writeResults(plain));
    assertEquals(List.of(SysResult.err(Errno.EPERM), SysResult.err(Errno.EPERM)), writeResults(fixed));
    quiet(plain, 1, 20);
    quiet(fixed, 1, 20);
  }

  /** open(O_CREAT) of an existing file looks it up in the parent it tried: no ENOENT from a second walk. */
  @Test
  void openWithOCreatWalksOnceWhileAMountCoversTheDirectory() throws Exception {
    quiet(world("errno-create-or-open-vs-mount", null, List.of(), List.of()), 1, 3000);
  }
}
