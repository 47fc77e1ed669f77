package kernsim.actors;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.Mailbox;

/**
 * The run queue of the controlled dispatcher and the virtual clock.
 *
 * <p>Pekko submits a mailbox here when it has work; the mailbox stays queued until the controller
 * thread picks it. Queued mailboxes are kept sorted by key (then creation serial, for a stopped and a
 * new actor sharing a name), so candidate {@code i} means the same actor whatever order Pekko
 * submitted them in. Only the owner thread touches the sorted array; any other thread's submission
 * lands in a concurrent queue and is counted, because a world must never be driven from outside.
 */
final class Controller {
  /** The thread driving the current run, or null between runs. */
  private volatile Thread owner;
  /** Between construction and the first run, other threads may submit (Pekko's own start-up). */
  private volatile boolean armed;

  /** A queued actor: its mailbox, its key, and a creation serial that breaks ties between namesakes. */
  static final class Slot {
    final Mailbox mailbox;
    final String key;
    final long serial;
    /** {@link Footprint#inbox} of the key, made once. */
    final String inbox;
    /** The choice log that last numbered this key, and its number there: saves a lookup per step. */
    ChoiceLog log;
    int logId;
    /**
     * The step that created the actor while footprints were recorded, or -1; cleared by its first step (its
     * start, which processes the creation's system message).
     */
    int createdBy = -1;

    Slot(Mailbox mailbox, String key, long serial) {
      this.mailbox = mailbox;
      this.key = key;
      this.serial = serial;
      this.inbox = Footprint.inbox(key);
    }
  }

  private Slot[] ready = new Slot[16];
  private int readyCount;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

  private final ConcurrentLinkedQueue<Runnable> foreign = new ConcurrentLinkedQueue<>();
  private final AtomicInteger foreignSubmissions = new AtomicInteger();
  private volatile String foreignThread = "";

  private long mailboxSerial;
  private Run run;

  // The virtual clock and its timers, ordered by due time, then by registration order.
  private long nowNanos;
  private long timerSerial;
  private final PriorityQueue<VirtualTimer> timers = new PriorityQueue<>();

  // ---- submission (any thread) ----

  void submit(Runnable r) {
    if (Thread.currentThread() == owner) {
      Slot slot = r instanceof Mailbox m ? slot(m) : null;
      if (slot != null) {
        insert(slot);
      } else {
        tasks.add(r);
      }
    } else {
      foreign.add(r);
      if (armed) {
        foreignThread = Thread.currentThread().getName();
        foreignSubmissions.incrementAndGet();
      }
    }
  }

  /**
   * A new mailbox's slot: its key, and the next creation serial. Called on the thread that creates the
   * actor (the owner, for every world actor; Pekko's threads during start-up).
   */
  synchronized Slot slotFor(Mailbox mailbox, String key) {
    Slot s = new Slot(mailbox, key, mailboxSerial++);
    Footprint f = footprint;
    if (f != null && Thread.currentThread() == owner) {
      s.createdBy = f.step();
    }
    return s;
  }

  /**
   * Mailboxes of a type other than the default unbounded ones carry no slot; theirs are kept here, by
   * identity, never iterated. Cleared of a world's actors after its teardown.
   */
  private final Map<Mailbox, Slot> otherSlots = new IdentityHashMap<>();

  synchronized void register(Mailbox mailbox, String key) {
    otherSlots.put(mailbox, slotFor(mailbox, key));
  }

  /** The slot of a mailbox of the controlled dispatcher, or null for anything else. */
  Slot slot(Mailbox m) {
    if (m.messageQueue() instanceof SlotQueue q) {
      return q.slot;
    }
    if (otherSlots.isEmpty()) {
      return null;
    }
    synchronized (this) {
      return otherSlots.get(m);
    }
  }

  /** Starts the creation serials again; called once a world is fully stopped. */
  synchronized void forgetWorld() {
    otherSlots.values().removeIf(s -> !s.key.equals(Keys.GUARDIAN));
    mailboxSerial = 0;
  }

