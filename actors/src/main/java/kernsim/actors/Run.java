package kernsim.actors;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.TreeMap;
import kernsim.actors.Failure.WaitEdge;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.ActorRefWithCell;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter;
import org.apache.pekko.dispatch.AbstractNodeQueue;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.Mailbox;
import org.apache.pekko.dispatch.sysmsg.SystemMessage;

/**
 * One iteration of a world: the step loop, the recording of every choice, the wait-for graph, and
 * the monitors. Lives on the controller thread only.
 */
final class Run implements World, Strategy.Ready {
  static final String CLOCK = "(clock)";
  static final String RUNTIME = "(runtime)";

  private final Controller controller;
  private final Strategy strategy;
  private final RunOptions options;
  private final ChoiceLog choices = new ChoiceLog();
  private final EventLog log = new EventLog();
  /**
   * waiter key → its edges. Updated on every request a model waits on, so it is a hash map (String
   * keys: value equality); it is only iterated to report a deadlock, in sorted order.
   */
  private final java.util.HashMap<String, List<WaitEdge>> waits = new java.util.HashMap<>();
  /** What the current step touched, for strategies that want it; null otherwise. */
  private final Footprint footprint;
  private List<Monitor> monitors = List.of();
  /** The first boot's monitors that a reboot dropped: still asked {@link #incomplete}. */
  private final List<Monitor> retired = new ArrayList<>();
  /** Whether the monitors' end-of-run (or power-loss) checks ran for the world now running. */
  private boolean endChecked;
  private Monitor.Verdict[] verdicts = new Monitor.Verdict[0];
  /** The monitors that hear region descriptions (the step view's); empty in explorations. */
  private List<Monitor.RegionListener> regionListeners = List.of();

  private Failure failure;
  private int steps;
  private boolean clockOffered;
  private boolean open = true;
  private boolean abandoned;
  private String currentActor = "";

  private final long worldSeed;
  /** When the world loses power ({@link WorldSpec#powerCut}); null: never. */
  private WorldSpec.PowerCut powerCut;
  /** The step after which the power failed; 0: it did not. */
  private int powerLostAfter;
  private boolean rebooted;

  Run(Controller controller, Strategy strategy, RunOptions options, long worldSeed) {
    this.worldSeed = worldSeed;
    this.controller = controller;
    this.strategy = strategy;
    this.options = options;
    this.footprint = strategy.wantsFootprints() ? new Footprint() : null;
    if (footprint != null) {
      controller.forgetSenders();
    }
  }

  /** Whether the strategy gave the iteration up before its end ({@link Strategy#ABANDON}). */
  boolean abandoned() {
    return abandoned;
  }

  void monitors(List<Monitor> ms) {
    this.monitors = List.copyOf(ms);
    this.verdicts = new Monitor.Verdict[ms.size()];
    this.regionListeners = ms.stream().filter(m -> m instanceof Monitor.RegionListener)
        .map(m -> (Monitor.RegionListener) m).toList();
    for (int i = 0; i < ms.size(); i++) {
      String name = ms.get(i).name();
      verdicts[i] = message -> fail(new Failure.SafetyViolation(name, message, steps, currentActor));
    }
  }

  void powerCut(WorldSpec.PowerCut cut) {
    this.powerCut = cut;
  }

  /** The step after which the world lost power, or 0. */
  int powerLostAfter() {
    return powerLostAfter;
  }

  /** Whether a fresh kernel booted after the power loss ({@link #reboot}). */
  boolean rebooted() {
    return rebooted;
  }

  /** The monitors of the world that lost power. */
  List<Monitor> monitorsList() {
    return monitors;
  }

  /**
   * After a power loss, once the old world is stopped: the run goes on with a fresh world, heard by the
   * monitors that hear a reboot ({@link Monitor#hearsReboot}) and {@code reboot}'s own; no second cut.
   */
  void reboot(List<Monitor> reboot) {
    rebooted = true;
    powerCut = null;
    waits.clear();
    open = true;
    currentActor = "";
    log.append(controller.nowNanos(), RUNTIME, new Summaries.Rebooted(steps));
    endChecked = false; // the rebooted world's end is still to come
    List<Monitor> ms = new ArrayList<>();
    for (Monitor m : monitors) {
      if (m.hearsReboot()) {
        ms.add(m);
      } else {
        retired.add(m);
      }
    }
    ms.addAll(reboot);
    monitors(ms);
  }

