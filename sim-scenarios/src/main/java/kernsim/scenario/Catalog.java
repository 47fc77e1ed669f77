package kernsim.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

  private static final String DIR = "/kernsim/catalog/";

  private Catalog() {}

  /** The catalog's scenario names, in catalog order. */
  public static List<String> names() {
    return index().stream().map(l -> l[0]).toList();
  }

  /** The fixes that close catalog scenario {@code name}'s race (empty for an unknown name). */
  public static List<Fix> fixesFor(String name) {
    return index().stream().filter(l -> l[0].equals(name) && l.length > 1)
        .flatMap(l -> Arrays.stream(l[1].split(",")))
        .map(f -> Fix.byId(f).orElseThrow(() -> new IllegalStateException("catalog index: unknown fix " + f)))
        .toList();
  }

  /** The index's entries: {name, fixes}. */
  private static List<String[]> index() {
    return Arrays.stream(read(DIR + "index.txt").orElseThrow(() -> new IllegalStateException("no catalog index"))
            .split("\n"))
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .map(l -> l.split("\\s+"))
        .toList();
  }

  /** The text of catalog scenario {@code name}, if there is one. */
  public static Optional<String> text(String name) {
    return names().contains(name) ? read(DIR + name + ".ksim") : Optional.empty();
  }

  /** The catalog scenario {@code name}, parsed; empty if there is none by that name. */
  public static Optional<Scenario> find(String name) throws ScenarioException {
    Optional<String> text = text(name);
    return text.isEmpty() ? Optional.empty() : Optional.of(Scenarios.parse(text.get(), name + ".ksim"));
  }

  /** Every catalog scenario, parsed. A catalog entry that does not parse is a bug of kernsim's, not the user's. */
  public static List<Scenario> all() {
    return names().stream().map(n -> {
      try {
        return find(n).orElseThrow();
      } catch (ScenarioException e) {
        throw new IllegalStateException("catalog scenario " + n + " does not parse: " + e.getMessage(), e);
      }
    }).toList();
  }

  private static Optional<String> read(String resource) {
    try (InputStream in = Catalog.class.getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
