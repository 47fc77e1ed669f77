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
 * docs/junit.md shows the example project the build runs (src/it/example) file by file: each
 * {@code <!-- example: PATH -->} marker is followed by a code block that must be that file, byte for byte,
 * and every file of the example but the invoker's own script is shown.
 */
class JunitDocTest {
  static final Path DOC = Path.of("..", "docs", "junit.md");
  static final Path EXAMPLE = Path.of("src", "it", "example");

  static Map<String, String> blocks() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<!-- example: (\\S+) -->\\n```\\w*\\n(.*?)```\\n", Pattern.DOTALL).matcher(doc);
    Map<String, String> blocks = new TreeMap<>();
    while (m.find()) {
      assertTrue(blocks.put(m.group(1), m.group(2)) == null, "shown twice: " + m.group(1));
    }
    return blocks;
  }

  @Test
  void theDocShowsEveryFileOfTheExampleExactly() throws IOException {
    Map<String, String> blocks = blocks();
    List<String> files;
    try (Stream<Path> s = Files.walk(EXAMPLE)) {
      files = s.filter(Files::isRegularFile).map(p -> EXAMPLE.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.equals("verify.groovy")).sorted().toList();
    }
    assertEquals(files, List.copyOf(blocks.keySet()), "the files docs/junit.md shows");
    for (String f : files) {
      assertEquals(Files.readString(EXAMPLE.resolve(f), StandardCharsets.UTF_8), blocks.get(f),
          "docs/junit.md's " + f + " differs from src/it/example/" + f);
    }
  }

  @Test
  void theExampleUsesThisVersionOfKernsim() throws IOException {
    String parent = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
    Matcher v = Pattern.compile("<artifactId>kernsim-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(parent);
    assertTrue(v.find());
    String pom = Files.readString(EXAMPLE.resolve("pom.xml"), StandardCharsets.UTF_8);
    assertTrue(pom.contains("<artifactId>kernsim-junit</artifactId>\n      <version>" + v.group(1) + "</version>"),
        "the example depends on kernsim-junit " + v.group(1));
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
