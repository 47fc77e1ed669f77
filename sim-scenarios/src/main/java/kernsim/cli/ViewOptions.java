package kernsim.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * How a run is shown beyond the report: the step view ({@code --steps}, its filters), the interleaving
 * table's level ({@code --interleaving calls|regions}) and the HTML page ({@code --html FILE}); for run,
 * replay and explore (its failing schedule).
 */
final class ViewOptions {
  /** The interleaving table's rows: a hart's calls, or the source's regions it ran. */
  enum Level {
    calls,
    regions
  }

  private static final Pattern RANGE = Pattern.compile("(\\d{1,9})?\\.\\.(\\d{1,9})?");

  @Option(names = "--steps", description = "Also show the step view: every step with its virtual time, the actor,"
      + " the message, the hart it served and the source's lock region it stands for (see docs/cli.md).")
  boolean steps;

  @Option(names = "--steps-hart", paramLabel = "HART", description = "Show only the steps that served this hart"
      + " (its own and the requests it sent); repeatable; implies --steps.")
  List<String> harts = new ArrayList<>();

  @Option(names = "--steps-actor", paramLabel = "ACTOR", description = "Show only the steps this actor took"
      + " (its key, with or without world/, or its last part: loop0, cache-1, file:img); repeatable; implies --steps.")
  List<String> actors = new ArrayList<>();

  @Option(names = "--steps-range", paramLabel = "A..B", description = "Show only steps A to B (either end may be"
      + " left out: 100.., ..40); implies --steps.")
  String range;

  @Option(names = "--interleaving", paramLabel = "LEVEL", defaultValue = "calls",
      description = "The interleaving table's rows: calls (the default: each call's start and return) or regions"
          + " (each region of the source a hart's steps ran, e.g. LOOP_CLR_FD region 1 (file lock)).")
  Level interleaving;

  @Option(names = "--html", paramLabel = "FILE", description = "Also write one self-contained HTML page of the run:"
      + " verdict, timeline, sequence diagram, step view, replay command (for explore: of the failing schedule).")
  Path html;

  private StepView.Recorder recorder;

  /** {@code world}, with the step view's recorder when the regions are wanted. */
  kernsim.actors.WorldSpec around(kernsim.actors.WorldSpec world) {
    filter(); // a malformed range is refused before anything runs
    if (!wantsRegions()) {
      return world;
    }
    recorder = new StepView.Recorder();
    return recorder.around(world);
  }

  /** The step view of {@code r}, the run {@link #around}'s world just ran; null when not wanted. */
  StepView view(kernsim.actors.RunResult r) {
    return recorder == null ? null : recorder.view(r);
  }

  /** The view for the interleaving table: {@code steps} at region level, else null (calls). */
  StepView regionsFor(StepView steps) {
    return interleaving == Level.regions ? steps : null;
  }

  /** The step view's lines after the report, when shown. */
  void report(List<String> out, StepView steps) {
    if (shown() && steps != null) {
      out.add("");
      out.addAll(steps.render(filter()));
    }
  }

  /** {@code stepView} in a JSON document, when shown. */
  void json(com.fasterxml.jackson.databind.node.ObjectNode o, StepView steps) {
    if (shown() && steps != null) {
      o.set("stepView", steps.json(filter()));
    }
  }

  /** Whether the run needs its regions recorded. */
  boolean wantsRegions() {
    return shown() || interleaving == Level.regions || html != null;
  }

  /** Whether the step view is printed. */
  boolean shown() {
    return steps || !harts.isEmpty() || !actors.isEmpty() || range != null;
  }

  /** The filter; a malformed range is the user's mistake. */
  StepView.Filter filter() {
    int from = -1;
    int to = -1;
    if (range != null) {
      Matcher m = RANGE.matcher(range.strip());
      if (!m.matches() || m.group(1) == null && m.group(2) == null) {
        throw new Main.UserError("--steps-range: expected A..B, A.. or ..B (step numbers), got '" + range + "'", null);
      }
      from = m.group(1) == null ? -1 : Integer.parseInt(m.group(1));
      to = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
      if (from >= 0 && to >= 0 && to < from) {
        throw new Main.UserError("--steps-range: " + range + " ends before it starts", null);
      }
    }
    return new StepView.Filter(harts, actors, from, to);
  }
}
