package kernsim.oracle;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The file-contents oracle on the scenarios of {@code src/test/resources/kernsim/oracle}. */
class FileContentsTest extends OracleScenariosTest {
  /** tmpfs: fallocate's length read and set_len, a write in between cut back, the read-back short. */
  @Test
  void fallocateCuttingBackAWriteIsFoundAndReplayed() throws Exception {
    foundAndReplayed(world("contents-fallocate-cuts-write", null, List.of(), List.of()), 1, 3000, FileContents.NAME,
        "world/writer: pread64(fd, 64, 0) = ", "but in no order of the calls does /data hold that",
        "16 bytes \"0123456789abcdef\"", "world/allocator: fallocate(fd, 0, 0, 4) = 0");
  }

  /** tmpfs: the same race with no read: what /data holds at the end of the run is what no order leaves. */
  @Test
  void aCutBackWriteIsFoundInTheFilesEndStateAndReplayed() throws Exception {
    foundAndReplayed(world("contents-end-cut-back", null, List.of(), List.of()), 1, 3000, FileContents.NAME,
        "at the end of the run /data holds 4 bytes \"0123\"", "it may hold 16 bytes \"0123456789abcdef\"");
  }

  /** ext4: the same race, seen by the writer's lseek(SEEK_END). */
  @Test
  void theSameRaceOnExt4IsFoundAndReplayed() throws Exception {
    foundAndReplayed(world("contents-fallocate-ext4", null, List.of(), List.of()), 1, 3000, FileContents.NAME,
        "world/writer: lseek(fd, 0, SEEK_END) = ", "21 bytes \"written by the writer\"", "fallocate(fd, 0, 0, 2)");
  }

  /** Writes racing ftruncate and truncate, with reads at offsets and at positions: all explained. */
  @Test
  void writesRacingTruncatesAreExplained() throws Exception {
    quiet(world("contents-truncate-writes", null, List.of(), List.of()), 1, 2000);
  }

  /** Two writers (one O_APPEND) and a reader of an ext4 file: all explained, in both profiles. */
  @Test
  void ext4WritersAndAReaderAreExplained() throws Exception {
    quiet(world("contents-ext4-writers", null, List.of(), List.of()), 1, 1000);
    quiet(world("contents-ext4-writers", "linux", List.of(), List.of()), 1, 500);
  }
}
