package kernsim.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import kernsim.junit.Bank.AccountCommand;
import kernsim.junit.Bank.GetBalance;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Test classes as a user writes them, run by {@link ActorTestExtensionTest} through JUnit's EngineTestKit
 * (nested classes: Surefire does not run them on their own).
 */
final class Samples {
  private Samples() {}

  /** Two depositors, 10 and 20, on an account holding 100: the balance must end at 130. */
  static void twoDeposits(ActorWorld world, boolean atomic) {
    ActorRef<AccountCommand> account = world.spawn(Bank.account(100), "account");
    world.spawn(atomic ? Bank.atomic(account, 10) : Bank.readModifyWrite(account, 10), "alice");
    world.spawn(atomic ? Bank.atomic(account, 20) : Bank.readModifyWrite(account, 20), "bob");
    world.run();
    assertEquals(130, world.ask(account, GetBalance::new).amount(), "the balance after both deposits");
  }

  static class LostDeposit {
    @ActorTest(name = "lost-deposit", iterations = 200)
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, false);
    }
  }

  static class LostDepositRandom {
    @ActorTest(name = "lost-deposit-random", strategy = "random", seed = 7, iterations = 200)
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, false);
    }
  }

  /** The same test, replaying the trace {@link LostDeposit} wrote. */
  static class LostDepositReplay {
    @ActorTest(name = "lost-deposit", replay = "lost-deposit.trace")
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, false);
    }
  }

  static class LostDepositExpected {
    @ActorTest(name = "lost-deposit-expected", iterations = 200, expectFailure = true)
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, false);
    }
  }

  static class LostDepositReplayExpected {
    @ActorTest(name = "lost-deposit-expected", replay = "lost-deposit-expected.trace", expectFailure = true)
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, false);
    }
  }

  static class AtomicDeposits {
    @ActorTest(iterations = 200)
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, true);
    }

    @ActorTest(iterations = 50, expectFailure = true)
    void expectsARaceThatIsNotThere(ActorWorld world) {
      Samples.twoDeposits(world, true);
    }
  }

  /** The same test name, but the test changed since the trace was recorded (its depositors are atomic now). */
  static class ChangedSinceTheTrace {
    @ActorTest(name = "lost-deposit", replay = "lost-deposit.trace")
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, true);
    }
  }

  /**
   * One deposit through Pekko's Java-API ask, whose reply comes back on a thread of the JDK's pool: the
   * schedule fails, either because kernsim sees that thread submit, or because the reply never reached the
   * world; it never passes.
   */
  static class JavaApiAsk {
    @ActorTest(iterations = 5)
    void oneDeposit(ActorWorld world) {
      ActorRef<AccountCommand> account = world.spawn(Bank.account(100), "account");
      world.spawn(Behaviors.<Bank.DepositorCommand>setup(ctx -> {
        ctx.ask(Bank.Balance.class, account, java.time.Duration.ofSeconds(3), GetBalance::new,
            (b, e) -> new Bank.GotBalance(b.amount()));
        return Behaviors.receive(Bank.DepositorCommand.class)
            .onMessage(Bank.GotBalance.class, g -> {
              account.tell(new Bank.SetBalance(g.amount() + 10, ctx.getSystem().ignoreRef()));
              return Behaviors.stopped();
            })
            .build();
      }), "alice");
      world.run();
      assertEquals(110, world.ask(account, GetBalance::new).amount(), "the balance");
    }
  }

  /** A trace of one test does not replay on another. */
  static class WrongTrace {
    @ActorTest(name = "not-lost-deposit", replay = "lost-deposit.trace")
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, true);
    }
  }

  /** Counts what JUnit and kernsim call: @BeforeEach once, the method once per schedule. */
  static class Lifecycle {
    static int befores;
    static int schedules;

    @org.junit.jupiter.api.BeforeEach
    void before() {
      befores++;
    }

    @ActorTest(iterations = 10, traceDir = "target/kernsim-junit-lifecycle")
    void counted(ActorWorld world) {
      schedules++;
      world.spawn(Bank.account(0), "account");
      world.run();
    }
  }

  /** A user's mistakes in the annotation or the method, each named. */
  static class Mistakes {
    @ActorTest(iterations = 0)
    void noIterations(ActorWorld world) {
      world.run();
    }

    @ActorTest
    void noWorld() {}

    @ActorTest(replay = "no-such.trace")
    void noSuchTrace(ActorWorld world) {
      world.run();
    }
  }

  static class Throws {
    @ActorTest(iterations = 20)
    void anActorThrows(ActorWorld world) {
      world.spawn(Behaviors.<String>receiveMessage(m -> {
        throw new IllegalStateException("boom on " + m);
      }), "bomb").tell("fuse");
      world.run();
    }

    @ActorTest(strategy = "bogus")
    void unknownStrategy(ActorWorld world) {
      world.run();
    }
  }
}
