package kernsim.fs.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import kernsim.actors.Failure;
import kernsim.actors.Simulator;
import kernsim.dev.code.Code;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Offset: an open file description's position and the lock that guards it. */
class OffsetTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** The lock is granted with the position itself (a Long); as a procedure result, Ok(position). */
  private static Code lock(ActorRef<Offset.Command> pos) {
    return Code.ask(pos, Offset.Lock::new, "lock position", v -> Code.ok(v));
  }

  private static Code unlock(ActorRef<Offset.Command> pos, long to) {
    return Code.call(pos, r -> new Offset.Unlock(to, r), "unlock position", Code::done);
  }

  @Test
  void theLockGrantsThePositionAndUnlockStoresTheNewOne() {
    Harness.Outcome o = Harness.hart(sim, env -> {
      ActorRef<Offset.Command> pos = env.openFile(env.file("f", "abc"), Uapi.O_RDWR).offset();
      return List.<Supplier<Code>>of(() -> lock(pos), () -> unlock(pos, 42), () -> lock(pos), () -> unlock(pos, 7));
    });
    assertEquals(0L, ((kernsim.dev.SysResult.Ok) o.result(0)).value(), "a new description starts at 0");
    assertEquals(42L, ((kernsim.dev.SysResult.Ok) o.result(2)).value());
  }

  @Test
  void aSecondHartQueuesForAHeldPositionAndAForgottenUnlockIsADeadlock() {
    // hart-1 takes the lock and never gives it back; hart-2 waits for it forever.
    Harness.Outcome o = Harness.harts(sim, env -> {
      ActorRef<Offset.Command> pos = env.openFile(env.file("f", "abc"), Uapi.O_RDWR).offset();
      return List.of(List.<Supplier<Code>>of(() -> lock(pos)), List.<Supplier<Code>>of(() -> lock(pos)));
    });
    Failure.Deadlock d = assertInstanceOf(Failure.Deadlock.class, o.run().failure().orElseThrow());
    assertTrue(d.describe().contains("lock position"), d.describe());
    assertEquals(1, o.perHart().stream().mapToInt(List::size).sum(), "only the first lock was granted");
  }
}
