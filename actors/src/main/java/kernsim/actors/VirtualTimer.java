package kernsim.actors;

import org.apache.pekko.actor.Cancellable;

/** A timer on a world's virtual clock; ordered by due time, then by registration order. */
final class VirtualTimer implements Cancellable, Comparable<VirtualTimer> {
  private final Controller controller;
  final long dueNanos;
  final long intervalNanos;
  final long serial;
  final Runnable task;
  private boolean cancelled;
  private boolean fired;
  /** For a periodic timer, the registration that replaced this one when it fired. */
  private VirtualTimer successor;

  /**
   * The virtual time {@code delayNanos} (a negative delay counts as 0) after {@code nowNanos},
   * saturating at {@link Long#MAX_VALUE} as Linux's ktime does: the longest sleep is due at the end of
   * time, never at a negative time an overflow would give.
   */
  static long after(long nowNanos, long delayNanos) {
    long d = Math.max(0, delayNanos);
    return nowNanos > Long.MAX_VALUE - d ? Long.MAX_VALUE : nowNanos + d;
  }

  VirtualTimer(Controller controller, long dueNanos, long intervalNanos, long serial, Runnable task) {
    this.controller = controller;
    this.dueNanos = dueNanos;
    this.intervalNanos = intervalNanos;
    this.serial = serial;
    this.task = task;
  }

  VirtualTimer next(long nextSerial) {
    successor = new VirtualTimer(controller, after(dueNanos, intervalNanos), intervalNanos, nextSerial, task);
    return successor;
  }

  void markFired() {
    fired = true;
  }

  @Override
  public boolean cancel() {
    if (successor != null) {
      return successor.cancel();
    }
    if (cancelled || fired) {
      return false;
    }
    cancelled = true;
    controller.timersTouched();
    return true;
  }

  @Override
  public boolean isCancelled() {
    return successor != null ? successor.isCancelled() : cancelled;
  }

  @Override
  public int compareTo(VirtualTimer o) {
    int c = Long.compare(dueNanos, o.dueNanos);
    return c != 0 ? c : Long.compare(serial, o.serial);
  }
}
