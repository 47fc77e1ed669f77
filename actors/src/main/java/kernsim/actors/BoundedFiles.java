package kernsim.actors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads user input (scenarios, traces) only from regular files of a bounded size, so a FIFO, a device
 * such as {@code /dev/zero} or {@code /dev/urandom}, a directory or an oversized file is refused with a
 * clear message instead of hanging the reader or exhausting its memory.
 */
public final class BoundedFiles {
  /** The largest scenario file read: 1 MiB. */
  public static final long SCENARIO_LIMIT = 1L << 20;
  /** The largest trace file read: 64 MiB. */
  public static final long TRACE_LIMIT = 64L << 20;

  private BoundedFiles() {}

  /** Input that is not a regular file, or is larger than its limit; the message says which. */
  public static final class RefusedInputException extends IOException {
    public RefusedInputException(String message) {
      super(message);
    }
  }

  /**
   * The bytes of {@code path} if it is a regular file (a symbolic link to one is followed) of at most
   * {@code limit} bytes; {@code what} names the kind of input in the message ("scenario", "trace").
   * The type is checked before the file is opened, so opening never blocks on a FIFO, and at most
   * {@code limit + 1} bytes are read, so a file that grows while it is read is refused too.
   */
  public static byte[] read(Path path, long limit, String what) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      String kind = a.isDirectory() ? "a directory" : a.isOther() ? "a FIFO, socket or device" : "not a regular file";
      throw new RefusedInputException("not a regular file (it is " + kind + "); a " + what
          + " is read only from a regular file");
    }
    if (a.size() > limit) {
      throw new RefusedInputException(tooLarge(a.size() + " bytes", limit, what));
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] bytes = in.readNBytes((int) limit + 1);
      if (bytes.length > limit) {
        throw new RefusedInputException(tooLarge("more than " + limit + " bytes", limit, what));
      }
      return bytes;
    }
  }

  private static String tooLarge(String size, long limit, String what) {
    return "the file is " + size + ", over the " + mib(limit) + " limit for a " + what + " file";
  }

  private static String mib(long limit) {
    return (limit >> 20) + " MiB";
  }
}
