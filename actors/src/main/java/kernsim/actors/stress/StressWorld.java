package kernsim.actors.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import kernsim.actors.Keys;
import kernsim.actors.Monitor;
import kernsim.actors.World;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One round of one replica on real threads: a {@link World} whose time is real (scaled), whose choices
 * come from the calling thread's generator, and whose monitors see observations in one order
 * consistent with happens-before.
 *
 * <p><b>The order monitors see.</b> {@link #emit} appends the observation to this world's lock-free
 * queue ({@link ConcurrentLinkedQueue}, a linearizable FIFO built on CAS) and returns; whichever emitting
 * thread finds the queue idle drains it, calling the monitors one observation at a time (the
 * queue-drain pattern: an atomic work counter, no lock, nobody waits). The delivery order is the queue's
 * linearization order, and a linearizable queue orders two appends the way real time does when one
 * returns before the other starts. Happens-before implies exactly that: two emits of one actor run one
 * after the other in its handlers; an emit before a send returns before the send, and the receiver's
 * handler (where any emit the message causes runs) starts after Pekko's mailbox hands the message over.
 * So one actor's emits stay in order, and an emit before a send comes before every emit it causes.
 * Observations of concurrent steps come in the order their appends took effect. Monitors never run on
 * two threads at once, and each world has its own queue: no lock is shared across worlds or held
 * by an emitter.
 */
public final class StressWorld implements World {
  /** What a stress run learns from a world, called on the thread that drains it, in delivery order. */
  public interface Sink {
    /** Every observation, just before the monitors see it. */
    void observed(StressWorld world, Object observation);

    /** A monitor failed the world (the first failure only). */
    void failed(StressWorld world, String oracle, String message);

    /** The monitors' end-of-run checks ran after {@link #end()}. */
    void ended(StressWorld world);
  }

  private static final Object END = new Object() {
    @Override
    public String toString() {
      return "(end)";
    }
  };

  /** What monitors are told as the emitting actor: a stress world does not know it. */
  public static final String NO_ACTOR = "(stress)";

  private final String name;
  private final long startNanos;
  private final double scale;
  private final Chaos chaos;
  private final Sink sink;
  private List<Monitor> monitors = List.of();
  private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger work = new AtomicInteger();
  private final ConcurrentHashMap<Edge, ActorRef<?>> waits = new ConcurrentHashMap<>();

  private record Edge(ActorRef<?> waiter, String what) {}
  /** Set by the drainer only. */
  private boolean failed;
  private volatile boolean ended;

  private final long seed;

  public StressWorld(String name, double scale, Chaos chaos, Sink sink) {
    this(name, 0L, scale, chaos, sink);
  }

  /** A world whose {@link #seed()} is {@code seed} (its faults' draws: one world per replica and round). */
  public StressWorld(String name, long seed, double scale, Chaos chaos, Sink sink) {
    this.seed = seed;
    this.name = name;
    this.scale = scale;
    this.chaos = chaos;
    this.sink = sink;
    this.startNanos = System.nanoTime();
  }

  /** The monitors (fresh for this world); set before the world's root starts. */
  public void monitors(List<Monitor> monitors) {
    this.monitors = List.copyOf(monitors);
  }

  /** The name of the world's actor tree below {@code /user}. */
  public String name() {
    return name;
  }

  public boolean ended() {
    return ended;
  }

  /** Runs the monitors' end-of-run checks after every observation already emitted. */
  public void end() {
    deliver(END);
  }

  @Override
  public long seed() {
    return seed;
  }

  @Override
  public boolean nextBoolean() {
    return chaos.random().nextBoolean();
  }

  @Override
  public int nextInt(int bound) {
    return chaos.random().nextInt(bound);
  }

  @Override
  public long nanoTime() {
    return (long) ((System.nanoTime() - startNanos) / scale);
  }

  @Override
  public void emit(Object observation) {
    deliver(observation);
  }

  private void deliver(Object o) {
    queue.offer(o);
    if (work.getAndIncrement() != 0) {
      return; // the thread draining now will see it
    }
    int missed = 1;
    do {
      Object x;
      while ((x = queue.poll()) != null) {
        judge(x);
      }
      missed = work.addAndGet(-missed);
    } while (missed != 0);
  }

  private void judge(Object o) {
    if (o == END) {
      if (!failed) {
        for (Monitor m : monitors) {
          m.onEnd(msg -> fail(m, msg));
          if (failed) {
            break;
          }
        }
      }
      ended = true;
      sink.ended(this);
      return;
    }
    sink.observed(this, o); // first, so that a violation's report includes the observation that caused it
    if (!failed) {
      for (Monitor m : monitors) {
        m.onObservation(o, NO_ACTOR, msg -> fail(m, msg));
        if (failed) {
          break;
        }
      }
    }
  }

  private void fail(Monitor m, String message) {
    if (!failed) {
      failed = true;
      sink.failed(this, m.name(), message);
    }
  }

  @Override
  public void waitFor(ActorRef<?> waiter, ActorRef<?> on, String what) {
    waits.put(new Edge(waiter, what), on);
  }

  @Override
  public void stopWaiting(ActorRef<?> waiter, String what) {
    waits.remove(new Edge(waiter, what));
  }

  @Override
  public void stopWaiting(ActorRef<?> waiter) {
    waits.keySet().removeIf(e -> e.waiter().equals(waiter));
  }

  /** The wait-for edges now, sorted ("world/hart-1 lo_mutex -> world/loop0"), for a hang's report. */
  public List<String> waits() {
    Map<String, String> sorted = new TreeMap<>();
    waits.forEach((e, on) -> sorted.put(keyOf(e.waiter()) + " " + e.what(), keyOf(on)));
    List<String> out = new ArrayList<>();
    sorted.forEach((k, v) -> out.add(k + " -> " + v));
    return out;
  }

  @Override
  public void regionBoundary(String what) {
    chaos.boundary();
  }

  /** Keys as a controlled world has them: {@code /user/r3.7/world/hart-1} is {@code world/hart-1}. */
  @Override
  public String keyOf(ActorRef<?> ref) {
    String k = Keys.of(ref);
    int slash = k.indexOf('/');
    return slash < 0 || !k.startsWith(name + "/") ? k : k.substring(slash + 1);
  }
}
