package kernsim.oracle;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kernsim.cpu.Calls;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.Syscall;
import kernsim.dev.SysResult;

/**
 * The boot's setup calls as the observations an oracle would have seen had the setup hart run them, each
 * succeeding: a Started and a Returned per call. An fd a call assigns is the lowest free one from 3; a
 * close frees its fd. The one place oracles that start from the boot state ({@link ErrnoConformance},
 * {@link ReadOnlyDevices}, {@link FileContents}) replay it from.
 */
final class BootCalls {
  private BootCalls() {}

  /**
   * @param writeLengths whether a {@code write} returns its data's length (as the hart's does) or 0
   */
  static List<Object> observations(List<Stmt> calls, boolean writeLengths) {
    List<Object> out = new ArrayList<>();
    TreeMap<String, Long> fds = new TreeMap<>(); // the open ones
    TreeMap<String, Long> vars = new TreeMap<>(); // every one set, as a hart keeps them
    for (int i = 0; i < calls.size(); i++) {
      Stmt st = calls.get(i);
      kernsim.cpu.call.Call call = st.call() instanceof Syscall sys
          ? sys.resolve(v -> vars.containsKey(v) ? (int) (long) vars.get(v) : -1) : st.call();
      out.add(new Calls.Started("setup", i, st.text(), call, 0));
      long value = 0;
      if (st.assign() != null) {
        value = 3;
        while (fds.containsValue(value)) {
          value++;
        }
        fds.put(st.assign(), value);
        vars.put(st.assign(), value);
      } else if (call instanceof Syscall.Close c) {
        fds.remove(c.fd().var());
      } else if (writeLengths && call instanceof Syscall.Write w) {
        value = w.data().getBytes(StandardCharsets.UTF_8).length;
      }
      out.add(new Calls.Returned("setup", i, st.text(), call, SysResult.ok(value), 0));
    }
    return out;
  }
}
