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

  /** A trace of one test does not replay on another. */
  static class WrongTrace {
    @ActorTest(name = "not-lost-deposit", replay = "lost-deposit.trace")
    void twoDeposits(ActorWorld world) {
      Samples.twoDeposits(world, true);
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
