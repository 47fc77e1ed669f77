package kernsim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.actors.ExploreOptions;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** One execution of a scenario, shown as a per-hart timeline with every call's result, and the oracles' verdict. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Runs a scenario once and shows what each hart's calls returned, and the oracles' verdict.",
    description = {
      "Runs FILE (a scenario file, or the name of a catalog scenario: see 'kernsim list') once, on the"
          + " schedule that the strategy and seed choose: the same as the first schedule of"
          + " 'kernsim explore FILE' with the same options.",
      "Prints the scenario and its settings, the verdict (for a failure: its kind, the oracle, the message, the"
          + " step and the actor), the per-hart timeline (each call with the steps it started and returned in,"
          + " and its value or errno) and the interleaving table.",
      "Exits 0 when no oracle objected, 1 on a failure, 2 on bad input."
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "A scenario file, or a catalog scenario's name.")
  String file;

  @Mixin ScheduleOptions schedule;
  @Mixin SettingsOptions settingsOptions;
  @Mixin ViewOptions view;

  @Option(names = "--json", description = "Print one JSON document instead (see docs/cli.md).")
  boolean json;

  @Override
  public Integer call() {
    schedule.validate();
    Scenario scenario = main.resolve(file);
    Settings settings = settingsOptions.of(scenario);
    ScenarioWorld world = new ScenarioWorld(scenario, settings);
    ExploreOptions options = schedule.explore(1, world.runOptions(RunOptions.DEFAULT));
    Timeline.Recorder recorder = new Timeline.Recorder(scenario.hartKeys());
    RunResult r;
    try (Simulator sim = Simulator.create()) {
      r = sim.explore(view.around(recorder.around(world)), options).last();
    }
    Timeline timeline = recorder.timeline();
    StepView steps = view.view(r);
    Report.Context context = new Report.Context(scenario, settings, schedule.strategy.id(), schedule.parameters(),
        schedule.seed, r.iteration());
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.document("run");
      Json.scenario(o, scenario, settings);
      schedule.json(o);
      o.put("seed", schedule.seed);
      Json.run(o, r, timeline);
      view.json(o, steps);
      Json.print(w, o);
    } else {
      w.println("kernsim run " + file);
      List<String> out = new java.util.ArrayList<>(Report.run(context, r, timeline, view.regionsFor(steps)));
      view.report(out, steps);
      out.forEach(w::println);
      w.println();
      w.println("event-log hash: " + r.eventLogHash());
      if (r.failed()) {
        w.println("to keep its trace: " + keep());
      }
    }
    if (view.html != null) {
      HtmlPage.write(view.html, "kernsim run " + file, context, r, timeline, steps,
          r.failed() ? "to keep its trace: " + keep() : null);
      if (!json) {
        w.println("html:    " + view.html);
      }
    }
    w.flush();
    return r.failed() ? Main.NOT_AS_EXPECTED : Main.OK;
  }

  private String keep() {
    return "kernsim explore " + file + " " + String.join(" ", replayArgs());
  }

  /** The options that make explore's first schedule this run. */
  private List<String> replayArgs() {
    java.util.ArrayList<String> args = new java.util.ArrayList<>(List.of(schedule.args().get(0), schedule.args().get(1),
        "--seed", Long.toString(schedule.seed), "--iterations", "1"));
    args.addAll(schedule.args().subList(2, schedule.args().size()));
    args.addAll(settingsOptions.args());
    return args;
  }
}
