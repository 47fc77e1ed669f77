package kernsim.actors;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorCell;
import org.apache.pekko.actor.Cell;
import org.apache.pekko.dispatch.Dispatcher;
import org.apache.pekko.dispatch.Envelope;
import org.apache.pekko.dispatch.DispatcherPrerequisites;
import org.apache.pekko.dispatch.ExecutorServiceFactory;
import org.apache.pekko.dispatch.Mailbox;
import org.apache.pekko.dispatch.MailboxType;
import org.apache.pekko.dispatch.MessageDispatcher;
import org.apache.pekko.dispatch.MessageDispatcherConfigurator;
import org.apache.pekko.dispatch.SingleConsumerOnlyUnboundedMailbox;
import org.apache.pekko.dispatch.UnboundedMailbox;
import org.apache.pekko.dispatch.sysmsg.Failed;
import org.apache.pekko.dispatch.sysmsg.SystemMessage;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;

/**
 * The controlled dispatcher: throughput 1, and an executor that runs nothing itself. Every mailbox
 * Pekko hands it is queued in the {@link Controller}, whose single thread decides which runs next.
 *
 * <p>Configured as {@code type = "kernsim.actors.ControlledDispatcher$Configurator"}; see
 * {@code reference.conf}. Each mailbox it creates is registered with the actor's stable key (its
 * path below {@code /user}), so the controller never orders candidates by submission order or hash
 * code.
 */
public final class ControlledDispatcher extends Dispatcher {
  private final Controller controller;

  ControlledDispatcher(MessageDispatcherConfigurator configurator, String id, Controller controller) {
    super(
        configurator,
        id,
        1,
        Duration.Zero(),
        (name, threadFactory) -> (ExecutorServiceFactory) () -> new QueueingExecutor(controller),
        FiniteDuration.apply(1, TimeUnit.DAYS));
    this.controller = controller;
  }

  Controller controller() {
    return controller;
  }

  /**
   * Pekko's own mailbox; for the default unbounded mailboxes, around a {@link SlotQueue} that carries the
   * actor's slot. Any other mailbox type keeps its own queue and its slot is looked up.
   */
  @Override
  public Mailbox createMailbox(Cell actor, MailboxType mailboxType) {
    String key = Keys.of(actor.self().path());
    if (mailboxType instanceof SingleConsumerOnlyUnboundedMailbox || mailboxType instanceof UnboundedMailbox) {
      SlotQueue queue = new SlotQueue();
      Mailbox mailbox = super.createMailbox(actor, (owner, system) -> queue);
      queue.slot = controller.slotFor(mailbox, key);
      queue.controller = controller;
      return mailbox;
    }
    Mailbox mailbox = super.createMailbox(actor, mailboxType);
    controller.register(mailbox, key);
    return mailbox;
  }

  @Override
  public void dispatch(ActorCell receiver, Envelope invocation) {
    controller.sent(receiver.mailbox(), invocation);
    super.dispatch(receiver, invocation);
  }

  @Override
  public void systemDispatch(ActorCell receiver, SystemMessage message) {
    // A child's failure reaches its parent as Failed; every world actor's parent is on this
    // dispatcher, so this sees every exception thrown by model code without its cooperation.
    if (message instanceof Failed failed) {
      controller.actorFailed(Keys.of(failed.child().path()), failed.cause());
    }
    controller.touched(receiver.mailbox());
    super.systemDispatch(receiver, message);
  }

  /** Creates the one dispatcher instance for its config id (Pekko calls this by reflection). */
  public static final class Configurator extends MessageDispatcherConfigurator {
    private final ControlledDispatcher instance;

    public Configurator(Config config, DispatcherPrerequisites prerequisites) {
      super(config, prerequisites);
      if (config.getInt("throughput") != 1) {
        throw new IllegalArgumentException("the controlled dispatcher must have throughput = 1");
      }
      this.instance = new ControlledDispatcher(this, config.getString("id"), new Controller());
    }

    @Override
    public MessageDispatcher dispatcher() {
      return instance;
    }
  }

  /** The executor Pekko submits to: it only hands work to the controller. */
  static final class QueueingExecutor extends AbstractExecutorService {
    private final Controller controller;

    QueueingExecutor(Controller controller) {
      this.controller = controller;
    }

    @Override
    public void execute(Runnable command) {
      controller.submit(command);
    }

    @Override
    public void shutdown() {}

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }
}
