package kernsim.dev.loop;

import java.util.TreeMap;
import kernsim.actors.Monitor;

/**
 * The {@code stale-cache} oracle: no {@code write_block} lands in a cache that is no longer its
 * device's current cache, or whose device has no backing file. Such data can never reach the disk: no
 * flush will find that cache again. Follows {@link LoopEvents.CacheInstalled}, {@link
 * LoopEvents.CacheCleared}, {@link LoopEvents.FileBound} and {@link LoopEvents.FileUnbound}, and checks
 * each {@link LoopEvents.BlockWritten}, all emitted by the actors in the regions that make the changes.
 */
public final class StaleCacheMonitor implements Monitor {
  public static final String NAME = "stale-cache";

  private final TreeMap<String, String> current = new TreeMap<>();
  private final TreeMap<String, String> bound = new TreeMap<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object observation, Verdict verdict) {
    if (observation instanceof LoopEvents.CacheInstalled c) {
      current.put(c.device(), c.cache());
    } else if (observation instanceof LoopEvents.CacheCleared c) {
      current.remove(c.device());
    } else if (observation instanceof LoopEvents.FileBound b) {
      bound.put(b.device(), b.path());
    } else if (observation instanceof LoopEvents.FileUnbound u) {
      bound.remove(u.device());
    } else if (observation instanceof LoopEvents.BlockWritten w) {
      String now = current.get(w.device());
      if (!w.cache().equals(now)) {
        verdict.fail("write_block of block " + w.blockId() + " landed in " + w.cache() + ", which is no longer "
            + w.device() + "'s cache (" + (now == null ? "it has none" : "its cache is " + now)
            + "): no flush will ever write it back");
      } else if (!bound.containsKey(w.device())) {
        verdict.fail("write_block of block " + w.blockId() + " landed in " + w.cache() + ", but " + w.device()
            + " has no backing file: the data can never reach a disk");
      }
    }
  }
}
