package kernsim.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/junit.md shows the two projects the build runs with the invoker, file by file: this module's example
 * (src/it/example, {@code <!-- example: PATH -->}) and kernsim-junit-scenarios' kernel team's project
 * (src/it/races, {@code <!-- races: PATH -->}). Each marker is followed by a code block that must be that
 * file, byte for byte, and every file of the projects but the invoker's own scripts is shown.
 */
class JunitDocTest {
  static final Path DOC = Path.of("..", "docs", "junit.md");
  static final Path EXAMPLE = Path.of("src", "it", "example");
  static final Path RACES = Path.of("..", "kernsim-junit-scenarios", "src", "it", "races");

  static Map<String, String> blocks(String marker) throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<!-- " + marker + ": (\\S+) -->\\n```\\w*\\n(.*?)```\\n", Pattern.DOTALL).matcher(doc);
    Map<String, String> blocks = new TreeMap<>();
    while (m.find()) {
      assertTrue(blocks.put(m.group(1), m.group(2)) == null, "shown twice: " + m.group(1));
    }
    return blocks;
  }

  private static void showsExactly(String marker, Path project) throws IOException {
    Map<String, String> blocks = blocks(marker);
    List<String> files;
    try (Stream<Path> s = Files.walk(project)) {
      files = s.filter(Files::isRegularFile).map(p -> project.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.equals("verify.groovy")).sorted().toList();
    }
    assertEquals(files, List.copyOf(blocks.keySet()), "the files of " + project + " docs/junit.md shows");
    for (String f : files) {
      assertEquals(Files.readString(project.resolve(f), StandardCharsets.UTF_8), blocks.get(f),
          "docs/junit.md's " + f + " differs from " + project.resolve(f));
    }
  }

  @Test
  void theDocShowsEveryFileOfTheExampleExactly() throws IOException {
    showsExactly("example", EXAMPLE);
  }

  @Test
  void theDocShowsEveryFileOfTheKernelTeamsProjectExactly() throws IOException {
    showsExactly("races", RACES);
  }

  @Test
  void theExampleUsesThisVersionOfKernsim() throws IOException {
    String parent = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
    Matcher v = Pattern.compile("<artifactId>kernsim-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(parent);
    assertTrue(v.find());
    String pom = Files.readString(EXAMPLE.resolve("pom.xml"), StandardCharsets.UTF_8);
    assertTrue(pom.contains("<artifactId>kernsim-junit</artifactId>\n      <version>" + v.group(1) + "</version>"),
        "the example depends on kernsim-junit " + v.group(1));
    String races = Files.readString(RACES.resolve("pom.xml"), StandardCharsets.UTF_8);
    assertTrue(races.contains("<artifactId>kernsim-junit-scenarios</artifactId>\n      <version>" + v.group(1)
        + "</version>"), "the kernel team's project depends on kernsim-junit-scenarios " + v.group(1));
    Matcher junit = Pattern.compile("<junit.version>([^<]+)</junit.version>").matcher(parent);
    assertTrue(junit.find());
    assertTrue(pom.contains("<artifactId>junit-jupiter</artifactId>\n      <version>" + junit.group(1) + "</version>"),
        "the example uses the JUnit kernsim is built with, " + junit.group(1));
    Matcher pekko = Pattern.compile("<pekko.version>([^<]+)</pekko.version>").matcher(parent);
    assertTrue(pekko.find());
    assertTrue(pom.contains("<artifactId>pekko-actor-typed_2.13</artifactId>\n      <version>" + pekko.group(1)
        + "</version>"), "the example uses the Pekko kernsim is built with, " + pekko.group(1));
  }
}
