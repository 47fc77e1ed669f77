package kernsim.dev.loop;

/**
 * The ioctl commands a loop device may be sent, by their Linux names and numbers (x86-64/riscv64
 * encodings), so scenarios can name them. {@link #handled} says whether the source's {@code ioctl} has
 * an arm for the command; the others end in {@code ENOTTY}, like any number not listed here.
 */
public enum LoopIoctl {
  LOOP_SET_FD(0x4C00, true),
  LOOP_CLR_FD(0x4C01, true),
  LOOP_SET_STATUS(0x4C02, true),
  LOOP_GET_STATUS(0x4C03, true),
  LOOP_SET_STATUS64(0x4C04, true),
  LOOP_GET_STATUS64(0x4C05, true),
  LOOP_CHANGE_FD(0x4C06, false),
  LOOP_SET_CAPACITY(0x4C07, false),
  LOOP_SET_DIRECT_IO(0x4C08, false),
  LOOP_SET_BLOCK_SIZE(0x4C09, false),
  LOOP_CONFIGURE(0x4C0A, true),
  BLKROSET(0x125D, true),
  BLKROGET(0x125E, true),
  BLKRRPART(0x125F, true),
  BLKGETSIZE(0x1260, true),
  BLKFLSBUF(0x1261, true),
  BLKRASET(0x1262, true),
  BLKRAGET(0x1263, true),
  BLKSSZGET(0x1268, true),
  BLKPG(0x1269, true),
  BLKGETSIZE64(0x80081272, true),
  BLKIOMIN(0x1278, true),
  BLKIOOPT(0x1279, true),
  BLKPBSZGET(0x127B, true),
  HDIO_GETGEO(0x0301, true);

  private final int number;
  private final boolean handled;

  LoopIoctl(int number, boolean handled) {
    this.number = number;
    this.handled = handled;
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
