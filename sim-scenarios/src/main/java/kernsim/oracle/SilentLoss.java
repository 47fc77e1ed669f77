package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.dev.loop.LoopEvents;
import kernsim.fs.file.RamFile;

/**
 * {@code silent-loss}: data a write through a loop device acknowledged to its caller
 * ({@link LoopEvents.DeviceWritten}) is in the device's backing file once the device let go of that file
 * ({@link LoopEvents.FileUnbound}), unless a call reported the write-back's error for the device after the
 * write ({@link LoopEvents.WritebackErrorReported}: fsync's EIO). Linux loses such data with no error to
 * anyone (R18 in the shared Linux race catalogue): LOOP_CLR_FD by the device's only opener puts it in
 * rundown at once, the last close's {@code sync_blockdev} then fails in {@code loop_queue_rq}, the dirty
 * pages are dropped, and close returns 0. It holds when fsync or BLKFLSBUF wrote the page cache back before
 * LOOP_CLR_FD, and when another opener kept the device bound (autoclear) until its own last close wrote it
 * back. The file's bytes are followed as {@link FileBytes} does; a byte overwritten in the file by a later
 * write counts as reached. Writes to a device still bound at the end are not checked (the page cache may
 * still write them back).
 *
 * <p>Under starry the device's writes are no {@code DeviceWritten}s: its LOOP_CLR_FD writes the cache back,
 * which the durability and stale-cache oracles check; so this oracle sees the linux profile only.
 */
public final class SilentLoss implements Monitor {
  public static final String NAME = "silent-loss";

  /** One acknowledged device write, the file the device was bound to, and the observation count it returned at. */
  private record Write(LoopEvents.DeviceWritten written, String file, long seq) {}

  private final TreeMap<String, String> boundTo = new TreeMap<>();
  private final FileBytes files = new FileBytes();
  /** Per device, its acknowledged writes not yet let go of. */
  private final TreeMap<String, List<Write>> pending = new TreeMap<>();
  /** Writes whose device let go of their file with no error reported for them. */
  private final List<Write> released = new ArrayList<>();
  private long seq;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object o, Monitor.Verdict verdict) {
    seq++;
    if (o instanceof RamFile.Written w) {
      files.written(w, seq);
    } else if (o instanceof kernsim.dev.file.FileBackend.Wrote w) {
      files.written(w, seq);
    } else if (o instanceof LoopEvents.FileBound b) {
      boundTo.put(b.device(), b.file());
    } else if (o instanceof LoopEvents.DeviceWritten w) {
      pending.computeIfAbsent(w.device(), k -> new ArrayList<>()).add(new Write(w, boundTo.get(w.device()), seq));
    } else if (o instanceof LoopEvents.WritebackErrorReported e) {
      pending.remove(e.device()); // reported: the caller knows its writes may be lost
    } else if (o instanceof LoopEvents.FileUnbound u) {
      List<Write> ws = pending.remove(u.device());
      if (ws != null) {
        released.addAll(ws);
      }
      boundTo.remove(u.device());
    }
  }

  @Override
  public void onEnd(Monitor.Verdict verdict) {
    for (Write w : released) {
      String lost = files.missing(w.file(), w.written().offset(), w.written().data(), w.seq());
      if (lost != null) {
        LoopEvents.DeviceWritten d = w.written();
        verdict.fail("a write of " + d.data().length + " bytes at offset " + d.offset() + " through /dev/" + d.device()
            + " returned success, and " + d.device() + " let go of its backing file "
            + (w.file() == null ? "(none bound)" : w.file()) + " with no call reporting an error, but the file does"
            + " not hold them: " + lost);
        return;
      }
    }
  }
}
