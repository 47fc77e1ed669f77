package kernsim.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test of Pekko typed actors that kernsim explores: the method takes an {@link ActorWorld}, spawns its
 * behaviours into it, runs it to quiescence and asserts; kernsim runs the method once per schedule, up to
 * {@link #iterations()} schedules chosen by {@link #strategy()} from {@link #seed()}, and stops at the first
 * that fails (an assertion, an exception in an actor, a run past {@link #maxSteps()}). A failure names its
 * schedule and writes its trace to {@link #traceDir()}; the same annotation with {@link #replay()} runs that
 * schedule again, so it can be debugged with breakpoints.
 *
 * <pre>{@code
 * @ActorTest(strategy = "pct", seed = 1, iterations = 1000, depth = 3)
 * void depositsAddUp(ActorWorld world) {
 *   ActorRef<Account.Command> account = world.spawn(Account.create(), "account");
 *   world.spawn(Depositor.create(account, 10), "alice");
 *   world.spawn(Depositor.create(account, 20), "bob");
 *   world.run();
 *   assertEquals(30, world.ask(account, Account.GetBalance::new));
 * }
 * }</pre>
 */
@Documented
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Test
@ExtendWith(ActorTestExtension.class)
public @interface ActorTest {
  /**
   * The test's name in traces and trace file names ({@code NAME.trace}); empty: the class's name and the
   * method's ({@code com.example.BankTest.lostDeposit}). A trace replays only on a test of the same name.
   */
  String name() default "";

  /** An exploration strategy's name, as kernsim's {@code StrategyKind} spells it: {@code pct}, {@code random}, … */
  String strategy() default "pct";

  /** The exploration's seed: the same seed explores the same schedules, on any machine. */
  long seed() default 1;

  /** Schedules to try at most; exploration stops at the first failure. */
  int iterations() default 1000;

  /** PCT's bug depth d (d-1 priority change points); ignored by {@code random}. */
  int depth() default 3;

  /** The step bound of one schedule: a world still busy after it fails as a livelock. */
  int maxSteps() default 100_000;

  /**
   * A trace to replay instead of exploring: a path, or a file name in {@link #traceDir()} (what a failure
   * prints). The test then runs that one schedule.
   */
  String replay() default "";

  /**
   * The test passes only if a failing schedule is found (or, with {@link #replay()}, only if the replay fails
   * as the trace recorded): for known races kept in CI. The trace is written all the same.
   */
  boolean expectFailure() default false;

  /**
   * Where traces go. Empty: the configuration parameter {@value ActorTestExtension#TRACE_DIR} (a system
   * property or {@code junit-platform.properties}), else {@value ActorTestExtension#DEFAULT_TRACE_DIR}.
   */
  String traceDir() default "";
}
