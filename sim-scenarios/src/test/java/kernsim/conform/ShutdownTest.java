package kernsim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A JVM with a live sandbox (bound, mounted, a file open on the mount) is interrupted by SIGINT or
 * SIGTERM, as a user's Ctrl-C or a CI timeout would: its shutdown hook undoes everything, which this JVM
 * checks afterwards in /sys, /proc/mounts and losetup -a. (SIGKILL cannot be handled by any JVM; it is
 * not tested.)
 */
class ShutdownTest {
  @BeforeAll
  static void realDriver() {
    assumeTrue(RealSandbox.unavailableReason().isEmpty(),
        () -> "skipped: " + RealSandbox.unavailableReason().orElse(""));
  }

  /** Whether this process ignores the signal (inherited by the child, whose JVM then keeps ignoring it). */
  static boolean ignored(int signal) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (signal - 1))) != 0;
      }
    }
    return false;
  }

  static void interruptMidRun(String signal, int expectedExit) throws Exception {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process child = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", cp, SandboxChild.class.getName())).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String ready = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (java.io.IOException e) {
          return null;
        }
      }).get(180, TimeUnit.SECONDS);
      String err = ready == null ? new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8) : "";
      assertNotNull(ready, "the child got ready: " + err);
      String[] f = ready.split(" ");
      assertEquals("READY", f[0], ready);
      String root = f[1];
      Set<Integer> indexes = new TreeSet<>();
      for (String r : f[2].split(",")) {
        indexes.add(Integer.parseInt(r));
      }
      HostState.Leftovers during = HostState.read().leftoversOf(root, indexes);
      assertEquals(1, during.bound().size(), "mid-run, the device is bound: " + during);
      assertEquals(1, during.mounts().size(), "and mounted: " + during);

      new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start().waitFor();
      assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child exited after SIG" + signal);
      String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(expectedExit, child.exitValue(), "killed by SIG" + signal + ": " + stderr);
      assertTrue(stderr.contains("cleaned up " + root + " at exit"), stderr);

      HostState.Leftovers after = HostState.read().leftoversOf(root, indexes);
      assertTrue(after.isEmpty(), "after SIG" + signal + ": " + after);
      assertEquals(List.of(), Losetup.linesWith(root));
      assertEquals(List.of(), Losetup.mountsWith(root));
      for (int r : indexes) {
        assertFalse(HostState.loopExists(r), "/dev/loop" + r + " was removed");
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void sigtermMidRunLeavesNothing() throws Exception {
    assumeFalse(ignored(15), "skipped: SIGTERM is ignored in this process tree");
    interruptMidRun("TERM", 128 + 15);
  }

  @Test
  void sigintMidRunLeavesNothing() throws Exception {
    assumeFalse(ignored(2), "skipped: SIGINT is ignored in this process tree (a background job without job"
        + " control); a JVM started here keeps ignoring it, so Ctrl-C cannot reach it");
    interruptMidRun("INT", 128 + 2);
  }
}
