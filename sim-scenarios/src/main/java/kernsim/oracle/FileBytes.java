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
  private static final class Shadow {
    byte[] bytes = new byte[0];
    long[] seqs = new long[0];
  }

  private final TreeMap<String, Shadow> files = new TreeMap<>();

  /** Follows {@code w}, the {@code seq}th observation. */
  void written(RamFile.Written w, long seq) {
    written(w.file(), w.offset(), w.data(), seq);
  }

  /** Follows a write through a backend that is no file actor (a file on ext4, a device node). */
  void written(FileBackend.Wrote w, long seq) {
    written(w.file(), w.offset(), w.data(), seq);
  }

  private void written(String file, long offset, byte[] data, long seq) {
    Shadow s = files.computeIfAbsent(file, k -> new Shadow());
    int end = (int) (offset + data.length);
    if (end > s.bytes.length) {
      s.bytes = Arrays.copyOf(s.bytes, end);
      s.seqs = Arrays.copyOf(s.seqs, end);
    }
    for (int i = 0; i < data.length; i++) {
      s.bytes[(int) offset + i] = data[i];
      s.seqs[(int) offset + i] = seq;
    }
  }

  /**
   * Why {@code data}, written at {@code offset} by a write that returned at observation {@code seq}, is not
   * in {@code file}, or null when it is: each byte was written to the file with that value, or overwritten
   * by a write to the file after that one returned (a later write wins).
   */
  String missing(String file, long offset, byte[] data, long seq) {
    Shadow s = file == null ? null : files.get(file);
    for (int i = 0; i < data.length; i++) {
      int at = (int) (offset + i);
      if (s == null || at >= s.bytes.length || s.seqs[at] == 0) {
        return "byte " + at + " was never written to it";
      }
      if (s.bytes[at] != data[i] && s.seqs[at] < seq) {
        return "byte " + at + " holds " + (s.bytes[at] & 0xff) + ", not " + (data[i] & 0xff);
      }
    }
    return null;
  }
}
