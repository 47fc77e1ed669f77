package kernsim.cpu;

import java.util.ArrayList;
import java.util.List;
import kernsim.dev.code.Code;
import kernsim.fs.vfs.Location;
import kernsim.fs.vfs.Tasks;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The task list as the mount syscalls see it: every hart's process, asked one at a time (the source
 * takes each task's FD_TABLE lock in turn), in the order the harts were started.
 */
final class HartTasks implements Tasks {
  private final List<ActorRef<Object>> harts = new ArrayList<>();

  /** Called by the kernel as it starts each hart, before any kernel code can ask. */
  void add(ActorRef<Object> hart) {
    harts.add(hart);
  }

  @Override
  public Code usesMount(int mountId) {
    return ask(List.copyOf(harts), 0, mountId);
  }

  private static Code ask(List<ActorRef<Object>> harts, int i, int mountId) {
    if (i == harts.size()) {
      return Code.done(Boolean.FALSE);
    }
    return Code.ask(harts.get(i), r -> new Hart.UsesMount(mountId, r), "fd table",
        (Boolean busy) -> Boolean.TRUE.equals(busy) ? Code.done(Boolean.TRUE) : ask(harts, i + 1, mountId));
  }

  /** Every task in turn, one FD_TABLE region each; each that has an fd on the mount marks it held. */
  @Override
  public Code holdMount(int mountId) {
    return count(List.copyOf(harts), 0, mountId, 0);
  }

  private static Code count(List<ActorRef<Object>> harts, int i, int mountId, int n) {
    if (i == harts.size()) {
      return Code.done(n);
    }
    return Code.ask(harts.get(i), r -> new Hart.HoldMount(mountId, r), "fd table",
        (Boolean holds) -> count(harts, i + 1, mountId, n + (Boolean.TRUE.equals(holds) ? 1 : 0)));
  }

  /** Harts keep no root or cwd of their own beyond the mount they are in: nothing to move. */
  @Override
  public Code propagatePivotRoot(Location oldRoot, Location newRoot) {
    return Code.ok(0);
  }
}
