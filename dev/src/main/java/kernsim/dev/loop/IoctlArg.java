package kernsim.dev.loop;

import java.util.Objects;
import kernsim.dev.loop.LoopAbi.LoopConfig;
import kernsim.dev.loop.LoopAbi.LoopInfo;
import kernsim.dev.loop.LoopAbi.LoopInfo64;

/**
 * What an ioctl reads through its third argument, as the calling hart has already copied it in
 * ({@code copy_from_user}) and resolved the fds in it. Each command reads one kind; a command given
 * another kind reads what the kernel would read from that memory: a driver treats it as it treats a
 * bad argument of its own kind (see each driver).
 */
public sealed interface IoctlArg {
  /** No third argument (or one the command ignores). */
  enum None implements IoctlArg { INSTANCE }

  /** An integer argument: BLKROSET, BLKRASET, LOOP_SET_BLOCK_SIZE, LOOP_SET_DIRECT_IO, loop-control's index. */
  record Int(long value) implements IoctlArg {}

  /** An fd argument, resolved: LOOP_SET_FD, LOOP_CHANGE_FD. */
  record File(FdArg fd) implements IoctlArg {
    public File {
      Objects.requireNonNull(fd, "fd");
    }
  }

  /** LOOP_SET_STATUS's {@code struct loop_info}. */
  record Status(LoopInfo info) implements IoctlArg {
    public Status {
      Objects.requireNonNull(info, "info");
    }
  }

  /** LOOP_SET_STATUS64's {@code struct loop_info64}. */
  record Status64(LoopInfo64 info) implements IoctlArg {
    public Status64 {
      Objects.requireNonNull(info, "info");
    }
  }

  /** LOOP_CONFIGURE's {@code struct loop_config}, with the fd in it as the hart resolved it. */
  record Config(LoopConfig config, FdArg fd) implements IoctlArg {
    public Config {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(fd, "fd");
    }
  }

  static IoctlArg none() {
    return None.INSTANCE;
  }

  static IoctlArg of(long value) {
    return new Int(value);
  }
}
