package kernsim.conform;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import java.util.function.IntUnaryOperator;
import kernsim.dev.loop.LoopAbi;

/**
 * The ioctl structures of {@code <linux/loop.h>} and {@code <linux/hdreg.h>} as JNA structures, laid out
 * as the kernel's on x86-64 (JNA applies the platform's C alignment; {@code StructsTest} pins every size
 * and offset, and checks them against the C compiler where one is installed). Every field is here,
 * including those the model leaves out of {@link LoopAbi} (the encryption key, {@code lo_init}, the
 * reserved words), so what the kernel reads is exactly what C code would pass.
 *
 * <p>Each structure is made over a caller's memory ({@link Pointer}): {@link Sys} passes one buffer
 * larger than any of them, so a command handed the "wrong" structure (as a scenario may do) can never
 * make the kernel write past it.
 */
final class Structs {
  private Structs() {}

  public static final int LO_KEY_SIZE = 32;

  /** {@code struct loop_info64}: 232 bytes. */
  @Structure.FieldOrder({"lo_device", "lo_inode", "lo_rdevice", "lo_offset", "lo_sizelimit", "lo_number",
      "lo_encrypt_type", "lo_encrypt_key_size", "lo_flags", "lo_file_name", "lo_crypt_name", "lo_encrypt_key",
      "lo_init"})
  public static final class LoopInfo64 extends Structure {
    public long lo_device;
    public long lo_inode;
    public long lo_rdevice;
    public long lo_offset;
    public long lo_sizelimit;
    public int lo_number;
    public int lo_encrypt_type;
    public int lo_encrypt_key_size;
    public int lo_flags;
    public byte[] lo_file_name = new byte[LoopAbi.LO_NAME_SIZE];
    public byte[] lo_crypt_name = new byte[LoopAbi.LO_NAME_SIZE];
    public byte[] lo_encrypt_key = new byte[LO_KEY_SIZE];
    public long[] lo_init = new long[2];

    public LoopInfo64() {}

    LoopInfo64(Pointer p) {
      super(p);
    }

    /** Fills the fields the model has (the others stay 0), as a C caller would set them. */
    void set(LoopAbi.LoopInfo64 i) {
      lo_device = i.device();
      lo_inode = i.inode();
      lo_rdevice = i.rdevice();
      lo_offset = i.offset();
      lo_sizelimit = i.sizeLimit();
      lo_number = i.number();
      lo_encrypt_type = i.encryptType();
      lo_flags = i.flags();
      lo_file_name = i.fileName();
      lo_crypt_name = i.cryptName();
    }

    /** The model's record, with {@code lo_number} passed through {@code number} (real index to scenario). */
    LoopAbi.LoopInfo64 toAbi(IntUnaryOperator number) {
      return new LoopAbi.LoopInfo64(lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit,
          number.applyAsInt(lo_number), lo_encrypt_type, lo_flags, lo_file_name, lo_crypt_name);
    }

    int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /**
   * {@code struct loop_info}: 168 bytes on x86-64, where {@code __kernel_old_dev_t} and
   * {@code unsigned long} are both 8 bytes ({@link NativeLong}).
   */
  @Structure.FieldOrder({"lo_number", "lo_device", "lo_inode", "lo_rdevice", "lo_offset", "lo_encrypt_type",
      "lo_encrypt_key_size", "lo_flags", "lo_name", "lo_encrypt_key", "lo_init", "reserved"})
  public static final class LoopInfo extends Structure {
    public int lo_number;
    public NativeLong lo_device = new NativeLong();
    public NativeLong lo_inode = new NativeLong();
    public NativeLong lo_rdevice = new NativeLong();
    public int lo_offset;
    public int lo_encrypt_type;
    public int lo_encrypt_key_size;
    public int lo_flags;
    public byte[] lo_name = new byte[LoopAbi.LO_NAME_SIZE];
    public byte[] lo_encrypt_key = new byte[LO_KEY_SIZE];
    public NativeLong[] lo_init = {new NativeLong(), new NativeLong()};
    public byte[] reserved = new byte[4];

    public LoopInfo() {}

    LoopInfo(Pointer p) {
      super(p);
    }

    void set(LoopAbi.LoopInfo i) {
      lo_number = i.number();
      lo_device = new NativeLong(i.device());
      lo_inode = new NativeLong(i.inode());
      lo_rdevice = new NativeLong(i.rdevice());
      lo_offset = i.offset();
      lo_encrypt_type = i.encryptType();
      lo_flags = i.flags();
      lo_name = i.name();
    }

    LoopAbi.LoopInfo toAbi(IntUnaryOperator number) {
      return new LoopAbi.LoopInfo(number.applyAsInt(lo_number), lo_device.longValue(), lo_inode.longValue(),
          lo_rdevice.longValue(), lo_offset, lo_encrypt_type, lo_flags, lo_name);
    }

    int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /** {@code struct loop_config}: 304 bytes; {@code __reserved[8]} must be zero (the kernel checks). */
  @Structure.FieldOrder({"fd", "block_size", "info", "reserved"})
  public static final class LoopConfig extends Structure {
    public int fd;
    public int block_size;
    public LoopInfo64 info = new LoopInfo64();
    public long[] reserved = new long[8];

    public LoopConfig() {}

    LoopConfig(Pointer p) {
      super(p);
    }

    /** The model's config with {@code realFd} (the sandbox resolved the scenario's fd) in {@code fd}. */
    void set(LoopAbi.LoopConfig c, int realFd) {
      fd = realFd;
      block_size = c.blockSize();
      info.set(c.info());
    }

    int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /** {@code struct hd_geometry}: u8 heads, u8 sectors, u16 cylinders, unsigned long start: 16 bytes. */
  @Structure.FieldOrder({"heads", "sectors", "cylinders", "start"})
  public static final class HdGeometry extends Structure {
    public byte heads;
    public byte sectors;
    public short cylinders;
    public NativeLong start = new NativeLong();

    public HdGeometry() {}

    HdGeometry(Pointer p) {
      super(p);
    }

    LoopAbi.HdGeometry toAbi() {
      return new LoopAbi.HdGeometry(heads & 0xFF, sectors & 0xFF, cylinders & 0xFFFF, start.longValue());
    }

    int offsetOf(String field) {
      return fieldOffset(field);
    }
  }
}
