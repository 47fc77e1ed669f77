package kernsim.cpu.call;

import static kernsim.fs.file.Uapi.F_ADD_SEALS;
import static kernsim.fs.file.Uapi.F_GETFL;
import static kernsim.fs.file.Uapi.F_GET_SEALS;
import static kernsim.fs.file.Uapi.LOCK_EX;
import static kernsim.fs.file.Uapi.LOCK_NB;
import static kernsim.fs.file.Uapi.LOCK_SH;
import static kernsim.fs.file.Uapi.LOCK_UN;
import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_APPEND;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_DIRECT;
import static kernsim.fs.file.Uapi.O_DIRECTORY;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_NONBLOCK;
import static kernsim.fs.file.Uapi.O_RDWR;
import static kernsim.fs.file.Uapi.O_TRUNC;
import static kernsim.fs.file.Uapi.O_WRONLY;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;

/** How a call's arguments read in its text: C's notation, constants by name where the model names them. */
final class Text {
  private Text() {}

  static String q(String s) {
    return '"' + s + '"';
  }

  /** {@link #q}, or {@code NULL} for a null pointer. */
  static String qn(String s) {
    return s == null ? "NULL" : q(s);
  }

  static String quoted(List<String> parts) {
    return parts.stream().map(Text::q).collect(Collectors.joining(", ", "[", "]"));
  }

  /** A {@code loff_t *} argument as C shows it. */
  static String ptr(Long offset) {
    return offset == null ? "NULL" : "&" + offset;
  }

  static String fcntlCmd(int cmd) {
    return switch (cmd) {
      case F_GETFL -> "F_GETFL";
      case F_ADD_SEALS -> "F_ADD_SEALS";
      case F_GET_SEALS -> "F_GET_SEALS";
      default -> Integer.toString(cmd);
    };
  }

  /** An ioctl command by name: a loop device's or loop-control's; another number in hex. */
  static String ioctlName(int cmd) {
    LoopIoctl loop = LoopIoctl.byNumber(cmd);
    if (loop != null) {
      return loop.name();
    }
    return switch (cmd) {
      case LoopControl.LOOP_CTL_ADD -> "LOOP_CTL_ADD";
      case LoopControl.LOOP_CTL_REMOVE -> "LOOP_CTL_REMOVE";
      case LoopControl.LOOP_CTL_GET_FREE -> "LOOP_CTL_GET_FREE";
      default -> "0x" + Integer.toHexString(cmd).toUpperCase(java.util.Locale.ROOT);
    };
  }

  /** flock operations by their C names, e.g. {@code LOCK_EX|LOCK_NB}; other bits as a number. */
  static String lockOps(int cmd) {
    List<String> names = new ArrayList<>();
    int[] bits = {LOCK_SH, LOCK_EX, LOCK_UN, LOCK_NB};
    String[] bitNames = {"LOCK_SH", "LOCK_EX", "LOCK_UN", "LOCK_NB"};
    int rest = cmd;
    for (int i = 0; i < bits.length; i++) {
      if ((cmd & bits[i]) != 0) {
        names.add(bitNames[i]);
        rest &= ~bits[i];
      }
    }
    if (rest != 0 || names.isEmpty()) {
      names.add(Integer.toString(rest));
    }
    return String.join("|", names);
  }

  /** open flags by their C names, e.g. {@code O_RDWR|O_CREAT}. */
  static String openFlags(int flags) {
    List<String> names = new ArrayList<>();
    int mode = flags & O_ACCMODE;
    names.add(mode == O_WRONLY ? "O_WRONLY" : mode == O_RDWR ? "O_RDWR" : "O_RDONLY");
    int[] bits = {O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, O_DIRECT, O_DIRECTORY};
    String[] bitNames = {"O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND", "O_NONBLOCK", "O_DIRECT", "O_DIRECTORY"};
    for (int i = 0; i < bits.length; i++) {
      if ((flags & bits[i]) != 0) {
        names.add(bitNames[i]);
      }
    }
    return String.join("|", names);
  }
}
