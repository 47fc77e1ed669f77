package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import kernsim.dev.Errno;

/**
 * Where a path leads in a {@link SpecState}, as {@code fs.vfs.Vfs.resolveIn} walks it: from the root
 * (the cwd is the root: nothing changes either), one component at a time, looking it up on the current
 * mount and stepping onto the topmost mount on it. ".." anywhere is EINVAL; a component missing on a
 * filesystem whose contents are known is ENOENT; one below a non-directory is ENOTDIR. On a filesystem
 * whose contents are unknown (ext4) the walk goes on, unsure, until it crosses a mount again.
 *
 * @param outcome {@link Outcomes#OK}, an errno class, or {@link Outcomes#ANY} when unsure
 * @param mount the index of the mount reached (the last one crossed)
 * @param abs the normalised absolute path walked (up to the failing component on failure)
 * @param rel that path relative to the mount's root ("" at the root)
 * @param node what it names ({@link Nodes})
 * @param root whether it is the root of {@code mount} (the walk crossed onto it at the last component)
 */
record Walk(int outcome, int mount, String abs, String rel, int node, boolean root) {
  static final int ENOENT = Outcomes.err(Errno.ENOENT);
  static final int ENOTDIR = Outcomes.err(Errno.ENOTDIR);
  static final int EINVAL = Outcomes.err(Errno.EINVAL);

  boolean ok() {
    return outcome == Outcomes.OK;
  }

  boolean unsure() {
    return outcome == Outcomes.ANY;
  }

  boolean failed() {
    return !ok() && !unsure();
  }

  /** The path shown in reasons. */
  String shown() {
    return abs.isEmpty() ? "/" : abs;
  }

  /** Why the walk failed, or is unsure. */
  String why(SpecState s) {
    if (outcome == EINVAL) {
      return "'..' is not supported";
    }
    if (outcome == ENOENT) {
      return shown() + " does not exist on " + s.mount(mount).describe();
    }
    if (outcome == ENOTDIR) {
      return shown() + " is not a directory";
    }
    return shown() + " is on " + s.mount(mount).describe() + ", whose contents are not tracked";
  }

  /**
   * A path's components as the walk takes them: whether it has a ".." anywhere, and the absolute path
   * after each component that is neither empty nor "." ({@code /dev}, {@code /dev/loop0}).
   */
  private record Parsed(boolean dotDot, String[] abs) {}

  /** Paths already parsed: a scenario names a few, and the search walks them in every state it visits. */
  private static final ConcurrentHashMap<String, Parsed> PARSED = new ConcurrentHashMap<>();
  /** How many paths {@link #PARSED} keeps (a fuzzer's may not repeat). */
  private static final int PARSED_MAX = 4_096;

  private static Parsed parse(String path) {
    Parsed known = PARSED.get(path);
    if (known != null) {
      return known;
    }
    String[] parts = path.split("/");
    boolean dotDot = false;
    List<String> abs = new ArrayList<>();
    String a = "";
    for (String p : parts) {
      dotDot |= p.equals("..");
      if (!p.isEmpty() && !p.equals(".")) {
        a = a + "/" + p;
        abs.add(a);
      }
    }
    Parsed parsed = new Parsed(dotDot, abs.toArray(new String[0]));
    if (PARSED.size() < PARSED_MAX) {
      PARSED.putIfAbsent(path, parsed);
    }
    return parsed;
  }

  /**
   * {@code path}'s components as the absolute paths after each ({@code /dev}, {@code /dev/loop0}; ".." kept as a
   * component), parsed once per path; the caller must not change the array.
   */
  static String[] prefixes(String path) {
    return parse(path).abs();
  }

  /** {@code //dev/./loop0} → {@code /dev/loop0} (".." kept as a component), parsed once per path. */
  static String normalised(String path) {
    String[] abs = parse(path).abs();
    return abs.length == 0 ? "/" : abs[abs.length - 1];
  }

  static Walk of(SpecState s, String path) {
    if (path.isEmpty()) {
      return new Walk(ENOENT, SpecState.ROOT, "", "", Nodes.DIR, false);
    }
    Parsed parsed = parse(path);
    if (parsed.dotDot()) {
      return new Walk(EINVAL, SpecState.ROOT, "", "", Nodes.DIR, false);
    }
    int m = 0;
    String abs = "";
    String rel = "";
    int relFrom = 1; // where rel starts in abs: after the mount point crossed last
    int node = Nodes.DIR;
    boolean root = true;
    boolean unsure = false;
    for (String next : parsed.abs()) {
      if (node != Nodes.DIR) {
        if (node == Nodes.UNKNOWN) {
          unsure = true;
        } else if (!unsure) {
          return new Walk(ENOTDIR, m, abs, rel, node, false);
        }
      }
      abs = next;
      rel = abs.substring(relFrom);
      root = false;
      int over = s.mountedOn(m, abs);
      if (over >= 0) {
        // Something is mounted here, so every component so far is a directory that exists.
        m = over;
        rel = "";
        relFrom = abs.length() + 1;
        node = Nodes.DIR;
        root = true;
        unsure = false;
        continue;
      }
      SpecState.Mount on = s.mount(m);
      Integer found = on.files().get(rel);
      if (found != null) {
        node = found;
      } else if (on.complete() && !unsure) {
        return new Walk(ENOENT, m, abs, rel, Nodes.UNKNOWN, false);
      } else {
        node = Nodes.UNKNOWN;
        unsure = true;
      }
    }
    return new Walk(unsure ? Outcomes.ANY : Outcomes.OK, m, abs, rel, node, root);
  }

  /** What {@code name} in the directory this walk reached is: a node, {@link #ABSENT} or {@link Nodes#UNKNOWN}. */
  int child(SpecState s, String name) {
    if (s.mountedOn(mount, childAbs(name)) >= 0) {
      return Nodes.DIR;
    }
    SpecState.Mount on = s.mount(mount);
    Integer found = on.files().get(childRel(name));
    if (found != null) {
      return found;
    }
    return on.complete() ? ABSENT : Nodes.UNKNOWN;
  }

  static final int ABSENT = -100;

  String childAbs(String name) {
    return abs + "/" + name;
  }

  String childRel(String name) {
    return rel.isEmpty() ? name : rel + "/" + name;
  }

  /**
   * The parent directory and last name of {@code path} as {@code Vfs.split} has them; null when there is
   * no last name (the call is EEXIST).
   */
  static String[] split(String path) {
    int end = path.length();
    while (end > 0 && path.charAt(end - 1) == '/') {
      end--;
    }
    String p = path.substring(0, end);
    int slash = p.lastIndexOf('/');
    String name = p.substring(slash + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return null;
    }
    String parent = slash < 0 ? "." : slash == 0 ? "/" : p.substring(0, slash);
    return new String[] {parent, name};
  }
}
