package kernsim.conform;

import java.util.Objects;
import kernsim.dev.loop.LoopAbi;

/**
 * An ioctl's third argument as a scenario gives it, before the sandbox lays it out for the kernel
 * ({@link IoctlShape} says how each command reads it). Fds are the sandbox's (the process's own
 * numbering), never real ones.
 */
public sealed interface IoctlIn {
  /** No argument: a command that takes none gets 0; a getter gets a buffer to write into. */
  enum None implements IoctlIn { INSTANCE }

  /** An explicit NULL pointer (what "a NULL argument" cases pass). */
  enum Null implements IoctlIn { INSTANCE }

  /** An integer: BLKRASET's value, LOOP_SET_BLOCK_SIZE's size, loop-control's index, BLKROSET's int. */
  record Value(long value) implements IoctlIn {}

  /** An fd of the calling process: LOOP_SET_FD's and LOOP_CHANGE_FD's backing file. */
  record Fd(int fd) implements IoctlIn {}

  /** LOOP_SET_STATUS's {@code struct loop_info}. */
  record Status(LoopAbi.LoopInfo info) implements IoctlIn {
    public Status {
      Objects.requireNonNull(info, "info");
    }
  }

  /** LOOP_SET_STATUS64's {@code struct loop_info64}. */
  record Status64(LoopAbi.LoopInfo64 info) implements IoctlIn {
    public Status64 {
      Objects.requireNonNull(info, "info");
    }
  }

  /** LOOP_CONFIGURE's {@code struct loop_config}; its {@code fd} is an fd of the calling process. */
  record Config(LoopAbi.LoopConfig config) implements IoctlIn {
    public Config {
      Objects.requireNonNull(config, "config");
    }
  }

  static IoctlIn none() {
    return None.INSTANCE;
  }

  static IoctlIn nul() {
    return Null.INSTANCE;
  }

  static IoctlIn value(long v) {
    return new Value(v);
  }

  static IoctlIn fd(int fd) {
    return new Fd(fd);
  }
}
