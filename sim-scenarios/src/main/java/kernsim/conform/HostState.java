package kernsim.conform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the machine shows of loop devices and mounts, read the way {@code losetup -a} and
 * {@code findmnt} read it: {@code /sys/block/loopN} (with {@code loop/backing_file} while bound),
 * {@code /proc/self/mountinfo}, and this process's {@code /proc/self/fd}. Reading it changes nothing.
 *
 * @param loops every loop device by index: its backing file while bound, "" while unbound
 * @param mounts every mount of this process's mount namespace, in mountinfo order
 * @param openFds the targets of this process's open fds
 */
public record HostState(SortedMap<Integer, String> loops, List<Mount> mounts, List<String> openFds) {
  /** One mountinfo line: {@code majorMinor} is the device ({@code 7:N} for loop N with max_part 0). */
  public record Mount(String source, String mountPoint, String fsType, String majorMinor) {}

  private static final Pattern LOOP = Pattern.compile("loop(0|[1-9][0-9]*)");
  /** The loop driver's block major ({@code LOOP_MAJOR}). */
  static final int LOOP_MAJOR = 7;

  public HostState {
    loops = Collections.unmodifiableSortedMap(new TreeMap<>(loops));
    mounts = List.copyOf(mounts);
    openFds = List.copyOf(openFds);
  }

  public static HostState read() {
    return new HostState(readLoops(), readMounts(), readFds());
  }

  /** Whether a loop device with this index exists. */
  static boolean loopExists(int index) {
    return Files.exists(Path.of("/sys/block/loop" + index)) || Files.exists(Path.of("/dev/loop" + index));
  }

  /** Every loop index present now. */
  static SortedMap<Integer, String> readLoops() {
    TreeMap<Integer, String> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/block"))) {
      for (Path p : ds) {
        Matcher m = LOOP.matcher(p.getFileName().toString());
        if (m.matches()) {
          out.put(Integer.parseInt(m.group(1)), backingFile(p));
        }
      }
    } catch (NoSuchFileException none) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String backingFile(Path dev) {
    try {
      return Files.readString(dev.resolve("loop/backing_file"), StandardCharsets.UTF_8).strip();
    } catch (IOException unbound) {
      return ""; // the attribute exists only while the device is bound
    }
  }

  static List<Mount> readMounts() {
    List<Mount> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
        // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
        String[] f = line.split(" ");
        int dash = List.of(f).indexOf("-");
        if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
          continue;
        }
        out.add(new Mount(unescape(f[dash + 2]), unescape(f[4]), unescape(f[dash + 1]), f[2]));
      }
    } catch (NoSuchFileException none) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** mountinfo escapes space, tab, newline and backslash as {@code \ooo}. */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()
          && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  static List<String> readFds() {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path p : ds) {
        try {
          out.add(Files.readSymbolicLink(p).toString());
        } catch (IOException closedMeanwhile) {
          // the directory stream's own fd, or one another thread closed while we listed
        }
      }
    } catch (NoSuchFileException none) {
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Collections.sort(out);
    return out;
  }

  /**
   * What of a sandbox is still here: mounts under its root or of its devices, devices it added that
   * still exist, devices bound to a file under its root, fds of this process on either, and the root.
   *
   * @param root the sandbox's root directory
   * @param indexes every real loop index the sandbox ever owned
   */
  public Leftovers leftoversOf(String root, Set<Integer> indexes) {
    List<String> ms = new ArrayList<>();
    for (Mount m : mounts) {
      boolean ours = under(m.mountPoint(), root) || under(m.source(), root);
      for (int r : indexes) {
        ours |= m.source().equals("/dev/loop" + r) || m.majorMinor().equals(LOOP_MAJOR + ":" + r);
      }
      if (ours) {
        ms.add(m.source() + " on " + m.mountPoint() + " type " + m.fsType());
      }
    }
    List<String> bound = new ArrayList<>();
    List<Integer> added = new ArrayList<>();
    loops.forEach((r, file) -> {
      if (indexes.contains(r)) {
        added.add(r);
      }
      if (!file.isEmpty() && (indexes.contains(r) || under(file, root))) {
        bound.add("/dev/loop" + r + ": " + file);
      }
    });
    List<String> fds = new ArrayList<>();
    for (String t : openFds) {
      boolean ours = under(t, root);
      for (int r : indexes) {
        ours |= t.equals("/dev/loop" + r);
      }
      if (ours) {
        fds.add(t);
      }
    }
    return new Leftovers(ms, bound, added, fds, Files.exists(Path.of(root)) ? root : null);
  }

  private static boolean under(String path, String root) {
    return path.equals(root) || path.startsWith(root + "/");
  }

  /** What {@link #leftoversOf} found; {@link #isEmpty()} when the sandbox left nothing. */
  public record Leftovers(List<String> mounts, List<String> bound, List<Integer> added, List<String> openFds,
      String root) {
    public Leftovers {
      mounts = List.copyOf(mounts);
      bound = List.copyOf(bound);
      added = List.copyOf(added);
      openFds = List.copyOf(openFds);
    }

    public boolean isEmpty() {
      return mounts.isEmpty() && bound.isEmpty() && added.isEmpty() && openFds.isEmpty() && root == null;
    }

    @Override
    public String toString() {
      if (isEmpty()) {
        return "nothing left";
      }
      List<String> parts = new ArrayList<>();
      if (!mounts.isEmpty()) {
        parts.add("mounted " + mounts);
      }
      if (!bound.isEmpty()) {
        parts.add("bound " + bound);
      }
      if (!added.isEmpty()) {
        parts.add("added loop devices " + added);
      }
      if (!openFds.isEmpty()) {
        parts.add("open " + openFds);
      }
      if (root != null) {
        parts.add("directory " + root);
      }
      return String.join("; ", parts);
    }
  }
}
