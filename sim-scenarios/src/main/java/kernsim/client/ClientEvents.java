package kernsim.client;

/**
 * What userspace loop clients (systemd's loop-util, Monogon's pkg/loop) tell the client oracles, as
 * world observations ({@code World.emit}) from the hart that runs the client. {@code client} is the
 * hart's key ({@code world/maker-1}); {@code kind} is {@code systemd} or {@code monogon}; {@code device}
 * is the loop device's number; virtual times are {@code World.nanoTime()}.
 */
public final class ClientEvents {
  private ClientEvents() {}

  /** An operation ({@code loop_device_make}, {@code Create}, …) began; it promises to end within {@code budgetNanos}. */
  public record OpStarted(String client, String kind, String op, long nanos, long budgetNanos) {}

  /**
   * The operation ended: {@code result} is "ok" (Monogon), "ok N" (systemd: its return value N) or the
   * error as the client reports it.
   */
  public record OpEnded(String client, String kind, String op, long nanos, String result) {}

  /** The client now believes it owns {@code /dev/loop<device>} (bound by it to {@code backing}). */
  public record Acquired(String client, String kind, int device, String backing) {}

  /** The client gave {@code /dev/loop<device>} up (it no longer believes it owns it). */
  public record Released(String client, String kind, int device) {}

  /**
   * The client wrote {@code data} at {@code offset} through {@code /dev/loop<device>} while it owned it,
   * and the write returned success: after the client frees the device, the backing file must hold it.
   */
  public record Wrote(String client, String kind, int device, String backing, long offset, byte[] data) {
    public Wrote {
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }
  }
}
