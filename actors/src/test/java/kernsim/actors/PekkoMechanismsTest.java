package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kernsim.actors.examples.PingPong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each Pekko mechanism a model may use either goes through the controller and keeps runs
 * deterministic (message adapters, stash, death watch, spawn/stop), or is caught when it leaves it
 * (the Java DSL's pipeToSelf and ask complete on another thread). Actor exceptions are failures.
 */
class PekkoMechanismsTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static WorldSpec spec(String name, java.util.function.Function<World, Behavior<?>> root, List<Object> seen) {
    return VirtualTimeTest.spec(name, root, seen);
  }

  /**
   * Same seed twice (in two Simulators, so every actor's uid differs): same log, same observations,
   * and no failure. Leaves the first run's observations in {@code seen}.
   */
  private static RunResult deterministic(WorldSpec spec, long seed, List<Object> seen) {
    seen.clear();
    RunResult a = sim.run(spec, new RandomStrategy(seed), RunOptions.DEFAULT, seed, 0);
    assertFalse(a.failed(), a.outcome());
    List<Object> first = List.copyOf(seen);
    seen.clear();
    try (Simulator other = Simulator.create()) {
      RunResult b = other.run(spec, new RandomStrategy(seed), RunOptions.DEFAULT, seed, 0);
      assertEquals(a.log().lines(), b.log().lines());
    }
    assertEquals(first, seen);
    seen.clear();
    seen.addAll(first);
    return a;
  }

  record Query(int n, ActorRef<Integer> replyTo) {}

  record Answer(int n) {}

  @Test
  void messageAdaptersStayOnTheController() {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("adapter", w -> Behaviors.setup(ctx -> {
      ActorRef<Query> server = ctx.spawn(Behaviors.receive(Query.class).onMessage(Query.class, q -> {
        q.replyTo().tell(q.n() * 2);
        return Behaviors.same();
      }).build(), "server");
      ctx.spawn(Behaviors.<Answer>setup(c -> {
        ActorRef<Integer> adapter = c.messageAdapter(Integer.class, Answer::new);
        for (int i = 1; i <= 3; i++) {
          server.tell(new Query(i, adapter));
        }
        return Behaviors.receive(Answer.class).onMessage(Answer.class, a -> {
          w.emit(a.n());
          return Behaviors.same();
        }).build();
      }), "client");
      return Behaviors.empty();
    }), seen);
    for (long seed = 0; seed < 5; seed++) {
      RunResult r = deterministic(spec, seed, seen);
      assertEquals(List.of(2, 4, 6), seen);
      assertTrue(r.log().lines().stream().noneMatch(l -> l.contains("$$Lambda")), "no per-JVM names in the log");
    }
  }

  @Test
  void stashIsDeterministic() {
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("stash", w -> Behaviors.setup(ctx -> {
      ActorRef<String> gate = ctx.spawn(Behaviors.<String>withStash(10, stash ->
          Behaviors.receive(String.class).onAnyMessage(m -> {
            if (!m.equals("open")) {
              stash.stash(m);
              return Behaviors.same();
            }
            return stash.unstashAll(Behaviors.receive(String.class).onAnyMessage(x -> {
              w.emit(x);
              return Behaviors.same();
            }).build());
          }).build()), "gate");
      for (String s : List.of("one", "two", "three")) {
        gate.tell(s);
      }
      ctx.spawn(Behaviors.setup(c -> {
        gate.tell("open");
        return Behaviors.empty();
      }), "opener");
      return Behaviors.empty();
    }), seen);
    for (long seed = 0; seed < 5; seed++) {
      deterministic(spec, seed, seen);
      assertEquals(List.of("one", "two", "three"), seen.subList(0, 3));
    }
  }

  @Test
  void deathWatchNotificationsAreOrderedByKeyNotByUid() {
    // One actor watched by three: Pekko notifies watchers in the order of a HashSet of refs (random
    // uids); the controller orders the runnable watchers by key, so the log is the same every time.
    List<Object> seen = new ArrayList<>();
    WorldSpec spec = spec("watch", w -> Behaviors.setup(ctx -> {
      ActorRef<String> target = ctx.spawn(Behaviors.receive(String.class)
          .onAnyMessage(m -> Behaviors.stopped()).build(), "target");
      for (int i = 1; i <= 3; i++) {
        ctx.spawn(Behaviors.<String>setup(c -> {
          c.watch(target);
          return Behaviors.receive(String.class).onSignal(Terminated.class, t -> {
            w.emit(c.getSelf().path().name());
            return Behaviors.same();
          }).build();
        }), "watcher-" + i);
      }
      target.tell("stop");
      return Behaviors.empty();
    }), seen);
    for (long seed = 0; seed < 5; seed++) {
      deterministic(spec, seed, seen);
      assertEquals(3, seen.size());
    }
  }

  @Test
  void anActorThatThrowsFailsTheRun() {
    WorldSpec spec = spec("bomb", w -> Behaviors.setup(ctx -> {
      ActorRef<String> bomb = ctx.spawn(Behaviors.receive(String.class).onAnyMessage(m -> {
        throw new IllegalStateException("boom on " + m);
      }).build(), "bomb");
      bomb.tell("fuse");
      return Behaviors.empty();
    }), new ArrayList<>());
    RunResult r = sim.run(spec, new RandomStrategy(1), RunOptions.DEFAULT, 1, 0);
    Failure.UnexpectedException e = assertInstanceOf(Failure.UnexpectedException.class, r.failure().orElseThrow());
    assertEquals("world/bomb", e.actor());
    assertEquals("java.lang.IllegalStateException", e.exception());
    assertEquals("boom on fuse", e.message());
  }

  /** A rally that keeps the world stepping long after a foreign thread's callback arrives. */
  private static void keepBusy(org.apache.pekko.actor.typed.javadsl.ActorContext<?> ctx) {
    ActorRef<PingPong.Ball> ping = ctx.spawn(PingPong.player(), "ping");
    ActorRef<PingPong.Ball> pong = ctx.spawn(PingPong.player(), "pong");
    pong.tell(new PingPong.Ball(Integer.MAX_VALUE, ping));
  }

  private static Failure.UnexpectedException runUntilCaught(WorldSpec spec) {
    RunResult r = sim.run(spec, new RandomStrategy(1), new RunOptions(Integer.MAX_VALUE, true), 1, 0);
    return assertInstanceOf(Failure.UnexpectedException.class, r.failure().orElseThrow());
  }

  record Piped(int value) {}

  @Test
  void theJavaDslsPipeToSelfIsCaughtLeavingTheController() {
    // The future completes on the common pool, a foreign thread, while a long ping-pong keeps the
    // world busy: the controller must see that submission and fail the run.
    WorldSpec spec = spec("pipe", w -> Behaviors.setup(ctx -> {
      ctx.spawn(Behaviors.<Piped>setup(c -> {
        CompletableFuture<Integer> later = CompletableFuture.supplyAsync(() -> 7,
            CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        c.pipeToSelf(later, (v, ex) -> new Piped(v));
        return Behaviors.receive(Piped.class).onAnyMessage(m -> Behaviors.same()).build();
      }), "piper");
      keepBusy(ctx);
      return Behaviors.empty();
    }), new ArrayList<>());
    Failure.UnexpectedException e = runUntilCaught(spec);
    assertEquals("(runtime)", e.actor());
    assertEquals("NondeterministicSubmission", e.exception());
  }

  record Question(ActorRef<Integer> replyTo) {}

  record Asked(Object value) {}

  @Test
  void theJavaDslsAskIsCaughtLeavingTheController() {
    WorldSpec spec = spec("ask", w -> Behaviors.setup(ctx -> {
      ActorRef<Question> server = ctx.spawn(Behaviors.receive(Question.class).onMessage(Question.class, q -> {
        q.replyTo().tell(1);
        return Behaviors.same();
      }).build(), "server");
      ctx.spawn(Behaviors.<Asked>setup(c -> {
        c.ask(Integer.class, server, Duration.ofSeconds(1), Question::new, (v, ex) -> new Asked(v));
        return Behaviors.receive(Asked.class).onAnyMessage(m -> Behaviors.same()).build();
      }), "client");
      keepBusy(ctx);
      return Behaviors.empty();
    }), new ArrayList<>());
    Failure.UnexpectedException e = runUntilCaught(spec);
    assertEquals("NondeterministicSubmission", e.exception());
  }

  @Test
  void closingSimulatorsLeaksNoThreads() {
    try (Simulator warm = Simulator.create()) {
      warm.run(PingPong.spec(10), new RandomStrategy(1), RunOptions.DEFAULT, 1, 0);
    }
    var threads = ManagementFactory.getThreadMXBean();
    int before = threads.getThreadCount();
    for (int i = 0; i < 5; i++) {
      try (Simulator s = Simulator.create()) {
        s.run(PingPong.spec(10), new RandomStrategy(i), RunOptions.DEFAULT, i, 0);
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(20))
        .until(() -> threads.getThreadCount() <= before + 2);
  }
}
