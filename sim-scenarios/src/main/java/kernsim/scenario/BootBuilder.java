package kernsim.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.cpu.Boot;
import kernsim.fs.ext4.Ext4Lite;

/**
 * Runs a setup block's commands against a small model of the boot tmpfs and loop devices, at parse time,
 * and yields the {@link Boot} state they leave. Each command either applies or says why it cannot (the
 * parser reports that at the command, file:line:column): setup runs alone, so its outcome is known
 * before anything is explored.
 *
 * <p>The commands leave what their syscalls would ({@code docs/scenarios.md} lists them): {@code image}
 * opens with O_CREAT and ftruncates (zeros; an existing file keeps its bytes up to the new size),
 * {@code file} opens with O_CREAT|O_TRUNC and writes, {@code mkdir} makes a directory, {@code losetup}
 * binds with LOOP_SET_FD (read-only with {@code ro}), {@code mkfs.ext4} writes a fresh ext4-lite image,
 * sized to the backing file, over the file's first bytes.
 */
final class BootBuilder {
  private final int loops;
  private final TreeSet<String> dirs = new TreeSet<>(List.of("/", "/dev", "/mnt"));
  /** The kernel's own nodes under /dev: loop-control and each loop device. */
  private final TreeSet<String> devices = new TreeSet<>();
  private final TreeMap<String, byte[]> files = new TreeMap<>();
  /** Directories and files in creation order. */
  private final List<String> order = new ArrayList<>();
  private final TreeMap<Integer, Boot.Binding> bound = new TreeMap<>();

  BootBuilder(int loops) {
    this.loops = loops;
    devices.add("/dev/loop-control");
    for (int i = 0; i < loops; i++) {
      devices.add("/dev/loop" + i);
    }
  }

  Boot build() {
    List<Boot.Entry> entries = new ArrayList<>();
    for (String p : order) {
      entries.add(files.containsKey(p) ? new Boot.File(p, files.get(p)) : new Boot.Dir(p));
    }
    return new Boot(entries, new ArrayList<>(bound.values()));
  }

  /** {@code image PATH SIZE}; null, or why not. */
  String image(String path, long size) {
    if (size > Integer.MAX_VALUE) {
      return "an image of " + size + " bytes is larger than the model's files (at most " + Integer.MAX_VALUE + ")";
    }
    String why = regularFile(path);
    if (why != null) {
      return why;
    }
    byte[] old = files.getOrDefault(path, new byte[0]);
    put(path, Arrays.copyOf(old, (int) size));
    return null;
  }

  /** {@code file PATH "DATA"}; null, or why not. */
  String file(String path, byte[] data) {
    String why = regularFile(path);
    if (why != null) {
      return why;
    }
    put(path, data.clone());
    return null;
  }

  /** {@code mkdir PATH}; null, or why not. */
  String mkdir(String path) {
    String why = newPath(path);
    if (why != null) {
      return why;
    }
    dirs.add(path);
    order.add(path);
    return null;
  }

  /** {@code losetup DEV PATH [ro]}; null, or why not. */
  String losetup(String dev, String path, boolean readOnly) {
    int n = loopIndex(dev);
    if (n < 0) {
      return dev + " is not a loop device of this scenario (it has /dev/loop0"
          + (loops > 1 ? " … /dev/loop" + (loops - 1) : "") + "; `loops N` adds more)";
    }
    if (!files.containsKey(path)) {
      return "no file " + path + " to bind: create it first with `image " + path + " SIZE` or `file " + path + " \"…\"`";
    }
    Boot.Binding b = bound.get(n);
    if (b != null) {
      return dev + " is already bound to " + b.path() + " (LOOP_SET_FD would fail with EBUSY)";
    }
    bound.put(n, new Boot.Binding(n, path, readOnly));
    return null;
  }

  /** {@code mkfs.ext4 DEV}; null, or why not. */
  String mkfs(String dev) {
    int n = loopIndex(dev);
    if (n < 0) {
      return dev + " is not a loop device of this scenario";
    }
    Boot.Binding b = bound.get(n);
    if (b == null) {
      return dev + " is not bound to a file: `losetup " + dev + " FILE` first";
    }
    if (b.readOnly()) {
      return dev + " is bound read-only: mkfs cannot write it";
    }
    byte[] old = files.get(b.path());
    byte[] img = Ext4Lite.image(old.length);
    if (img == null) {
      return b.path() + " holds " + old.length + " bytes, too small for ext4-lite (mkfs needs 16 blocks of 512 bytes)";
    }
    files.put(b.path(), img); // the image is exactly as long as the file
    return null;
  }

  private void put(String path, byte[] data) {
    if (!files.containsKey(path)) {
      order.add(path);
    }
    files.put(path, data);
  }

  private int loopIndex(String dev) {
    if (!dev.startsWith("/dev/loop") || !devices.contains(dev) || dev.equals("/dev/loop-control")) {
      return -1;
    }
    return Integer.parseInt(dev.substring("/dev/loop".length()));
  }

  /** Null when {@code path} may be a regular file (new, or a file already). */
  private String regularFile(String path) {
    if (files.containsKey(path)) {
      return null;
    }
    return newPath(path);
  }

  /** Null when {@code path} is absolute, free, and in an existing directory. */
  private String newPath(String path) {
    if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("//")) {
      return "expected an absolute path to a file or directory (e.g. /img), found " + path;
    }
    for (String part : path.substring(1).split("/")) {
      if (part.equals(".") || part.equals("..")) {
        return "expected a path without `.` or `..`, found " + path;
      }
    }
    if (dirs.contains(path)) {
      return path + " is a directory";
    }
    if (devices.contains(path)) {
      return path + " is a device node";
    }
    if (files.containsKey(path)) {
      return path + " exists";
    }
    String parent = path.substring(0, Math.max(1, path.lastIndexOf('/')));
    if (!dirs.contains(parent)) {
      return "no directory " + parent + " for " + path + ": create it first with `mkdir " + parent + "`";
    }
    return null;
  }
}
