package kernsim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;

/**
 * Shrinks a failing scenario to its core, on its text, so it shrinks any scenario (a fuzz finding or a
 * hand-written one). The program first: drop a hart, a statement, a setup line; simplify an argument
 * (a string to {@code "x"}, flags to one of their terms, a number to 0). A change is kept only while
 * exploring the smaller text within the budget still finds the same {@link Signature}; passes repeat
 * until none is kept. The schedule is shrunk at the level of its trace ({@link ScheduleShrinker}): the
 * given run's first, on the program as given; then each program candidate is tried first with the current
 * schedule carried over to it, and is kept only with a failing run of at most the given run's switches; at
 * the end the result's schedule is shrunk again, also from the explorations' failing run with the fewest
 * switches (PCT of depth 1 to 3, several seeds) when it has fewer. So the result never has more context
 * switches than the run given.
 */
public final class Shrinker {
  /** A scenario's size: harts, calls (statements in harts) and the context switches of its failing run. */
  public record Size(int harts, int calls, int switches) {
    @Override
    public String toString() {
      return harts + " harts, " + calls + " calls, " + switches + " switches";
    }
  }

  /** The shrunk scenario's text, its failing run (its trace replays it), the sizes before and after. */
  public record Result(String text, Scenario scenario, RunResult run, Size before, Size after, int tried, int kept,
      long schedules) {}

  private static final Pattern STRING = Pattern.compile("\"[^\"]{2,}\"");
  private static final Pattern FLAGS = Pattern.compile("\\b([A-Z][A-Z0-9_]*)\\|([A-Z][A-Z0-9_|]*)\\b");
  private static final Pattern NUMBER = Pattern.compile("(?<=[(, ])([1-9][0-9]*)(?=[,)])");

  private final Simulator sim;
  private final Settings settings;
  private final int budget;
  private final long seed;
  private final int depth;
  private long schedules;

  /**
   * @param settings the settings every candidate runs under (the original's)
   * @param budget schedules explored per candidate
   * @param seed the explorations' seed
   */
  public Shrinker(Simulator sim, Settings settings, int budget, long seed, int depth) {
    this.sim = sim;
    this.settings = settings;
    this.budget = budget;
    this.seed = seed;
    this.depth = depth;
  }

  /** Shrinks {@code text} (whose failing run is {@code original}) keeping {@code signature}. */
  public Result shrink(String text, String name, RunResult original, String signature, List<String> comment)
      throws ScenarioException {
    Scenario first = Scenarios.parse(text, name + ".ksim");
    Size before = size(first, original);
    ScheduleShrinker schedule = new ScheduleShrinker(sim);
    // the schedule of the program as given first, from the trace's own choices; a program change is then
    // kept only with a failing run of at most the given run's switches, and the end shrinks the schedule again
    RunResult cur = schedule.shrink(new ScenarioWorld(first, settings), first, original, signature, budget);
    int curSw = Coverage.switches(cur.log(), first.hartKeys());
    List<String> lines = body(text);
    int tried = 0;
    int kept = 0;
    // candidates are written as the result will be (its name and comment), so the run that kept the last
    // change replays on the result as it is
    boolean changed = true;
    while (changed) {
      changed = false;
      for (List<String> cand : candidates(lines)) {
        tried++;
        Scenario sc;
        try {
          sc = Scenarios.parse(render(cand, name, comment), name + ".ksim");
        } catch (ScenarioException e) {
          continue;
        }
        Optional<RunResult> r = reproduces(schedule, sc, cur, before.switches(), signature);
        if (r.isPresent()) {
          lines = cand;
          cur = r.get();
          curSw = Coverage.switches(cur.log(), sc.hartKeys());
          kept++;
          changed = true;
          break;
        }
      }
    }
    String result = render(lines, name, comment);
    Scenario sc = Scenarios.parse(result, name + ".ksim");
    ScenarioWorld world = new ScenarioWorld(sc, settings);
    if (kept == 0) {
      // the result is the program as given, under its new name: the current schedule on its text
      RunResult c = cur;
      cur = schedule.run(world, sc, c.trace().steps(), signature, c.trace().header().seed(), c.iteration())
          .orElseThrow(() -> new IllegalStateException("the renamed scenario does not fail as the original"));
      curSw = Coverage.switches(cur.log(), sc.hartKeys());
    }
    // other starting points: the failing run with the fewest switches among several explorations
    RunResult alt = null;
    int altSw = curSw;
    for (int d = 1; d <= Math.max(depth, 3); d++) {
      for (int s = 0; s < 4; s++) {
        Optional<RunResult> r = run(sc, signature, d, Simulator.iterationSeed(seed, 100 * d + s));
        if (r.isPresent()) {
          int sw = Coverage.switches(r.get().log(), sc.hartKeys());
          if (sw < altSw) {
            alt = r.get();
            altSw = sw;
          }
        }
      }
    }
    cur = schedule.shrink(world, sc, cur, signature, budget);
    if (alt != null) {
      alt = schedule.shrink(world, sc, alt, signature, budget);
      if (Coverage.switches(alt.log(), sc.hartKeys()) < Coverage.switches(cur.log(), sc.hartKeys())) {
        cur = alt;
      }
    }
    return new Result(result, sc, cur, before, size(sc, cur), tried, kept, schedules + schedule.runs());
  }

