package com.example.bank;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** A bank account: it answers its balance and sets a new one. */
public final class Account {
  private Account() {}

  public sealed interface Command {}

  public record GetBalance(ActorRef<Balance> replyTo) implements Command {}

  public record SetBalance(int amount, ActorRef<Done> replyTo) implements Command {}

  public record Balance(int amount) {}

  public static Behavior<Command> create(int initial) {
    return Behaviors.setup(ctx -> {
      int[] balance = {initial};
      return Behaviors.receive(Command.class)
          .onMessage(GetBalance.class, get -> {
            get.replyTo().tell(new Balance(balance[0]));
            return Behaviors.same();
          })
          .onMessage(SetBalance.class, set -> {
            balance[0] = set.amount();
            set.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .build();
    });
  }
}
