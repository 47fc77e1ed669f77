package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FuzzCommandTest {
  @Test
  void aCampaignSavesAShrunkFindingAndShrinkReplaysIt(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("campaign");
    Cli.Outcome o = Cli.run("fuzz", "--programs", "3", "--schedules", "50", "--shrink", "--shrink-budget", "30",
        "--out", out.toString(), "--quiet");
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.out().contains("single-mount: loopN has two live block adapters"), o.both());
    Path finding;
    try (Stream<Path> s = Files.list(out.resolve("findings"))) {
      finding = s.sorted().findFirst().orElseThrow();
    }
    assertTrue(Files.exists(finding.resolve("fuzz-1-shrunk.ksim")), finding.toString());
    Cli.Outcome replay = Cli.run("replay", finding.resolve("fuzz-1-shrunk.trace").toString());
    assertEquals(0, replay.exit(), replay.both());

    Cli.Outcome shrink = Cli.run("shrink", finding.resolve("fuzz-1.trace").toString(), "--budget", "30",
        "--out", dir.resolve("again").toString());
    assertEquals(0, shrink.exit(), shrink.both());
    assertTrue(shrink.out().contains("(replays to the same signature)"), shrink.both());
    assertTrue(shrink.out().contains("before: 3 harts"), shrink.both());
    assertEquals(0, Cli.run("replay", dir.resolve("again.trace").toString()).exit());

    Cli.Outcome resumed = Cli.run("fuzz", "--programs", "3", "--seed", "2", "--out", out.toString());
    assertEquals(2, resumed.exit(), resumed.both());
    assertTrue(resumed.err().contains("seed 1"), resumed.both());
  }

  @Test
  void anUnknownTemplateIsBadInput() {
    Cli.Outcome o = Cli.run("fuzz", "--template", "no-such-template");
    assertEquals(2, o.exit(), o.both());
    assertTrue(o.err().contains("no such template file (built-in templates: triad-area, clients)"), o.both());
  }

  @Test
  void strategiesOnTheCommandLineAreTheTemplatesAndAMistakeIsBadInput(@TempDir Path dir) {
    Cli.Outcome o = Cli.run("fuzz", "--programs", "2", "--schedules", "3", "--strategies",
        "delay-bounding delays=1 pos", "--out", dir.resolve("c").toString());
    assertTrue(o.exit() == 0 || o.exit() == 1, o.both());
    assertTrue(o.out().contains("(delay-bounding delays=1 + pos)"), o.both());
    Cli.Outcome bad = Cli.run("fuzz", "--strategies", "pct delays=2", "--out", dir.resolve("d").toString());
    assertEquals(2, bad.exit(), bad.both());
    assertTrue(bad.err().contains("strategy pct has no parameter `delays`"), bad.both());
  }
}
