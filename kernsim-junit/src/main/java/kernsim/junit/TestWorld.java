package kernsim.junit;

import java.lang.reflect.Method;
import java.util.List;
import kernsim.actors.Monitor;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import org.apache.pekko.actor.typed.Behavior;

/**
 * An {@link ActorTest} method as a kernsim world: each schedule runs the method again in a fresh
 * {@link Iteration}. Its name is {@link ActorTest#name()}, by default the method's
 * ({@code com.example.BankTest.lostDeposit}).
 */
final class TestWorld implements WorldSpec {
  /** The model version of every test world: traces name the test, not a model. */
  static final String MODEL_VERSION = "kernsim-junit-1";

  private final Method method;
  private final Object instance;
  private final String name;
  private Iteration current;

  TestWorld(Method method, Object instance, String name) {
    this.method = method;
    this.instance = instance;
    this.name = name.isEmpty() ? method.getDeclaringClass().getName() + "." + method.getName() : name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String modelVersion() {
    return MODEL_VERSION;
  }

  /** What a trace's header hashes: the test it was recorded from. */
  @Override
  public String text() {
    return "@ActorTest " + name;
  }

  @Override
  public Behavior<?> root(World world) {
    finish();
    current = new Iteration(world, method, instance);
    return current.root();
  }

  @Override
  public List<Monitor> monitors(World world) {
    return List.of(current.monitor());
  }

  /** What the last schedule's test method threw, if anything. */
  Throwable lastFailure() {
    return current == null ? null : current.failure();
  }

  /** Ends the last schedule's test thread. */
  void finish() {
    if (current != null) {
      current.finish();
    }
  }
}
