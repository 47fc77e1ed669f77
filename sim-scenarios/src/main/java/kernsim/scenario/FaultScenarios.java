package kernsim.scenario;

import java.util.List;
import java.util.Optional;

/**
 * The third catalog: scenarios that inject faults ({@code faults} header lines, docs/faults.md) and say
 * what exploring them finds, {@code .ksim} files under {@code kernsim/faults/} on the class path, listed
 * in order by {@code kernsim/faults/index.txt}. {@code kernsim list} shows them in a section of their
 * own, and {@code run}, {@code explore} and {@code stress} accept their names.
 */
public final class FaultScenarios {
  private static final Shelf SHELF = new Shelf("/kernsim/faults/", "fault");

  private FaultScenarios() {}

  /** The entries' names, in index order. */
  public static List<String> names() {
    return SHELF.names();
  }

  /** Entry {@code name}, parsed; empty if there is none by that name. */
  public static Optional<Scenario> find(String name) throws ScenarioException {
    return SHELF.find(name);
  }

  /** Every entry, parsed. One that does not parse is a bug of kernsim's, not the user's. */
  public static List<Scenario> all() {
    return SHELF.all();
  }
}
