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
import kernsim.scenario.ScenarioWorld;
import kernsim.scenario.Settings;

/**
 * A scenario at scale: {@code replicas} copies of its world side by side (each its own kernel, so its
 * own loop devices and backing files), each with every hart multiplied {@code hartsPerReplica} times
 * (copy 1 keeps the hart's name, copy c is {@code NAME-c}). A mixed workload is several of these.
 */
public record Workload(Scenario scenario, Settings settings, int replicas, int hartsPerReplica) {
  /** How many last calls of each hart a violation's report shows. */
  public static final int LAST_CALLS = 4;

  public Workload {
    if (replicas < 1 || hartsPerReplica < 1) {
      throw new IllegalArgumentException("replicas and harts per replica must be at least 1");
    }
  }

  /** The replica's program: the scenario with each hart copied {@code hartsPerReplica} times. */
  public Scenario replicaScenario() {
    return multiplied(scenario, hartsPerReplica);
  }

  public static Scenario multiplied(Scenario s, int copies) {
    if (copies == 1) {
      return s;
    }
    List<String> names = new ArrayList<>();
    List<List<Stmt>> harts = new ArrayList<>();
    for (int c = 1; c <= copies; c++) {
      for (int i = 0; i < s.harts().size(); i++) {
        names.add(c == 1 ? s.hartNames().get(i) : s.hartNames().get(i) + "-" + c);
        harts.add(s.harts().get(i));
      }
    }
    return new Scenario(s.name(), s.title(), s.description(), s.file(), s.text(), s.profile(), s.fixes(), s.expect(),
        s.loops(), s.boot(), s.setupCalls(), s.setup(), names, harts, s.prober(), s.regressions());
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
