package kernsim.experiment;

/**
 * A mistake in a plan file, at a position. {@link #getMessage()} reads as a compiler's, like a scenario
 * file's errors:
 *
 * <pre>
 * catalog.toml:7:15: error: unknown strategy 'pcct' (expected one of: random, pct, …, or @all)
 * strategies = ["pcct"]
 *               ^
 * </pre>
 *
 * When the mistake is not about one position (an unreadable file), line and column are 0 and the message
 * is the first line alone.
 */
public final class PlanException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String reason;

  PlanException(String file, int line, int column, String reason, String text) {
    super(format(file, line, column, reason, text));
    this.line = line;
    this.column = column;
    this.reason = reason;
  }

  /** 1-based; 0 when the error is not about a position. */
  public int line() {
    return line;
  }

  /** 1-based; 0 when the error is not about a position. */
  public int column() {
    return column;
  }

  /** What is wrong, without the position. */
  public String reason() {
    return reason;
  }

  private static String format(String file, int line, int column, String reason, String text) {
    String[] lines = text == null ? new String[0] : text.split("\r?\n", -1);
    String source = line > 0 && line <= lines.length ? lines[line - 1] : null;
    return kernsim.scenario.ScenarioException.format(file, line, column, reason, source);
  }
}