  /** A run that ends at its power loss (no reboot): as at an end, a recorded run has no choices left over. */
  void endAtPowerLoss() {
    if (failure == null && strategy instanceof ReplayStrategy r) {
      r.checkExhausted(steps);
      divergence();
    }
  }

  ChoiceLog choices() {
    return choices;
  }

  EventLog log() {
    return log;
  }

  int steps() {
    return steps;
  }

  Failure failure() {
    return failure;
  }

  /**
   * Oracle name → what it left unchecked ({@link Monitor#incomplete}), for a run that ended without a
   * failure and whose end (or power-loss) checks ran; empty otherwise. Of a first boot's monitor and a
   * reboot's of the same name that both left something unchecked, the first boot's is kept.
   */
  java.util.SortedMap<String, Monitor.Incomplete> incomplete() {
    TreeMap<String, Monitor.Incomplete> out = new TreeMap<>();
    if (failure != null || !endChecked) {
      return out;
    }
    List<Monitor> all = new ArrayList<>(retired);
    all.addAll(monitors);
    for (Monitor m : all) {
      if (!out.containsKey(m.name())) {
        Monitor.Incomplete x = m.incomplete();
        if (x != null) {
          out.put(m.name(), x);
        }
      }
    }
    return out;
  }

  /** Runs the world until it ends, fails, or passes its step bound. */
  Failure loop() {
    while (failure == null) {
      if (controller.foreignSubmissions() > 0) {
        fail(foreignSubmission());
        break;
      }
      int n = controller.readyCount();
      boolean timer = controller.hasTimer();
      if (n == 0 && !timer) {
        end();
        break;
      }
      if (steps >= options.maxSteps()) {
        if (options.livelocks()) {
          fail(new Failure.Livelock(options.maxSteps(), steps));
        }
        break; // with the livelock oracle off, the step bound just ends the world
      }
      clockOffered = timer && (n == 0 || options.clockChoices());
      int pick = strategy.next(this);
      if (divergence()) {
        break;
      }
      if (pick == Strategy.ABANDON) {
        abandoned = true;
        break;
      }
      long time;
      Object message;
      if (pick == n) {
        if (!clockOffered) {
          throw new IllegalStateException(strategy.kind() + " chose the clock when it was not offered");
        }
        choices.clock();
        time = controller.nextTimerDue();
        currentActor = CLOCK;
        if (footprint != null) {
          footprint.reset(CLOCK, true); // the clock moves every actor's time: it commutes with nothing
        }
        message = new Summaries.ClockAdvance(time);
        log.append(time, CLOCK, message);
        controller.fireNextTimer();
      } else {
        Controller.Slot s = controller.take(pick);
        choices.actor(s);
        currentActor = s.key;
        time = controller.nowNanos();
        message = peek(s.mailbox);
        log.append(time, s.key, message);
        if (footprint != null) {
          footprint.reset(s.key, false, steps);
          controller.recordFootprints(footprint);
        }
        s.mailbox.run();
        controller.runTasks();
        if (footprint != null) {
          controller.recordFootprints(null);
          if (!footprint.receivedAny()) {
            footprint.touchFine(s.inbox); // a message sent before this step would have changed it
          }
        }
      }
      if (verdicts.length > 0) {
        Monitor.Step step = new Monitor.Step(steps, time, currentActor, message);
        for (int i = 0; i < verdicts.length && failure == null; i++) {
          monitors.get(i).onStep(step, verdicts[i]);
        }
      }
      steps++;
      if (footprint != null) {
        strategy.stepDone(footprint);
      }
      if (divergence()) {
        break;
      }
      if (powerCut != null && failure == null && powerCut.after(steps, worldSeed)) {
        powerLoss(time);
        break;
      }
    }
    if (failure != null && !(failure instanceof Failure.ReplayDivergence) && strategy instanceof ReplayStrategy r) {
      // (a prefix's replay is not checked here: the run goes on past it)
      // A recorded failing run's choices end where it failed: any left over were never part of it.
      r.checkExhausted(steps);
      divergence();
    }
    open = false;
    return failure;
  }

  /** The replay that answers this run's choices, or its prefix's; null for a run that replays nothing. */
  private ReplayStrategy replaying() {
    return strategy instanceof ReplayStrategy r ? r : strategy instanceof PrefixStrategy p ? p.replay() : null;
  }

