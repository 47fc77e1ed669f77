package kernsim.scenario;

/** A user's mistake in a scenario, at a position (placeholder until the scenario language lands). */
public final class ScenarioException extends Exception {
  private final String file;
  private final int line;
  private final int column;

  public ScenarioException(String file, int line, int column, String message) {
    super(file + ":" + line + ":" + column + ": error: " + message);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