  /**
   * A failing run of candidate {@code sc} with {@code signature} and at most {@code limit} switches: the
   * current schedule carried over to it ({@code limit}: the given run's switches; a {@link ScheduleShrinker.Script} of its steps), else an
   * exploration within the budget, whose failing run's schedule is shrunk if it has more switches.
   */
  private Optional<RunResult> reproduces(ScheduleShrinker schedule, Scenario sc, RunResult cur, int limit,
      String signature) {
    ScenarioWorld world = new ScenarioWorld(sc, settings);
    Optional<RunResult> r = schedule.run(world, sc, cur.trace().steps(), signature, cur.trace().header().seed(),
        cur.iteration());
    if (r.isEmpty()) {
      r = run(sc, signature, depth, seed);
    }
    if (r.isPresent() && Coverage.switches(r.get().log(), sc.hartKeys()) > limit) {
      r = Optional.of(schedule.shrink(world, sc, r.get(), signature, Math.max(1, budget / 4)));
    }
    return r.filter(x -> Coverage.switches(x.log(), sc.hartKeys()) <= limit);
  }

  private static String render(List<String> lines, String name, List<String> comment) {
    List<String> out = new ArrayList<>();
    for (String c : comment) {
      out.add(c.isEmpty() ? "#" : "# " + c);
    }
    boolean named = false;
    for (String l : lines) {
      if (l.startsWith("scenario ")) {
        out.add("scenario " + name);
        named = true;
      } else {
        out.add(l);
      }
    }
    if (!named) {
      out.add(comment.size(), "scenario " + name);
    }
    return String.join("\n", out) + "\n";
  }

  /** The scenario's size with the switches of {@code run}. */
  public static Size size(Scenario s, RunResult run) {
    return new Size(s.harts().size(), s.harts().stream().mapToInt(List::size).sum(),
        Coverage.switches(run.log(), s.hartKeys()));
  }

  /** The text without comments and blank lines. */
  static List<String> body(String text) {
    List<String> out = new ArrayList<>();
    for (String l : text.split("\n")) {
      String s = l.strip();
      if (!s.isEmpty() && !s.startsWith("#")) {
        out.add(l.stripTrailing());
      }
    }
    return out;
  }

  /** Every one-step smaller variant of {@code lines}, the biggest cuts first. */
  static List<List<String>> candidates(List<String> lines) {
    List<List<String>> out = new ArrayList<>();
    List<int[]> harts = new ArrayList<>(); // [start, end) of each hart block
    int setupStart = -1;
    int setupEnd = -1;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("hart ") || l.startsWith("setup:")) {
        int end = i + 1;
        while (end < lines.size() && lines.get(end).startsWith(" ")) {
          end++;
        }
        if (l.startsWith("setup:")) {
          setupStart = i;
          setupEnd = end;
        } else {
          harts.add(new int[] {i, end});
        }
      }
    }
    if (harts.size() > 1) {
      for (int[] h : harts) {
        out.add(without(lines, h[0], h[1]));
      }
    }
    for (int[] h : harts) {
      if (h[1] - h[0] > 2) {
        for (int i = h[1] - 1; i > h[0]; i--) {
          out.add(without(lines, i, i + 1));
        }
      }
    }
    for (int i = setupEnd - 1; i > setupStart && setupStart >= 0; i--) {
      out.add(setupEnd - setupStart == 2 ? without(lines, setupStart, setupEnd) : without(lines, i, i + 1));
    }
    for (int[] h : harts) {
      for (int i = h[0] + 1; i < h[1]; i++) {
        for (String simpler : simpler(lines.get(i))) {
          List<String> c = new ArrayList<>(lines);
          c.set(i, simpler);
          out.add(c);
        }
      }
    }
    return out;
  }

  private static List<String> simpler(String line) {
    List<String> out = new ArrayList<>();
    Matcher m = STRING.matcher(line);
    while (m.find()) {
      if (!m.group().startsWith("\"/")) { // paths stay: they name the world's files and devices
        out.add(line.substring(0, m.start()) + "\"x\"" + line.substring(m.end()));
      }
    }
    m = FLAGS.matcher(line);
    while (m.find()) {
      out.add(line.substring(0, m.start()) + m.group(1) + line.substring(m.end()));
      out.add(line.substring(0, m.start()) + m.group(2) + line.substring(m.end()));
    }
    m = NUMBER.matcher(line);
    while (m.find()) {
      out.add(line.substring(0, m.start()) + "0" + line.substring(m.end()));
    }
    return out;
  }

  private static List<String> without(List<String> lines, int from, int to) {
    List<String> c = new ArrayList<>(lines.subList(0, from));
    c.addAll(lines.subList(to, lines.size()));
    return c;
  }

  private Optional<RunResult> run(Scenario sc, String signature, int d, long s) {
    ScenarioWorld world = new ScenarioWorld(sc, settings);
    ExploreOptions options = new ExploreOptions(StrategyKind.PCT, s, budget, d, 64,
        world.runOptions(RunOptions.DEFAULT));
    ExploreResult r;
    try {
      r = sim.explore(world, options);
    } catch (RuntimeException e) {
      return Optional.empty(); // a candidate kernsim itself cannot run is not the same failure
    }
    schedules += r.iterations();
    return r.failing().filter(f -> Signature.of(f.failure().orElseThrow(), sc.hartKeys()).equals(signature));
  }
}
