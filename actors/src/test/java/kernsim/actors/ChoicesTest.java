package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Booleans and bounded integers a model draws go through the same recording API as scheduling. */
class ChoicesTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** An actor that draws a back-off like systemd's (10..250) and a coin, then reports both. */
  static WorldSpec drawing(List<Object> seen) {
    return VirtualTimeTest.spec("draw", w -> Behaviors.setup(ctx -> {
      ctx.spawn(Behaviors.<String>setup(c -> {
        for (int i = 0; i < 3; i++) {
          w.emit((10 + w.nextInt(241)) + (w.nextBoolean() ? "H" : "T"));
        }
        return Behaviors.empty();
      }), "drawer");
      return Behaviors.empty();
    }), seen);
  }

  @Test
  void modelChoicesComeFromTheSeedAndReplay() throws Exception {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = drawing(seen);
    Set<List<Object>> distinct = new HashSet<>();
    for (long seed = 0; seed < 10; seed++) {
      seen.clear();
      RunResult r = sim.run(spec, new RandomStrategy(seed), RunOptions.DEFAULT, seed, 0);
      List<Object> drawn = List.copyOf(seen);
      distinct.add(drawn);
      seen.clear();
      assertTrue(sim.replay(spec, r.trace()).confirmed());
      assertEquals(drawn, seen, "the replay draws the same values");
    }
    assertTrue(distinct.size() > 5, "seeds drive the draws: " + distinct.size() + " distinct of 10");
  }

  @Test
  void aModelThatDrawsDifferentlyDivergesWhereItDraws() throws Exception {
    List<Object> seen = new ArrayList<>();
    RunResult r = sim.run(drawing(seen), new RandomStrategy(1), RunOptions.DEFAULT, 1, 0);
    // Same name and text (so the header matches), but the model now asks for a boolean first.
    WorldSpec changed = WorldSpec.of("draw", "test/1", "draw", w -> Behaviors.setup(ctx -> {
      ctx.spawn(Behaviors.<String>setup(c -> {
        w.nextBoolean();
        return Behaviors.empty();
      }), "drawer");
      return Behaviors.empty();
    }), w -> List.of());
    Failure.ReplayDivergence d = assertInstanceOf(Failure.ReplayDivergence.class,
        sim.replay(changed, r.trace()).run().failure().orElseThrow());
    assertTrue(d.expected().startsWith("an integer choice"), d.expected());
    assertEquals("a boolean choice", d.found());
  }

  @Test
  void choicesOutsideARunningWorldAreRefused() {
    List<World> leaked = new ArrayList<>();
    WorldSpec spec = WorldSpec.of("leak", "test/1", "leak", w -> {
      leaked.add(w);
      return Behaviors.empty();
    }, w -> List.of());
    sim.run(spec, new RandomStrategy(1), RunOptions.DEFAULT, 1, 0);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> leaked.get(0).nextBoolean());
    assertEquals("World.nextBoolean must be called by an actor of a running world", e.getMessage());
  }
}
