package kernsim.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state a kernel boots into beyond its device nodes: directories and regular files of the root
 * tmpfs, and loop devices already bound to one of those files. It is what a setup program of mkdir,
 * file creation, LOOP_SET_FD and mkfs leaves behind, built directly when the kernel starts instead of
 * by a hart's syscalls: setup is not explored, and a third of every schedule was spent replaying it.
 *
 * <p>Entries are in creation order (inode numbers follow it); a directory or file's parent must come
 * before it, a binding's file must be one of the files. The scenario language's setup block compiles
 * to one (see {@code kernsim.scenario}); its {@code Calls} texts stay the oracles' record of it.
 *
 * @param entries directories and files, parents first
 * @param bindings loop devices bound at boot, at most one per device
 */
public record Boot(List<Entry> entries, List<Binding> bindings) {
  /** Nothing but the kernel's own {@code /dev}, {@code /mnt} and device nodes. */
  public static final Boot EMPTY = new Boot(List.of(), List.of());

  /** A directory or a regular file. */
  public sealed interface Entry permits Dir, File {
    String path();
  }

  public record Dir(String path) implements Entry {
    public Dir {
      Objects.requireNonNull(path, "path");
    }
  }

  /** A regular file holding {@code data}, written and durable (setup ends before anything runs). */
  public record File(String path, byte[] data) implements Entry {
    public File {
      Objects.requireNonNull(path, "path");
      data = data.clone();
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof File f && f.path.equals(path) && java.util.Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
      return path.hashCode() * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "File[" + path + ", " + data.length + " bytes]";
    }
  }

  /** {@code /dev/loop<loop>} bound to the file {@code path}, opened read-only when {@code readOnly}. */
  public record Binding(int loop, String path, boolean readOnly) {
    public Binding {
      Objects.requireNonNull(path, "path");
    }
  }

  public Boot {
    entries = List.copyOf(entries);
    bindings = List.copyOf(bindings);
    TreeSet<String> paths = new TreeSet<>(List.of("/", "/dev", "/mnt"));
    TreeSet<String> files = new TreeSet<>();
    for (Entry e : entries) {
      String p = e.path();
      if (!p.startsWith("/") || p.endsWith("/") || p.contains("//")) {
        throw new IllegalArgumentException("not an absolute path: " + p);
      }
      String parent = p.substring(0, Math.max(1, p.lastIndexOf('/')));
      if (!paths.contains(parent) || files.contains(parent)) {
        throw new IllegalArgumentException("no directory " + parent + " for " + p);
      }
      if (!paths.add(p)) {
        throw new IllegalArgumentException(p + " twice");
      }
      if (e instanceof File) {
        files.add(p);
      }
    }
    TreeMap<Integer, Binding> seen = new TreeMap<>();
    for (Binding b : bindings) {
      if (!files.contains(b.path())) {
        throw new IllegalArgumentException("loop" + b.loop() + " bound to " + b.path() + ", which is not a boot file");
      }
      if (b.loop() < 0 || seen.put(b.loop(), b) != null) {
        throw new IllegalArgumentException("loop" + b.loop() + " bound twice or negative");
      }
    }
  }

  /** The file at {@code path}. */
  public File file(String path) {
    for (File f : files()) {
      if (f.path().equals(path)) {
        return f;
      }
    }
    throw new IllegalArgumentException("no boot file " + path);
  }

  /** The files, in order. */
  public List<File> files() {
    List<File> out = new ArrayList<>();
    for (Entry e : entries) {
      if (e instanceof File f) {
        out.add(f);
      }
    }
    return out;
  }
}
