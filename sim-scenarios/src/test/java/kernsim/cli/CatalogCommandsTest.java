package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import kernsim.scenario.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands end to end on the scenario language: the catalog, and scenario files. */
class CatalogCommandsTest {
  @Test
  void listShowsTheTriadWithItsTitleAndExpectedOracle() {
    Cli.Outcome o = Cli.run("list");
    assertEquals(0, o.exit(), o.both());
    // The catalog, then a blank line before the client scenarios' section (ClientScenariosTest).
    assertEquals("", o.lines().get(Catalog.names().size()), o.out());
    assertTrue(o.lines().stream().anyMatch(l -> l.matches(
        "triad +loop: write_block vs BLKFLSBUF vs LOOP_CLR_FD \\(3 harts, ext4\\) +expects stale-cache.*")), o.out());
    JsonNode j = Cli.run("list", "--json").json();
    JsonNode first = j.get("scenarios").get(0);
    assertEquals("triad", first.get("name").asText());
    assertEquals("stale-cache", first.get("expect").get(0).asText());
    // The fixes come from the catalog's index, the list CatalogTest closes each race with.
    for (JsonNode s : j.get("scenarios")) {
      java.util.List<String> fixes = new java.util.ArrayList<>();
      s.get("fixes").forEach(f -> fixes.add(f.asText()));
      assertEquals(Catalog.fixesFor(s.get("name").asText()).stream().map(kernsim.dev.Fix::id).toList(), fixes);
      assertFalse(fixes.isEmpty(), s.toString());
    }
    assertEquals(java.util.List.of("mount-recheck-file", "mark-mounted-at-install"),
        java.util.List.of(first.get("fixes").get(0).asText(), first.get("fixes").get(1).asText()));
  }

  /** The README's main job: {@code kernsim explore}, then the replay it prints. */
  @Test
  void exploreWithoutAFileFindsTheTriadRaceAndItsTraceReplays(@TempDir Path dir) {
    Cli.Outcome o = Cli.run("explore", "--out", dir.toString());
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.lines().get(0).startsWith("kernsim explore triad: strategy pct, depth 3, seed 1"), o.out());
    assertTrue(o.out().contains("scenario: triad \u2014 loop: write_block vs BLKFLSBUF vs LOOP_CLR_FD (3 harts, ext4)"
        + " (triad.ksim)"), o.out());
    assertTrue(Cli.raceVerdict(o.out(), "verdict:  FAILED \u2014 safety-violation ["), o.out());
    // The detach got past its EBUSY check: it returned 0, or is still writing back when the write lands.
    assertTrue(o.out().contains("ioctl(ld, LOOP_CLR_FD) = 0") || o.out().contains("ioctl(ld, LOOP_CLR_FD)   (had not returned)"),
        "the detach that should have been refused:\n" + o.out());
    assertFalse(o.out().contains("ioctl(ld, LOOP_CLR_FD) = EBUSY"), o.out());
    Path trace = dir.resolve("triad-1.trace");
    assertTrue(o.out().contains("replay:  kernsim replay " + trace), o.out());
    assertTrue(Files.isRegularFile(dir.resolve("triad-1.report.txt")));

    Cli.Outcome r = Cli.run("replay", trace.toString());
    assertEquals(0, r.exit(), r.both());
    assertTrue(r.out().contains("replay: CONFIRMED"), r.out());
    assertEquals(ExploreCommandTest.section(o.out(), "interleaving ("), ExploreCommandTest.section(r.out(), "interleaving ("));
  }

  @Test
  void aScenarioFileRunsAndShowsItsErrnos(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("busy.ksim"), String.join("\n",
        "# One hart: LOOP_CLR_FD on a mounted device is refused.",
        "scenario busy",
        "expect none",
        "",
        "setup:",
        "  image /img 64K",
        "  losetup /dev/loop0 /img",
        "  mkfs.ext4 /dev/loop0",
        "",
        "hart only:",
        "  mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)",
        "  ld = open(\"/dev/loop0\", O_RDWR)",
        "  ioctl(ld, LOOP_CLR_FD)",
        "  close(ld)",
        "  umount2(\"/mnt\", 0)",
        ""));
    Cli.Outcome o = Cli.run("run", file.toString());
    assertEquals(0, o.exit(), o.both());
    assertTrue(o.out().contains("expected: no violation"), o.out());
    assertTrue(o.out().contains("ioctl(ld, LOOP_CLR_FD) = EBUSY"), o.out());
    assertTrue(o.out().contains("umount2(\"/mnt\", 0) = 0"), o.out());
    JsonNode j = Cli.run("explore", file.toString(), "--iterations", "3", "--json", "--out", dir.toString()).json();
    assertEquals("busy", j.get("scenario").get("name").asText());
    assertEquals(file.toString(), j.get("scenario").get("file").asText());
    assertEquals("ok", j.get("verdict").get("status").asText());
    assertFalse(Files.exists(dir.resolve("busy-1.trace")));
  }
}
