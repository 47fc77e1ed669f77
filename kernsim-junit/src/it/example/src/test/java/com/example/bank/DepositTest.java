package com.example.bank;

import static org.junit.jupiter.api.Assertions.assertEquals;

import kernsim.junit.ActorTest;
import kernsim.junit.ActorWorld;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;

@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DepositTest {
  /** Alice deposits 10 and Bob 20 into an account holding 100. */
  static void twoDeposits(ActorWorld world) {
    ActorRef<Account.Command> account = world.spawn(Account.create(100), "account");
    world.spawn(Depositor.create(account, 10), "alice");
    world.spawn(Depositor.create(account, 20), "bob");
    world.run();
    assertEquals(130, world.ask(account, Account.GetBalance::new).amount(), "the balance");
  }

  /** One deposit alone is never lost. */
  @ActorTest(iterations = 100)
  @Order(1)
  void oneDeposit(ActorWorld world) {
    ActorRef<Account.Command> account = world.spawn(Account.create(100), "account");
    world.spawn(Depositor.create(account, 10), "alice");
    world.run();
    assertEquals(110, world.ask(account, Account.GetBalance::new).amount(), "the balance");
  }

  /**
   * Two deposits: kernsim finds the schedule that loses one and writes target/kernsim-traces/two-deposits.trace.
   * The race is known, so this test expects it (without expectFailure the test fails and says how to replay).
   */
  @ActorTest(name = "two-deposits", strategy = "pct", seed = 1, iterations = 1000, depth = 3, expectFailure = true)
  @Order(2)
  void twoDepositsCanLoseOne(ActorWorld world) {
    twoDeposits(world);
  }

  /** The same test on the schedule that trace recorded: put a breakpoint in Depositor and run it. */
  @ActorTest(name = "two-deposits", replay = "two-deposits.trace", expectFailure = true)
  @Order(3)
  void replayTheLostDeposit(ActorWorld world) {
    twoDeposits(world);
  }
}
