package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar draws on stderr only when stderr is a terminal ({@link Terminal}): on a terminal made by
 * util-linux's {@code script}, {@code 2>log} keeps the log free of frames, while stderr on the terminal shows
 * them. It once asked {@code System.console()}, which answers for stdin and stdout.
 */
class ProgressTerminalTest {
  private static final Path SCRIPT = Path.of("/usr/bin/script");

  /** Runs {@code command} under script(1) on a fresh pseudo-terminal; returns what the terminal showed. */
  private static String onATerminal(String command) throws Exception {
    Process p = new ProcessBuilder(List.of(SCRIPT.toString(), "-qec", command, "/dev/null"))
        .redirectErrorStream(true).start();
    p.getOutputStream().close();
    String shown = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the child finished");
    assertEquals(0, p.exitValue(), shown);
    return shown;
  }

  @Test
  void theBarDrawsOnAStderrTerminalAndNeverIntoARedirectedStderr(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(SCRIPT), "no /usr/bin/script (util-linux) to make a terminal with");
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // The fixed triad: no failure, so all 5,000 schedules run, seconds longer than the bar's 0.7 s delay.
    String explore = java + " -cp " + cp + " " + Main.class.getName() + " explore triad --fix mount-recheck-file"
        + " --fix mark-mounted-at-install --iterations 5000 --out ";
    Path log = dir.resolve("err.log");
    String quiet = onATerminal(explore + dir.resolve("a") + " 2>" + log);
    assertTrue(quiet.contains("no failure found in 5,000 schedules"), quiet);
    String err = Files.readString(log);
    assertFalse(err.contains("\r") || err.contains("5000"), "frames in the redirected stderr: " + err);

    String drawn = onATerminal(explore + dir.resolve("b"));
    assertTrue(drawn.contains("/5000"), "no bar on the terminal: " + drawn);
  }
}
