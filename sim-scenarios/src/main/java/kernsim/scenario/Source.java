package kernsim.scenario;

import java.util.List;
import kernsim.scenario.Lexer.Token;

/** A scenario's text split into lines, and errors that point into it. */
final class Source {
  final String file;
  final List<String> lines;

  Source(String file, String text) {
    this.file = file;
    // Split on \n, keep empty trailing lines out of nothing; a \r before \n is part of the line ending.
    this.lines = text.lines().toList();
  }

  ScenarioException error(int line, int col, String reason) {
    String src = line >= 1 && line <= lines.size() ? lines.get(line - 1) : null;
    return new ScenarioException(file, line, col, reason, src);
  }

  ScenarioException error(Token at, String reason) {
    return error(at.line(), at.col(), reason);
  }

  ScenarioException error(String reason) {
    return new ScenarioException(file, reason, null);
  }
}
