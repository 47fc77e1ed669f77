package kernsim.oracle;

/** What a path names, as the oracle's state records it: a loop device by its number (≥ 0), or one of these. */
final class Nodes {
  private Nodes() {}

  static final int DIR = -1;
  /** A regular file of a tmpfs (a RamFile: a backing file the specification follows). */
  static final int FILE = -2;
  static final int CONTROL = -3;
  static final int OTHER_DEVICE = -4;
  /** Something on a filesystem whose contents the oracle does not track (ext4). */
  static final int UNKNOWN = -5;
  /** A sysfs attribute ({@code /sys/block/loopN/loop/backing_file}): opens while its group exists. */
  static final int SYSFS = -6;

  static boolean isLoop(int node) {
    return node >= 0;
  }

  /** The node the kernel makes at {@code path} ({@code Kernel.bootCalls}' mknod): a loop device by its number, … */
  static int of(String path) {
    if (path.startsWith("/sys/")) {
      return SYSFS;
    }
    if (path.equals("/dev/loop-control")) {
      return CONTROL;
    }
    if (path.startsWith("/dev/loop")) {
      try {
        int n = Integer.parseInt(path.substring("/dev/loop".length()));
        return n >= 0 ? n : OTHER_DEVICE;
      } catch (NumberFormatException e) {
        return OTHER_DEVICE;
      }
    }
    return OTHER_DEVICE;
  }

  static String describe(int node) {
    return switch (node) {
      case DIR -> "a directory";
      case FILE -> "a regular file";
      case CONTROL -> "/dev/loop-control";
      case OTHER_DEVICE -> "a device";
      case UNKNOWN -> "unknown";
      case SYSFS -> "a sysfs attribute";
      default -> "loop" + node;
    };
  }
}
