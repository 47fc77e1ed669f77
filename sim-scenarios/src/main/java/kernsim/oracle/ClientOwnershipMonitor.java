package kernsim.oracle;

import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.client.ClientEvents;

/**
 * {@code client-ownership}: no two clients ever believe they own the same loop device at once. A
 * client owns {@code /dev/loopN} from its {@link ClientEvents.Acquired} until its
 * {@link ClientEvents.Released}; another client's Acquired of the device in between fails the run.
 */
public final class ClientOwnershipMonitor implements Monitor {
  public static final String NAME = "client-ownership";

  /** Device number → the owning client and its kind. */
  private final TreeMap<Integer, ClientEvents.Acquired> owners = new TreeMap<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object o, Monitor.Verdict verdict) {
    if (o instanceof ClientEvents.Acquired a) {
      ClientEvents.Acquired held = owners.get(a.device());
      if (held != null && !held.client().equals(a.client())) {
        verdict.fail(a.client() + " (" + a.kind() + ") believes it owns /dev/loop" + a.device() + " (bound to "
            + a.backing() + ") while " + held.client() + " (" + held.kind() + ") still believes it owns it (bound to "
            + held.backing() + ")");
        return;
      }
      owners.put(a.device(), a);
    } else if (o instanceof ClientEvents.Released r) {
      ClientEvents.Acquired held = owners.get(r.device());
      if (held != null && held.client().equals(r.client())) {
        owners.remove(r.device());
      }
    }
  }
}
