package kernsim.experiment;

import java.util.List;
import kernsim.actors.Trace;
import kernsim.scenario.ScenarioWorld;

/**
 * One exploration of an experiment: a scenario under its settings, a strategy, a seed, a budget. Its
 * {@link #key()} names it in the CSV, so that a re-run skips the cells already there.
 */
public record Cell(Plan.Target target, StrategySpec strategy, long seed, int budget) {
  /** The scenario's name. */
  public String scenario() {
    return target.scenario().name();
  }

  /** The profile the cell runs under (the scenario's own unless the plan names one). */
  public String profile() {
    return target.settings().semantics().profile();
  }

  /**
   * The fixes on (the scenario's own and the plan's), comma-separated, in declaration order; then the
   * regress toggles on (a Linux race's own), each as {@code regress:NAME} ({@link #REGRESS}).
   */
  public String fixes() {
    kernsim.dev.Semantics sem = target.settings().semantics();
    java.util.List<String> all = new java.util.ArrayList<>();
    sem.fixes().forEach(f -> all.add(f.id()));
    sem.regressions().forEach(r -> all.add(REGRESS + r.id()));
    return String.join(",", all);
  }

  /** How the CSV's fixes column names a regress toggle: {@code regress:async-autoclear}. */
  public static final String REGRESS = "regress:";

  /** The oracles turned off, comma-separated, sorted. */
  public String oraclesOff() {
    return String.join(",", target.settings().oraclesOff());
  }

  /** A hash of the scenario's text: an edited scenario file makes new cells. */
  public String scenarioHash() {
    return Trace.hashText(target.scenario().text());
  }

  /**
   * Everything that decides the cell's result: the scenario (name and text), the settings, the strategy and
   * its parameters, the seed, the budget and the model's version. Two cells with the same key explore the
   * same schedules.
   */
  public List<String> key() {
    return Row.key(scenario(), scenarioHash(), profile(), fixes(), oraclesOff(), strategy.name(),
        strategy.parameterText(), seed, budget, ScenarioWorld.MODEL_VERSION);
  }
}
