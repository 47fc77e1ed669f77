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
 * the oracles turned off, the userspace loop clients' options turned on and off on top of the scenario's
 * {@code client-option} lines, and the faults the user adds ({@code --faults}) to the scenario's own
 * {@code faults} lines. Recorded in every trace header ({@link #options()}), so a replay rebuilds
 * the same world from the trace alone.
 *
 * @param clientOn client options ({@code SystemdLoopUtil.OPTIONS}) on for every statement, besides the
 *     scenario's own ({@code --client-option})
 * @param clientOff client options off, even where the scenario's own lines turn them on ({@code --no-client-option})
 * @param faults faults added to the scenario's own ({@code --faults}; {@link FaultPlan#NONE} without any)
 */
public record Settings(Semantics semantics, TreeSet<String> oraclesOff, TreeSet<String> clientOn,
    TreeSet<String> clientOff, FaultPlan faults) {
  public Settings {
    java.util.Objects.requireNonNull(faults, "faults");
    oraclesOff = new TreeSet<>(oraclesOff);
    for (String o : oraclesOff) {
      if (!Oracles.NAMES.contains(o)) {
        throw new IllegalArgumentException("unknown oracle '" + o + "' (known: " + String.join(", ", Oracles.NAMES) + ")");
      }
    }
    clientOn = new TreeSet<>(clientOn);
    clientOff = new TreeSet<>(clientOff);
    for (String c : java.util.stream.Stream.concat(clientOn.stream(), clientOff.stream()).toList()) {
      if (!kernsim.client.SystemdLoopUtil.OPTIONS.contains(c)) {
        throw new IllegalArgumentException("unknown client option '" + c + "' (known: "
            + String.join(", ", new TreeSet<>(kernsim.client.SystemdLoopUtil.OPTIONS)) + ")");
      }
    }
    for (String c : clientOn) {
      if (clientOff.contains(c)) {
        throw new IllegalArgumentException("client option '" + c + "' both turned on and off");
      }
    }
  }

  /** Settings that leave the scenario's client options as its text has them, with no faults beyond its own. */
  public Settings(Semantics semantics, TreeSet<String> oraclesOff) {
    this(semantics, oraclesOff, new TreeSet<>(), new TreeSet<>(), FaultPlan.NONE);
  }

  /** The same settings with client options turned on and off on top of the scenario's. */
  public Settings withClientOptions(Collection<String> on, Collection<String> off) {
    return new Settings(semantics, oraclesOff, new TreeSet<>(on), new TreeSet<>(off), faults);
  }

  /** Whether these settings change the scenario's client options (then the world parses its text again with them). */
  public boolean changesClientOptions() {
    return !clientOn.isEmpty() || !clientOff.isEmpty();
  }

  /** The client options {@code s} runs with under these settings: its own lines', plus {@link #clientOn}, less {@link #clientOff}. */
  public java.util.SortedSet<String> clientOptions(Scenario s) {
    TreeSet<String> all = new TreeSet<>(s.clientOptions());
    all.addAll(clientOn);
    all.removeAll(clientOff);
    return all;
  }

  /** These settings with {@code more} faults after their own. */
  public Settings withFaults(FaultPlan more) {
    return new Settings(semantics, oraclesOff, clientOn, clientOff, faults.plus(more));
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
   * older traces read the same), {@code faults} (only when given: {@link FaultPlan#toString}),
   * {@code oracles-off}, and {@code client-options} and {@code no-client-options} (only when the command
   * line set one), comma-separated.
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
    if (!clientOn.isEmpty()) {
      m.put(CLIENT_OPTIONS, String.join(",", clientOn));
    }
    if (!clientOff.isEmpty()) {
      m.put(NO_CLIENT_OPTIONS, String.join(",", clientOff));
    }
    return m;
  }

  /** The header options of {@link #clientOn} and {@link #clientOff}. */
  public static final String CLIENT_OPTIONS = "client-options";
  public static final String NO_CLIENT_OPTIONS = "no-client-options";

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
        new TreeSet<>(split(m.getOrDefault("oracles-off", ""))),
        new TreeSet<>(split(m.getOrDefault(CLIENT_OPTIONS, ""))), new TreeSet<>(split(m.getOrDefault(NO_CLIENT_OPTIONS, ""))),
        faults);
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
  }
}
