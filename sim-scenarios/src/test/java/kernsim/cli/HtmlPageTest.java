package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --html FILE}: the page's structure, its inlined diagram, the folding, and (where there is one) a browser's reading. */
class HtmlPageTest {
  @TempDir static Path dir;
  static Path page;
  static String html;

  /** The triad's race found by exploring from seed 1, with its page. */
  @BeforeAll
  static void explore() throws Exception {
    page = dir.resolve("pages/triad.html");
    Cli.Outcome o = Cli.run("explore", "triad", "--out", dir.toString(), "--html", page.toString());
    assertEquals(1, o.exit(), o.both());
    assertTrue(o.out().contains("html:    " + page), o.out());
    html = Files.readString(page, StandardCharsets.UTF_8);
  }

  private static String section(String id) {
    Matcher m = Pattern.compile("<section id=\"" + id + "\"[^>]*>(.*?)</section>", Pattern.DOTALL).matcher(html);
    assertTrue(m.find(), "no section " + id);
    return m.group(1);
  }

  @Test
  void thePageHasTheVerdictTimelineDiagramStepsAndReplayCommand() {
    assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 80));
    assertTrue(html.contains("<section id=\"verdict\" class=\"failed\">"));
    assertTrue(Cli.raceVerdict(section("verdict"), "FAILED \u2014 safety-violation ["), section("verdict"));
    assertTrue(section("replay").contains("kernsim replay " + dir.resolve("triad-1.trace")), section("replay"));
    String timeline = section("timeline");
    for (String hart : List.of("mounter", "flusher", "detacher")) {
      assertTrue(timeline.contains("<td>" + hart + "</td>"), hart);
    }
    assertTrue(timeline.contains("LOOP_CLR_FD region"), "the interleaving by region");
    String sequence = section("sequence");
    assertTrue(sequence.contains("<svg"), "the diagram is inlined SVG");
    assertTrue(sequence.contains("</svg>"));
    // PlantUML writes a label's spaces as no-break spaces.
    assertTrue(sequence.replace('\u00a0', ' ').contains("as_dyn_block_device region 1 (block_cache lock)"),
        "regions label the arrows");
    assertTrue(sequence.contains("#FF0000") || sequence.contains("#ff0000") || sequence.contains("red"),
        "the failing step's arrow is red");
    String steps = section("steps");
    assertTrue(steps.contains("<tr class=\"failing\" id=\"failing-step\"><td class=\"num\">130</td>"), steps);
  }

  @Test
  void thePageIsSelfContained() {
    assertFalse(html.contains("<script"), "no script");
    assertFalse(Pattern.compile("(src|href)=\"(https?:|//|file:)").matcher(html).find(), "nothing loaded from elsewhere");
    assertFalse(html.contains("<link"), "no stylesheet to load");
  }

  @Test
  void stepsOutsideTheFailureAreFoldedOneClickAway() {
    String steps = section("steps");
    // The boot's steps (0-3) come before the mount that failed, which started in step 4.
    assertTrue(steps.contains("<details class=\"folded\"><summary>steps 0\u20133 (4), not part of the failure</summary>"),
        steps.substring(0, Math.min(steps.length(), 2000)));
    Matcher folded = Pattern.compile("<details class=\"folded\">(.*?)</details>", Pattern.DOTALL).matcher(steps);
    int rows = 0;
    while (folded.find()) {
      assertFalse(folded.group(1).contains("failing-step"), "the failing step is never folded");
      rows += folded.group(1).split("<tr", -1).length - 2; // less the header row
    }
    assertTrue(rows >= 4, "folded rows: " + rows);
  }

  @Test
  void runAndReplayWriteThePageToo() throws Exception {
    Path run = dir.resolve("run.html");
    Cli.Outcome o = Cli.run("run", "triad", "--seed", "6", "--html", run.toString());
    assertEquals(1, o.exit(), o.both());
    String r = Files.readString(run);
    assertTrue(r.contains("<svg") && r.contains("kernsim explore triad --strategy pct --seed 6"), o.out());
    Path replay = dir.resolve("replay.html");
    o = Cli.run("replay", dir.resolve("triad-1.trace").toString(), "--html", replay.toString());
    assertEquals(0, o.exit(), o.both());
    assertTrue(Files.readString(replay).contains("<svg"));
    Cli.Outcome bad = Cli.run("replay", dir.resolve("triad-1.trace").toString(), "--html", dir.toString());
    assertEquals(2, bad.exit(), bad.both());
    assertTrue(bad.err().startsWith("kernsim replay: cannot write the page "), bad.err());
  }

  /** Headless chromium reads the page: the DOM it builds has the verdict and the diagram's SVG. */
  @Test
  void aBrowserReadsThePage() throws Exception {
    String chromium = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream()
        .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);
    Assumptions.assumeTrue(chromium != null, "no chromium installed (Debian's chromium package): the browser check is skipped");
    Path out = dir.resolve("dom.html");
    Path png = dir.resolve("page.png");
    Process p = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
        "--user-data-dir=" + dir.resolve("chromium-profile"), "--dump-dom", page.toUri().toString())
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
    String dom = Files.readString(out);
    assertTrue(dom.contains("id=\"verdict\""), dom.length() > 500 ? dom.substring(0, 500) : dom);
    assertTrue(dom.contains("<svg"), "the SVG is part of the DOM");
    Process shot = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--user-data-dir=" + dir.resolve("chromium-profile"), "--window-size=1400,2000", "--screenshot=" + png,
        page.toUri().toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    assertTrue(shot.waitFor(120, TimeUnit.SECONDS), "chromium did not finish in 120 s");
    assertTrue(Files.size(png) > 10_000, "a screenshot of " + Files.size(png) + " bytes");
  }
}
