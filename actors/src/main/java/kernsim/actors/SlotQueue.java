package kernsim.actors;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.dispatch.AbstractNodeQueue;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.MessageQueue;
import org.apache.pekko.dispatch.UnboundedMessageQueueSemantics;

/**
 * The message queue of an actor on the controlled dispatcher: Pekko's {@code NodeMessageQueue} (the
 * queue of typed actors' default mailbox), with the actor's {@link Controller.Slot} on it, so the
 * controller reaches an actor's key and creation serial from its mailbox instead of looking them up.
 * (Pekko's {@code Mailbox} itself cannot be subclassed from Java.)
 */
final class SlotQueue extends AbstractNodeQueue<Envelope> implements MessageQueue, UnboundedMessageQueueSemantics {
  /** Set once, right after the mailbox around this queue is made, on the thread that makes it. */
  Controller.Slot slot;
  /** The controller told of each message taken out (for {@code dfs}'s receive edges); set with {@link #slot}. */
  Controller controller;

  @Override
  public void enqueue(ActorRef receiver, Envelope handle) {
    add(handle);
  }

  @Override
  public Envelope dequeue() {
    Envelope e = poll();
    if (e != null && controller != null) {
      controller.dequeued(this, e);
    }
    return e;
  }

  @Override
  public int numberOfMessages() {
    return count();
  }

  @Override
  public boolean hasMessages() {
    return !isEmpty();
  }

  @Override
  public void cleanUp(ActorRef owner, MessageQueue deadLetters) {
    Envelope e;
    if (controller != null && hasMessages()) {
      controller.drained(this);
    }
    while ((e = poll()) != null) {
      deadLetters.enqueue(owner, e);
    }
  }
}
