package kernsim.dev.loop;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The ioctl argument structures of {@code <linux/loop.h>} and {@code <linux/hdreg.h>} as immutable
 * records (byte arrays are copied on construction; do not mutate what an accessor returns). Fields the
 * source never reads or writes (encryption keys, {@code lo_init}) are left out.
 */
public final class LoopAbi {
  private LoopAbi() {}

  public static final int LO_NAME_SIZE = 64;
  public static final int LO_FLAGS_READ_ONLY = 1;
  public static final int LO_FLAGS_AUTOCLEAR = 4;
  public static final int LO_FLAGS_PARTSCAN = 8;
  public static final int LO_FLAGS_DIRECT_IO = 16;

  /** {@code LOOP_SET_STATUS_SETTABLE_FLAGS} and {@code _CLEARABLE_FLAGS} ({@code include/uapi/linux/loop.h}). */
  public static final int LOOP_SET_STATUS_SETTABLE_FLAGS = LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN;
  public static final int LOOP_SET_STATUS_CLEARABLE_FLAGS = LO_FLAGS_AUTOCLEAR;

  /** {@code LOOP_CONFIGURE_SETTABLE_FLAGS}: any other flag in a loop_config is EINVAL. */
  public static final int LOOP_CONFIGURE_SETTABLE_FLAGS = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN
      | LO_FLAGS_DIRECT_IO;

  /** {@code blk_validate_block_size}: a power of two from 512 to {@code BLK_MAX_BLOCK_SIZE} (64K since 6.15). */
  public static boolean validBlockSize(long bs) {
    return bs >= 512 && bs <= 65536 && Long.bitCount(bs) == 1;
  }

  /** A 64-byte, NUL-padded name from a string (truncated to 64 bytes, as a C array would be). */
  public static byte[] name(String s) {
    return Arrays.copyOf(s.getBytes(StandardCharsets.UTF_8), LO_NAME_SIZE);
  }

  /** The string up to the first NUL. */
  public static String string(byte[] name) {
    int n = 0;
    while (n < name.length && name[n] != 0) {
      n++;
    }
    return new String(name, 0, n, StandardCharsets.UTF_8);
  }

  static byte[] name64(byte[] b) {
    if (b == null) {
      return new byte[LO_NAME_SIZE];
    }
    return Arrays.copyOf(b, LO_NAME_SIZE);
  }

  /** {@code struct loop_info} (the old interface; {@code lo_name} is {@code char[64]}). */
  public record LoopInfo(
      int number, long device, long inode, long rdevice, int offset, int encryptType, int flags, byte[] name) {
    public LoopInfo {
      name = name64(name);
    }

    public static LoopInfo of(String name, int flags) {
      return new LoopInfo(0, 0, 0, 0, 0, 0, flags, LoopAbi.name(name));
    }

    public String nameString() {
      return string(name);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LoopInfo i && number == i.number && device == i.device && inode == i.inode
          && rdevice == i.rdevice && offset == i.offset && encryptType == i.encryptType && flags == i.flags
          && Arrays.equals(name, i.name);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(new long[] {number, device, inode, rdevice, offset, encryptType, flags})
          * 31 + Arrays.hashCode(name);
    }

    @Override
    public String toString() {
      return "loop_info(number=" + number + ", rdevice=" + rdevice + ", flags=" + flags
          + ", name=" + nameString() + ")";
    }
  }

  /** {@code struct loop_info64}. */
  public record LoopInfo64(
      long device, long inode, long rdevice, long offset, long sizeLimit, int number, int encryptType,
      int flags, byte[] fileName, byte[] cryptName) {
    public LoopInfo64 {
      fileName = name64(fileName);
      cryptName = name64(cryptName);
    }

    public static LoopInfo64 of(String fileName, int flags) {
      return new LoopInfo64(0, 0, 0, 0, 0, 0, 0, flags, LoopAbi.name(fileName), null);
    }

    public String fileNameString() {
      return string(fileName);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof LoopInfo64 i && device == i.device && inode == i.inode && rdevice == i.rdevice
          && offset == i.offset && sizeLimit == i.sizeLimit && number == i.number
          && encryptType == i.encryptType && flags == i.flags && Arrays.equals(fileName, i.fileName)
          && Arrays.equals(cryptName, i.cryptName);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(new long[] {device, inode, rdevice, offset, sizeLimit, number, encryptType, flags})
          * 31 + Arrays.hashCode(fileName);
    }

    @Override
    public String toString() {
      return "loop_info64(number=" + number + ", rdevice=" + rdevice + ", flags=" + flags
          + ", file_name=" + fileNameString() + ")";
    }
  }

  /**
   * {@code struct loop_config}. {@code fd} is informational: the hart resolves it and passes an
   * {@link FdArg} next to the config.
   */
  public record LoopConfig(int fd, int blockSize, LoopInfo64 info) {
    public LoopConfig {
      java.util.Objects.requireNonNull(info, "info");
    }
  }

  /** {@code struct hd_geometry}: u8 heads, u8 sectors, u16 cylinders, unsigned long start. */
  public record HdGeometry(int heads, int sectors, int cylinders, long start) {}
}
