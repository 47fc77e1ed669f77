package kernsim.dev.code;

import java.util.List;
import java.util.function.Supplier;
import kernsim.actors.World;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A minimal hart for tests: runs named procedures one after another and emits a {@link Finished}
 * observation for each. The cpu module's harts do the same for real programs.
 */
public final class Runner {
  private Runner() {}

  /** A procedure with its name, e.g. {@code ioctl(loop0, LOOP_CLR_FD)}. */
  public record Step(String name, Supplier<Code> code) {}

  /** Observation: {@code actor}'s procedure number {@code index} returned {@code result}. */
  public record Finished(String actor, int index, String name, Object result) {}

  public static Behavior<Reply<?>> create(World world, List<Step> program) {
    List<Step> steps = List.copyOf(program);
    return Behaviors.setup(ctx -> new Hart(ctx, world, steps));
  }

  /** The runner: its only messages are the replies to its procedures' calls. */
  private static final class Hart extends AbstractBehavior<Reply<?>> {
    private final World world;
    private final List<Step> program;
    private final Executor exec;
    private int next;

    Hart(ActorContext<Reply<?>> ctx, World world, List<Step> program) {
      super(ctx);
      this.world = world;
      this.program = program;
      this.exec = new Executor(world, ctx.getSelf());
      startNext();
    }

    private void startNext() {
      if (next < program.size()) {
        int i = next++;
        Step step = program.get(i);
        exec.start(step.name(), step.code().get(), value -> {
          world.emit(new Finished(world.keyOf(getContext().getSelf()), i, step.name(), value));
          startNext();
        });
      }
    }

    @Override
    public Receive<Reply<?>> createReceive() {
      return newReceiveBuilder().onAnyMessage(r -> {
        exec.onReply(r);
        return this;
      }).build();
    }
  }
}
