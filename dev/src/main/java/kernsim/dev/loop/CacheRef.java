package kernsim.dev.loop;

import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One cache instance (the source's {@code Arc<CacheData>}): its stable id, its actor and its
 * {@code total_len}, which never changes after creation and so is read without a message.
 *
 * @param id {@code loopN#g}: device N's g-th cache, stable across runs for reports
 */
public record CacheRef(String id, ActorRef<CacheData.Command> ref, int totalLen) {
  public CacheRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ref, "ref");
  }

  static String id(int device, int generation) {
    return "loop" + device + "#" + generation;
  }
}
