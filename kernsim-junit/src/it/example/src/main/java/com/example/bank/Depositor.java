package com.example.bank;

import java.time.Duration;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.util.Timeout;
import scala.reflect.ClassTag;
import scala.util.Try;

/**
 * Deposits an amount: asks the account's balance, then sets balance + amount. The bug: another deposit
 * that lands between the ask and the set is overwritten.
 */
public final class Depositor {
  private Depositor() {}

  public sealed interface Command {}

  /** The account's balance, as the first ask came back. */
  private record GotBalance(int amount) implements Command {}

  /** The new balance is set: the second ask came back. */
  private enum Stored implements Command {
    INSTANCE
  }

  private static final Timeout TIMEOUT = Timeout.create(Duration.ofSeconds(3));

  public static Behavior<Command> create(ActorRef<Account.Command> account, int amount) {
    return Behaviors.setup(ctx -> {
      ctx.asScala().ask(account, Account.GetBalance::new,
          (Try<Account.Balance> balance) -> new GotBalance(balance.get().amount()),
          TIMEOUT, ClassTag.apply(Account.Balance.class));
      return Behaviors.receive(Command.class)
          .onMessage(GotBalance.class, balance -> {
            ctx.asScala().ask(account, (ActorRef<Done> replyTo) -> new Account.SetBalance(balance.amount() + amount, replyTo),
                (Try<Done> done) -> Stored.INSTANCE,
                TIMEOUT, ClassTag.apply(Done.class));
            return Behaviors.same();
          })
          .onMessageEquals(Stored.INSTANCE, Behaviors::stopped)
          .build();
    });
  }
}