  /** The step being recorded for a strategy that wants footprints, or null. */
  private Footprint footprint;

  void recordFootprints(Footprint f) {
    this.footprint = f;
  }

  /**
   * The sending step of each ordinary message put in a mailbox while footprints are recorded, until it
   * is taken out: by identity (an {@link Envelope} has value equality), looked up and removed only,
   * never iterated. Cleared when a run starts.
   */
  private final IdentityHashMap<Envelope, Integer> senders = new IdentityHashMap<>();

  /** A system message was put in {@code m} during a step: the step touches its actor. */
  void touched(Mailbox m) {
    Footprint f = footprint;
    if (f != null && Thread.currentThread() == owner) {
      Slot s = slot(m);
      if (s != null) {
        f.touch(s.key);
      }
    }
  }

  /**
   * An ordinary message was put in {@code m} during a step: the step touches its actor ({@code pos}'s
   * view) and its inbox ({@code dfs}'s), and the message remembers the step that sent it.
   */
  void sent(Mailbox m, Envelope e) {
    Footprint f = footprint;
    if (f != null && Thread.currentThread() == owner) {
      Slot s = slot(m);
      if (s != null) {
        f.sent(s.key, s.inbox);
        senders.put(e, f.step());
      }
    }
  }

  /**
   * An ordinary message was taken out of {@code q}'s queue to be processed: a happens-before edge from
   * its sender. (With throughput 1 a step processes at most one; a second makes the step touch the inbox.)
   */
  void dequeued(SlotQueue q, Envelope e) {
    Footprint f = footprint;
    if (f != null && Thread.currentThread() == owner) {
      Integer from = senders.remove(e);
      if (f.receivedAny() || q.slot == null) {
        if (q.slot != null) {
          f.touchFine(q.slot.inbox);
        }
      } else {
        f.received(from == null || from == f.step() ? -1 : from); // (sent by this very step: no edge)
      }
    }
  }

  /** {@code q}'s messages go to dead letters as its actor stops: the step touches the inbox (conservatively). */
  void drained(SlotQueue q) {
    Footprint f = footprint;
    if (f != null && Thread.currentThread() == owner && q.slot != null) {
      f.touchFine(q.slot.inbox);
    }
  }

  void forgetSenders() {
    senders.clear();
  }

  /** A step registered or cancelled a timer on the virtual clock. */
  void timersTouched() {
    Footprint f = footprint;
    if (f != null && Thread.currentThread() == owner) {
      f.touch(Footprint.TIMERS);
    }
  }

  void actorFailed(String actorKey, Throwable cause) {
    Run r = run;
    if (r != null) {
      r.actorFailed(actorKey, cause);
    }
  }

  // ---- ownership ----

  void bind(Thread thread, Run run) {
    if (owner != null && owner != thread) {
      throw new IllegalStateException("a Simulator runs one world at a time, from one thread");
    }
    this.owner = thread;
    this.run = run;
  }

  void unbind() {
    this.run = null;
    this.owner = null;
  }

  void arm() {
    armed = true;
  }

  boolean isOwner() {
    return Thread.currentThread() == owner;
  }

  int foreignSubmissions() {
    return foreignSubmissions.get();
  }

  String foreignThread() {
    return foreignThread;
  }

  /** Forgets submissions that arrived from outside between runs: they belong to no live world. */
  void clearForeign() {
    foreign.clear();
    foreignSubmissions.set(0);
  }

  // ---- the ready set ----

  int readyCount() {
    return readyCount;
  }

  String readyKey(int i) {
    return ready[i].key;
  }

  /**
   * The step that created ready slot i's actor, if it has not started; else the step that sent the ordinary
   * message at the head of its mailbox; or -1 (see Strategy.Ready#sender).
   */
  int readySender(int i) {
    if (ready[i].createdBy >= 0) {
      return ready[i].createdBy; // its start: the step that created it began it
    }
    if (ready[i].mailbox.messageQueue() instanceof SlotQueue q) {
      Envelope e = q.peek();
      Integer from = e == null ? null : senders.get(e);
      return from == null ? -1 : from;
    }
    return -1;
  }

