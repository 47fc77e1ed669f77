package kernsim.dev.code;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import kernsim.actors.World;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Runs {@link Code} on behalf of one actor (a hart): sends each {@link Code.Call}'s request with the
 * actor as the reply port, records a wait-for edge to the target until the reply comes, keeps the stack
 * of no-preempt regions, and reports sleeping I/O sent inside one as {@link SleepInAtomic}.
 *
 * <p>One procedure at a time; not thread-safe (it lives inside an actor).
 */
public final class Executor {
  private final World world;
  private final ActorRef<Reply<?>> self;
  private final Deque<String> regions = new ArrayDeque<>();
  /** Continuations of the {@link Code.Bind}s entered and not yet finished, innermost first. */
  private final ArrayDeque<java.util.function.Function<Object, Code>> continuations = new ArrayDeque<>();
  private Code.Call<?> pending;
  private String procedure = "";
  private Consumer<Object> onDone;
  /** The step view's region names; kept only in a run that shows it ({@link World#regionsWanted}). */
  private final RegionNames names = new RegionNames();
  private boolean describe;

  public Executor(World world, ActorRef<Reply<?>> self) {
    this.world = world;
    this.self = self;
  }

  /** Starts {@code code} (named {@code procedure} in reports); {@code onDone} gets its final value. */
  public void start(String procedure, Code code, Consumer<Object> onDone) {
    if (pending != null) {
      throw new IllegalStateException("already running " + this.procedure);
    }
    this.procedure = procedure;
    this.onDone = onDone;
    this.describe = world.regionsWanted();
    if (describe) {
      names.start(procedure);
    }
    run(code);
  }

  /** The reply to the outstanding call. */
  public void onReply(Reply<?> reply) {
    Code.Call<?> call = pending;
    if (call == null) {
      throw new IllegalStateException("a reply with no call outstanding: " + reply);
    }
    pending = null;
    world.stopWaiting(self);
    if (describe) {
      world.region(names.current(regions), null, null); // the code the reply resumes runs in this region
    }
    run(call.resume(reply));
  }

  private void run(Code code) {
    Code c = code;
    while (true) {
      if (c instanceof Code.Bind b) {
        continuations.push(b.next());
        c = b.first();
        continue;
      }
      if (c instanceof Code.Done d) {
        if (!continuations.isEmpty()) {
          c = continuations.pop().apply(d.value());
          continue;
        }
        if (!regions.isEmpty()) {
          throw new IllegalStateException(procedure + " ended inside no-preempt region " + regions.peek());
        }
        onDone.accept(d.value());
        return;
      }
      if (c instanceof Code.Frame f) {
        if (describe) {
          names.enter(f.name());
          continuations.push(v -> {
            names.leave();
            return Code.done(v);
          });
        }
        c = f.body();
        continue;
      }
      if (c instanceof Code.Lazy l) {
        c = l.next().get();
        continue;
      }
      if (c instanceof Code.Region r) {
        world.regionBoundary(r.label());
        if (r.enter()) {
          regions.push(r.label());
        } else {
          regions.pop();
        }
        c = r.next().get();
        continue;
      }
      Code.Call<?> call = (Code.Call<?>) c;
      if (call.sleeps() && !regions.isEmpty()) {
        world.emit(new SleepInAtomic(world.keyOf(self), chain(), call.what()));
      }
      pending = call;
      world.regionBoundary(call.what());
      world.waitFor(self, call.target(), call.what());
      Object request = call.request(self);
      if (describe) {
        String here = names.current(regions);
        names.sending(call.what());
        world.region(here, request, names.current(regions) + ": " + call.what());
        names.sent(call.what());
      }
      call.target().unsafeUpcast().tell(request);
      return;
    }
  }

  /** The procedure, then the no-preempt regions from the outermost in. */
  private List<String> chain() {
    List<String> out = new ArrayList<>();
    out.add(procedure);
    regions.descendingIterator().forEachRemaining(out::add);
    return out;
  }
}
