package kernsim.dev.loop;

import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.actors.Monitor;

/**
 * The {@code single-mount} oracle: at most one live block adapter per loop device. Follows
 * {@link LoopEvents.AdapterCreated} and {@link LoopEvents.AdapterDropped}; fails when a device has two
 * adapters alive at once (two filesystems would write to two caches of one disk), and when a cache
 * with a live adapter has its {@code mounted} flag cleared ({@link LoopEvents.MountedStored}): that
 * flag is the only thing that keeps a second mount and LOOP_CLR_FD away from a mounted cache.
 */
public final class SingleMountMonitor implements Monitor {
  public static final String NAME = "single-mount";

  private final TreeMap<String, TreeSet<String>> live = new TreeMap<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object observation, Verdict verdict) {
    if (observation instanceof LoopEvents.AdapterCreated c) {
      TreeSet<String> caches = live.computeIfAbsent(c.device(), d -> new TreeSet<>());
      caches.add(c.cache());
      if (caches.size() > 1) {
        verdict.fail(c.device() + " has two live block adapters: " + String.join(", ", caches));
      }
    } else if (observation instanceof LoopEvents.MountedStored m && !m.mounted()) {
      TreeSet<String> caches = live.get(m.device());
      if (caches != null && caches.contains(m.cache())) {
        verdict.fail("mounted was cleared on " + m.cache() + " while its block adapter is live: a second mount"
            + " or LOOP_CLR_FD of " + m.device() + " now passes the EBUSY check");
      }
    } else if (observation instanceof LoopEvents.AdapterDropped d) {
      TreeSet<String> caches = live.get(d.device());
      if (caches != null) {
        caches.remove(d.cache());
      }
    }
  }
}
