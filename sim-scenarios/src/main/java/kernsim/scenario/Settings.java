package kernsim.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import kernsim.oracle.Oracles;

/**
 * How a scenario is run: the semantics (profile + fixes: the scenario's own, plus any the user adds)
 * and the oracles turned off. Recorded in every trace header ({@link #options()}), so a replay rebuilds
 * the same world from the trace alone.
 */
public record Settings(Semantics semantics, TreeSet<String> oraclesOff) {
  public Settings {
    oraclesOff = new TreeSet<>(oraclesOff);
    for (String o : oraclesOff) {
      if (!Oracles.NAMES.contains(o)) {
        throw new IllegalArgumentException("unknown oracle '" + o + "' (known: " + String.join(", ", Oracles.NAMES) + ")");
      }
    }
  }

  /**
   * The settings for running {@code s}: {@code profile} (null: the scenario's), the scenario's fixes
   * plus {@code fixes}, and {@code off}.
   *
   * @throws IllegalArgumentException for an unknown profile, fix or oracle name (the message lists the known ones)
   */
  public static Settings of(Scenario s, String profile, Collection<String> fixes, Collection<String> off) {
    EnumSet<Fix> all = EnumSet.noneOf(Fix.class);
    all.addAll(s.fixes());
    for (String f : fixes) {
      all.add(Fix.byId(f).orElseThrow(() -> new IllegalArgumentException("unknown fix '" + f + "' (known: "
          + Arrays.stream(Fix.values()).map(Fix::id).collect(Collectors.joining(", ")) + ")")));
    }
    return new Settings(Semantics.of(profile == null ? s.profile() : profile, all), new TreeSet<>(off));
  }

  /** The trace-header form: {@code profile}, {@code fixes} and {@code oracles-off}, comma-separated. */
  public SortedMap<String, String> options() {
    TreeMap<String, String> m = new TreeMap<>();
    m.put("profile", semantics.profile());
    m.put("fixes", semantics.fixList());
    m.put("oracles-off", String.join(",", oraclesOff));
    return m;
  }

  /** Reads {@link #options()} back. */
  public static Settings fromOptions(Map<String, String> m) {
    List<Fix> fixes = new ArrayList<>();
    for (String f : split(m.getOrDefault("fixes", ""))) {
      fixes.add(Fix.byId(f).orElseThrow(() -> new IllegalArgumentException("unknown fix '" + f + "'")));
    }
    return new Settings(Semantics.of(m.getOrDefault("profile", "starry"), fixes),
        new TreeSet<>(split(m.getOrDefault("oracles-off", ""))));
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
  }
}
