package kernsim.dev.file;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;

/**
 * A file's bytes as a disk would keep them: what was written, and what is durable (as of the last
 * successful sync). A crash would leave the durable image; oracles read that one.
 *
 * <p>Storage is sparse: {@value #PAGE}-byte pages, kept only where something was written; the rest of
 * the file up to its length is a hole that reads as zeros. A file's length is a {@code loff_t} (a
 * {@code long}), so {@code pwrite(fd, "x", 1 << 40)} makes a 1 TiB file holding one page, as tmpfs does
 * (its {@code s_maxbytes} is {@code MAX_LFS_FILESIZE}); only an end past {@code Long.MAX_VALUE} is
 * refused (EINVAL: {@code rw_verify_area}'s {@code pos + count} overflow). A file's limits beyond that are
 * its syscalls' (truncate's and fallocate's {@code Uapi.MAX_FILE_SIZE}).
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

  /** The size of a page of storage. */
  public static final int PAGE = 4096;

  /**
   * The largest durable image {@link #durableSnapshot} hands out as one array (64 MiB): past it, a sync's
   * observation carries none (a loop device's backing file is far smaller; a sparse 1 TiB tmpfs file
   * would not fit in memory as an array).
   */
  public static final long SNAPSHOT_LIMIT = 64L << 20;

  /** Page index → its bytes (always {@value #PAGE} long); absent pages are zeros. */
  private TreeMap<Long, byte[]> written = new TreeMap<>();
  private long length;
  private TreeMap<Long, byte[]> durable;
  private long durableLength;
  /** {@link #durable} as one array, made when first asked for after a sync; null until then. */
  private byte[] durableBytes;
  private Faults faults;

  public BackingImage(byte[] initial, Faults faults) {
    put(written, 0, initial);
    this.length = initial.length;
    this.durable = copy(written);
    this.durableLength = length;
    this.durableBytes = initial.clone();
    this.faults = faults;
  }

  public static BackingImage ofSize(int size) {
    return new BackingImage(new byte[size], Faults.NONE);
  }

  public void faults(Faults f) {
    this.faults = f;
  }

  public long length() {
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
    return SysResult.ok(n, get(written, offset, n));
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
    put(written, offset, data);
    length = Math.max(length, offset + data.length);
    return SysResult.ok(data.length);
  }

  public SysResult truncate(long newLength) {
    if (newLength < 0) {
      return SysResult.err(Errno.EINVAL);
    }
    if (newLength < length) {
      long first = newLength / PAGE;
      byte[] partial = written.get(first);
      written.tailMap(newLength % PAGE == 0 ? first : first + 1, true).clear();
      if (partial != null && newLength % PAGE != 0) {
        Arrays.fill(partial, (int) (newLength % PAGE), PAGE, (byte) 0);
      }
    }
    length = newLength;
    return SysResult.ok(0);
  }

  public SysResult sync() {
    if (faults.syncFails()) {
      return SysResult.err(Errno.EIO);
    }
    durable = copy(written);
    durableLength = length;
    durableBytes = null;
    return SysResult.ok(0);
  }

  /** A copy of the bytes written so far (the file must fit in an array). */
  public byte[] written() {
    return get(written, 0, Math.toIntExact(length));
  }

  /** A copy of the bytes durable after the last successful sync (the image must fit in an array). */
  public byte[] durable() {
    return get(durable, 0, Math.toIntExact(durableLength));
  }

  /**
   * The durable bytes as one array, without a copy of it on each call: each sync replaces the image
   * rather than writing into it, so the array never changes. Callers must not write it (observations
   * hand it to oracles). Null for an image longer than {@link #SNAPSHOT_LIMIT}.
   */
  public byte[] durableSnapshot() {
    if (durableBytes == null && durableLength <= SNAPSHOT_LIMIT) {
      durableBytes = get(durable, 0, (int) durableLength);
    }
    return durableBytes;
  }

  /** The bytes stored: the written image's pages times {@value #PAGE} (a test's measure of sparseness). */
  public long storedBytes() {
    return (long) written.size() * PAGE;
  }

  private static void put(TreeMap<Long, byte[]> pages, long offset, byte[] data) {
    int done = 0;
    while (done < data.length) {
      long at = offset + done;
      long page = at / PAGE;
      int in = (int) (at % PAGE);
      int n = Math.min(PAGE - in, data.length - done);
      byte[] p = pages.computeIfAbsent(page, k -> new byte[PAGE]);
      System.arraycopy(data, done, p, in, n);
      done += n;
    }
  }

  private static byte[] get(TreeMap<Long, byte[]> pages, long offset, int n) {
    byte[] out = new byte[n];
    if (n == 0) {
      return out;
    }
    long end = offset + n;
    for (Map.Entry<Long, byte[]> e : pages.subMap(offset / PAGE, true, (end - 1) / PAGE, true).entrySet()) {
      long start = e.getKey() * PAGE;
      long from = Math.max(start, offset);
      long to = Math.min(start + PAGE, end);
      System.arraycopy(e.getValue(), (int) (from - start), out, (int) (from - offset), (int) (to - from));
    }
    return out;
  }

  private static TreeMap<Long, byte[]> copy(TreeMap<Long, byte[]> pages) {
    TreeMap<Long, byte[]> out = new TreeMap<>();
    pages.forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }
}
