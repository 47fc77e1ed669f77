package kernsim.dev.file;

import java.util.Arrays;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;

/**
 * A file's bytes as a disk would keep them: what was written, and what is durable (as of the last
 * successful sync). A crash would leave the durable image; oracles read that one.
 *
 * <p>Fault model ({@link Faults}): a write or a sync can be made to fail with {@code EIO}, for the
 * source's write-back failure paths. Nothing is torn: a failed write changes nothing.
 */
public final class BackingImage {
  /**
   * @param writeFails every write fails with EIO
   * @param syncFails every sync fails with EIO (written bytes stay non-durable)
   */
  public record Faults(boolean writeFails, boolean syncFails) {
    public static final Faults NONE = new Faults(false, false);
  }

  private byte[] written;
  private int length;
  private byte[] durable;
  private Faults faults;

  public BackingImage(byte[] initial, Faults faults) {
    this.written = initial.clone();
    this.length = initial.length;
    this.durable = initial.clone();
    this.faults = faults;
  }

  public static BackingImage ofSize(int size) {
    return new BackingImage(new byte[size], Faults.NONE);
  }

  public void faults(Faults f) {
    this.faults = f;
  }

  public int length() {
    return length;
  }

  public SysResult readAt(long offset, int len) {
    if (offset < 0 || len < 0) {
      return SysResult.err(Errno.EINVAL);
    }
    if (offset >= length) {
      return SysResult.ok(0, new byte[0]);
    }
    int n = (int) Math.min(len, length - offset);
    return SysResult.ok(n, Arrays.copyOfRange(written, (int) offset, (int) offset + n));
  }

  public SysResult writeAt(long offset, byte[] data) {
    if (offset < 0) {
      return SysResult.err(Errno.EINVAL);
    }
    if (faults.writeFails()) {
      return SysResult.err(Errno.EIO);
    }
    if (offset > Long.MAX_VALUE - data.length) {
      return SysResult.err(Errno.EINVAL); // pos + count overflows loff_t: rw_verify_area's EINVAL
    }
    long end = offset + data.length;
    if (end > Integer.MAX_VALUE - 8) {
      return SysResult.err(Errno.EFBIG);
    }
    ensure((int) end);
    System.arraycopy(data, 0, written, (int) offset, data.length);
    length = Math.max(length, (int) end);
    return SysResult.ok(data.length);
  }

  public SysResult truncate(long newLength) {
    if (newLength < 0 || newLength > Integer.MAX_VALUE - 8) {
      return SysResult.err(Errno.EINVAL);
    }
    ensure((int) newLength);
    if (newLength < length) {
      Arrays.fill(written, (int) newLength, length, (byte) 0);
    }
    length = (int) newLength;
    return SysResult.ok(0);
  }

  public SysResult sync() {
    if (faults.syncFails()) {
      return SysResult.err(Errno.EIO);
    }
    durable = Arrays.copyOf(written, length);
    return SysResult.ok(0);
  }

  /** A copy of the bytes written so far. */
  public byte[] written() {
    return Arrays.copyOf(written, length);
  }

  /** A copy of the bytes durable after the last successful sync. */
  public byte[] durable() {
    return durable.clone();
  }

  /**
   * The durable bytes themselves, without a copy: each sync replaces the array rather than writing into
   * it, so this one never changes. Callers must not write it (observations hand it to oracles).
   */
  public byte[] durableSnapshot() {
    return durable;
  }

  private void ensure(int size) {
    if (size > written.length) {
      written = Arrays.copyOf(written, Math.max(size, written.length * 2));
    }
  }
}