  private boolean divergence() {
    ReplayStrategy r = replaying();
    if (r != null && r.divergence() != null) {
      r.stepIs(steps);
      failure = r.divergence(); // a diverged replay says nothing else worth trusting
      return true;
    }
    return false;
  }

  /** The power fails after the step just run: logged, then the monitors' power-loss checks. */
  private void powerLoss(long time) {
    powerLostAfter = steps;
    currentActor = ""; // the checks belong to no single actor
    log.append(time, RUNTIME, new Summaries.PowerLost(steps));
    for (int i = 0; i < verdicts.length && failure == null; i++) {
      monitors.get(i).onPowerLoss(verdicts[i]);
    }
    endChecked = true;
  }

  private void end() {
    currentActor = ""; // end-of-run verdicts belong to no single actor
    if (!waits.isEmpty() && options.deadlocks()) {
      fail(deadlock());
      return;
    }
    for (int i = 0; i < verdicts.length && failure == null; i++) {
      monitors.get(i).onEnd(verdicts[i]);
    }
    endChecked = true;
    if (failure == null && strategy instanceof ReplayStrategy r) {
      r.checkExhausted(steps);
      divergence();
    }
  }

  /**
   * The wait-for graph's first cycle (searching from the lowest waiter key, edges in key order),
   * rotated to start at its lowest key; or, with no cycle, a deadlock naming every wait.
   */
  private Failure.Deadlock deadlock() {
    TreeMap<String, List<WaitEdge>> sorted = new TreeMap<>();
    waits.forEach((w, edges) -> {
      List<WaitEdge> e = new ArrayList<>(edges);
      e.sort(java.util.Comparator.comparing(WaitEdge::what).thenComparing(WaitEdge::on));
      sorted.put(w, e);
    });
    List<WaitEdge> all = new ArrayList<>();
    sorted.values().forEach(all::addAll);
    java.util.Set<String> done = new java.util.TreeSet<>();
    for (String start : sorted.keySet()) {
      List<WaitEdge> cycle = cycleFrom(sorted, start, new ArrayList<>(), new ArrayList<>(), done);
      if (cycle != null) {
        int min = 0;
        for (int i = 1; i < cycle.size(); i++) {
          if (cycle.get(i).waiter().compareTo(cycle.get(min).waiter()) < 0) {
            min = i;
          }
        }
        List<WaitEdge> rotated = new ArrayList<>(cycle.subList(min, cycle.size()));
        rotated.addAll(cycle.subList(0, min));
        return new Failure.Deadlock(rotated, all, steps);
      }
    }
    return new Failure.Deadlock(List.of(), all, steps);
  }

  /** Depth-first search; {@code done} holds nodes already known to lead to no cycle. */
  private static List<WaitEdge> cycleFrom(TreeMap<String, List<WaitEdge>> waits, String node, List<String> path,
      List<WaitEdge> edges, java.util.Set<String> done) {
    int at = path.indexOf(node);
    if (at >= 0) {
      return new ArrayList<>(edges.subList(at, edges.size()));
    }
    if (done.contains(node) || !waits.containsKey(node)) {
      return null;
    }
    path.add(node);
    for (WaitEdge e : waits.get(node)) {
      edges.add(e);
      List<WaitEdge> c = cycleFrom(waits, e.on(), path, edges, done);
      if (c != null) {
        return c;
      }
      edges.remove(edges.size() - 1);
    }
    path.remove(path.size() - 1);
    done.add(node);
    return null;
  }

  private Failure foreignSubmission() {
    return new Failure.UnexpectedException(RUNTIME, "NondeterministicSubmission",
        "work was submitted to the controlled dispatcher from thread '" + controller.foreignThread()
            + "'; the model used a mechanism that leaves the controller (e.g. the Java DSL's ask or pipeToSelf)",
        steps);
  }

  void fail(Failure f) {
    if (failure == null) {
      failure = f;
    }
  }

  void actorFailed(String actor, Throwable cause) {
    if (open) {
      fail(new Failure.UnexpectedException(actor, cause.getClass().getName(), cause.getMessage(), steps));
    }
  }

  /** Class.getSimpleName once per class (the JDK's goes through its reflection data on every call; it showed per step). */
  private static final ClassValue<String> SIMPLE_NAMES = new ClassValue<>() {
    @Override
    protected String computeValue(Class<?> type) {
      return type.getSimpleName();
    }
  };

