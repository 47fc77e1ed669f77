package kernsim.dev.code;

import java.util.ArrayDeque;
import java.util.Objects;
import kernsim.actors.World;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A sleeping lock that its owner actor keeps for data the source protects with a {@code Mutex} held
 * across several regions (the loop device's {@code file} while {@code LOOP_CLR_FD} writes back).
 *
 * <p>Holders are harts, named by the reply port of the code that took the lock. While the lock is held
 * and someone waits for it, the owner has a wait-for edge to the holder (what: {@code "<name> held"}),
 * and each waiting hart has its own edge to the owner (recorded by the hart for every call), so a lock
 * cycle across harts shows as a cycle in the graph.
 *
 * <p>{@code T} is what a grant answers: every {@code Lock} of one mutex replies the same type (for the
 * loop device's, a {@code SysResult}), so the code waiting for it continues with a typed value.
 */
public final class Mutex<T> {
  private final String name;
  private final World world;
  private final ActorRef<?> owner;
  private ActorRef<Reply<T>> holder;
  private final ArrayDeque<ActorRef<Reply<T>>> waiters = new ArrayDeque<>();

  public Mutex(String name, World world, ActorRef<?> owner) {
    this.name = name;
    this.world = world;
    this.owner = owner;
  }

  public String name() {
    return name;
  }

  public boolean isHeld() {
    return holder != null;
  }

  public boolean heldBy(ActorRef<?> who) {
    return who.equals(holder);
  }

  /** Grants now (replying {@code grantValue}) or queues the caller. */
  public void lock(ActorRef<Reply<T>> who, T grantValue) {
    if (holder == null) {
      holder = who;
      who.tell(new Reply<>(grantValue));
    } else {
      waiters.add(who);
      world.waitFor(owner, holder, name + " held");
    }
  }

  /** Releases the lock and grants it to the next waiter (replying {@code grantValue}), if any. */
  public void unlock(ActorRef<?> who, T grantValue) {
    if (!Objects.equals(who, holder)) {
      throw new IllegalStateException(name + " unlocked by a hart that does not hold it");
    }
    holder = waiters.poll();
    if (holder == null) {
      world.stopWaiting(owner, name + " held");
    } else {
      if (waiters.isEmpty()) {
        world.stopWaiting(owner, name + " held");
      } else {
        world.waitFor(owner, holder, name + " held");
      }
      holder.tell(new Reply<>(grantValue));
    }
  }
}
