package kernsim.actors;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step touched, for the strategies that reason about which steps commute ({@code pos},
 * {@code dfs}): the actor that ran, every actor it put a message or a system message in the mailbox of
 * (a send, a spawn, a stop, a watch), every waiter whose wait-for edges it changed, the monitors if it
 * emitted an observation, the virtual clock's timers if it registered or cancelled one. A step is
 * {@link #global()} when it commutes with nothing: a clock advance, or a step that drew a value
 * ({@code World.nextInt}/{@code nextBoolean}).
 *
 * <p>Two steps are dependent when either is global or they touched a common name. Reused step after
 * step by the run; a strategy that keeps one copies it ({@link #touched()}).
 */
public final class Footprint {
  /** The monitors, as one shared name: they see observations in the order steps emit them. */
  public static final String MONITOR = "(monitor)";
  /** The virtual clock's timer queue: registration order breaks ties between same-instant timers. */
  public static final String TIMERS = "(timers)";

  private String actor = "";
  private boolean global;
  private final ArrayList<String> touched = new ArrayList<>(8);

  void reset(String actor, boolean global) {
    this.actor = actor;
    this.global = global;
    touched.clear();
    if (!global) {
      touched.add(actor);
    }
  }

  void touch(String name) {
    if (!global && !touched.contains(name)) {
      touched.add(name);
    }
  }

  void makeGlobal() {
    global = true;
    touched.clear();
  }

  /** The key of the actor that ran, or {@link Run#CLOCK}. */
  public String actor() {
    return actor;
  }

  public boolean global() {
    return global;
  }

  /** The names touched, the actor's own first; empty for a global step. A copy. */
  public List<String> touched() {
    return List.copyOf(touched);
  }

  int size() {
    return touched.size();
  }

  String name(int i) {
    return touched.get(i);
  }
}
