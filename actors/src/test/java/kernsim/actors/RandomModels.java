package kernsim.actors;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Small request/reply worlds drawn from a seed, for checking the exhaustive search against the reference
 * on shapes nobody picked by hand: two or three clients, each sending one or two requests to one of one
 * or two servers, waiting for the reply or not; a server may emit an observation (the monitors' order)
 * and may pass a request on to the other server, which then answers the client. Mailboxes with several
 * messages, sends into a busy server and steps that only some orders make preemptions all occur.
 */
final class RandomModels {
  private RandomModels() {}

  record Request(int client, int op, boolean forwarded, ActorRef<Reply> replyTo) {}

  record Reply(int op) {}

  record Seen(int server, int client, int op) {}

  /** The world drawn from {@code seed}. */
  static WorldSpec spec(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int servers = 1 + r.nextInt(2);
    int clients = 2 + r.nextInt(2);
    boolean[] emits = new boolean[servers];
    int[] forwardTo = new int[servers];
    for (int s = 0; s < servers; s++) {
      emits[s] = r.nextBoolean();
      forwardTo[s] = servers > 1 && s == 0 && r.nextBoolean() ? 1 : -1;
    }
    List<int[]> scripts = new ArrayList<>(); // per client: {server, async} per op, flattened
    StringBuilder text = new StringBuilder("servers=" + servers);
    for (int c = 0; c < clients; c++) {
      int ops = clients == 3 ? 1 : 1 + r.nextInt(2);
      int[] script = new int[ops * 2];
      for (int o = 0; o < ops; o++) {
        script[2 * o] = r.nextInt(servers);
        script[2 * o + 1] = o + 1 < ops && r.nextBoolean() ? 1 : 0;
      }
      scripts.add(script);
      text.append(" client").append(c).append("=").append(java.util.Arrays.toString(script));
    }
    for (int s = 0; s < servers; s++) {
      text.append(" server").append(s).append(emits[s] ? " emits" : "").append(forwardTo[s] >= 0 ? " forwards" : "");
    }
    return WorldSpec.of("random-" + seed, "examples/1", text.toString(), w -> root(w, emits, forwardTo, scripts),
        w -> List.of());
  }

  private static Behavior<Void> root(World world, boolean[] emits, int[] forwardTo, List<int[]> scripts) {
    return Behaviors.setup(ctx -> {
      List<ActorRef<Request>> servers = new ArrayList<>();
      for (int s = emits.length - 1; s >= 0; s--) {
        servers.add(0, null);
      }
      for (int s = emits.length - 1; s >= 0; s--) {
        ActorRef<Request> next = forwardTo[s] >= 0 ? servers.get(forwardTo[s]) : null;
        servers.set(s, ctx.spawn(server(world, s, emits[s], next), "server-" + s));
      }
      for (int c = 0; c < scripts.size(); c++) {
        ctx.spawn(client(c, scripts.get(c), servers), "client-" + c);
      }
      return Behaviors.empty();
    });
  }

  private static Behavior<Request> server(World world, int id, boolean emits, ActorRef<Request> next) {
    return Behaviors.receive(Request.class)
        .onMessage(Request.class, q -> {
          if (emits) {
            world.emit(new Seen(id, q.client(), q.op()));
          }
          if (next != null && !q.forwarded()) {
            next.tell(new Request(q.client(), q.op(), true, q.replyTo()));
          } else {
            q.replyTo().tell(new Reply(q.op()));
          }
          return Behaviors.same();
        })
        .build();
  }

  private static Behavior<Reply> client(int id, int[] script, List<ActorRef<Request>> servers) {
    return Behaviors.setup(ctx -> {
      int[] sent = {0};
      Runnable send = () -> {
        // send the next request, and the ones after it as long as the script does not wait
        while (sent[0] < script.length / 2) {
          int o = sent[0]++;
          servers.get(script[2 * o]).tell(new Request(id, o, false, ctx.getSelf()));
          if (script[2 * o + 1] == 0) {
            break;
          }
        }
      };
      send.run();
      return Behaviors.receive(Reply.class)
          .onMessage(Reply.class, reply -> {
            send.run();
            return Behaviors.same();
          })
          .build();
    });
  }
}
