package kernsim.dev.loop;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.dev.SysResult;

/**
 * The {@code power-loss} oracle's second half: after a power loss a fresh kernel boots over the surviving
 * images and runs a recovery program (docs/faults.md), and this checks what that kernel's calls return.
 * A read of a block the first boot promised durable ({@link DurabilityMonitor#blocksPromised}) must return
 * the promised data or a later write of the block; a call the recovery needs (re-binding, mounting,
 * opening and reading back what was promised) must succeed. Calls are known by their statement's text
 * (the recovery program's texts are distinct).
 */
public final class RebootCheck implements Monitor {
  private final DurabilityMonitor.Calls calls;
  private final int lostAfter;
  /** A block read's text → the promised blocks it reads back (512 bytes each, from the read's first byte). */
  private final TreeMap<String, List<DurabilityMonitor.PromisedBlock>> blockReads;
  /** A needed call's text → why it must succeed. */
  private final TreeMap<String, String> needed;

  public RebootCheck(DurabilityMonitor.Calls calls, int lostAfter,
      java.util.Map<String, List<DurabilityMonitor.PromisedBlock>> blockReads, java.util.Map<String, String> needed) {
    this.calls = calls;
    this.lostAfter = lostAfter;
    this.blockReads = new TreeMap<>(blockReads);
    this.needed = new TreeMap<>(needed);
  }

  @Override
  public String name() {
    return DurabilityMonitor.POWER_LOSS;
  }

  @Override
  public void onObservation(Object o, String actor, Verdict verdict) {
    Object[] r = calls.returned(o);
    if (r == null) {
      return;
    }
    String text = (String) r[1];
    Object result = r[2];
    String why = needed.get(text);
    if (why != null && !(result instanceof SysResult.Ok)) {
      verdict.fail("power lost after step " + lostAfter + ": the rebooted kernel's " + text + " returned " + result
          + " (" + why + ")");
      return;
    }
    List<DurabilityMonitor.PromisedBlock> blocks = blockReads.get(text);
    if (blocks == null) {
      return;
    }
    if (!(result instanceof SysResult.Ok ok) || !(ok.data() instanceof byte[] data)) {
      verdict.fail("power lost after step " + lostAfter + ": the rebooted kernel's " + text + " returned " + result
          + ", reading back block " + blocks.get(0).block() + " of " + blocks.get(0).device() + ", promised durable");
      return;
    }
    for (DurabilityMonitor.PromisedBlock b : blocks) {
      if (!matches(data, b.allowed())) {
        verdict.fail("power lost after step " + lostAfter + ": block " + b.block() + " of " + b.device()
            + ", written by " + b.writer() + " before " + b.promiser() + "'s " + b.promise() + " promised it durable,"
            + " is not what the rebooted kernel's " + text + " reads from " + b.file() + " (" + b.fate() + ")");
        return;
      }
    }
  }

  private static boolean matches(byte[] read, List<byte[]> allowed) {
    for (byte[] a : allowed) {
      if (read.length >= a.length && Arrays.equals(read, 0, a.length, a, 0, a.length)) {
        return true;
      }
    }
    return false;
  }
}
