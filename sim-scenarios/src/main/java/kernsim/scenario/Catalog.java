package kernsim.scenario;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import kernsim.dev.Fix;

/**
 * The race catalog shipped with kernsim: {@code .ksim} files under {@code kernsim/catalog/} on the
 * class path, listed in order by {@code kernsim/catalog/index.txt} (one name per line). Each has a
 * header comment that explains its race, and names the fix that closes it.
 */
public final class Catalog {
  /** The built-in scenario {@code kernsim explore} runs without a file: the mission's triad. */
  public static final String DEFAULT = "triad";

  private static final Shelf SHELF = new Shelf("/kernsim/catalog/", "catalog");

  private Catalog() {}

  /** The catalog's scenario names, in catalog order. */
  public static List<String> names() {
    return SHELF.names();
  }

  /** The fixes that close catalog scenario {@code name}'s race (empty for an unknown name). */
  public static List<Fix> fixesFor(String name) {
    return SHELF.index().stream().filter(l -> l[0].equals(name) && l.length > 1)
        .flatMap(l -> Arrays.stream(l[1].split(",")))
        .map(f -> Fix.byId(f).orElseThrow(() -> new IllegalStateException("catalog index: unknown fix " + f)))
        .toList();
  }

  /** The text of catalog scenario {@code name}, if there is one. */
  public static Optional<String> text(String name) {
    return SHELF.text(name);
  }

  /** The catalog scenario {@code name}, parsed; empty if there is none by that name. */
  public static Optional<Scenario> find(String name) throws ScenarioException {
    return SHELF.find(name);
  }

  /** Every catalog scenario, parsed. A catalog entry that does not parse is a bug of kernsim's, not the user's. */
  public static List<Scenario> all() {
    return SHELF.all();
  }
}
