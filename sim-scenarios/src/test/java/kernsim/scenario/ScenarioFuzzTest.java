package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import kernsim.actors.Failure;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.dev.Semantics;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated inputs: parse either returns a scenario that boots and runs without any actor
 * throwing, or throws a ScenarioException that points into the text. Never another exception, never an
 * "internal error". Seeded, so a failure names an input that reproduces it.
 */
class ScenarioFuzzTest {
  private static final String[] VOCABULARY = {
      "hart", "setup", ":", "scenario", "title", "profile", "fix", "expect", "loops", "starry", "none",
      "stale-cache", "mount-resolve-once", "image", "losetup", "mkfs.ext4", "file", "mkdir", "ro", "/img",
      "/dev/loop0", "\"/mnt\"", "\"x\\n\"", "\"", "\\", "open", "close", "write", "ioctl", "pipe2", "mount",
      "splice", "readv", "(", ")", "[", "]", "{", "}", ",", "=", "|", "&", "#", "fd", "ld", "r", "w",
      "O_RDWR", "O_CREAT", "MS_RDONLY", "LOOP_CONFIGURE", "LOOP_SET_STATUS64", "BLKFLSBUF", "LO_FLAGS_READ_ONLY",
      "NULL", "0", "-1", "64K", "0x10", "09", "1Q", "99999999999999999999", "file_name", "flags", "\t", " ",
      "  ", "\n", "\n  ", "\r\n", "é", "\u0000", ";", "@"};

  private static final String ALPHABET = "hartsup:()[]{},=|&#\"\\/ \t\n\r0123456789xKMGabcdefO_RDWLC-.;@é\u0000";

  @Test
  void noInputMakesParseThrowAnythingButAScenarioExceptionPointingIntoTheText() {
    Random rnd = new Random(20240601);
    List<String> seeds = List.of(ScenariosTest.TRIAD,
        "hart all:\n" + String.join("\n", CallTableTest.PROGRAM.stream().map(l -> "  " + l).toList()) + "\n",
        "setup:\n  file /a \"x\"\n  mkdir /d\n  losetup /dev/loop0 /img ro\nhart 1:\n"
            + "  ld = open(\"/dev/loop0\", O_RDWR)\n  ioctl(ld, LOOP_CONFIGURE, {fd: ld, flags: LO_FLAGS_READ_ONLY})\n");
    int parsed = 0;
    int rejected = 0;
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      String input = switch (i % 3) {
        case 0 -> mutate(seeds.get(rnd.nextInt(seeds.size())), rnd, 1 + rnd.nextInt(4));
        case 1 -> soup(rnd);
        default -> randomChars(rnd);
      };
      if (check(input)) {
        parsed++;
        accepted.add(input);
      } else {
        rejected++;
      }
    }
    // Both outcomes occur, so the generator exercises the compiler as well as the error paths.
    assertTrue(parsed > 10, "parsed " + parsed);
    assertTrue(rejected > 1000, "rejected " + rejected);
    // What parses also runs: no compiled statement throws in the kernel (a wrong argument type would).
    try (Simulator sim = Simulator.create()) {
      for (String input : accepted.subList(0, Math.min(accepted.size(), 20))) {
        RunResult r = Runs.run(sim, parse(input), 1).result();
        if (r.failure().orElse(null) instanceof Failure.UnexpectedException e) {
          fail("running " + show(input) + " failed: " + e.signature());
        }
      }
    }
  }

  private static Scenario parse(String input) {
    try {
      return Scenarios.parse(input, "fuzz.ksim");
    } catch (ScenarioException e) {
      throw new AssertionError(e);
    }
  }

  /** Parses {@code input}; true if it parsed. Fails the test on anything but a well-formed rejection. */
  private static boolean check(String input) {
    try {
      Scenario s = Scenarios.parse(input, "fuzz.ksim");
      assertFalse(s.harts().isEmpty());
      s.kernelSpec(Semantics.STARRY); // names distinct and not "setup": Kernel.Spec checks
      return true;
    } catch (ScenarioException e) {
      String m = e.getMessage();
      if (m.contains("internal error")) {
        fail("internal error for input " + show(input) + ":\n" + m, e.getCause());
      }
      assertEquals("fuzz.ksim", e.file());
      List<String> lines = (input.startsWith("\uFEFF") ? input.substring(1) : input).lines().toList();
      if (e.line() == 0) {
        assertEquals(0, e.column());
        assertTrue(m.startsWith("fuzz.ksim: error: "), m);
      } else {
        assertTrue(e.line() >= 1 && e.line() <= lines.size(), () -> "line out of range for " + show(input) + ": " + m);
        String line = lines.get(e.line() - 1);
        assertTrue(e.column() >= 1 && e.column() <= line.length() + 1,
            () -> "column out of range for " + show(input) + ": " + m);
        assertTrue(m.startsWith("fuzz.ksim:" + e.line() + ":" + e.column() + ": error: "), m);
        assertEquals(line, m.split("\n", -1)[1], "the second line is the source line");
        assertTrue(m.split("\n", -1)[2].endsWith("^"), m);
      }
      return false;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("parse threw " + e + " for input " + show(input), e);
    }
  }

  private static String mutate(String text, Random rnd, int edits) {
    StringBuilder sb = new StringBuilder(text);
    for (int k = 0; k < edits; k++) {
      int at = sb.length() == 0 ? 0 : rnd.nextInt(sb.length());
      switch (rnd.nextInt(6)) {
        case 0 -> sb.deleteCharAt(Math.min(at, Math.max(0, sb.length() - 1)));
        case 1 -> sb.insert(at, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        case 2 -> sb.insert(at, VOCABULARY[rnd.nextInt(VOCABULARY.length)]);
        case 3 -> sb.setLength(at);
        case 4 -> {
          List<String> lines = new ArrayList<>(sb.toString().lines().toList());
          if (lines.size() > 1) {
            int a = rnd.nextInt(lines.size());
            int b = rnd.nextInt(lines.size());
            String t = lines.get(a);
            lines.set(a, lines.get(b));
            lines.set(b, t);
          }
          sb = new StringBuilder(String.join("\n", lines));
        }
        default -> {
          int end = Math.min(sb.length(), at + rnd.nextInt(12));
          sb.replace(at, end, VOCABULARY[rnd.nextInt(VOCABULARY.length)]);
        }
      }
    }
    return sb.toString();
  }

  private static String soup(Random rnd) {
    StringBuilder sb = new StringBuilder(rnd.nextBoolean() ? "hart 1:\n  " : "");
    int n = 1 + rnd.nextInt(40);
    for (int k = 0; k < n; k++) {
      sb.append(VOCABULARY[rnd.nextInt(VOCABULARY.length)]);
      if (rnd.nextInt(3) == 0) {
        sb.append(' ');
      }
    }
    return sb.toString();
  }

  private static String randomChars(Random rnd) {
    StringBuilder sb = new StringBuilder();
    int n = rnd.nextInt(80);
    for (int k = 0; k < n; k++) {
      sb.append(rnd.nextInt(10) == 0 ? (char) rnd.nextInt(0x3000) : ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  private static String show(String input) {
    return "\"" + input.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
  }
}
