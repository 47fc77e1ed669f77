package kernsim.fs.ext4;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.dev.Errno;

/**
 * Paths relative to the filesystem's root: components split on '/', empty ones and "." dropped. ".."
 * is refused with EINVAL (directories keep no parent entry); a component longer than
 * {@link Layout#NAME_MAX} bytes is ENAMETOOLONG.
 */
final class Paths {
  private Paths() {}

  /** The components, or the errno that refuses the path. */
  static Object parse(String path) {
    if (path == null) {
      return Errno.EINVAL;
    }
    List<String> out = new ArrayList<>();
    for (String c : path.split("/", -1)) {
      if (c.isEmpty() || c.equals(".")) {
        continue;
      }
      if (c.equals("..")) {
        return Errno.EINVAL;
      }
      if (c.getBytes(StandardCharsets.UTF_8).length > Layout.NAME_MAX) {
        return Errno.ENAMETOOLONG;
      }
      out.add(c);
    }
    return List.copyOf(out);
  }
}
