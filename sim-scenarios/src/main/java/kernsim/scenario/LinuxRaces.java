package kernsim.scenario;

import java.util.List;
import java.util.Optional;
import kernsim.dev.Regress;

/**
 * The second catalog: races Linux's own loop driver once had ({@code ../shared/linux-loop-races.md}),
 * {@code .ksim} files under {@code kernsim/linux/} on the class path, listed in order by
 * {@code kernsim/linux/index.txt} (a name, then the regress toggle that brings its race back). Every
 * entry is named {@code linux-…}, runs under the linux profile and turns its toggle on with a
 * {@code regress} header line; {@code --no-regress NAME} runs the same scenario on the patched kernel,
 * where exploration finds nothing. {@code kernsim list} shows them in a section of their own, and
 * {@code run}, {@code explore} accept their names as they accept a catalog scenario's.
 */
public final class LinuxRaces {
  private static final Shelf SHELF = new Shelf("/kernsim/linux/", "linux race");

  private LinuxRaces() {}

  /** The entries' names, in index order. */
  public static List<String> names() {
    return SHELF.names();
  }

  /** The regress toggle that brings back entry {@code name}'s race (empty for an unknown name). */
  public static Optional<Regress> regressFor(String name) {
    return SHELF.index().stream().filter(l -> l[0].equals(name) && l.length > 1).findFirst()
        .map(l -> Regress.byId(l[1]).orElseThrow(() -> new IllegalStateException("linux index: unknown regress " + l[1])));
  }

  /** The text of entry {@code name}, if there is one. */
  public static Optional<String> text(String name) {
    return SHELF.text(name);
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
