package kernsim.junit;

import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.Timeout;
import scala.reflect.ClassTag;
import scala.util.Try;

/**
 * User-style Pekko actors, written with nothing of kernsim's: an account, and depositors that add to it.
 * The read-modify-write depositor asks the balance (Pekko's ask pattern) and then sets balance + amount:
 * another depositor's deposit between its ask and its set is lost. The atomic depositor sends one Deposit.
 */
final class Bank {
  private Bank() {}

  static final Timeout TIMEOUT = Timeout.create(Duration.ofSeconds(3));

  /** The account's protocol. */
  sealed interface AccountCommand {}

  record GetBalance(ActorRef<Balance> replyTo) implements AccountCommand {}

  record SetBalance(int amount, ActorRef<Done> replyTo) implements AccountCommand {}

  record Deposit(int amount, ActorRef<Done> replyTo) implements AccountCommand {}

  record Balance(int amount) {}

  static Behavior<AccountCommand> account(int initial) {
    return Behaviors.setup(ctx -> {
      int[] balance = {initial};
      return Behaviors.receive(AccountCommand.class)
          .onMessage(GetBalance.class, g -> {
            g.replyTo().tell(new Balance(balance[0]));
            return Behaviors.same();
          })
          .onMessage(SetBalance.class, s -> {
            balance[0] = s.amount();
            s.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .onMessage(Deposit.class, d -> {
            balance[0] += d.amount();
            d.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .build();
    });
  }

  /** A depositor's protocol: what its asks come back as. */
  sealed interface DepositorCommand {}

  record GotBalance(int amount) implements DepositorCommand {}

  record Stored() implements DepositorCommand {}

  record AskFailed(Throwable cause) implements DepositorCommand {}

  /** Deposits {@code amount} by asking the balance, then setting balance + amount: the race. */
  static Behavior<DepositorCommand> readModifyWrite(ActorRef<AccountCommand> account, int amount) {
    return Behaviors.setup(ctx -> {
      ctx.asScala().ask(account, GetBalance::new,
          (Try<Balance> t) -> t.isSuccess() ? new GotBalance(t.get().amount()) : new AskFailed(t.failed().get()),
          TIMEOUT, ClassTag.apply(Balance.class));
      return Behaviors.receive(DepositorCommand.class)
          .onMessage(GotBalance.class, b -> {
            ctx.asScala().ask(account, (ActorRef<Done> r) -> new SetBalance(b.amount() + amount, r),
                (Try<Done> t) -> t.isSuccess() ? new Stored() : new AskFailed(t.failed().get()),
                TIMEOUT, ClassTag.apply(Done.class));
            return Behaviors.same();
          })
          .onMessage(Stored.class, s -> Behaviors.stopped())
          .onMessage(AskFailed.class, f -> {
            throw new IllegalStateException("the account did not answer", f.cause());
          })
          .build();
    });
  }

  /** Deposits {@code amount} in one message: no window. */
  static Behavior<DepositorCommand> atomic(ActorRef<AccountCommand> account, int amount) {
    return Behaviors.setup(ctx -> {
      ctx.asScala().ask(account, (ActorRef<Done> r) -> new Deposit(amount, r),
          (Try<Done> t) -> t.isSuccess() ? new Stored() : new AskFailed(t.failed().get()),
          TIMEOUT, ClassTag.apply(Done.class));
      return Behaviors.receive(DepositorCommand.class)
          .onMessage(Stored.class, s -> Behaviors.stopped())
          .onMessage(AskFailed.class, f -> {
            throw new IllegalStateException("the account did not answer", f.cause());
          })
          .build();
    });
  }
}
