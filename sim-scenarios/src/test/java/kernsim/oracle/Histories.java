package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kernsim.cpu.Calls;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.Call;
import kernsim.cpu.call.Syscall;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.Scenarios;

/**
 * Hand-written histories of Calls observations, in the order a run would emit them. Each call is written
 * as a hart's statement ({@link Scenarios#statement}); its fd variables are resolved as a hart resolves
 * them (the value the variable got from the call that set it, -1 for a failed one or none).
 */
final class Histories {
  private final List<Object> observations = new ArrayList<>();
  private final TreeMap<String, Integer> next = new TreeMap<>();
  private final TreeMap<String, Stmt> inFlight = new TreeMap<>();
  private final TreeMap<String, Call> inFlightCall = new TreeMap<>();
  private final TreeMap<String, TreeMap<String, Long>> vars = new TreeMap<>();

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
      throw new IllegalStateException(hart + " is still in " + inFlight.get(hart).text());
    }
    int i = next.merge(hart, 1, Integer::sum) - 1;
    Stmt s = stmt(text);
    TreeMap<String, Long> v = vars.computeIfAbsent(hart, h -> new TreeMap<>());
    Call call = s.call() instanceof Syscall sys ? sys.resolve(x -> v.containsKey(x) ? (int) (long) v.get(x) : -1)
        : s.call();
    inFlight.put(hart, s);
    inFlightCall.put(hart, call);
    observations.add(new Calls.Started(hart, i, s.text(), call, 0));
    return this;
  }

  Histories ret(String hart, SysResult result) {
    Stmt s = inFlight.remove(hart);
    if (s == null) {
      throw new IllegalStateException(hart + " has no call in flight");
    }
    Call call = inFlightCall.remove(hart);
    TreeMap<String, Long> v = vars.get(hart);
    if (s.assign() != null) {
      v.put(s.assign(), result instanceof SysResult.Ok ok ? ok.value() : -1L);
    }
    if (call instanceof Syscall.Pipe2 p) {
      List<?> ends = result instanceof SysResult.Ok ok && ok.data() instanceof List<?> l ? l : List.of(-1, -1);
      v.put(p.readVar(), ((Number) ends.get(0)).longValue());
      v.put(p.writeVar(), ((Number) ends.get(1)).longValue());
    }
    observations.add(new Calls.Returned(hart, next.get(hart) - 1, s.text(), call, result, 0));
    return this;
  }

  List<Object> observations() {
    return List.copyOf(observations);
  }

  /**
   * {@code text} as a statement: a hart's line, {@code mknod("PATH")} (the kernel's own nodes), or a setup
   * command as the setup hart shows it ({@code losetup /dev/loop0 /img: ioctl(dev, LOOP_SET_FD, file)},
   * {@code mkfs.ext4 /dev/loop0}, {@code mkdir /data}).
   */
  static Stmt stmt(String text) {
    if (text.startsWith("mknod(\"")) {
      return Stmt.of(new Syscall.Mknod(text.substring(7, text.length() - 2))).shown(text);
    }
    String[] words = text.split(" ");
    if (words.length == 2 && words[0].equals("mkfs.ext4")) {
      return Stmt.of(new Syscall.MkfsExt4(words[1])).shown(text);
    }
    if (words.length == 2 && words[0].equals("mkdir")) {
      return Stmt.of(new Syscall.Mkdir(words[1])).shown(text);
    }
    ScenarioException failed = null;
    if (List.of("image", "losetup", "file").contains(words[0])) {
      // the statement after the command's "command args: " (the first split whose rest is one)
      for (int i = text.indexOf(": "); i >= 0; i = text.indexOf(": ", i + 1)) {
        try {
          return Scenarios.statement(text.substring(i + 2)).shown(text);
        } catch (ScenarioException e) {
          failed = e;
        }
      }
    }
    try {
      return Scenarios.statement(text).shown(text);
    } catch (ScenarioException e) {
      throw new IllegalArgumentException(text + ": " + (failed != null ? failed : e).getMessage(), e);
    }
  }
}
