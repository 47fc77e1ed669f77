package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import kernsim.conform.RealSandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernsim conform}: its exit codes, its table and its JSON. */
class ConformCommandTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void aBadScenarioIsFileLineColumnAndExit2() throws Exception {
    Path p = write("bad.ksim", "hart a:\n  fd = open(\"/img\", O_RDWR|O_CRAET)\n");
    Cli.Outcome o = Cli.run("conform", p.toString());
    assertEquals(2, o.exit(), o.both());
    assertTrue(o.err().contains("bad.ksim:2:28: error: unknown constant `O_CRAET`"), o.both());
    assertFalse(o.err().contains("Exception"), o.both());
  }

  @Test
  void aScenarioWithTheProberOrALibraryCallCannotBeComparedExit2() throws Exception {
    Path p = write("prober.ksim", "prober on\nhart a:\n  ld = open(\"/dev/loop0\", O_RDWR)\n");
    Cli.Outcome o = Cli.run("conform", p.toString());
    assertEquals(2, o.exit(), o.both());
    assertTrue(o.err().contains("conform runs without the prober"), o.both());
    Path q = write("lib.ksim", "setup:\n  image /img 64K\nhart a:\n  img = open(\"/img\", O_RDWR)\n"
        + "  d = loop_device_make(img, O_RDWR, LOCK_EX)\n");
    Cli.Outcome o2 = Cli.run("conform", q.toString());
    assertEquals(2, o2.exit(), o2.both());
    assertTrue(o2.err().contains("conform runs syscalls only"), o2.both());
  }

  @Test
  void withoutARealLoopDriverItSaysWhyAndExits2() {
    assumeTrue(RealSandbox.unavailableReason().isPresent(), "this machine has a real loop driver");
    Cli.Outcome o = Cli.run("conform", "../conform/io.ksim");
    assertEquals(2, o.exit(), o.both());
    assertTrue(o.err().contains("cannot run on the real kernel: "), o.both());
    assertFalse(o.err().contains("Exception"), o.both());
  }

  @Test
  void allMatchingIsExit0AndOneDifferenceExit1WithRowsAndJson() throws Exception {
    assumeTrue(RealSandbox.unavailableReason().isEmpty(), () -> "skipped: " + RealSandbox.unavailableReason().orElse(""));
    Path same = write("same.ksim", "setup:\n  image /img 64K\nhart a:\n  img = open(\"/img\", O_RDWR)\n"
        + "  ld = open(\"/dev/loop0\", O_RDWR)\n  ioctl(ld, LOOP_SET_FD, img)\n  pwrite64(ld, \"hello\", 0)\n"
        + "  pread64(ld, 5, 0)\n  ioctl(ld, LOOP_CLR_FD)\n  close(ld)\n");
    Cli.Outcome o = Cli.run("conform", same.toString());
    assertEquals(0, o.exit(), o.both());
    assertTrue(o.out().contains("a: pread64(ld, 5, 0)"), o.both());
    assertTrue(o.out().contains("7 calls, 7 match, 0 differ"), o.both());
    // The real mkfs.ext4 leaves the first 1024 bytes zero; the model's ext4-lite starts with its
    // superblock (the inherent difference docs/profiles.md lists).
    Path differs = write("differs.ksim", "setup:\n  image /img 4M\n  losetup /dev/loop0 /img\n"
        + "  mkfs.ext4 /dev/loop0\nhart a:\n  ld = open(\"/dev/loop0\", O_RDWR)\n  pread64(ld, 8, 0)\n  close(ld)\n");
    Cli.Outcome d = Cli.run("conform", "--json", differs.toString());
    assertEquals(1, d.exit(), d.both());
    JsonNode j = d.json();
    assertEquals("conform", j.get("command").asText(), d.both());
    assertEquals(3, j.get("calls").asInt());
    assertEquals(1, j.get("differ").asInt());
    JsonNode row = j.get("scenarios").get(0).get("rows").get(1);
    assertEquals("pread64(ld, 8, 0)", row.get("call").asText());
    assertEquals("8 \"\"+8*\\0", row.get("real").asText());
    assertFalse(row.get("match").asBoolean());
  }

  @Test
  void recordWritesTheRealResultsBesideTheFile() throws Exception {
    assumeTrue(RealSandbox.unavailableReason().isEmpty(), () -> "skipped: " + RealSandbox.unavailableReason().orElse(""));
    Path p = write("rec.ksim", "hart a:\n  ld = open(\"/dev/loop0\", O_RDWR)\n  ioctl(ld, BLKGETSIZE64)\n");
    Cli.Outcome o = Cli.run("conform", "--record", p.toString());
    assertEquals(0, o.exit(), o.both());
    kernsim.conform.Recorded r = kernsim.conform.Recorded.read(dir.resolve("rec.real.json"));
    assertEquals(2, r.rows().size());
    assertEquals("0 0", r.rows().get(1).real());
  }
}
