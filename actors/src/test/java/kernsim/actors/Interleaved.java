package kernsim.actors;

import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Three actors, each with two parts of work it sends itself at its start (so after its first part it can
 * still run, and running another actor then is a preemption); every part is an observation. The monitor
 * objects when another actor's observation falls between a's two parts: a bug that needs one preemption
 * (a's first part, then anyone else while a still has its second). Fixed, a does both parts in one step.
 */
final class Interleaved {
  private Interleaved() {}

  record Part(int n) {}

  record Seen(String actor, int part) {}

  static WorldSpec spec(boolean fixed) {
    return WorldSpec.of(fixed ? "interleaved-fixed" : "interleaved", "examples/1", "interleaved fixed=" + fixed,
        w -> Behaviors.<Void>setup(ctx -> {
          for (String name : List.of("a", "b", "c")) {
            ctx.spawn(actor(w, name, fixed && name.equals("a")), name);
          }
          return Behaviors.empty();
        }),
        w -> List.of(new Monitor() {
          private String open = ""; // "a" between a's two parts

          @Override
          public String name() {
            return "a-atomic";
          }

          @Override
          public void onObservation(Object observation, Verdict verdict) {
            Seen s = (Seen) observation;
            if (s.actor().equals("a")) {
              open = s.part() == 1 ? "a" : "";
            } else if (!open.isEmpty()) {
              verdict.fail(s.actor() + " ran between a's two parts");
            }
          }
        }));
  }

  private static Behavior<Part> actor(World world, String name, boolean atomic) {
    return Behaviors.setup(ctx -> {
      if (atomic) {
        ctx.getSelf().tell(new Part(0));
      } else {
        ctx.getSelf().tell(new Part(1));
        ctx.getSelf().tell(new Part(2));
      }
      return Behaviors.receive(Part.class)
          .onMessage(Part.class, p -> {
            if (p.n() == 0) {
              world.emit(new Seen(name, 1));
              world.emit(new Seen(name, 2));
            } else {
              world.emit(new Seen(name, p.n()));
            }
            return Behaviors.same();
          })
          .build();
    });
  }
}
