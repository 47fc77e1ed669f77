package kernsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/cli.md's table of commands lists exactly the commands {@link Main} has (it once lacked {@code help}). */
class CliDocsTest {
  @Test
  void theCommandTableListsEveryCommand() throws Exception {
    Path p = Path.of("..", "docs", "cli.md");
    List<String> lines = Files.readAllLines(Files.exists(p) ? p : Path.of("docs", "cli.md"));
    int at = lines.indexOf("| command | what it does |");
    assertTrue(at >= 0, "docs/cli.md has no table of commands");
    Pattern first = Pattern.compile("^\\| `([a-z-]+)");
    TreeSet<String> documented = new TreeSet<>();
    for (int i = at + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      Matcher m = first.matcher(lines.get(i));
      assertTrue(m.find(), lines.get(i));
      documented.add(m.group(1));
    }
    TreeSet<String> commands = new TreeSet<>(new ArrayList<>(Main.commandLine().getSubcommands().keySet()));
    assertEquals(commands, documented);
  }
}
