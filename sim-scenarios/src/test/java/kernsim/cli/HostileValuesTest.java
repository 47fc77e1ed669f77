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

  /** 60,000 statements that each end without a message ran in nested calls once, and overflowed the stack. */
  @Test
  void aLongProgramOfCallsThatEndAtOnceRunsInABoundedStack(@TempDir Path dir) throws Exception {
    StringBuilder b = new StringBuilder("scenario dups\n\nhart a:\n  fd = open(\"/f\", O_RDWR|O_CREAT)\n");
    for (int i = 0; i < 30_000; i++) {
      b.append("  d = dup(fd)\n  close(d)\n");
    }
    Path f = Files.writeString(dir.resolve("dups.ksim"), b);
    Cli.Outcome o = Cli.run("run", f.toString(), "--json");
    assertFalse(o.err().contains("StackOverflowError") || o.err().contains("\tat "), o.err());
    assertEquals(Main.OK, o.exit(), o.err());
    var calls = o.json().get("harts").get(0).get("calls");
    assertEquals(60_001, calls.size());
    assertEquals(1, calls.get(60_000 - 1).get("result").get("value").asInt()); // the last dup is fd 1
  }

  /**
   * A hart's table holds 1,024 fds (FdTable.DEFAULT_LIMIT): the 1,025th open and a dup then get EMFILE, which
   * the errno oracle allows (it once said "can only be success"); after a close the next open succeeds, and
   * the other hart's table is its own. Explored, so the oracle sees the calls overlap too.
   */
  @Test
  void theOpenPastTheFdLimitIsEmfileAndTheErrnoOracleAllowsIt(@TempDir Path dir) throws Exception {
    StringBuilder b = new StringBuilder("scenario fd-limit\nexpect none\n\nhart a:\n  g = open(\"/f\", O_RDWR|O_CREAT)\n");
    for (int i = 1; i < 1024; i++) {
      b.append("  f").append(i).append(" = open(\"/f\", O_RDONLY)\n");
    }
    b.append("  over = open(\"/f\", O_RDONLY)\n  d = dup(g)\n  close(g)\n  again = open(\"/f\", O_RDONLY)\n");
    b.append("\nhart b:\n  x = open(\"/f\", O_RDWR|O_CREAT)\n  y = dup(x)\n");
    Path f = Files.writeString(dir.resolve("fd-limit.ksim"), b);
    Cli.Outcome o = Cli.run("run", f.toString(), "--json");
    assertEquals(Main.OK, o.exit(), o.both());
    var a = o.json().get("harts").get(0).get("calls");
    assertEquals(1028, a.size());
    assertEquals(1023, a.get(1023).get("result").get("value").asInt());
    assertEquals("EMFILE", a.get(1024).get("result").get("errno").asText(), a.get(1024).toString());
    assertEquals("EMFILE", a.get(1025).get("result").get("errno").asText(), a.get(1025).toString());
    assertEquals(0, a.get(1027).get("result").get("value").asInt(), a.get(1027).toString());
    var bc = o.json().get("harts").get(1).get("calls");
    assertEquals(1, bc.get(1).get("result").get("value").asInt(), bc.toString());
    Cli.Outcome x = Cli.run("explore", f.toString(), "--iterations", "20", "--out", dir.resolve("out").toString());
    assertEquals(Main.OK, x.exit(), x.both());
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

  @Test
  void writesAtOffsetsPast2To31AndNear2To63AreErrnosNotArrayIndexCrashes(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("far.ksim"), "scenario far\n\nsetup:\n  image /img 16K\n"
        + "  losetup /dev/loop0 /img\n\nhart a:\n"
        + "  mount(\"none\", \"/mnt\", \"tmpfs\", 0)\n"
        + "  t = open(\"/mnt/f\", O_RDWR|O_CREAT)\n"
        + "  pwrite64(t, \"x\", 2147483648)\n"
        + "  lseek(t, 9223372036854775806, SEEK_SET)\n"
        + "  write(t, \"yy\")\n"
        + "  m = memfd_create(\"m\", 0)\n"
        + "  pwrite64(m, \"x\", 9223372036854775807)\n"
        + "  lseek(m, 4294967296, SEEK_SET)\n"
        + "  write(m, \"y\")\n"
        + "  ld = open(\"/dev/loop0\", O_RDWR)\n"
        + "  pwrite64(ld, \"xx\", 9223372036854775806)\n");
    Cli.Outcome o = Cli.java("run", f.toString());
    assertFalse(o.err().contains("\tat ") || o.err().contains("Exception"), o.both());
    assertEquals(0, o.exit(), o.both());
    for (String call : new String[] {
        "pwrite64(t, \"x\", 2147483648) = 1", // a 64-bit loff_t on tmpfs, stored sparsely
        "lseek(t, 9223372036854775806, SEEK_SET) = 9223372036854775806",
        "write(t, \"yy\") = EINVAL", // pos + count overflows loff_t, as rw_verify_area says
        "pwrite64(m, \"x\", 9223372036854775807) = EINVAL",
        "lseek(m, 4294967296, SEEK_SET) = 4294967296",
        "write(m, \"y\") = 1", // at 2^32 of a memfd
        "pwrite64(ld, \"xx\", 9223372036854775806) = EINVAL"}) {
      assertTrue(o.out().contains("]  " + call + "\n"), call + " in\n" + o.out());
    }
  }

  /**
   * A Monogon write through the device past 2^31 (issue 17's hostile values): starry's write_at writes the
   * backing file at that offset, and the oracles that follow a file's bytes (client-data, silent-loss,
   * durability) follow it sparsely instead of throwing an array index of -1294967296 in the file's actor.
   */
  @Test
  void aMonogonWritePast2To31IsAnsweredAndNoOracleThrows(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("mw.ksim"), "scenario mw\n\nsetup:\n  image /img 16K\n\nhart a:\n"
        + "  img = open(\"/img\", O_RDWR)\n"
        + "  d = monogon_create(img, 512)\n"
        + "  monogon_write(d, 3000000000, \"x\")\n"
        + "  monogon_write(d, 100, \"y\")\n");
    Cli.Outcome o = Cli.java("run", f.toString());
    assertFalse(o.both().contains("Exception"), o.both());
    assertEquals(0, o.exit(), o.both());
    assertTrue(o.out().contains("]  monogon_write(d, 3000000000, \"x\") = 1\n"), o.out());
  }
}
