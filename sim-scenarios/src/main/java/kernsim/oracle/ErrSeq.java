package kernsim.oracle;

import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.dev.loop.LoopEvents;

/**
 * {@code errseq}: no I/O error is lost. When a loop device's write-back meets an I/O error at its backing
 * file ({@link LoopEvents.WritebackFailed}: a write or the closing sync failed, as injected faults make
 * them, docs/faults.md), some call must report it to its caller ({@link LoopEvents.WritebackErrorReported})
 * before the device promises its data durable again or lets go of the file. Linux keeps such an error in
 * the mapping's {@code wb_err} (errseq) and reports it at the next fsync, whatever write-back that fsync
 * does itself; so it fails:
 * <ul>
 *   <li>a call that returns success having promised the device's data durable
 *       ({@link LoopEvents.PersistReturned}: fsync, BLKFLSBUF, LOOP_CLR_FD, umount2) while an error its
 *       write-back met earlier was reported to nobody;
 *   <li>the device letting go of its backing file ({@link LoopEvents.FileUnbound}) with such an error
 *       pending: no later call can report it.
 * </ul>
 * The call whose write-back met the error is given until it returns to report it (other calls may promise
 * in between, having written the cache back themselves); once it returned without reporting it, the error
 * waits for any other call. An error still pending at the end of the run is not a failure (a later fsync
 * could report it).
 * The write-back the linux profile's rundown refuses ({@code loop_queue_rq}) is no I/O error of the file:
 * the silent-loss oracle follows that one.
 *
 * <p>In stress mode monitors are not told which actor emitted an observation
 * ({@link kernsim.actors.stress.StressWorld#NO_ACTOR}), so the oracle cannot tell whether the call that met
 * an error has returned: every error stays in flight, and under stress the oracle never fails.
 */
public final class ErrSeq implements Monitor {
  public static final String NAME = "errseq";

  /**
   * An error met and not yet reported: where, which hart's write-back met it, and (once that hart's call
   * returned without reporting it) that call's result.
   */
  private record Pending(String file, String op, String hart, String returned) {
    boolean inFlight() {
      return returned == null;
    }
  }

  private final TreeMap<String, Pending> pending = new TreeMap<>();
  /** Devices that let go of their file while an error was in flight to its caller. */
  private final java.util.TreeSet<String> unbound = new java.util.TreeSet<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object o, String actor, Verdict verdict) {
    if (o instanceof LoopEvents.WritebackFailed f) {
      pending.putIfAbsent(f.device(), new Pending(f.file(), f.op(), actor, null));
    } else if (o instanceof LoopEvents.WritebackErrorReported r) {
      pending.remove(r.device());
      unbound.remove(r.device());
    } else if (o instanceof kernsim.cpu.Calls.Returned r) {
      if (actor.equals(kernsim.actors.stress.StressWorld.NO_ACTOR)) {
        return; // on real threads the emitter is unknown: whose call met the error cannot be told, so it stays in flight
      }
      for (var it = pending.entrySet().iterator(); it.hasNext();) {
        var en = it.next();
        Pending e = en.getValue();
        if (!e.inFlight() || !e.hart().equals(actor)) {
          continue;
        }
        Pending done = new Pending(e.file(), e.op(), e.hart(), r.text() + " = " + r.result());
        if (unbound.contains(en.getKey())) {
          it.remove();
          verdict.fail(en.getKey() + " let go of its backing file while an I/O error " + what(done)
              + " was reported to no caller: no call can report it any more, the error is lost");
          return;
        }
        en.setValue(done);
      }
    } else if (o instanceof LoopEvents.PersistReturned p) {
      Pending e = pending.get(p.device());
      if (e != null && !e.inFlight()) {
        verdict.fail(actor + ": " + p.call() + " on " + p.device() + " promised its data durable"
            + (p.wroteBack() ? " (after writing the cache back)" : " (with nothing dirty to write back)")
            + ", but an I/O error " + what(e) + " was reported to no caller: the error is lost"
            + " (Linux's errseq reports it at the next fsync)");
      }
    } else if (o instanceof LoopEvents.FileBound b) {
      unbound.remove(b.device());
    } else if (o instanceof LoopEvents.FileUnbound u) {
      Pending e = pending.get(u.device());
      if (e != null && e.inFlight()) {
        unbound.add(u.device()); // the call that met it may still report it
      } else if (e != null) {
        pending.remove(u.device());
        verdict.fail(u.device() + " let go of its backing file " + u.file() + " while an I/O error "
            + what(e) + " was reported to no caller: no call can report it any more, the error is lost");
      }
    }
  }

  private static String what(Pending e) {
    return "of " + e.hart() + "'s write-back (a failed " + e.op() + " at " + e.file() + ")"
        + (e.inFlight() ? "" : ", whose call returned " + e.returned() + ",");
  }
}
