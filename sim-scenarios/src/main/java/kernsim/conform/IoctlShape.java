package kernsim.conform;

import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;

/**
 * How the kernel reads an ioctl's third argument: as a value, as an fd, or through a pointer (in, out),
 * per command (the handlers in {@code drivers/block/loop.c}, {@code block/ioctl.c}). The command numbers
 * are the model's ({@link LoopIoctl}, {@link LoopControl}); a loop command's shape is declared with it
 * ({@link LoopIoctl.Arg}), so a command added there needs nothing here.
 */
enum IoctlShape {
  /** Ignored (0 is passed). */
  NONE,
  /** An integer taken as is. */
  VALUE,
  /** An fd number. */
  FD,
  /** A pointer to an {@code int} the kernel reads (BLKROSET). */
  IN_INT,
  IN_LOOP_INFO,
  IN_LOOP_INFO64,
  IN_LOOP_CONFIG,
  /** Getters: a pointer the kernel writes an int / unsigned int / long / unsigned long / u64 to. */
  OUT_INT,
  OUT_UINT,
  OUT_LONG,
  OUT_ULONG,
  OUT_U64,
  OUT_GEOMETRY,
  OUT_LOOP_INFO,
  OUT_LOOP_INFO64,
  /** A command neither table knows: its argument, if any, is passed only where it cannot be a pointer. */
  UNKNOWN;

  /** Whether the kernel dereferences the argument. */
  boolean pointer() {
    return this != NONE && this != VALUE && this != FD && this != UNKNOWN;
  }

  /** The shape of a loop device's (or the block layer's) command: {@link LoopIoctl#arg}, the one place it is said. */
  static IoctlShape of(LoopIoctl cmd) {
    return switch (cmd.arg()) {
      case NONE -> NONE;
      case VALUE -> VALUE;
      case FD -> FD;
      case IN_INT -> IN_INT;
      case IN_LOOP_INFO -> IN_LOOP_INFO;
      case IN_LOOP_INFO64 -> IN_LOOP_INFO64;
      case IN_LOOP_CONFIG -> IN_LOOP_CONFIG;
      case OUT_INT -> OUT_INT;
      case OUT_UINT -> OUT_UINT;
      case OUT_LONG -> OUT_LONG;
      case OUT_ULONG -> OUT_ULONG;
      case OUT_U64 -> OUT_U64;
      case OUT_GEOMETRY -> OUT_GEOMETRY;
      case OUT_LOOP_INFO -> OUT_LOOP_INFO;
      case OUT_LOOP_INFO64 -> OUT_LOOP_INFO64;
    };
  }

  /** The shape of a command by number: a loop-control command, a {@link LoopIoctl}, or {@link #UNKNOWN}. */
  static IoctlShape ofNumber(int cmd) {
    if (cmd == LoopControl.LOOP_CTL_ADD || cmd == LoopControl.LOOP_CTL_REMOVE) {
      return VALUE;
    }
    if (cmd == LoopControl.LOOP_CTL_GET_FREE) {
      return NONE;
    }
    LoopIoctl known = LoopIoctl.byNumber(cmd);
    return known == null ? UNKNOWN : of(known);
  }
}
