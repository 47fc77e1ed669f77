package kernsim.scenario;

/**
 * A mistake in a scenario file, at a position. {@link #getMessage()} reads as a compiler's:
 *
 * <pre>
 * triad.ksim:12:9: error: expected an fd variable, found string "x"
 *   write("x", "hello")
 *         ^
 * </pre>
 *
 * The second line is the source line as written and the third a caret under the column. When the
 * mistake is not about one position (an unreadable file, no hart block), line and column are 0 and the
 * message is the first line alone ({@code triad.ksim: error: …}).
 */
public final class ScenarioException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
  private final String reason;

  ScenarioException(String file, int line, int column, String reason, String sourceLine) {
    super(format(file, line, column, reason, sourceLine));
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  /** An error about the whole file (line and column 0). */
  ScenarioException(String file, String reason, Throwable cause) {
    super(format(file, 0, 0, reason, null), cause);
    this.file = file;
    this.line = 0;
    this.column = 0;
    this.reason = reason;
  }

  /** The file as the caller named it. */
  public String file() {
    return file;
  }

  /** 1-based; 0 when the error is not about a position. */
  public int line() {
    return line;
  }

  /** 1-based (in characters); 0 when the error is not about a position. */
  public int column() {
    return column;
  }

  /** What is wrong, without the position or the source lines ("expected …, found …"). */
  public String reason() {
    return reason;
  }

  /**
   * The house's error text: {@code file:line:column: error: reason}, then the source line and a caret under
   * the column ({@code file: error: reason} when {@code line} is 0). Every input kernsim reads (scenarios,
   * templates, experiment plans) reports its mistakes this way.
   */
  public static String format(String file, int line, int column, String reason, String sourceLine) {
    if (line <= 0) {
      return file + ": error: " + reason;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(':').append(line).append(':').append(column).append(": error: ").append(reason);
    if (sourceLine != null) {
      sb.append('\n').append(sourceLine).append('\n');
      // Keep tabs as tabs so the caret lines up however the terminal shows them.
      for (int i = 0; i < column - 1 && i < sourceLine.length(); i++) {
        sb.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
      }
      for (int i = sourceLine.length(); i < column - 1; i++) {
        sb.append(' ');
      }
      sb.append('^');
    }
    return sb.toString();
  }
}
