package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Statement texts parsed back into {@link Op}s: {@code [var = ]name(arg, …)} with quoted strings,
 * integers, constant names joined by {@code |} (their values read from the model's tables, as the
 * scenario language reads them), fd variables, arrays and {@code {field: value, …}} structures — as
 * {@code kernsim.cpu.Syscalls}, the kernel's boot and the scenario language write them. A scenario's
 * setup command shows as {@code losetup /dev/loop0 /img: ioctl(dev, LOOP_SET_FD, file)} (the statement
 * after the command) or as the bare {@code mkfs.ext4 /dev/loop0} and {@code mkdir /data}. Anything
 * that does not parse, or a name it does not know, is {@link Op.Unmodelled}: the grammar may grow
 * without the oracle misreading it.
 */
final class CallParser {
  private CallParser() {}

  /** Calls that change nothing the oracle tracks: any outcome, state unchanged. */
  private static final Set<String> NO_EFFECT = Set.of(
      "read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2",
      "lseek", "fsync", "fdatasync", "ftruncate", "truncate", "fallocate", "sync_file_range", "fadvise64",
      "sendfile", "copy_file_range", "splice", "fcntl", "fstat", "stat", "lstat", "statx", "access",
      "getdents64", "readdir", "sync", "syncfs", "nanosleep", "usleep", "sleep", "sched_yield");

  /** fcntl commands that make a new fd. */
  private static final Set<String> DUPFD = Set.of("0", "F_DUPFD", "1030", "F_DUPFD_CLOEXEC");

  /** C constants by name, from the model's tables (open, mount, umount2 and loop flags, …). */
  private static final Map<String, Long> CONSTANTS = constants();

  /** The variable a statement assigns ({@code fd} in {@code fd = open(…)}), or null. */
  static String assigned(String text) {
    String st = statement(text);
    int eq = st.indexOf(" = ");
    if (eq <= 0 || !isIdentifier(st.substring(0, eq))) {
      return null;
    }
    return st.substring(0, eq);
  }

  /** The call part of a statement: its text without a setup command's prefix or the assignment. */
  static String callText(String text) {
    String st = statement(text);
    String var = assigned(st);
    return var == null ? st : st.substring(var.length() + 3);
  }

  /** The syscall's name, e.g. {@code open}, or the whole text when it does not parse. */
  static String name(String text) {
    String call = callText(text);
    int open = call.indexOf('(');
    return open <= 0 ? call : call.substring(0, open);
  }

  /**
   * The statement in {@code text}: the text itself, or what follows a setup command's
   * {@code "command args: "} prefix (the first such split whose rest is a statement).
   */
  private static String statement(String text) {
    if (looksLikeCall(text)) {
      return text;
    }
    for (int i = text.indexOf(": "); i >= 0; i = text.indexOf(": ", i + 1)) {
      String rest = text.substring(i + 2);
      if (looksLikeCall(rest)) {
        return rest;
      }
    }
    return text;
  }

