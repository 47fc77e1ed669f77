package kernsim.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A folder of {@code .ksim} scenarios on the class path with an {@code index.txt} that lists them in
 * order, one per line ({@code name} and, for the catalog, more words after it; {@code #} starts a comment
 * line). {@link Catalog} and {@link Clients} are shelves.
 */
final class Shelf {
  private final String dir;
  private final String what;

  /** The shelf at class-path folder {@code dir} ({@code /kernsim/catalog/}); {@code what} names it in errors. */
  Shelf(String dir, String what) {
    this.dir = dir;
    this.what = what;
  }

  /** The index's entries, each split into words: {name, …}. */
  List<String[]> index() {
    return Arrays.stream(read(dir + "index.txt").orElseThrow(() -> new IllegalStateException("no " + what + " index"))
            .split("\n"))
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .map(l -> l.split("\\s+"))
        .toList();
  }

  /** The scenario names, in index order. */
  List<String> names() {
    return index().stream().map(l -> l[0]).toList();
  }

  /** The text of scenario {@code name}, if the shelf has it. */
  Optional<String> text(String name) {
    return names().contains(name) ? read(dir + name + ".ksim") : Optional.empty();
  }

  /** Scenario {@code name}, parsed; empty if the shelf has none by that name. */
  Optional<Scenario> find(String name) throws ScenarioException {
    Optional<String> text = text(name);
    return text.isEmpty() ? Optional.empty() : Optional.of(Scenarios.parse(text.get(), name + ".ksim"));
  }

  /** Every scenario, parsed. One that does not parse is a bug of kernsim's, not the user's. */
  List<Scenario> all() {
    return names().stream().map(n -> {
      try {
        return find(n).orElseThrow();
      } catch (ScenarioException e) {
        throw new IllegalStateException(what + " scenario " + n + " does not parse: " + e.getMessage(), e);
      }
    }).toList();
  }

  private static Optional<String> read(String resource) {
    try (InputStream in = Shelf.class.getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
