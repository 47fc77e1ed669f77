package kernsim.dev.loop;

/**
 * The ioctl commands a loop device may be sent, by their Linux names and numbers (x86-64/riscv64
 * encodings), so scenarios can name them. {@link #handled} says whether the source's {@code ioctl} has
 * an arm for the command; the others end in {@code ENOTTY}, like any number not listed here. {@link #arg}
 * is how the kernel reads the third argument (its ABI, the same under every profile).
 *
 * <p>Adding a command: its constant here, then its arm in each driver's exhaustive switch
 * ({@code StarryLoop}, {@code LinuxLoop}); see {@code docs/extending.md}.
 */
public enum LoopIoctl {
  LOOP_SET_FD(0x4C00, true, Arg.FD),
  LOOP_CLR_FD(0x4C01, true, Arg.NONE),
  LOOP_SET_STATUS(0x4C02, true, Arg.IN_LOOP_INFO),
  LOOP_GET_STATUS(0x4C03, true, Arg.OUT_LOOP_INFO),
  LOOP_SET_STATUS64(0x4C04, true, Arg.IN_LOOP_INFO64),
  LOOP_GET_STATUS64(0x4C05, true, Arg.OUT_LOOP_INFO64),
  LOOP_CHANGE_FD(0x4C06, false, Arg.FD),
  LOOP_SET_CAPACITY(0x4C07, false, Arg.NONE),
  LOOP_SET_DIRECT_IO(0x4C08, false, Arg.VALUE),
  LOOP_SET_BLOCK_SIZE(0x4C09, false, Arg.VALUE),
  LOOP_CONFIGURE(0x4C0A, true, Arg.IN_LOOP_CONFIG),
  BLKROSET(0x125D, true, Arg.IN_INT),
  BLKROGET(0x125E, true, Arg.OUT_INT),
  BLKRRPART(0x125F, true, Arg.NONE),
  BLKGETSIZE(0x1260, true, Arg.OUT_ULONG),
  BLKFLSBUF(0x1261, true, Arg.NONE),
  BLKRASET(0x1262, true, Arg.VALUE),
  BLKRAGET(0x1263, true, Arg.OUT_LONG),
  BLKSSZGET(0x1268, true, Arg.OUT_INT),
  // BLKPG reads a struct blkpg_ioctl_arg; the scenario language gives it none, so NULL is what it gets.
  BLKPG(0x1269, true, Arg.NONE),
  BLKGETSIZE64(0x80081272, true, Arg.OUT_U64),
  BLKIOMIN(0x1278, true, Arg.OUT_UINT),
  BLKIOOPT(0x1279, true, Arg.OUT_UINT),
  BLKPBSZGET(0x127B, true, Arg.OUT_UINT),
  HDIO_GETGEO(0x0301, true, Arg.OUT_GEOMETRY);

  /**
   * How the kernel reads an ioctl's third argument ({@code drivers/block/loop.c}, {@code block/ioctl.c}):
   * ignored, a value, an fd, or a pointer it reads ({@code IN_*}) or writes ({@code OUT_*}).
   */
  public enum Arg {
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
    /**
     * No command here has it: the shape of a number the model does not know (conformance passes its
     * argument, if any, only where it cannot be a pointer).
     */
    UNKNOWN
  }

  private final int number;
  private final boolean handled;
  private final Arg arg;

  LoopIoctl(int number, boolean handled, Arg arg) {
    this.number = number;
    this.handled = handled;
    this.arg = arg;
  }

  /** How the kernel reads the command's third argument. */
  public Arg arg() {
    return arg;
  }

  public int number() {
    return number;
  }

  /** Whether the source's {@code ioctl} has an arm for it (BLKPG's arm returns ENOTTY on purpose). */
  public boolean handled() {
    return handled;
  }

  /** The command with this number, or null. */
  public static LoopIoctl byNumber(int number) {
    for (LoopIoctl c : values()) {
      if (c.number == number) {
        return c;
      }
    }
    return null;
  }
}
