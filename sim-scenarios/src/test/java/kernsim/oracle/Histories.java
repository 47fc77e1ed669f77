package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kernsim.cpu.Calls;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;

/** Hand-written histories of Calls observations, in the order a run would emit them. */
final class Histories {
  private final List<Object> observations = new ArrayList<>();
  private final TreeMap<String, Integer> next = new TreeMap<>();
  private final TreeMap<String, String> inFlight = new TreeMap<>();

  static SysResult ok(long value) {
    return SysResult.ok(value);
  }

  static SysResult err(Errno errno) {
    return SysResult.err(errno);
  }

  /** The kernel's boot statements on world/setup: /dev, /mnt, loop-control, {@code loops} devices. */
  Histories boot(int loops) {
    call("world/setup", "mkdir(\"/dev\")", ok(0));
    call("world/setup", "mkdir(\"/mnt\")", ok(0));
    call("world/setup", "mknod(\"/dev/loop-control\")", ok(0));
    for (int i = 0; i < loops; i++) {
      call("world/setup", "mknod(\"/dev/loop" + i + "\")", ok(0));
    }
    return this;
  }

  /** A call that starts and returns with nothing in between. */
  Histories call(String hart, String text, SysResult result) {
    return start(hart, text).ret(hart, result);
  }

  Histories start(String hart, String text) {
    if (inFlight.containsKey(hart)) {
      throw new IllegalStateException(hart + " is still in " + inFlight.get(hart));
    }
    int i = next.merge(hart, 1, Integer::sum) - 1;
    inFlight.put(hart, text);
    observations.add(new Calls.Started(hart, i, text, 0));
    return this;
  }

  Histories ret(String hart, SysResult result) {
    String text = inFlight.remove(hart);
    if (text == null) {
      throw new IllegalStateException(hart + " has no call in flight");
    }
    observations.add(new Calls.Returned(hart, next.get(hart) - 1, text, result, 0));
    return this;
  }

  List<Object> observations() {
    return List.copyOf(observations);
  }
}
