package kernsim.fs.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import kernsim.dev.Errno;
import org.junit.jupiter.api.Test;

/** parse_overlay_options, case by case as the source reads its data string. */
class OverlayTest {
  @Test
  void errorsInTheSourcesOrder() {
    assertEquals(Errno.EINVAL, Overlay.parseOptions(null));
    assertEquals(Errno.EINVAL, Overlay.parseOptions(""));
    assertEquals(Errno.EINVAL, Overlay.parseOptions("lowerdir"));  // no '=': skipped, so no lowerdir
    assertEquals(Errno.EINVAL, Overlay.parseOptions("lowerdir=:"));
    assertEquals(Errno.EINVAL, Overlay.parseOptions("lowerdir=/l,workdir=/w"));
    // index/redirect_dir are refused while parsing, before lowerdir is even looked at.
    assertEquals(Errno.EOPNOTSUPP, Overlay.parseOptions("index=on"));
    assertEquals(Errno.EOPNOTSUPP, Overlay.parseOptions("lowerdir=/l,redirect_dir=follow"));
  }

  @Test
  void whatItAccepts() {
    assertEquals(new Overlay.Options(List.of("/a", "/b"), null, null),
        Overlay.parseOptions("lowerdir=/a::/b:,index=off,redirect_dir=off,xino=auto,,ro"));
    // The last value of a key wins; a value may hold '='.
    assertEquals(new Overlay.Options(List.of("/c=d"), "/u", "/w"),
        Overlay.parseOptions("lowerdir=/x,upperdir=/u,lowerdir=/c=d,workdir=/w"));
  }
}
