package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The wait-for graph is a multigraph: an actor may wait on several others, and cycles are found through any edge. */
class WaitForTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static RunResult waits(boolean closeTheCycle, boolean clearOne) {
    WorldSpec spec = WorldSpec.of("waits", "test/1", "waits", w -> Behaviors.setup(ctx -> {
      ActorRef<Void> a = ctx.spawn(Behaviors.empty(), "a");
      ActorRef<Void> b = ctx.spawn(Behaviors.empty(), "b");
      ActorRef<Void> c = ctx.spawn(Behaviors.empty(), "c");
      w.waitFor(a, b, "x held"); // leads nowhere
      w.waitFor(a, c, "y held");
      if (closeTheCycle) {
        w.waitFor(c, a, "reply");
      }
      if (clearOne) {
        w.stopWaiting(a, "y held");
        w.stopWaiting(a, "x held");
        w.stopWaiting(c);
      }
      return Behaviors.empty();
    }), x -> List.of());
    return sim.run(spec, new RandomStrategy(1), RunOptions.DEFAULT, 1, 0);
  }

  @Test
  void aCycleThroughAnActorsSecondEdgeIsFound() {
    Failure.Deadlock d = assertInstanceOf(Failure.Deadlock.class, waits(true, false).failure().orElseThrow());
    assertEquals(List.of(new Failure.WaitEdge("world/a", "world/c", "y held"),
        new Failure.WaitEdge("world/c", "world/a", "reply")), d.cycle());
    assertEquals(3, d.waiting().size());
  }

  @Test
  void waitsWithoutACycleAreReportedAsStuck() {
    Failure.Deadlock d = assertInstanceOf(Failure.Deadlock.class, waits(false, false).failure().orElseThrow());
    assertEquals(List.of(), d.cycle());
    assertEquals("stuck, no cycle: world/a -> world/b (x held), world/a -> world/c (y held)", d.describe());
  }

  @Test
  void clearedEdgesAreGone() {
    assertFalse(waits(true, true).failed());
  }
}
