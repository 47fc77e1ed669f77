package kernsim.dev.code;

import java.util.List;
import java.util.function.Supplier;
import kernsim.actors.World;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

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
    return Behaviors.setup(ctx -> {
      Executor exec = new Executor(world, ctx.getSelf());
      int[] next = {0};
      Runnable[] startNext = new Runnable[1];
      startNext[0] = () -> {
        if (next[0] < program.size()) {
          int i = next[0]++;
          Step step = program.get(i);
          exec.start(step.name(), step.code().get(), value -> {
            world.emit(new Finished(world.keyOf(ctx.getSelf()), i, step.name(), value));
            startNext[0].run();
          });
        }
      };
      startNext[0].run();
      return Behaviors.<Reply<?>>receiveMessage(r -> {
        exec.onReply(r);
        return Behaviors.same();
      });
    });
  }
}
