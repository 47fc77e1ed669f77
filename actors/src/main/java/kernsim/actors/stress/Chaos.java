package kernsim.actors.stress;

import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Stress mode's jitter at lock-region boundaries, in the manner of rr's chaos mode: on each boundary a
 * thread yields with probability 1/4 and sleeps 1–200 µs with probability 1/32. Each thread draws from
 * its own generator, seeded from the run's seed and the thread's id, so no draw is shared or locked.
 * (Which thread runs which actor is up to the OS and Pekko: a stress run is not reproducible; a
 * finding becomes one by the pin-down, see docs/stress.md.)
 */
public final class Chaos {
  private final long seed;
  private final ThreadLocal<SplittableRandom> random;
  private final boolean on;

  public Chaos(long seed, boolean on) {
    this.seed = seed;
    this.on = on;
    this.random = ThreadLocal.withInitial(() -> new SplittableRandom(mix(seed ^ Thread.currentThread().getId())));
  }

  public boolean on() {
    return on;
  }

  public long seed() {
    return seed;
  }

  /** This thread's generator (also what a stress world's {@code nextInt} draws from). */
  SplittableRandom random() {
    return random.get();
  }

  void boundary() {
    if (!on) {
      return;
    }
    SplittableRandom r = random.get();
    int x = r.nextInt(32);
    if (x == 0) {
      LockSupport.parkNanos(1_000 + r.nextInt(199_000));
    } else if (x < 8) {
      Thread.yield();
    }
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
