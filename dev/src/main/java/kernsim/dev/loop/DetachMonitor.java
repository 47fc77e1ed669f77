package kernsim.dev.loop;

import java.util.TreeMap;
import kernsim.actors.Monitor;

/**
 * The {@code detach} oracle, for the linux profile's detach ({@code __loop_clr_fd}), the invariants of
 * ../shared/linux-loop-races.md R2, R11 and R14:
 *
 * <ul>
 *   <li>a device is never torn down while an opener or a mount other than the tearing-down call's own
 *       holds it ({@link LoopEvents.TornDown} with {@code others > 0}): that opener goes on using a device
 *       whose file and page cache are gone, the use-after-free of CVE-2018-5344;
 *   <li>a close or umount that decided to detach (autoclear at the last close) returns only once the
 *       device has let go of its backing file ({@link LoopEvents.DetachReturned} while the device still has
 *       one, followed from {@link LoopEvents.FileBound} and {@link LoopEvents.FileUnbound}): userspace
 *       (xfstests, LTP) takes the file to be free when close() or umount() returns.
 * </ul>
 *
 * The patched linux profile keeps both by construction (the teardown runs at the last close, under
 * open_mutex, before the close returns); only a regress toggle breaks them.
 */
public final class DetachMonitor implements Monitor {
  public static final String NAME = "detach";

  private final TreeMap<String, String> bound = new TreeMap<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object observation, Verdict verdict) {
    if (observation instanceof LoopEvents.FileBound b) {
      bound.put(b.device(), b.path());
    } else if (observation instanceof LoopEvents.FileUnbound u) {
      bound.remove(u.device());
    } else if (observation instanceof LoopEvents.TornDown t && t.others() > 0) {
      verdict.fail("__loop_clr_fd tore " + t.device() + " down while " + t.others()
          + (t.others() == 1 ? " opener" : " openers") + " besides its caller held it open: they now use a device"
          + " whose backing file and page cache are gone (use after free)");
    } else if (observation instanceof LoopEvents.DetachReturned r && bound.containsKey(r.device())) {
      verdict.fail(r.call() + " of " + r.device() + " returned with its autoclear detach still pending: "
          + r.device() + " still holds " + bound.get(r.device()) + ", which userspace takes to be released");
    }
  }
}
