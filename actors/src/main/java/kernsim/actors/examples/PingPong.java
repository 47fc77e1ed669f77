package kernsim.actors.examples;

import java.util.List;
import kernsim.actors.WorldSpec;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Two actors pass a ball back and forth {@code rounds} times: the runtime's overhead, nothing else. */
public final class PingPong {
  private PingPong() {}

  public static WorldSpec spec(int rounds) {
    return WorldSpec.of("ping-pong-" + rounds, Counters.MODEL_VERSION, "ping-pong rounds=" + rounds,
        w -> root(rounds), w -> List.of());
  }

  /** The ball: how many more returns, and where to send it. */
  public record Ball(int left, ActorRef<Ball> replyTo) {}

  /** A player returns the ball until it is spent. */
  public static Behavior<Ball> player() {
    return Behaviors.setup(ctx -> Behaviors.receive(Ball.class)
        .onMessage(Ball.class, b -> {
          if (b.left() > 0) {
            b.replyTo().tell(new Ball(b.left() - 1, ctx.getSelf()));
          }
          return Behaviors.same();
        })
        .build());
  }

  static Behavior<Void> root(int rounds) {
    return Behaviors.setup(ctx -> {
      ActorRef<Ball> ping = ctx.spawn(player(), "ping");
      ActorRef<Ball> pong = ctx.spawn(player(), "pong");
      pong.tell(new Ball(rounds, ping));
      return Behaviors.empty();
    });
  }
}
