package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Timers run on a virtual clock: ordered by due time then registration, never sleeping, explorable. */
class VirtualTimeTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** A monitor that only collects observations, for the test to read. */
  static WorldSpec spec(String name, java.util.function.Function<World, Behavior<?>> root, List<Object> seen) {
    return WorldSpec.of(name, "test/1", name, root, w -> List.of(Monitor.recorder(seen)));
  }

  @Test
  void timersFireByDueTimeThenRegistrationOrderWithoutSleeping() {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("timers", w -> Behaviors.<String>withTimers(timers -> {
      timers.startSingleTimer("late", "late", Duration.ofHours(1));
      timers.startSingleTimer("b", "b", Duration.ofMillis(10));
      timers.startSingleTimer("c", "c", Duration.ofMillis(10));
      timers.startSingleTimer("a", "a", Duration.ofMillis(5));
      return Behaviors.receive(String.class).onAnyMessage(m -> {
        w.emit(m + "@" + TimeUnit.NANOSECONDS.toMillis(w.nanoTime()));
        return Behaviors.same();
      }).build();
    }), seen);
    RunOptions timersWhenIdle = new RunOptions(10_000, false);
    for (long seed = 0; seed < 5; seed++) {
      seen.clear();
      RunResult r = sim.run(spec, new RandomStrategy(seed), timersWhenIdle, seed, 0);
      assertFalse(r.failed(), r.outcome());
      assertEquals(List.of("a@5", "b@10", "c@10", "late@3600000"), seen);
      assertEquals(TimeUnit.HOURS.toNanos(1), r.endNanos());
    }
    // With the clock a choice at every step, a fired timer's message may wait while the clock moves
    // on, but timers still fire in the same order.
    for (long seed = 0; seed < 5; seed++) {
      seen.clear();
      RunResult r = sim.run(spec, new RandomStrategy(seed), RunOptions.DEFAULT, seed, 0);
      assertFalse(r.failed(), r.outcome());
      assertEquals(List.of("a", "b", "c", "late"), seen.stream().map(o -> o.toString().split("@")[0]).toList());
    }
  }

  @Test
  void periodicTimersAndCancellationFollowTheVirtualClock() {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("ticks", w -> Behaviors.<String>withTimers(timers -> {
      timers.startTimerAtFixedRate("tick", "tick", Duration.ofMillis(100));
      int[] n = {0};
      return Behaviors.receive(String.class).onAnyMessage(m -> {
        w.emit(TimeUnit.NANOSECONDS.toMillis(w.nanoTime()));
        if (++n[0] == 3) {
          timers.cancel("tick");
        }
        return Behaviors.same();
      }).build();
    }), seen);
    RunResult r = sim.run(spec, new RandomStrategy(1), new RunOptions(10_000, false), 1, 0);
    assertFalse(r.failed(), r.outcome());
    assertEquals(List.of(100L, 200L, 300L), seen);
  }

  // A client asks a server and arms a 10 ms time-out; whichever comes first wins.
  record Request(ActorRef<Object> replyTo) {}

  enum Reply { INSTANCE }

  enum Timeout { INSTANCE }

  static Behavior<?> race(World w) {
    return Behaviors.setup(ctx -> {
      ActorRef<Request> server = ctx.spawn(Behaviors.receive(Request.class).onMessage(Request.class, r -> {
        r.replyTo().tell(Reply.INSTANCE);
        return Behaviors.same();
      }).build(), "server");
      ctx.spawn(Behaviors.<Object>withTimers(timers -> Behaviors.setup(c -> {
        server.tell(new Request(c.getSelf()));
        timers.startSingleTimer("t", Timeout.INSTANCE, Duration.ofMillis(10));
        boolean[] done = {false};
        return Behaviors.receive(Object.class).onAnyMessage(m -> {
          if (!done[0]) {
            done[0] = true;
            w.emit(m);
          }
          return Behaviors.same();
        }).build();
      })), "client");
      return Behaviors.empty();
    });
  }

  private Set<Object> outcomes(StrategyKind kind, boolean clockChoices) {
    Set<Object> outcomes = new HashSet<>();
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("race", VirtualTimeTest::race, seen);
    ExploreOptions o = new ExploreOptions(kind, 3, 1, 2, 16, new RunOptions(10_000, clockChoices));
    for (long seed = 0; seed < 40; seed++) {
      seen.clear();
      Strategy s = kind == StrategyKind.RANDOM ? new RandomStrategy(seed) : new PctStrategy(seed, 2, 16);
      RunResult r = sim.run(spec, s, o.run(), seed, 0);
      assertFalse(r.failed(), r.outcome());
      outcomes.add(seen.get(0));
    }
    return outcomes;
  }

  @Test
  void randomExploresATimeoutOvertakingTheReply() {
    assertEquals(Set.of(Reply.INSTANCE, Timeout.INSTANCE), outcomes(StrategyKind.RANDOM, true));
  }

  @Test
  void withoutClockChoicesTimersFireOnlyWhenNothingElseCanRun() {
    assertEquals(Set.of(Reply.INSTANCE), outcomes(StrategyKind.RANDOM, false));
  }

  @Test
  void pctGivesTheClockTheLowestPriority() {
    assertEquals(Set.of(Reply.INSTANCE), outcomes(StrategyKind.PCT, true));
  }

  @Test
  void aClockChoiceReplays() throws Exception {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("race", VirtualTimeTest::race, seen);
    for (long seed = 0; seed < 40; seed++) {
      seen.clear();
      RunResult r = sim.run(spec, new RandomStrategy(seed), RunOptions.DEFAULT, seed, 0);
      if (seen.get(0) == Timeout.INSTANCE) {
        seen.clear();
        ReplayResult again = sim.replay(spec, r.trace());
        assertTrue(again.confirmed());
        assertEquals(Timeout.INSTANCE, seen.get(0));
        return;
      }
    }
    throw new AssertionError("no seed in 0..39 let the time-out win");
  }
}
