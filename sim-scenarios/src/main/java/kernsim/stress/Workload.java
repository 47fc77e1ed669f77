package kernsim.stress;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kernsim.actors.stress.StressRunner;
import kernsim.cpu.Calls;
import kernsim.cpu.Stmt;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;

/**
 * A scenario at scale: {@code replicas} copies of its world side by side (each its own kernel, so its
 * own loop devices and backing files), each with every hart multiplied {@code hartsPerReplica} times
 * (copy 1 keeps the hart's name, copy c is {@code NAME-c}). A mixed workload is several of these.
 */
public record Workload(Scenario scenario, Settings settings, int replicas, int hartsPerReplica, Scenario program) {
  /** How many last calls of each hart a violation's report shows. */
  public static final int LAST_CALLS = 4;

  public Workload {
    if (replicas < 1 || hartsPerReplica < 1) {
      throw new IllegalArgumentException("replicas and harts per replica must be at least 1");
    }
  }

  /**
   * {@code replicas} copies of {@code scenario}, each hart multiplied {@code hartsPerReplica} times.
   *
   * @throws IllegalArgumentException when the counts are below 1 or a copy's name is taken (see {@link #multiplied})
   */
  public Workload(Scenario scenario, Settings settings, int replicas, int hartsPerReplica) {
    this(scenario, settings, replicas, hartsPerReplica, multiplied(scenario, Math.max(hartsPerReplica, 1)));
  }

  /** The replica's program: the scenario with each hart copied {@code hartsPerReplica} times. */
  public Scenario replicaScenario() {
    return program;
  }

  /**
   * {@code s} with every hart copied {@code copies} times, parsed from {@link #multipliedText}: the copies are
   * a scenario as text, so a trace of the multiplied program replays from its header like any other.
   *
   * @throws IllegalArgumentException when a copy's name is a hart's name already (a hart {@code mounter-2}
   *     beside a {@code mounter} doubled), with the parser's message
   */
  public static Scenario multiplied(Scenario s, int copies) {
    if (copies == 1) {
      return s;
    }
    try {
      return Scenarios.parse(multipliedText(s, copies), s.file());
    } catch (ScenarioException e) {
      throw new IllegalArgumentException(s.name() + " with " + copies + " copies of each hart: " + e.getMessage(), e);
    }
  }

  /**
   * The scenario's text with each hart block copied {@code copies - 1} more times after the last hart, in the
   * order copy 2 of every hart, then copy 3, …: copy {@code c} of the hart whose actor is {@code NAME}
   * ({@code mounter}, or {@code hart-1} for {@code hart 1:}) is {@code hart NAME-c:}. A hart block is its
   * {@code hart} line and every line after it up to the next line that starts in column 1 and is neither
   * blank nor a comment; variables are the block's own, so a copy's statements mean what the original's do.
   */
  public static String multipliedText(Scenario s, int copies) {
    String[] lines = s.text().split("\\R", -1);
    List<List<String>> bodies = new ArrayList<>();
    List<String> current = null;
    for (String line : lines) {
      boolean column1 = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#");
      if (column1 && line.startsWith("hart ")) {
        current = new ArrayList<>();
        bodies.add(current);
      } else if (column1) {
        current = null;
      } else if (current != null) {
        current.add(line);
      }
    }
    if (bodies.size() != s.hartNames().size()) {
      throw new IllegalStateException(s.name() + ": " + bodies.size() + " hart blocks in its text but "
          + s.hartNames().size() + " harts");
    }
    StringBuilder out = new StringBuilder(s.text());
    if (!s.text().endsWith("\n")) {
      out.append('\n');
    }
    for (int c = 2; c <= copies; c++) {
      for (int i = 0; i < bodies.size(); i++) {
        out.append("\nhart ").append(s.hartNames().get(i)).append('-').append(c).append(":\n");
        for (String l : bodies.get(i)) {
          out.append(l).append('\n');
        }
      }
    }
    return out.toString();
  }

  /** The replicas, numbered from {@code first}. */
  public List<StressRunner.Replica> replicas(int first) {
    Scenario program = replicaScenario();
    ScenarioWorld world = new ScenarioWorld(program, settings);
    Set<String> keys = Set.copyOf(program.hartKeys());
    List<StressRunner.Replica> out = new ArrayList<>();
    for (int r = 0; r < replicas; r++) {
      out.add(new StressRunner.Replica(first + r, scenario.name(), world, () -> new CallRound(keys)));
    }
    return out;
  }

  /** Statements the harts run in one round (each an answered call unless it expands into several). */
  public int statementsPerRound() {
    return replicaScenario().harts().stream().mapToInt(List::size).sum();
  }

  /**
   * A round of a scenario's world: done when every racing hart has exited; counts answered calls and
   * keeps each hart's last {@value #LAST_CALLS} calls (their text and result) for a violation's report.
   */
  static final class CallRound implements StressRunner.Round {
    private final Set<String> harts;
    private final Map<String, Deque<String>> last = new LinkedHashMap<>();
    private int exited;
    private long calls;

    CallRound(Set<String> harts) {
      this.harts = harts;
    }

    @Override
    public void observe(Object o) {
      if (o instanceof Calls.Started s) {
        remember(s.hart(), "#" + s.index() + " " + s.text() + " ...");
      } else if (o instanceof Calls.Returned r) {
        calls++;
        Deque<String> d = last.get(r.hart());
        String started = "#" + r.index() + " " + r.text() + " ...";
        if (d != null && d.remove(started)) {
          // the call's line now carries its result
        }
        remember(r.hart(), "#" + r.index() + " " + r.text() + " = " + r.result());
      } else if (o instanceof Calls.Exited e && harts.contains(e.hart())) {
        exited++;
      }
    }

    private void remember(String hart, String line) {
      Deque<String> d = last.computeIfAbsent(hart, h -> new ArrayDeque<>());
      d.addLast(line);
      while (d.size() > LAST_CALLS) {
        d.removeFirst();
      }
    }

    @Override
    public boolean done() {
      return exited == harts.size();
    }

    @Override
    public long calls() {
      return calls;
    }

    @Override
    public List<String> lastCalls() {
      List<String> out = new ArrayList<>();
      last.forEach((h, d) -> d.forEach(line -> out.add(h + ": " + line)));
      return out;
    }

    @Override
    public List<String> harts() {
      return List.copyOf(last.keySet());
    }
  }
}
