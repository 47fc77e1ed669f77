package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kernsim.scenario.FaultScenarios;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults on the command line: the list's section, --faults through explore and replay, bad specs. */
class FaultsCommandTest {
  @Test
  void listShowsTheFaultScenariosLastWithTheirFaults() {
    Cli.Outcome o = Cli.run("list");
    assertEquals(0, o.exit(), o.both());
    List<String> lines = o.lines();
    int heading = lines.indexOf("fault scenarios (faults injected into the backing file; docs/faults.md):");
    assertTrue(heading > 0, o.out());
    assertEquals("", lines.get(heading - 1), o.out());
    assertEquals(FaultScenarios.names(), lines.subList(heading + 1, lines.size()).stream()
        .map(l -> l.split(" +")[0]).toList(), o.out());
    assertTrue(lines.get(heading + 1).endsWith("faults write-eio@2, expects errseq"), o.out());
    JsonNode f = Cli.run("list", "--json").json().get("faults");
    assertEquals(FaultScenarios.names().size(), f.size());
    assertEquals("sync-eio%50", f.get(1).get("faults").asText());
  }

  @Test
  void exploreWithFaultsWritesATraceThatReplaysWithoutThem(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("flush.ksim");
    Files.writeString(f, """
        profile linux
        setup:
          image /img 8K
          losetup /dev/loop0 /img
        hart writer:
          ld = open("/dev/loop0", O_RDWR)
          write(ld, "first page")
          pwrite64(ld, "second page", 4096)
          fsync(ld)
        hart flusher:
          fl = open("/dev/loop0", O_RDWR)
          ioctl(fl, BLKFLSBUF)
        """);
    Cli.Outcome clean = Cli.run("explore", f.toString(), "--iterations", "300", "--out", dir.toString(), "--json");
    assertEquals(Main.OK, clean.exit(), clean.both());
    assertEquals("", clean.json().get("faults").asText());
    Cli.Outcome o = Cli.run("explore", f.toString(), "--faults", "write-eio@2", "--iterations", "300",
        "--out", dir.toString(), "--json");
    assertEquals(Main.NOT_AS_EXPECTED, o.exit(), o.both());
    assertEquals("write-eio@2", o.json().get("faults").asText());
    assertEquals("errseq", o.json().get("verdict").get("oracle").asText(), o.out());
    Cli.Outcome r = Cli.run("replay", o.json().get("trace").asText(), "--json");
    assertEquals(Main.OK, r.exit(), r.both());
    assertEquals("write-eio@2", r.json().get("faults").asText());
    assertTrue(r.json().get("confirmed").asBoolean(), r.out());
  }

  @Test
  void aBadFaultSpecIsAnErrorAtItsColumn() {
    Cli.Outcome o = Cli.run("run", "triad", "--faults", "write-eio@2", "--faults", "sync-eio%0");
    assertEquals(Main.BAD_INPUT, o.exit(), o.both());
    assertTrue(o.err().startsWith("--faults:2:10: error: a probability is more than 0 and at most 100 percent,"
        + " found 0\nsync-eio%0\n         ^"), o.err());
  }

  @Test
  void aPowerLossEndsTheRunAtItsStep() {
    Cli.Outcome o = Cli.run("run", "triad", "--fix", "mount-recheck-file", "--fix", "mark-mounted-at-install",
        "--faults", "power-loss@60");
    assertEquals(Main.OK, o.exit(), o.both());
    assertTrue(o.out().contains("power:    lost after step 60 "), o.out());
    assertTrue(o.out().contains("no oracle objected in 60 steps"), o.out());
    JsonNode j = Cli.run("run", "triad", "--fix", "mount-recheck-file", "--fix", "mark-mounted-at-install",
        "--faults", "power-loss@60", "--json").json();
    assertTrue(j.get("powerLost").asBoolean(), j.toString());
    assertEquals(60, j.get("steps").asInt());
    assertEquals("power-loss@60", j.get("faults").asText());
    assertTrue(!Cli.run("run", "triad", "--json").json().get("powerLost").asBoolean());
  }

  @Test
  void stressRefusesAPowerLossInOneLine() {
    Cli.Outcome o = Cli.run("stress", "umount-eio", "--faults", "power-loss@5", "--rounds", "1");
    assertEquals(Main.BAD_INPUT, o.exit(), o.both());
    assertEquals(1, o.err().strip().lines().count(), o.err());
    assertTrue(o.err().contains("stress takes no power-loss fault"), o.err());
  }
}
