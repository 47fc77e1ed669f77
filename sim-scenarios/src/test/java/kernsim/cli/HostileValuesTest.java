package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile values from the command line or a scenario: correct behaviour or a clear error, never a crash. */
class HostileValuesTest {
  @Test
  void theLongestSleepsSaturateTheVirtualClockInsteadOfOverflowingIt(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("sleepy.ksim"), "scenario sleepy\n\nhart a:\n"
        + "  usleep(9223372036854775807)\n  nanosleep(9223372036854775807)\n  usleep(9223372036854775)\n"
        + "\nhart b:\n  nanosleep(9223372036854775807)\n");
    Cli.Outcome o = Cli.java("run", f.toString());
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception") || o.err().contains("overflow"),
        o.both());
    assertEquals(0, o.exit(), o.both());
    assertTrue(o.out().contains("usleep(9223372036854775807) = 0"), o.out());
    assertTrue(o.out().contains("nanosleep(9223372036854775807) = 0"), o.out());
    assertTrue(o.out().contains("usleep(9223372036854775) = 0"), o.out());
  }

  @Test
  void aHugeDepthOrDelayCountIsRefusedNamingTheLimit() {
    for (String[] args : new String[][] {
        {"explore", "solo-java", "--depth", "2147483647", "--iterations", "1"},
        {"run", "solo-java", "--depth", "2147483647"},
        {"explore", "solo-java", "--strategy", "delay-bounding", "--delays", "2147483647", "--iterations", "1"}}) {
      Cli.Outcome o = Cli.java(args);
      assertEquals(2, o.exit(), o.both());
      String option = java.util.Arrays.stream(args).filter(a -> a.equals("--depth") || a.equals("--delays"))
          .findFirst().orElseThrow();
      assertTrue(o.err().contains(option + " must be at most 10000 (the limit), got 2147483647"), o.both());
      assertFalse(o.err().contains("\tat ") || o.err().contains("OutOfMemory"), o.both());
    }
    Cli.Outcome ok = Cli.java("explore", "solo-java", "--depth", "10000", "--iterations", "1", "--out",
        System.getProperty("java.io.tmpdir") + "/kernsim-depth-limit-test");
    assertFalse(ok.err().contains("the limit"), ok.both());
  }
}
