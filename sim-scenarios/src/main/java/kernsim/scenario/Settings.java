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
import kernsim.dev.Regress;
import kernsim.dev.Semantics;
import kernsim.dev.file.FaultPlan;
import kernsim.oracle.Oracles;

/**
 * How a scenario is run: the semantics (profile + fixes: the scenario's own, plus any the user adds),
 * the oracles turned off, and the faults the user adds ({@code --faults}) to the scenario's own
 * {@code faults} lines. Recorded in every trace header ({@link #options()}), so a replay rebuilds the
 * same world from the trace alone.
 */
public record Settings(Semantics semantics, TreeSet<String> oraclesOff, FaultPlan faults) {
  public Settings {
    java.util.Objects.requireNonNull(faults, "faults");
    oraclesOff = new TreeSet<>(oraclesOff);
    for (String o : oraclesOff) {
      if (!Oracles.NAMES.contains(o)) {
        throw new IllegalArgumentException("unknown oracle '" + o + "' (known: " + String.join(", ", Oracles.NAMES) + ")");
      }
    }
  }

  /** No faults beyond the scenario's own. */
  public Settings(Semantics semantics, TreeSet<String> oraclesOff) {
    this(semantics, oraclesOff, FaultPlan.NONE);
  }

  /** These settings with {@code more} faults after their own. */
  public Settings withFaults(FaultPlan more) {
    return new Settings(semantics, oraclesOff, faults.plus(more));
  }

  /**
   * The settings for running {@code s}: {@code profile} (null: the scenario's), the scenario's fixes
   * plus {@code fixes}, and {@code off}.
   *
   * @throws IllegalArgumentException for an unknown profile, fix or oracle name (the message lists the known ones)
   */
  public static Settings of(Scenario s, String profile, Collection<String> fixes, Collection<String> off) {
    return of(s, profile, fixes, List.of(), List.of(), off);
  }

  /**
   * The same with regress toggles: the scenario's own {@code regress} lines plus {@code regress}, minus
   * {@code noRegress} (a toggle the scenario turns on can be turned off again, to run the patched kernel).
   *
   * @throws IllegalArgumentException for an unknown name, or a regress toggle under a profile other than linux
   */
  public static Settings of(Scenario s, String profile, Collection<String> fixes, Collection<String> regress,
      Collection<String> noRegress, Collection<String> off) {
    EnumSet<Fix> all = EnumSet.noneOf(Fix.class);
    all.addAll(s.fixes());
    for (String f : fixes) {
      all.add(Fix.byId(f).orElseThrow(() -> new IllegalArgumentException("unknown fix '" + f + "' (known: "
          + Arrays.stream(Fix.values()).map(Fix::id).collect(Collectors.joining(", ")) + ")")));
    }
    EnumSet<Regress> back = EnumSet.noneOf(Regress.class);
    back.addAll(s.regressions());
    for (String r : regress) {
      back.add(regress(r));
    }
    for (String r : noRegress) {
      back.remove(regress(r));
    }
    return new Settings(Semantics.of(profile == null ? s.profile() : profile, all).withRegressions(back),
        new TreeSet<>(off));
  }

  private static Regress regress(String r) {
    return Regress.byId(r).orElseThrow(() -> new IllegalArgumentException("unknown regress toggle '" + r
        + "' (known: " + String.join(", ", Regress.ids()) + ")"));
  }

  /**
   * The trace-header form: {@code profile}, {@code fixes}, {@code regress} (only when a toggle is on, so
   * older traces read the same), {@code faults} (only when given: {@link FaultPlan#toString}) and
   * {@code oracles-off}, comma-separated.
   */
  public SortedMap<String, String> options() {
    TreeMap<String, String> m = new TreeMap<>();
    m.put("profile", semantics.profile());
    m.put("fixes", semantics.fixList());
    if (!semantics.regressions().isEmpty()) {
      m.put("regress", semantics.regressList());
    }
    if (!faults.isEmpty()) {
      m.put("faults", faults.toString());
    }
    m.put("oracles-off", String.join(",", oraclesOff));
    return m;
  }

  /** Reads {@link #options()} back. */
  public static Settings fromOptions(Map<String, String> m) {
    List<Fix> fixes = new ArrayList<>();
    for (String f : split(m.getOrDefault("fixes", ""))) {
      fixes.add(Fix.byId(f).orElseThrow(() -> new IllegalArgumentException("unknown fix '" + f + "'")));
    }
    List<Regress> back = new ArrayList<>();
    for (String r : split(m.getOrDefault("regress", ""))) {
      back.add(Regress.byId(r).orElseThrow(() -> new IllegalArgumentException("unknown regress toggle '" + r + "'")));
    }
    FaultPlan faults;
    try {
      faults = FaultPlan.parse(m.getOrDefault("faults", ""));
    } catch (FaultPlan.SpecException e) {
      throw new IllegalArgumentException("bad faults '" + m.get("faults") + "': " + e.getMessage());
    }
    return new Settings(Semantics.of(m.getOrDefault("profile", "starry"), fixes).withRegressions(back),
        new TreeSet<>(split(m.getOrDefault("oracles-off", ""))), faults);
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
  }
}
