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
 *
 * <p>Beside those names ({@link #touched()}, what {@code pos} reads), a footprint keeps the finer
 * message-passing view {@code dfs} reads ({@link #fine()}, {@link #receivedFrom()}): an ordinary message
 * put in another actor's mailbox touches that mailbox's {@link #inbox inbox} name, not the actor; the
 * step that processed an ordinary message names the step that sent it (a happens-before edge, not a
 * dependence); and a step that processed none (only system messages, or nothing) touches its own inbox,
 * since a message sent before it would have changed what it did. docs/runtime.md gives the argument.
 */
public final class Footprint {
  /** The monitors, as one shared name: they see observations in the order steps emit them. */
  public static final String MONITOR = "(monitor)";
  /** The virtual clock's timer queue: registration order breaks ties between same-instant timers. */
  public static final String TIMERS = "(timers)";

  private String actor = "";
  private boolean global;
  private int step;
  private int receivedFrom;
  private boolean received;
  private final ArrayList<String> touched = new ArrayList<>(8);
  private final ArrayList<String> fine = new ArrayList<>(8);

  /** The name of the ordinary messages queued for the actor {@code key}: sends into it stay ordered. */
  public static String inbox(String key) {
    return key + " (inbox)";
  }

  void reset(String actor, boolean global) {
    reset(actor, global, -1);
  }

  void reset(String actor, boolean global, int step) {
    this.actor = actor;
    this.global = global;
    this.step = step;
    this.receivedFrom = -1;
    this.received = false;
    touched.clear();
    fine.clear();
    if (!global) {
      touched.add(actor);
      fine.add(actor);
    }
  }

  void touch(String name) {
    if (!global) {
      add(touched, name);
      add(fine, name);
    }
  }

  /** An ordinary message put in the mailbox of {@code key}, whose inbox name is {@code inbox}. */
  void sent(String key, String inbox) {
    if (!global) {
      add(touched, key);
      add(fine, inbox);
    }
  }

  /** Only the fine view: a name {@code pos} does not read. */
  void touchFine(String name) {
    if (!global) {
      add(fine, name);
    }
  }

  /** The step processed an ordinary message sent by step {@code from} (-1: from outside any step). */
  void received(int from) {
    received = true;
    receivedFrom = from;
  }

  boolean receivedAny() {
    return received;
  }

  /** The index of this step in its run, or -1 outside the step loop. */
  int step() {
    return step;
  }

  private static void add(ArrayList<String> list, String name) {
    if (!list.contains(name)) {
      list.add(name);
    }
  }

  void makeGlobal() {
    global = true;
    touched.clear();
    fine.clear();
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

  /** The message-passing view's names (see the class comment), the actor's own first. A copy. */
  public List<String> fine() {
    return List.copyOf(fine);
  }

  /** The step (its index in the run) that sent the ordinary message this step processed, or -1. */
  public int receivedFrom() {
    return receivedFrom;
  }

  int size() {
    return touched.size();
  }

  String name(int i) {
    return touched.get(i);
  }

  int fineSize() {
    return fine.size();
  }

  String fineName(int i) {
    return fine.get(i);
  }
}
