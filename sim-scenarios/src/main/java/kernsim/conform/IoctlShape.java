package kernsim.conform;

import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;

/**
 * How the kernel reads an ioctl's third argument: as a value, as an fd, or through a pointer (in, out),
 * per command (the handlers in {@code drivers/block/loop.c}, {@code block/ioctl.c}). The command numbers
 * are the model's ({@link LoopIoctl}, {@link LoopControl}); the switch over {@link LoopIoctl} is exhaustive,
 * so a command added there must get its shape here.
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

  /** The shape of a loop device's (or the block layer's) command. */
  static IoctlShape of(LoopIoctl cmd) {
    return switch (cmd) {
      case LOOP_CLR_FD, LOOP_SET_CAPACITY, BLKRRPART, BLKFLSBUF -> NONE;
      // BLKPG reads a struct blkpg_ioctl_arg; the scenario language gives it none, so NULL is what it gets
      case BLKPG -> NONE;
      case LOOP_SET_FD, LOOP_CHANGE_FD -> FD;
      case LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE, BLKRASET -> VALUE;
      case BLKROSET -> IN_INT;
      case LOOP_SET_STATUS -> IN_LOOP_INFO;
      case LOOP_SET_STATUS64 -> IN_LOOP_INFO64;
      case LOOP_CONFIGURE -> IN_LOOP_CONFIG;
      case LOOP_GET_STATUS -> OUT_LOOP_INFO;
      case LOOP_GET_STATUS64 -> OUT_LOOP_INFO64;
      case BLKROGET, BLKSSZGET -> OUT_INT;
      case BLKPBSZGET, BLKIOMIN, BLKIOOPT -> OUT_UINT;
      case BLKRAGET -> OUT_LONG;
      case BLKGETSIZE -> OUT_ULONG;
      case BLKGETSIZE64 -> OUT_U64;
      case HDIO_GETGEO -> OUT_GEOMETRY;
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
