package kernsim.actors.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import kernsim.actors.Monitor;
import org.junit.jupiter.api.Test;

/** The order a stress world's monitors see: per emitter in program order, causes before effects, one at a time. */
class StressWorldTest {
  record Obs(int thread, int index) {}

  record Effect(int cause) {}

  private static final class Sink implements StressWorld.Sink {
    volatile boolean ended;

    @Override
    public void observed(StressWorld world, Object observation) {}

    @Override
    public void failed(StressWorld world, String oracle, String message) {
      throw new AssertionError(oracle + ": " + message);
    }

    @Override
    public void ended(StressWorld world) {
      ended = true;
    }
  }

  @Test
  void monitorsSeeEachEmittersOrderAndCausesFirstNeverTwoAtOnce() throws Exception {
    int threads = 8;
    int each = 20_000;
    List<Object> seen = new ArrayList<>();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Monitor m = new Monitor() {
      @Override
      public String name() {
        return "order";
      }

      @Override
      public void onObservation(Object o, Verdict v) {
        if (inside.incrementAndGet() != 1) {
          overlaps.incrementAndGet();
        }
        seen.add(o);
        inside.decrementAndGet();
      }
    };
    Sink sink = new Sink();
    StressWorld w = new StressWorld("r0.0", 1.0, new Chaos(1, false), sink);
    w.monitors(List.of(m));
    // Thread t's emit (t, i) happens before thread t+1's Effect(i): a hand-off through a latch per pair.
    CountDownLatch[][] handoff = new CountDownLatch[threads][each];
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i++) {
        handoff[t][i] = new CountDownLatch(1);
      }
    }
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int me = t;
      ts.add(new Thread(() -> {
        for (int i = 0; i < each; i++) {
          w.emit(new Obs(me, i));
          if (me == 0 && i % 100 == 0) {
            handoff[0][i].countDown(); // "a send" after the emit
          }
          if (me == 1 && i % 100 == 0) {
            try {
              handoff[0][i].await(); // "the receive": what it causes comes after
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            w.emit(new Effect(i));
          }
        }
      }));
    }
    ts.forEach(Thread::start);
    for (Thread t : ts) {
      t.join();
    }
    w.end();
    assertTrue(sink.ended);
    assertEquals(0, overlaps.get(), "monitors ran on two threads at once");
    assertEquals(threads * each + each / 100, seen.size());
    int[] next = new int[threads];
    boolean[] causeSeen = new boolean[each];
    for (Object o : seen) {
      if (o instanceof Obs x) {
        assertEquals(next[x.thread()], x.index(), "thread " + x.thread() + "'s emits out of order");
        next[x.thread()]++;
        if (x.thread() == 0) {
          causeSeen[x.index()] = true;
        }
      } else if (o instanceof Effect e) {
        assertTrue(causeSeen[e.cause()], "an effect came before its cause " + e.cause());
      }
    }
  }
}
