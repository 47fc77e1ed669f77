package kernsim.scenario;

import java.util.List;
import java.util.Optional;

/**
 * The userspace loop client scenarios shipped with kernsim: {@code .ksim} files under
 * {@code kernsim/clients/} on the class path, listed in order by {@code kernsim/clients/index.txt} (one
 * name per line). Unlike {@link Catalog} entries they name no fix and need not find a race: each runs
 * systemd's loop-util and/or Monogon's pkg/loop as written, and what exploration finds in them is in
 * docs/findings.md. {@code kernsim list} shows them in a section of their own, and {@code run},
 * {@code explore} accept their names as they accept a catalog scenario's.
 */
public final class Clients {
  private static final Shelf SHELF = new Shelf("/kernsim/clients/", "client");

  private Clients() {}

  /** The client scenarios' names, in index order. */
  public static List<String> names() {
    return SHELF.names();
  }

  /** The text of client scenario {@code name}, if there is one. */
  public static Optional<String> text(String name) {
    return SHELF.text(name);
  }

  /** The client scenario {@code name}, parsed; empty if there is none by that name. */
  public static Optional<Scenario> find(String name) throws ScenarioException {
    return SHELF.find(name);
  }

  /** Every client scenario, parsed. One that does not parse is a bug of kernsim's, not the user's. */
  public static List<Scenario> all() {
    return SHELF.all();
  }
}
