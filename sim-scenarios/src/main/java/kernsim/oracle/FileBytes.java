package kernsim.oracle;

import java.util.Arrays;
import java.util.TreeMap;
import kernsim.dev.file.FileBackend;
import kernsim.fs.file.RamFile;

/**
 * Every file's bytes as the oracles saw them written ({@link RamFile.Written}, emitted by the file actors
 * in the regions that write them; for a backing file no actor owns, a file on ext4 or a device node, what
 * loop devices wrote to it, {@link FileBackend.Wrote}), each byte with the observation count of its last write (0: never
 * written). The client-data and silent-loss oracles ask it whether a write reached its file.
 */
final class FileBytes {
  /** Files are followed in pages of this many bytes, only those written (a write at 1 TiB costs one page). */
  private static final int PAGE = 4096;

  private static final class Page {
    final byte[] bytes = new byte[PAGE];
    final long[] seqs = new long[PAGE];
  }

  private final TreeMap<String, TreeMap<Long, Page>> files = new TreeMap<>();

  /** Follows {@code w}, the {@code seq}th observation. */
  void written(RamFile.Written w, long seq) {
    written(w.file(), w.offset(), w.data(), seq);
  }

  /** Follows a write through a backend that is no file actor (a file on ext4, a device node). */
  void written(FileBackend.Wrote w, long seq) {
    written(w.file(), w.offset(), w.data(), seq);
  }

  private void written(String file, long offset, byte[] data, long seq) {
    TreeMap<Long, Page> pages = files.computeIfAbsent(file, k -> new TreeMap<>());
    int done = 0;
    while (done < data.length) {
      long at = offset + done;
      int in = (int) (at % PAGE);
      int n = Math.min(PAGE - in, data.length - done);
      Page p = pages.computeIfAbsent(at / PAGE, k -> new Page());
      System.arraycopy(data, done, p.bytes, in, n);
      Arrays.fill(p.seqs, in, in + n, seq);
      done += n;
    }
  }

  /**
   * Why {@code data}, written at {@code offset} by a write that returned at observation {@code seq}, is not
   * in {@code file}, or null when it is: each byte was written to the file with that value, or overwritten
   * by a write to the file after that one returned (a later write wins).
   */
  String missing(String file, long offset, byte[] data, long seq) {
    TreeMap<Long, Page> pages = file == null ? null : files.get(file);
    for (int i = 0; i < data.length; i++) {
      long at = offset + i;
      Page p = pages == null ? null : pages.get(at / PAGE);
      int in = (int) (at % PAGE);
      if (p == null || p.seqs[in] == 0) {
        return "byte " + at + " was never written to it";
      }
      if (p.bytes[in] != data[i] && p.seqs[in] < seq) {
        return "byte " + at + " holds " + (p.bytes[in] & 0xff) + ", not " + (data[i] & 0xff);
      }
    }
    return null;
  }
}