  Slot take(int i) {
    Slot m = ready[i];
    m.createdBy = -1;
    System.arraycopy(ready, i + 1, ready, i, readyCount - i - 1);
    ready[--readyCount] = null;
    return m;
  }

  private void insert(Slot m) {
    if (readyCount == ready.length) {
      ready = Arrays.copyOf(ready, readyCount * 2);
    }
    int i = readyCount;
    while (i > 0 && compare(ready[i - 1], m) > 0) {
      ready[i] = ready[i - 1];
      i--;
    }
    ready[i] = m;
    readyCount++;
  }

  private static int compare(Slot a, Slot b) {
    int c = a.key.compareTo(b.key);
    return c != 0 ? c : Long.compare(a.serial, b.serial);
  }

  /** Runs what a step left behind that is not a mailbox (callbacks on this dispatcher), in order. */
  void runTasks() {
    Runnable t;
    while ((t = tasks.poll()) != null) {
      t.run();
    }
  }

  /**
   * Runs everything queued, lowest key first, outside any trace: starts the permanent guardian and
   * tears worlds down. Returns once {@code done} holds and nothing is queued. Pekko's own start-up
   * submits from its threads, so this may wait for them, up to {@code waitNanos} of wall-clock time
   * (the runtime's, never a world's).
   */
  void pumpUnrecorded(BooleanSupplier done, int maxRuns, long waitNanos, String what) {
    int runs = 0;
    long deadline = System.nanoTime() + waitNanos;
    while (true) {
      Runnable f;
      while ((f = foreign.poll()) != null) {
        Slot slot = f instanceof Mailbox m ? slot(m) : null;
        if (slot != null) {
          insert(slot);
        } else {
          tasks.add(f);
        }
      }
      runTasks();
      if (readyCount > 0) {
        take(0).mailbox.run();
        if (++runs > maxRuns) {
          throw new IllegalStateException(what + " did not settle within " + maxRuns + " runs");
        }
      } else if (done.getAsBoolean()) {
        return;
      } else if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + " did not settle: nothing left to run");
      } else {
        Thread.onSpinWait();
      }
    }
  }

  // ---- the virtual clock ----

  long nowNanos() {
    return nowNanos;
  }

  VirtualTimer schedule(long delayNanos, long intervalNanos, Runnable task) {
    VirtualTimer t =
        new VirtualTimer(this, VirtualTimer.after(nowNanos, delayNanos), intervalNanos, timerSerial++, task);
    timers.add(t);
    timersTouched();
    return t;
  }

  boolean hasTimer() {
    VirtualTimer t;
    while ((t = timers.peek()) != null && t.isCancelled()) {
      timers.poll();
    }
    return t != null;
  }

  long nextTimerDue() {
    return hasTimer() ? timers.peek().dueNanos : Long.MAX_VALUE;
  }

  /** Jumps the clock to the earliest live timer and runs it; a periodic timer is registered again. */
  VirtualTimer fireNextTimer() {
    if (!hasTimer()) {
      throw new IllegalStateException("no timer to fire");
    }
    VirtualTimer t = timers.poll();
    nowNanos = Math.max(nowNanos, t.dueNanos);
    if (t.intervalNanos > 0) {
      timers.add(t.next(timerSerial++));
    } else {
      t.markFired();
    }
    t.task.run();
    return t;
  }

  /** Ends a world's time: drops its timers (running those Pekko asks to run on close) and resets. */
  void resetClock() {
    for (VirtualTimer t : timers) {
      if (!t.isCancelled() && t.task instanceof org.apache.pekko.actor.Scheduler.TaskRunOnClose) {
        t.task.run();
      }
    }
    timers.clear();
    nowNanos = 0;
    timerSerial = 0;
  }
}