  /** {@code [var = ]name(…)} with a plain name. */
  private static boolean looksLikeCall(String s) {
    int eq = s.indexOf(" = ");
    String call = eq > 0 && isIdentifier(s.substring(0, eq)) ? s.substring(eq + 3) : s;
    int open = call.indexOf('(');
    if (open <= 0 || !call.endsWith(")")) {
      return false;
    }
    for (int i = 0; i < open; i++) {
      char c = call.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  /** The statement as an {@link Op}; fd variables are looked up in {@code vars} (unset: -1). */
  static Op parse(String text, Map<String, Long> vars) {
    // Memoised: a run parses the same few texts with the same few fd values over and over. Ops are
    // immutable and parse is a function of the text and the variables' values.
    String key = vars.isEmpty() ? text : text + '\u0000' + vars;
    Op op = MEMO.get(key);
    if (op == null) {
      if (MEMO.size() >= MEMO_LIMIT) {
        MEMO.clear();
      }
      op = parseUncached(text, vars);
      MEMO.put(key, op);
    }
    return op;
  }

  private static final int MEMO_LIMIT = 100_000;
  private static final java.util.concurrent.ConcurrentHashMap<String, Op> MEMO = new java.util.concurrent.ConcurrentHashMap<>();

  private static Op parseUncached(String text, Map<String, Long> vars) {
    String call = callText(text).strip();
    int open = call.indexOf('(');
    if (open <= 0 || !call.endsWith(")")) {
      return setupCommand(call);
    }
    String name = call.substring(0, open);
    List<String> args = split(call.substring(open + 1, call.length() - 1));
    if (args == null) {
      return new Op.Unmodelled(name);
    }
    if (name.equals("fcntl") && args.size() >= 2 && DUPFD.contains(args.get(1))) {
      return new Op.NewFd();
    }
    Op op = NO_EFFECT.contains(name) ? new Op.NoEffect(name) : known(name, args, vars);
    return op == null ? new Op.Unmodelled(name) : op;
  }

  /** The scenario language's setup commands that show as themselves: {@code mkfs.ext4 DEV}, {@code mkdir PATH}. */
  private static Op setupCommand(String text) {
    String[] words = text.split(" ");
    if (words.length == 2) {
      String path = str(words[1]) != null ? str(words[1]) : words[1];
      if (words[0].equals("mkfs.ext4")) {
        return new Op.Mkfs(path);
      }
      if (words[0].equals("mkdir")) {
        return new Op.Mkdir(path);
      }
    }
    return new Op.Unmodelled(text);
  }

  private static Op known(String name, List<String> a, Map<String, Long> vars) {
    return switch (name) {
      case "mkdir" -> a.size() == 1 && str(a.get(0)) != null ? new Op.Mkdir(str(a.get(0))) : null;
      case "mknod" -> a.size() == 1 && str(a.get(0)) != null ? new Op.Mknod(str(a.get(0)), node(str(a.get(0)))) : null;
      case "mount" -> (a.size() == 4 || a.size() == 5) && str(a.get(0)) != null && str(a.get(1)) != null
          && str(a.get(2)) != null && flags(a.get(3)) != null
          ? new Op.Mount(str(a.get(0)), str(a.get(1)), str(a.get(2)), flags(a.get(3))) : null;
      case "umount2" -> a.size() == 2 && str(a.get(0)) != null && flags(a.get(1)) != null
          ? new Op.Umount(str(a.get(0)), flags(a.get(1))) : null;
      case "open" -> a.size() == 2 && str(a.get(0)) != null && flags(a.get(1)) != null
          ? new Op.Open(str(a.get(0)), flags(a.get(1))) : null;
      case "close" -> a.size() == 1 && isIdentifier(a.get(0)) ? new Op.Close(fd(vars, a.get(0))) : null;
      case "dup" -> a.size() == 1 && isIdentifier(a.get(0)) ? new Op.Dup(fd(vars, a.get(0))) : null;
      case "memfd_create" -> new Op.NewAnon();
      case "pipe2" -> new Op.Pipe();
      case "mkfs.ext4" -> a.size() == 1 && str(a.get(0)) != null ? new Op.Mkfs(str(a.get(0))) : null;
      case "ioctl" -> ioctl(a, vars);
      case "flock" -> a.size() == 2 && isIdentifier(a.get(0)) && flags(a.get(1)) != null
          ? new Op.Flock(fd(vars, a.get(0)), flags(a.get(1))) : null;
      default -> null;
    };
  }

  private static Op ioctl(List<String> a, Map<String, Long> vars) {
    if (a.size() < 2 || !isIdentifier(a.get(0)) || !isIdentifier(a.get(1))) {
      return null;
    }
    int fd = fd(vars, a.get(0));
    String cmd = a.get(1);
    if (a.size() == 2) {
      return new Op.Ioctl(fd, cmd, null, null, null, null);
    }
    String arg = String.join(", ", a.subList(2, a.size()));
    Long value = a.size() == 3 ? integer(arg) : null;
    if (value != null) {
      return new Op.Ioctl(fd, cmd, value, null, null, null);
    }
    if (a.size() == 3 && isIdentifier(arg) && !CONSTANTS.containsKey(arg)) {
      return new Op.Ioctl(fd, cmd, null, fd(vars, arg), null, null);
    }
    Map<String, String> fields = struct(arg);
    if (fields == null) {
      Integer flag = a.size() == 3 ? flags(arg) : null;
      return new Op.Ioctl(fd, cmd, flag == null ? null : (long) flag, null, arg, null);
    }
    // A structure: LOOP_CONFIGURE's loop_config {fd, block_size, flags, file_name}, LOOP_SET_STATUS's …
    String backing = fields.get("fd");
    Integer argFd = backing == null ? null : isIdentifier(backing) ? fd(vars, backing) : integerInt(backing);
    String f = fields.containsKey("flags") ? fields.get("flags") : fields.get("lo_flags");
    Integer loFlags = f == null ? null : flags(f);
    return new Op.Ioctl(fd, cmd, null, argFd, arg, loFlags == null ? null : (long) loFlags);
  }

  /** {@code {name: value, …}} (or {@code name=value}) as a map; null when {@code s} is not one. */
  private static Map<String, String> struct(String s) {
    if (!s.startsWith("{") || !s.endsWith("}")) {
      return null;
    }
    List<String> parts = split(s.substring(1, s.length() - 1));
    if (parts == null) {
      return null;
    }
    TreeMap<String, String> fields = new TreeMap<>();
    for (String p : parts) {
      int colon = p.indexOf(':');
      int eq = p.indexOf('=');
      int at = colon > 0 && (eq < 0 || colon < eq) ? colon : eq;
      if (at > 0) {
        fields.put(p.substring(0, at).strip(), p.substring(at + 1).strip());
      }
    }
    return fields;
  }

  private static Integer integerInt(String s) {
    Long v = integer(s);
    return v == null ? null : (int) (long) v;
  }

  private static int fd(Map<String, Long> vars, String var) {
    Long v = vars.get(var);
    return v == null ? -1 : (int) (long) v;
  }

  private static int node(String path) {
    if (path.startsWith("/sys/")) {
      return Nodes.SYSFS;
    }
    if (path.equals("/dev/loop-control")) {
      return Nodes.CONTROL;
    }
    if (path.startsWith("/dev/loop")) {
      try {
        int n = Integer.parseInt(path.substring("/dev/loop".length()));
        return n >= 0 ? n : Nodes.OTHER_DEVICE;
      } catch (NumberFormatException e) {
        return Nodes.OTHER_DEVICE;
      }
    }
    return Nodes.OTHER_DEVICE;
  }

  /** Flags: a number, or C constant names and numbers joined by {@code |}; null when a name is unknown. */
  private static Integer flags(String s) {
    Long n = integer(s);
    if (n != null) {
      return (int) (long) n;
    }
    long flags = 0;
    for (String part : s.split("\\|")) {
      String term = part.strip();
      Long v = integer(term);
      if (v == null) {
        v = CONSTANTS.get(term);
      }
      if (v == null) {
        return null;
      }
      flags |= v;
    }
    return (int) flags;
  }

  /**
   * The int constants of the model's C tables ({@code fs.file.Uapi}, {@code fs.vfs.Flags},
   * {@code dev.loop.LoopAbi}) by name, read by reflection so that a constant added there is known here.
   */
  private static Map<String, Long> constants() {
    TreeMap<String, Long> m = new TreeMap<>();
    for (Class<?> table : List.of(kernsim.fs.file.Uapi.class, kernsim.fs.vfs.Flags.class,
        kernsim.dev.loop.LoopAbi.class)) {
      for (java.lang.reflect.Field f : table.getFields()) {
        int mod = f.getModifiers();
        if (java.lang.reflect.Modifier.isStatic(mod) && java.lang.reflect.Modifier.isFinal(mod)
            && (f.getType() == int.class || f.getType() == long.class) && f.getName().matches("[A-Z][A-Z0-9_]*")) {
          try {
            m.put(f.getName(), ((Number) f.get(null)).longValue());
          } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }
    return m;
  }

  /** A quoted string's contents, or null. */
  private static String str(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : null;
  }

  private static Long integer(String s) {
    String t = s.strip();
    if (t.isEmpty() || !(Character.isDigit(t.charAt(0)) || t.charAt(0) == '-' && t.length() > 1)) {
      return null; // most arguments are not numbers: no exception for them
    }
    try {
      return Long.decode(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static boolean isIdentifier(String s) {
    if (s.isEmpty() || !(Character.isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** Top-level comma-separated arguments, stripped; null when quotes or brackets do not balance. */
  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    if (s.isBlank()) {
      return out;
    }
    int depth = 0;
    boolean quoted = false;
    int from = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '(' || c == '[' || c == '{')) {
        depth++;
      } else if (!quoted && (c == ')' || c == ']' || c == '}')) {
        if (--depth < 0) {
          return null;
        }
      } else if (!quoted && depth == 0 && c == ',') {
        out.add(s.substring(from, i).strip());
        from = i + 1;
      }
    }
    if (quoted || depth != 0) {
      return null;
    }
    out.add(s.substring(from).strip());
    return out;
  }
}
