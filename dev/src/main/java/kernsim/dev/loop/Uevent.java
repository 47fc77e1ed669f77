package kernsim.dev.loop;

import java.util.EnumSet;
import java.util.Set;

/**
 * A uevent-like notification that loop device {@code number} ({@code device}, e.g. {@code loop0})
 * changed: {@code cause} is the ioctl that changed it (bound: LOOP_SET_FD, LOOP_CONFIGURE; unbound:
 * LOOP_CLR_FD; status or flags: LOOP_SET_STATUS[64], BLKROSET, …). Linux sends a {@code KOBJ_CHANGE}
 * uevent from the ioctl's own context once the change is published; {@link LoopIoctls} does the same:
 * the hart that ran the ioctl, after its last region and only on success, emits it as an observation
 * and tells the kernel's listener (the udev-like prober), without waiting for it.
 */
public record Uevent(String device, int number, String cause) {
  /** The ioctls that change what a prober sees. */
  public static final Set<LoopIoctl> CHANGES = Set.copyOf(EnumSet.of(LoopIoctl.LOOP_SET_FD, LoopIoctl.LOOP_CLR_FD,
      LoopIoctl.LOOP_CONFIGURE, LoopIoctl.LOOP_SET_STATUS, LoopIoctl.LOOP_SET_STATUS64, LoopIoctl.LOOP_CHANGE_FD,
      LoopIoctl.LOOP_SET_CAPACITY, LoopIoctl.LOOP_SET_BLOCK_SIZE, LoopIoctl.LOOP_SET_DIRECT_IO, LoopIoctl.BLKROSET));
}
