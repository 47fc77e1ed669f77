package kernsim.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import kernsim.oracle.Oracles;
import kernsim.scenario.Scenario;
import kernsim.scenario.Settings;
import picocli.CommandLine.Option;

/**
 * How the world behaves and is judged: {@code --profile}, {@code --fix}, {@code --regress}, {@code --no-regress},
 * {@code --no-oracle}, {@code --client-option}, {@code --no-client-option}, {@code --faults} (run, explore, stress).
 */
final class SettingsOptions {
  @Option(names = "--profile", paramLabel = "P", completionCandidates = Profiles.class,
      description = "Semantic profile: ${COMPLETION-CANDIDATES} (default: the scenario's, else starry).")
  String profile;

  @Option(names = "--fix", paramLabel = "NAME", completionCandidates = Fixes.class,
      description = "Turn a fix on, on top of the scenario's own (repeatable): ${COMPLETION-CANDIDATES}.")
  List<String> fixes = new ArrayList<>();

  @Option(names = "--regress", paramLabel = "NAME", completionCandidates = Regressions.class,
      description = "Under --profile linux, bring back a race Linux's loop driver once had, on top of the"
          + " scenario's own (repeatable): ${COMPLETION-CANDIDATES}.")
  List<String> regress = new ArrayList<>();

  @Option(names = "--no-regress", paramLabel = "NAME", completionCandidates = Regressions.class,
      description = "Turn off a regress toggle the scenario's own `regress` line turns on (repeatable).")
  List<String> noRegress = new ArrayList<>();

  @Option(names = "--no-oracle", paramLabel = "NAME", completionCandidates = OracleNames.class,
      description = "Turn an oracle off (repeatable): ${COMPLETION-CANDIDATES}.")
  List<String> oraclesOff = new ArrayList<>();

  @Option(names = "--client-option", paramLabel = "NAME", completionCandidates = ClientOptionNames.class,
      description = "Turn a userspace loop client's option on for every statement, as a `client-option NAME` header"
          + " line does (repeatable): ${COMPLETION-CANDIDATES}.")
  List<String> clientOptions = new ArrayList<>();

  @Option(names = "--no-client-option", paramLabel = "NAME", completionCandidates = ClientOptionNames.class,
      description = "Turn off a client option the scenario's own `client-option` line turns on (repeatable).")
  List<String> noClientOptions = new ArrayList<>();

  @Option(names = "--faults", paramLabel = "SPEC",
      description = "Inject faults into the boot files, on top of the scenario's own `faults` lines (repeatable;"
          + " docs/faults.md): read-eio, write-eio or sync-eio with @N (the Nth call) or %%P (each call with P"
          + " percent, drawn from the world's seed), latency=DURATION, power-loss@N (after the run's Nth step) or"
          + " power-loss%%P (after each step with P percent); e.g. --faults write-eio@2,latency=1ms.")
  List<String> faults = new ArrayList<>();

  /**
   * The settings for {@code s}; an unknown profile, fix, regress toggle, oracle or client option, or a regress
   * toggle under starry, is the user's mistake; so is a bad {@code --faults} spec.
   */
  Settings of(Scenario s) {
    Settings base;
    try {
      base = Settings.of(s, profile, fixes, regress, noRegress, oraclesOff)
          .withClientOptions(clientOptions, noClientOptions);
    } catch (IllegalArgumentException e) {
      throw new Main.UserError(e.getMessage(), e);
    }
    return faults.isEmpty() ? base : base.withFaults(faultPlan(faults));
  }

  /**
   * {@code --faults} values read as one plan; a mistake is reported like a scenario's, at
   * {@code --faults:K:COLUMN} (the Kth {@code --faults}, the column in its value), exit 2.
   */
  static kernsim.dev.file.FaultPlan faultPlan(List<String> specs) {
    kernsim.dev.file.FaultPlan plan = kernsim.dev.file.FaultPlan.NONE;
    for (int k = 0; k < specs.size(); k++) {
      String spec = specs.get(k);
      try {
        if (spec.isBlank()) {
          throw new kernsim.dev.file.FaultPlan.SpecException(0, "expected a fault spec (e.g. write-eio@2)");
        }
        plan = plan.plus(kernsim.dev.file.FaultPlan.parse(spec));
      } catch (kernsim.dev.file.FaultPlan.SpecException e) {
        throw new Main.UserError(kernsim.scenario.ScenarioException.format("--faults", k + 1, e.offset() + 1,
            e.getMessage(), spec), e, true);
      }
    }
    return plan;
  }

  /** These options as given, to repeat them in a printed command line. */
  List<String> args() {
    List<String> out = new ArrayList<>();
    if (profile != null) {
      out.add("--profile");
      out.add(profile);
    }
    fixes.forEach(f -> out.addAll(List.of("--fix", f)));
    regress.forEach(r -> out.addAll(List.of("--regress", r)));
    noRegress.forEach(r -> out.addAll(List.of("--no-regress", r)));
    oraclesOff.forEach(o -> out.addAll(List.of("--no-oracle", o)));
    clientOptions.forEach(o -> out.addAll(List.of("--client-option", o)));
    noClientOptions.forEach(o -> out.addAll(List.of("--no-client-option", o)));
    faults.forEach(f -> out.addAll(List.of("--faults", f)));
    return out;
  }

  static final class Profiles extends ArrayList<String> {
    Profiles() {
      super(Semantics.PROFILES);
    }
  }

  static final class Fixes extends ArrayList<String> {
    Fixes() {
      super(Arrays.stream(Fix.values()).map(Fix::id).toList());
    }
  }

  static final class Regressions extends ArrayList<String> {
    Regressions() {
      super(kernsim.dev.Regress.ids());
    }
  }

  static final class ClientOptionNames extends ArrayList<String> {
    ClientOptionNames() {
      super(new java.util.TreeSet<>(kernsim.client.SystemdLoopUtil.OPTIONS));
    }
  }

  static final class OracleNames extends ArrayList<String> {
    OracleNames() {
      super(Oracles.NAMES);
    }
  }
}
