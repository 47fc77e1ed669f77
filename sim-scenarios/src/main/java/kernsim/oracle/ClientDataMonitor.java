package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.client.ClientEvents;
import kernsim.dev.loop.LoopEvents;
import kernsim.fs.file.RamFile;

/**
 * {@code client-data}: data a client wrote through a loop device it owned ({@link ClientEvents.Wrote})
 * before giving the device up ({@link ClientEvents.Released}) is in the backing file at the end of the
 * run. The oracle follows the bytes of every file from the {@link RamFile.Written} observations the file
 * actors emit in the regions that write them, and which file each device is bound to from
 * {@link LoopEvents.FileBound}. At the end, each byte of such a write must have been written to the file
 * with the client's value, or overwritten by a write to the file after the client's write returned (a
 * later write wins, as in the durability oracle). Writes of a client that never released the device are
 * not checked. Under {@code linux} a client that does LOOP_CLR_FD and closes without fsync loses what
 * is still only in the device's page cache: this oracle reports that.
 */
public final class ClientDataMonitor implements Monitor {
  public static final String NAME = "client-data";

  /** One client write, in the file it went to, with the observation count when it returned. */
  private record Write(ClientEvents.Wrote wrote, String file, long seq) {}

  private final TreeMap<String, String> boundTo = new TreeMap<>();
  private final FileBytes files = new FileBytes();
  private final List<Write> pending = new ArrayList<>();
  private final List<Write> released = new ArrayList<>();
  private long seq;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object o, Monitor.Verdict verdict) {
    seq++;
    if (o instanceof LoopEvents.FileBound b) {
      boundTo.put(b.device(), b.file());
    } else if (o instanceof RamFile.Written w) {
      files.written(w, seq);
    } else if (o instanceof kernsim.dev.file.FileBackend.Wrote w) {
      files.written(w, seq);
    } else if (o instanceof ClientEvents.Wrote w) {
      pending.add(new Write(w, boundTo.get("loop" + w.device()), seq));
    } else if (o instanceof ClientEvents.Released r) {
      for (var it = pending.iterator(); it.hasNext(); ) {
        Write w = it.next();
        if (w.wrote().client().equals(r.client()) && w.wrote().device() == r.device()) {
          released.add(w);
          it.remove();
        }
      }
    }
  }

  @Override
  public void onEnd(Monitor.Verdict verdict) {
    for (Write w : released) {
      String lost = lost(w);
      if (lost != null) {
        ClientEvents.Wrote c = w.wrote();
        verdict.fail(c.client() + " (" + c.kind() + ") wrote " + c.data().length + " bytes at offset " + c.offset()
            + " through /dev/loop" + c.device() + " (backing " + c.backing() + ") and released the device, but at the"
            + " end of the run the backing file " + (w.file() == null ? "(none bound)" : w.file()) + " does not hold"
            + " them: " + lost);
        return;
      }
    }
  }

  /** Why {@code w} is not in its file, or null when it is. */
  private String lost(Write w) {
    return files.missing(w.file(), w.wrote().offset(), w.wrote().data(), w.seq());
  }
}