  /** What the next run of {@code m} will deliver: its system messages, then one ordinary message. */
  private static Object peek(Mailbox m) {
    Object next = null;
    Object head = null;
    if (m.messageQueue() instanceof AbstractNodeQueue<?> q) { // typed actors' default mailbox
      head = q.peek();
    } else if (m.messageQueue() instanceof Queue<?> q) {
      head = q.peek();
    }
    if (head instanceof Envelope e) {
      next = e.message();
    }
    if (m.hasSystemMessages()) {
      List<String> kinds = new ArrayList<>(2);
      for (SystemMessage s = m.systemQueueGet(); s != null; s = s.next()) {
        kinds.add(0, SIMPLE_NAMES.get(s.getClass())); // the queue is latest-first
      }
      return new Summaries.SystemMessages(kinds, next);
    }
    return next;
  }

  // ---- Strategy.Ready ----

  @Override
  public int size() {
    return controller.readyCount();
  }

  @Override
  public String key(int i) {
    return controller.readyKey(i);
  }

  @Override
  public boolean clockAvailable() {
    return clockOffered;
  }

  @Override
  public int sender(int i) {
    return footprint == null ? -1 : controller.readySender(i);
  }

  @Override
  public int step() {
    return steps;
  }

  // ---- World ----

  private void checkInWorld(String what) {
    if (!open || !controller.isOwner()) {
      throw new IllegalStateException(what + " must be called by an actor of a running world");
    }
  }

  @Override
  public boolean nextBoolean() {
    checkInWorld("World.nextBoolean");
    boolean b = strategy.nextBoolean();
    choices.bool(b);
    if (footprint != null) {
      footprint.makeGlobal(); // a drawn value: the exhaustive search branches on it, so nothing commutes with it
    }
    return b;
  }

  @Override
  public int nextInt(int bound) {
    checkInWorld("World.nextInt");
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    int v = strategy.nextInt(bound);
    choices.integer(v, bound);
    if (footprint != null) {
      footprint.makeGlobal();
    }
    return v;
  }

  @Override
  public long seed() {
    return worldSeed;
  }

  @Override
  public long nanoTime() {
    return controller.nowNanos();
  }

  @Override
  public void emit(Object observation) {
    checkInWorld("World.emit");
    if (footprint != null) {
      footprint.touch(Footprint.MONITOR);
    }
    for (int i = 0; i < verdicts.length && failure == null; i++) {
      monitors.get(i).onObservation(observation, currentActor, verdicts[i]);
    }
  }

  @Override
  public boolean regionsWanted() {
    return !regionListeners.isEmpty();
  }

  @Override
  public void region(String here, Object request, String there) {
    // No footprint: a description is not part of the run.
    for (Monitor.RegionListener l : regionListeners) {
      l.onRegion(currentActor, here, request, there);
    }
  }

  /** The key on the actor's mailbox (no lookup); a stopped actor's from its path. */
  @Override
  public String keyOf(ActorRef<?> ref) {
    if (ref instanceof ActorRefAdapter<?> a
        && a.classicRef() instanceof ActorRefWithCell c
        && c.underlying() instanceof ActorCell cell
        && cell.mailbox().messageQueue() instanceof SlotQueue q
        && q.slot != null) {
      return q.slot.key;
    }
    return Keys.of(ref);
  }

  private void touchWaiter(String w) {
    if (footprint != null) {
      footprint.touch(w);
    }
  }

  @Override
  public void waitFor(ActorRef<?> waiter, ActorRef<?> on, String what) {
    String w = keyOf(waiter);
    touchWaiter(w);
    List<WaitEdge> edges = waits.computeIfAbsent(w, k -> new ArrayList<>(1));
    edges.removeIf(e -> e.what().equals(what));
    edges.add(new WaitEdge(w, keyOf(on), what));
  }

  @Override
  public void stopWaiting(ActorRef<?> waiter, String what) {
    String w = keyOf(waiter);
    touchWaiter(w);
    List<WaitEdge> edges = waits.get(w);
    if (edges != null && edges.removeIf(e -> e.what().equals(what)) && edges.isEmpty()) {
      waits.remove(w);
    }
  }

  @Override
  public void stopWaiting(ActorRef<?> waiter) {
    if (footprint != null) {
      touchWaiter(keyOf(waiter));
    }
    if (!waits.isEmpty()) {
      waits.remove(keyOf(waiter));
    }
  }
}
