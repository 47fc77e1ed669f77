package kernsim.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
  private static final String DIR = "/kernsim/clients/";

  private Clients() {}

  /** The client scenarios' names, in index order. */
  public static List<String> names() {
    return Arrays.stream(read(DIR + "index.txt").orElseThrow(() -> new IllegalStateException("no clients index"))
            .split("\n"))
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
  }

  /** The text of client scenario {@code name}, if there is one. */
  public static Optional<String> text(String name) {
    return names().contains(name) ? read(DIR + name + ".ksim") : Optional.empty();
  }

  /** The client scenario {@code name}, parsed; empty if there is none by that name. */
  public static Optional<Scenario> find(String name) throws ScenarioException {
    Optional<String> text = text(name);
    return text.isEmpty() ? Optional.empty() : Optional.of(Scenarios.parse(text.get(), name + ".ksim"));
  }

  /** Every client scenario, parsed. One that does not parse is a bug of kernsim's, not the user's. */
  public static List<Scenario> all() {
    return names().stream().map(n -> {
      try {
        return find(n).orElseThrow();
      } catch (ScenarioException e) {
        throw new IllegalStateException("client scenario " + n + " does not parse: " + e.getMessage(), e);
      }
    }).toList();
  }

  private static Optional<String> read(String resource) {
    try (InputStream in = Clients.class.getResourceAsStream(resource)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
