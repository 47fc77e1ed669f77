package kernsim.actors;

import kernsim.actors.examples.Counters;
import kernsim.actors.examples.LockOrder;

/** The small models the runtime's tests use, by name, so a child JVM can rebuild the same spec. */
final class Models {
  static final int HARTS = 2;

  private Models() {}

  static WorldSpec byName(String name) {
    return switch (name) {
      case "lost-update" -> Counters.spec(Counters.Update.TWO_MESSAGES, HARTS, 1);
      case "atomic-update" -> Counters.spec(Counters.Update.ONE_MESSAGE, HARTS, 1);
      case "lock-inversion" -> LockOrder.spec(true);
      case "lock-consistent" -> LockOrder.spec(false);
      default -> throw new IllegalArgumentException("no test model named " + name);
    };
  }
}
