package kernsim.actors.stress;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** A stress system's worlds run on real threads, their timers in real time scaled down. */
class StressSystemTest {
  @Test
  void aWorldsTimerFiresAfterItsScaledDelay() throws Exception {
    CountDownLatch fired = new CountDownLatch(1);
    try (StressSystem system = new StressSystem(0.001)) {
      // 20 s of model time at scale 0.001: 20 ms of real time.
      system.start("r0.0", Behaviors.<String>setup(ctx -> {
        ctx.scheduleOnce(Duration.ofSeconds(20), ctx.getSelf(), "tick");
        return Behaviors.receiveMessage(m -> {
          fired.countDown();
          return Behaviors.same();
        });
      }));
      // Unscaled it would take 20 s: firing within 10 s is the scale at work, however loaded the machine.
      assertTrue(fired.await(10, TimeUnit.SECONDS), "the timer did not fire within 10 s");
    }
  }
}
