package kernsim.fs.vfs;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;

/**
 * The overlay filesystem, as far as the mount code needs it: {@code parse_overlay_options} exactly as
 * the source, and a read-only merged view of the lower directories. The root lists the union of the
 * lower roots; a name found in an earlier lower dir hides later ones; below the root each node stays
 * in the layer it came from. Writes are refused (EROFS) even with an upper dir: copy-up is not modelled.
 */
public final class Overlay {
  private Overlay() {}

  /** What {@code parse_overlay_options} returns. */
  public record Options(List<String> lowerDirs, String upperDir, String workDir) {
    public Options {
      lowerDirs = List.copyOf(lowerDirs);
    }
  }

  /**
   * {@code parse_overlay_options}: EINVAL for no data, no or an empty lowerdir, or an upperdir without
   * a workdir (and the reverse); EOPNOTSUPP for index or redirect_dir other than "off". Items without
   * '=' and unknown keys are ignored; a later key overrides an earlier one. Returns {@code Options} or
   * the {@code Errno}.
   */
  public static Object parseOptions(String data) {
    if (data == null) {
      return Errno.EINVAL;
    }
    String lowerdir = null;
    String upperdir = null;
    String workdir = null;
    // Rust's split(',') keeps empty items; Java's drops trailing ones, which are skipped anyway.
    for (String item : data.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = item.substring(0, eq);
      String value = item.substring(eq + 1);
      switch (key) {
        case "lowerdir" -> lowerdir = value;
        case "upperdir" -> upperdir = value;
        case "workdir" -> workdir = value;
        case "index", "redirect_dir" -> {
          if (!value.equals("off")) {
            return Errno.EOPNOTSUPP;
          }
        }
        default -> { }
      }
    }
    if (lowerdir == null) {
      return Errno.EINVAL;
    }
    List<String> lowers = new ArrayList<>();
    for (String p : lowerdir.split(":", -1)) {
      if (!p.isEmpty()) {
        lowers.add(p);
      }
    }
    if (lowers.isEmpty()) {
      return Errno.EINVAL;
    }
    if ((upperdir != null) != (workdir != null)) {
      return Errno.EINVAL;
    }
    return new Options(lowers, upperdir, workdir);
  }

  /**
   * {@code new_overlayfs}: the merged view of {@code lowers}. Inode numbers: 0 is the merged root;
   * layer i's inode n is {@code (i + 1) << LAYER_SHIFT | n}.
   */
  public record Fs(List<Location> lowers) implements FileSystem {
    static final int LAYER_SHIFT = 40;
    static final long INO_MASK = (1L << LAYER_SHIFT) - 1;

    public Fs {
      lowers = List.copyOf(lowers);
    }

    @Override
    public String type() {
      return "overlay";
    }

    @Override
    public long rootIno() {
      return 0;
    }

    private static long encode(int layer, long ino) {
      return ((long) (layer + 1) << LAYER_SHIFT) | ino;
    }

    private Code inLayer(int layer, Code call) {
      return FileSystem.node(call, n -> {
        long ino = encode(layer, n.ino());
        return Code.done(SysResult.ok(ino, new FileSystem.Node(ino, n.kind(), n.file(), n.device())));
      });
    }

    @Override
    public Code lookup(long dir, String name) {
      if (dir == 0) {
        return lookupRoot(0, name);
      }
      int layer = (int) (dir >>> LAYER_SHIFT) - 1;
      Location l = lowers.get(layer);
      return inLayer(layer, l.fs().lookup(dir & INO_MASK, name));
    }

    /** The first lower dir, in order, that has {@code name}. */
    private Code lookupRoot(int layer, String name) {
      if (layer == lowers.size()) {
        return Code.err(Errno.ENOENT);
      }
      Location l = lowers.get(layer);
      return Code.bind(inLayer(layer, l.fs().lookup(l.ino(), name)),
          v -> v instanceof SysResult.Err e && e.errno() == Errno.ENOENT ? lookupRoot(layer + 1, name) : Code.done(v));
    }

    @Override
    public Code readdir(long dir) {
      if (dir == 0) {
        return readRoot(0, new TreeSet<>());
      }
      int layer = (int) (dir >>> LAYER_SHIFT) - 1;
      return lowers.get(layer).fs().readdir(dir & INO_MASK);
    }

    private Code readRoot(int layer, TreeSet<String> names) {
      if (layer == lowers.size()) {
        List<String> out = List.copyOf(names);
        return Code.done(SysResult.ok(out.size(), out));
      }
      Location l = lowers.get(layer);
      return FileSystem.names(l.fs().readdir(l.ino()), found -> {
        TreeSet<String> more = new TreeSet<>(names);
        more.addAll(found);
        return readRoot(layer + 1, more);
      });
    }
  }
}
