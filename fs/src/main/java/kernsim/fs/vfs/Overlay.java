package kernsim.fs.vfs;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;

/**
 * The overlay filesystem: {@code parse_overlay_options} exactly as the source, and the merged view
 * {@link Fs} of the upper dir (when given) over the lower dirs, with writes going to the upper dir.
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
   * {@code new_overlayfs}: the merged view of {@code upper} (null: none, a read-only overlay) over
   * {@code lowers}. Inode numbers: 0 is the merged root; layer i's inode n is
   * {@code (i + 1) << LAYER_SHIFT | n}, the lower dirs being layers 0 … n-1 and the upper layer n.
   *
   * <p>The seeds hold only the mount side ({@code parse_overlay_options}, {@code new_overlayfs}'s
   * options); {@code pseudofs::overlay} itself is not among them, so this follows Linux's overlayfs as far
   * as the model goes: at the root a name is looked up in the upper dir first, then in each lower dir in
   * order (the first hides the rest); below the root each node stays in the layer it came from (no merging
   * of subdirectories, no whiteouts: nothing is unlinked through an overlay). With an upper dir, a file or
   * directory made at the root, or in a directory of the upper layer, is made in the upper layer; and a
   * regular file of a lower layer opened for writing is first copied up ({@link #copyUp}): its bytes read
   * from the lower file, then, in one region at the upper tmpfs, a file holding them made in the upper dir
   * (Linux copies into the work dir and renames, so the copy appears whole), and the open goes to the copy;
   * the lower file is never written. Not modelled: copy-up of a file in a lower subdirectory (its parent
   * would be copied up first: EROFS here), of a file that is not a tmpfs file, or into an upper dir that is
   * not on a tmpfs (EROFS).
   */
  public record Fs(List<Location> lowers, Location upper) implements FileSystem {
    static final int LAYER_SHIFT = 40;
    static final long INO_MASK = (1L << LAYER_SHIFT) - 1;

    public Fs {
      lowers = List.copyOf(lowers);
    }

    /** A read-only overlay of {@code lowers}. */
    public Fs(List<Location> lowers) {
      this(lowers, null);
    }

    @Override
    public String type() {
      return "overlay";
    }

    @Override
    public long rootIno() {
      return 0;
    }

    private int upperLayer() {
      return lowers.size();
    }

    private Location layer(int i) {
      return i == upperLayer() ? upper : lowers.get(i);
    }

    /** The layers in lookup order: the upper one first, then the lower dirs. */
    private List<Integer> order() {
      List<Integer> out = new ArrayList<>();
      if (upper != null) {
        out.add(upperLayer());
      }
      for (int i = 0; i < lowers.size(); i++) {
        out.add(i);
      }
      return out;
    }

    private static long encode(int layer, long ino) {
      return ((long) (layer + 1) << LAYER_SHIFT) | ino;
    }

    private static int layerOf(long ino) {
      return (int) (ino >>> LAYER_SHIFT) - 1;
    }

    /** Whether {@code node} is a regular file of a lower layer (one an open for writing copies up). */
    public boolean lowerFile(FileSystem.Node node) {
      return node.kind() == Kind.FILE && node.ino() != 0 && layerOf(node.ino()) != upperLayer();
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
        return lookupRoot(order(), 0, name);
      }
      int layer = layerOf(dir);
      Location l = layer(layer);
      return inLayer(layer, l.fs().lookup(dir & INO_MASK, name));
    }

    /** The first layer, in lookup order, that has {@code name}. */
    private Code lookupRoot(List<Integer> order, int i, String name) {
      if (i == order.size()) {
        return Code.err(Errno.ENOENT);
      }
      int layer = order.get(i);
      Location l = layer(layer);
      return Code.bind(inLayer(layer, l.fs().lookup(l.ino(), name)),
          v -> v instanceof SysResult.Err e && e.errno() == Errno.ENOENT ? lookupRoot(order, i + 1, name) : Code.done(v));
    }

    @Override
    public Code readdir(long dir) {
      if (dir == 0) {
        return readRoot(order(), 0, new TreeSet<>());
      }
      int layer = layerOf(dir);
      return layer(layer).fs().readdir(dir & INO_MASK);
    }

    private Code readRoot(List<Integer> order, int i, TreeSet<String> names) {
      if (i == order.size()) {
        List<String> out = List.copyOf(names);
        return Code.done(SysResult.ok(out.size(), out));
      }
      Location l = layer(order.get(i));
      return FileSystem.names(l.fs().readdir(l.ino()), found -> {
        TreeSet<String> more = new TreeSet<>(names);
        more.addAll(found);
        return readRoot(order, i + 1, more);
      });
    }

    /** The upper layer's inode for merged directory {@code dir}, or -1 when writes there are not modelled. */
    private long upperDir(long dir) {
      if (upper == null) {
        return -1;
      }
      if (dir == 0) {
        return upper.ino();
      }
      return layerOf(dir) == upperLayer() ? dir & INO_MASK : -1;
    }

    /** A name new in the merged view (EEXIST if any layer has it at the root), made by {@code make} in the upper dir. */
    private Code makeInUpper(long dir, String name, java.util.function.LongFunction<Code> make) {
      long at = upperDir(dir);
      if (at < 0) {
        return Code.err(Errno.EROFS);
      }
      if (dir != 0) {
        return inLayer(upperLayer(), make.apply(at));
      }
      return Code.bind(lookup(0, name), v -> v instanceof SysResult.Err e && e.errno() == Errno.ENOENT
          ? inLayer(upperLayer(), make.apply(at))
          : v instanceof SysResult.Err ? Code.done(v) : Code.err(Errno.EEXIST));
    }

    @Override
    public Code mkdir(long dir, String name) {
      return makeInUpper(dir, name, at -> upper.fs().mkdir(at, name));
    }

    @Override
    public Code create(long dir, String name) {
      return makeInUpper(dir, name, at -> upper.fs().create(at, name));
    }

    /**
     * Copy-up of {@code lower} (a regular file of a lower layer, named {@code name} in merged directory
     * {@code dir}): its length and bytes read from the lower file (two regions), then the copy made in the
     * upper dir in one region; ends in {@code Ok(ino, Node)} of the copy. If the name was copied up
     * meanwhile (EEXIST), the copy that won is looked up and used.
     */
    public Code copyUp(long dir, String name, FileSystem.Node lower) {
      long at = upperDir(dir);
      if (at < 0 || lower.file() == null || !(upper.fs() instanceof TmpFs t)) {
        return Code.err(Errno.EROFS);
      }
      return Code.call(lower.file(), BackingFile.Length::new, "copy_up len", len -> {
        if (!(len instanceof SysResult.Ok n)) {
          return Code.done(len);
        }
        return BackingFile.readAt(lower.file(), 0, (int) n.value(), read -> {
          if (!(read instanceof SysResult.Ok r)) {
            return Code.done(read);
          }
          byte[] data = r.data() instanceof byte[] b ? b : new byte[0];
          return Code.bind(inLayer(upperLayer(), t.copyUp(at, name, data)),
              v -> v instanceof SysResult.Err e && e.errno() == Errno.EEXIST
                  ? inLayer(upperLayer(), upper.fs().lookup(at, name)) : Code.done(v));
        });
      });
    }
  }
}
