package kernsim.dev.loop;

import java.util.List;
import java.util.Objects;
import kernsim.dev.Errno;
import kernsim.dev.Regress;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The ioctls of {@code /dev/loop-control} as {@link Code} a hart runs, in Linux's lock scopes: each
 * holds {@code loop_ctl_mutex} throughout. Results are {@code Ok(index)} for ADD and GET_FREE,
 * {@code Ok(0)} for REMOVE.
 */
public final class LoopControlCalls {
  private final ActorRef<LoopControl.Command> ctl;
  /** Linux's loop-control ({@code loop_control_ioctl}) rather than the starry profile's. */
  private final boolean linux;
  /** {@code remove-open-abba}: del_gendisk (the device's open_mutex) runs with loop_ctl_mutex held. */
  private final boolean delGendiskLocked;

  /** The starry profile's loop-control. */
  public LoopControlCalls(ActorRef<LoopControl.Command> ctl) {
    this(ctl, false);
  }

  public LoopControlCalls(ActorRef<LoopControl.Command> ctl, boolean linux) {
    this(ctl, linux ? Semantics.LINUX : Semantics.STARRY);
  }

  /** loop-control as {@code semantics} has it: Linux's under linux, with its regress toggles. */
  public LoopControlCalls(ActorRef<LoopControl.Command> ctl, Semantics semantics) {
    this.ctl = Objects.requireNonNull(ctl, "ctl");
    this.linux = semantics.linux();
    this.delGendiskLocked = semantics.has(Regress.REMOVE_OPEN_ABBA);
  }

  /** Whether this is Linux's loop-control (the linux profile). */
  public boolean linux() {
    return linux;
  }

  /**
   * {@code ioctl(loop-control, command, arg)}; other numbers are ENOTTY in the starry profile and
   * ENOSYS under linux ({@code loop_control_ioctl}'s default, found by {@code kernsim conform}).
   */
  public Code ioctl(int command, long arg) {
    return switch (command) {
      case LoopControl.LOOP_CTL_ADD -> linux && arg > LoopControl.MAX_INDEX ? Code.err(Errno.EINVAL) : add((int) arg);
      case LoopControl.LOOP_CTL_REMOVE -> remove((int) arg);
      case LoopControl.LOOP_CTL_GET_FREE -> getFree();
      default -> Code.err(linux ? Errno.ENOSYS : Errno.ENOTTY);
    };
  }

  /**
   * LOOP_CTL_ADD: EEXIST if the index exists; a negative index takes the lowest free one. Success is
   * {@code Ok(index, LoopControl.Added)}: the caller makes the device's node (see {@link LoopControl.Added}).
   */
  public Code add(int index) {
    return lock(devices -> LoopControl.add(ctl, index, v -> unlock(() -> Code.done(v))));
  }

  /**
   * LOOP_CTL_REMOVE: EINVAL for a negative index, ENODEV for a missing one, EBUSY if the device is
   * bound or open (checked at the device, which then refuses opens).
   */
  public Code remove(int index) {
    if (index < 0) {
      return Code.err(Errno.EINVAL);
    }
    return lock(devices -> {
      LoopControl.Device d = find(devices, index);
      if (d == null) {
        return unlock(() -> Code.err(Errno.ENODEV));
      }
      return LoopDevice.markDeleting(d.ref(), v -> {
        if (v instanceof SysResult.Err e) {
          return unlock(() -> Code.done(e));
        }
        if (delGendiskLocked) {
          // before 990e78116d38: loop_remove's del_gendisk takes disk->open_mutex, loop_ctl_mutex held
          return LoopDevice.openLock(d.ref(), dv -> LoopDevice.openUnlock(d.ref(),
              () -> LoopControl.remove(ctl, index, () -> unlock(() -> Code.ok(0)))));
        }
        return LoopControl.remove(ctl, index, () -> unlock(() -> Code.ok(0)));
      });
    });
  }

  /**
   * LOOP_CTL_GET_FREE: the lowest index whose device is unbound (a racy read of each), else a new device
   * ({@code Ok(index, LoopControl.Added)}, as {@link #add}).
   */
  public Code getFree() {
    return lock(devices -> scan(devices.devices(), 0));
  }

  private Code scan(List<LoopControl.Device> devices, int i) {
    if (i >= devices.size()) {
      return LoopControl.add(ctl, -1, v -> unlock(() -> Code.done(v)));
    }
    LoopControl.Device d = devices.get(i);
    return LoopDevice.queryUnbound(d.ref(), unbound -> unbound
        ? unlock(() -> Code.ok(d.index()))
        : scan(devices, i + 1));
  }

  /** Opening {@code /dev/loopN}: the device, or null. */
  public Code lookup(int index) {
    return lookup(index, Code::done);
  }

  /** Opening {@code /dev/loopN}: continues with the device, or null. */
  public Code lookup(int index, java.util.function.Function<LoopControl.Device, Code> then) {
    return LoopControl.lookup(ctl, index, then);
  }

  private static LoopControl.Device find(LoopControl.Devices devices, int index) {
    for (LoopControl.Device d : devices.devices()) {
      if (d.index() == index) {
        return d;
      }
    }
    return null;
  }

  private Code lock(java.util.function.Function<LoopControl.Devices, Code> then) {
    return LoopControl.lock(ctl, then);
  }

  private Code unlock(java.util.function.Supplier<Code> then) {
    return LoopControl.unlock(ctl, then);
  }
}
