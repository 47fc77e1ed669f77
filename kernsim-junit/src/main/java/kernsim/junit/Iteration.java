package kernsim.junit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import kernsim.actors.Monitor;
import kernsim.actors.World;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One schedule of an {@link ActorTest}: the world's root actor and the test method's thread, taking turns.
 *
 * <p>The root's first step starts the test thread and serves its calls ({@link ActorWorld#spawn} and the
 * like run inside that step) until the test asks to run the world; the root then arms a sentinel timer
 * {@link ActorWorld#HORIZON} ahead and returns. Worlds run with clock choices off, so the clock moves only
 * when no actor can: the sentinel fires at quiescence, and the root serves the test again. Exactly one of
 * the two threads runs at a time, so the test's calls land in the same steps on every run of a schedule.
 */
final class Iteration {
  /** The root's protocol. */
  sealed interface RootCommand {}

  /** The sentinel: the world was quiescent up to the horizon. */
  enum Quiescent implements RootCommand {
    INSTANCE
  }

  /** What the test thread asks of the root. */
  private sealed interface Op {}

  private record Call(Function<ActorContext<RootCommand>, Object> fn) implements Op {}

  private enum RunOp implements Op {
    INSTANCE
  }

  private record Finished(Throwable failure) implements Op {}

  /** What the root answers. */
  private record Value(Object value) {}

  private record Thrown(Throwable error) {}

  private enum Signal {
    RESUMED,
    ABORTED
  }

  /** The test failed: what the {@code test} monitor reports. */
  record TestFailed(Throwable failure) {}

  /** Thrown on the test thread when the world ended (an actor failed, the step bound) while it waited. */
  static final class WorldEnded extends Error {
    WorldEnded() {
      super("the world ended while the test waited for it (see the schedule's failure)", null, false, false);
    }
  }

  private static final Object NO_REPLY = new Object();

  private final World world;
  private final Method method;
  private final Object instance;
  private final LinkedBlockingQueue<Op> ops = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
  private Thread testThread;
  private volatile Throwable failure;
  private volatile boolean aborted;
  private int asks;

  Iteration(World world, Method method, Object instance) {
    this.world = world;
    this.method = method;
    this.instance = instance;
  }

  World world() {
    return world;
  }

  /** What the test method threw, if it did. */
  Throwable failure() {
    return failure;
  }

  Behavior<RootCommand> root() {
    return Behaviors.setup(ctx -> {
      testThread = new Thread(this::body, "kernsim-actor-test");
      testThread.setDaemon(true);
      testThread.start();
      serve(ctx);
      return Behaviors.receive(RootCommand.class)
          .onMessageEquals(Quiescent.INSTANCE, () -> {
            answers.add(Signal.RESUMED);
            serve(ctx);
            return Behaviors.same();
          })
          .build();
    });
  }

  Monitor monitor() {
    return new Monitor() {
      @Override
      public String name() {
        return "test";
      }

      @Override
      public void onObservation(Object observation, Verdict verdict) {
        if (observation instanceof TestFailed f) {
          verdict.fail(describe(f.failure()));
        }
      }
    };
  }

  static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getName() + (m == null ? "" : ": " + m);
  }

  // ---- the root's side (the controller thread) ----

  private void serve(ActorContext<RootCommand> ctx) throws InterruptedException {
    while (true) {
      Op op = ops.take();
      if (op instanceof Call c) {
        Object answer;
        try {
          answer = new Value(c.fn().apply(ctx));
        } catch (RuntimeException | Error e) {
          answer = new Thrown(e);
        }
        answers.add(answer);
      } else if (op == RunOp.INSTANCE) {
        ctx.scheduleOnce(ActorWorld.HORIZON, ctx.getSelf(), Quiescent.INSTANCE);
        return;
      } else if (op instanceof Finished f) {
        if (f.failure() != null) {
          failure = f.failure();
          world.emit(new TestFailed(f.failure()));
        }
        return;
      }
    }
  }

  // ---- the test's side ----

  private void body() {
    Throwable thrown = null;
    try {
      method.invoke(instance, new ActorWorld(this));
    } catch (InvocationTargetException e) {
      thrown = e.getCause();
    } catch (IllegalAccessException | RuntimeException e) {
      thrown = e;
    } catch (Error e) {
      thrown = e;
    }
    if (thrown instanceof WorldEnded || aborted) {
      return; // nobody serves any more
    }
    ops.add(new Finished(thrown));
  }

  private void checkTestThread() {
    if (Thread.currentThread() != testThread) {
      throw new IllegalStateException("ActorWorld is used from thread '" + Thread.currentThread().getName()
          + "': call it only from the @ActorTest method's own thread");
    }
  }

  private Object await() {
    Object a;
    try {
      a = answers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WorldEnded();
    }
    if (a == Signal.ABORTED) {
      throw new WorldEnded();
    }
    return a;
  }

  @SuppressWarnings("unchecked")
  <T> T call(Function<ActorContext<RootCommand>, T> fn) {
    checkTestThread();
    ops.add(new Call((Function<ActorContext<RootCommand>, Object>) (Function<?, ?>) fn));
    Object a = await();
    if (a instanceof Thrown t) {
      if (t.error() instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) t.error();
    }
    return (T) ((Value) a).value();
  }

  void runToQuiescence() {
    checkTestThread();
    ops.add(RunOp.INSTANCE);
    await();
  }

  @SuppressWarnings("unchecked")
  <Req, Res> Res ask(ActorRef<Req> to, Function<ActorRef<Res>, Req> request) {
    List<Object> replies = new ArrayList<>(1);
    String name = "ask-" + (++asks);
    ActorRef<Res> inbox = call(ctx -> {
      ActorRef<Res> r = ctx.spawn(Behaviors.<Res>receiveMessage(m -> {
        replies.add(m);
        return Behaviors.same();
      }), name);
      to.tell(request.apply(r));
      return r;
    });
    runToQuiescence();
    Object reply = call(ctx -> {
      ctx.stop(inbox);
      return replies.isEmpty() ? NO_REPLY : replies.get(0);
    });
    if (reply == NO_REPLY) {
      throw new AssertionError("no reply from " + world.keyOf(to) + " by quiescence (asked with "
          + name + ")");
    }
    return (Res) reply;
  }

  /** After the run: releases the test thread if it still waits, and waits for it to end. */
  void finish() {
    Thread t = testThread;
    if (t == null) {
      return;
    }
    aborted = true;
    answers.add(Signal.ABORTED);
    try {
      t.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      throw new IllegalStateException("the @ActorTest method did not return after its world ended: "
          + method + " (does it catch kernsim's WorldEnded error?)");
    }
  }
}
