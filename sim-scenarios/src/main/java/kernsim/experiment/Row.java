package kernsim.experiment;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One cell's result: one line of {@code results.csv}. Every column but {@link #wallSeconds} and
 * {@link #schedulesPerSecond} is deterministic: the same cell gives the same values on any machine.
 *
 * @param scenario the scenario's name
 * @param source how the plan named it (a catalog or client scenario's name, or a file)
 * @param scenarioHash a hash of the scenario's text
 * @param profile the semantic profile
 * @param fixes the fixes on, comma-separated, then the regress toggles on as {@code regress:NAME}
 * @param oraclesOff the oracles off, comma-separated
 * @param strategy the strategy's name ({@link kernsim.actors.StrategyKind#id()})
 * @param parameters its parameters, {@code name=value} joined by {@code ;}
 * @param seed the exploration's seed
 * @param budget schedules at most
 * @param model the model's version ({@link kernsim.scenario.ScenarioWorld#MODEL_VERSION})
 * @param found whether a failure was found
 * @param schedule the failing schedule, counted from 1 (as {@code kernsim explore} reports it); 0 if none
 * @param kind the failure's kind ({@code safety-violation}, {@code deadlock}, ...), or empty
 * @param oracle the oracle that objected (deadlock and livelock for those), or empty
 * @param signature the failure's signature, or empty
 * @param steps the failing schedule's steps; 0 if none
 * @param search for {@code dfs}: what ended the search ({@code space}, {@code bound} or {@code budget},
 *     {@link kernsim.actors.Exhaustive#endedBy()}); empty for the other strategies
 * @param classes for {@code dfs}: the equivalence classes explored; 0 for the other strategies
 * @param schedules schedules explored
 * @param totalSteps steps over every schedule explored
 * @param wallSeconds the exploration's wall time
 * @param schedulesPerSecond schedules explored per second of wall time
 */
public record Row(String scenario, String source, String scenarioHash, String profile, String fixes, String oraclesOff,
    String strategy, String parameters, long seed, int budget, String model, boolean found, int schedule, String kind,
    String oracle, String signature, int steps, String search, long classes, int schedules, long totalSteps, double wallSeconds,
    double schedulesPerSecond) {

  /** The CSV's columns, in order. */
  public static final List<String> COLUMNS = List.of("scenario", "source", "scenario_hash", "profile", "fixes",
      "oracles_off", "strategy", "parameters", "seed", "budget", "model", "found", "schedule", "kind", "oracle",
      "signature", "steps", "search", "classes", "schedules", "total_steps", "wall_seconds", "schedules_per_second");

  /** The columns that depend on the machine and its load; all others are the same on every run. */
  public static final List<String> TIMING = List.of("wall_seconds", "schedules_per_second");

  static List<String> key(String scenario, String scenarioHash, String profile, String fixes, String oraclesOff,
      String strategy, String parameters, long seed, int budget, String model) {
    return List.of(scenario, scenarioHash, profile, fixes, oraclesOff, strategy, parameters, Long.toString(seed),
        Integer.toString(budget), model);
  }

  /** The cell this row is the result of, as {@link Cell#key()} names it. */
  public List<String> key() {
    return key(scenario, scenarioHash, profile, fixes, oraclesOff, strategy, parameters, seed, budget, model);
  }

  /** How tables and plots name the strategy: {@code pct depth=3}. */
  public String strategyLabel() {
    return parameters.isEmpty() ? strategy : strategy + " " + parameters.replace(';', ' ');
  }

  /** The scenario and its settings: the rows of one group are one race under one setting. */
  public List<String> groupKey() {
    return List.of(scenario, profile, fixes, oraclesOff);
  }

  /** The group as tables and plots name it: {@code triad}, or with its settings {@code triad (linux; fixes a,b)}. */
  public String group(boolean withSettings) {
    if (!withSettings) {
      return scenario;
    }
    return scenario + " (" + profile + (fixes.isEmpty() ? "" : "; fixes " + fixes)
        + (oraclesOff.isEmpty() ? "" : "; off " + oraclesOff) + ")";
  }

  /** The values, in {@link #COLUMNS}' order. */
  public List<String> values() {
    return List.of(scenario, source, scenarioHash, profile, fixes, oraclesOff, strategy, parameters,
        Long.toString(seed), Integer.toString(budget), model, Boolean.toString(found), Integer.toString(schedule), kind,
        oracle, signature, Integer.toString(steps), search, Long.toString(classes), Integer.toString(schedules), Long.toString(totalSteps),
        String.format(Locale.ROOT, "%.3f", wallSeconds), String.format(Locale.ROOT, "%.1f", schedulesPerSecond));
  }

  /** A row read back from {@code values} by column name. */
  static Row of(Map<String, String> v) {
    return new Row(v.get("scenario"), v.get("source"), v.get("scenario_hash"), v.get("profile"), v.get("fixes"),
        v.get("oracles_off"), v.get("strategy"), v.get("parameters"), Long.parseLong(v.get("seed")),
        Integer.parseInt(v.get("budget")), v.get("model"), Boolean.parseBoolean(v.get("found")),
        Integer.parseInt(v.get("schedule")), v.get("kind"), v.get("oracle"), v.get("signature"),
        Integer.parseInt(v.get("steps")), v.get("search"), Long.parseLong(v.get("classes")),
        Integer.parseInt(v.get("schedules")), Long.parseLong(v.get("total_steps")),
        Double.parseDouble(v.get("wall_seconds")), Double.parseDouble(v.get("schedules_per_second")));
  }
}
