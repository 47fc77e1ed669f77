package kernsim.conform;

import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;

/**
 * How the kernel reads an ioctl's third argument: as a value, as an fd, or through a pointer (in, out),
 * per command (the handlers in {@code drivers/block/loop.c}, {@code block/ioctl.c}). A loop command's shape
 * is declared with it ({@link LoopIoctl.Arg}, the one place it is said), so a command added there needs
 * nothing here; loop-control's three commands are the only ones this class names.
 */
final class IoctlShape {
  private IoctlShape() {}

  /** The shape of a command by number: a loop-control command, a {@link LoopIoctl}, or {@code UNKNOWN}. */
  static LoopIoctl.Arg ofNumber(int cmd) {
    if (cmd == LoopControl.LOOP_CTL_ADD || cmd == LoopControl.LOOP_CTL_REMOVE) {
      return LoopIoctl.Arg.VALUE;
    }
    if (cmd == LoopControl.LOOP_CTL_GET_FREE) {
      return LoopIoctl.Arg.NONE;
    }
    LoopIoctl known = LoopIoctl.byNumber(cmd);
    return known == null ? LoopIoctl.Arg.UNKNOWN : known.arg();
  }
}
