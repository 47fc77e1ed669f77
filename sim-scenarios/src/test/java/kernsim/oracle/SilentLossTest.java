package kernsim.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code silent-loss} oracle: Linux's R18 sequence is found and replayed; flushed or held devices are quiet. */
class SilentLossTest extends OracleScenariosTest {
  @Test
  void aWriteThenLoopClrFdByTheOnlyOpenerThenCloseLosesTheDataSilently() throws Exception {
    String m = foundAndReplayed(world("loss-clr-fd-then-close", null, List.of(), List.of()), 1, 50, SilentLoss.NAME,
        "a write of 15 bytes at offset 0 through /dev/loop0 returned success", "with no call reporting an error",
        "byte 0 was never written to it");
    assertTrue(m.contains("let go of its backing file"), m);
  }

  @Test
  void fsyncOrBlkflsbufBeforeLoopClrFdKeepsTheData() throws Exception {
    quiet(world("loss-flushed-first", null, List.of(), List.of()), 1, 300);
  }

  @Test
  void aSecondOpenerKeepsTheDeviceBoundUntilTheLastCloseWritesItBack() throws Exception {
    quiet(world("loss-second-opener", null, List.of(), List.of()), 1, 300);
  }
}
