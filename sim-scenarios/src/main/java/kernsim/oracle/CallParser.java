package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import kernsim.fs.file.Uapi;

/**
 * Statement texts as {@code kernsim.cpu.Syscalls} (and the kernel's boot statements) format them,
 * parsed back into {@link Op}s: {@code [var = ]name(arg, …)} with quoted strings, integers, fd
 * variables and bracketed or braced arguments. Anything that does not parse, or a name it does not
 * know, is {@link Op.Unmodelled}: the grammar may grow (new statement forms) without the oracle
 * misreading them.
 */
final class CallParser {
  private CallParser() {}

  /** Calls that change nothing the oracle tracks: any outcome, state unchanged. */
  private static final Set<String> NO_EFFECT = Set.of(
      "read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev", "preadv2", "pwritev2",
      "lseek", "fsync", "fdatasync", "ftruncate", "truncate", "fallocate", "sync_file_range", "fadvise64",
      "sendfile", "copy_file_range", "splice", "fcntl", "flock", "fstat", "stat", "lstat", "statx", "access",
      "getdents64", "readdir", "sync", "syncfs", "nanosleep", "usleep", "sleep", "sched_yield");

  /** fcntl commands that make a new fd. */
  private static final Set<String> DUPFD = Set.of("0", "F_DUPFD", "1030", "F_DUPFD_CLOEXEC");

  private static final Map<String, Integer> OPEN_FLAGS = openFlags();

  /** The variable a statement assigns ({@code fd} in {@code fd = open(…)}), or null. */
  static String assigned(String text) {
    int eq = text.indexOf(" = ");
    if (eq <= 0 || !isIdentifier(text.substring(0, eq))) {
      return null;
    }
    return text.substring(0, eq);
  }

  /** The call part of a statement: its text without the assignment. */
  static String callText(String text) {
    String var = assigned(text);
    return var == null ? text : text.substring(var.length() + 3);
  }

  /** The syscall's name, e.g. {@code open}, or the whole text when it does not parse. */
  static String name(String text) {
    String call = callText(text);
    int open = call.indexOf('(');
    return open <= 0 ? call : call.substring(0, open);
  }

  /** The statement as an {@link Op}; fd variables are looked up in {@code vars} (unset: -1). */
  static Op parse(String text, Map<String, Long> vars) {
    String call = callText(text).strip();
    int open = call.indexOf('(');
    if (open <= 0 || !call.endsWith(")")) {
      return new Op.Unmodelled(call);
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

  private static Op known(String name, List<String> a, Map<String, Long> vars) {
    return switch (name) {
      case "mkdir" -> a.size() == 1 && str(a.get(0)) != null ? new Op.Mkdir(str(a.get(0))) : null;
      case "mknod" -> a.size() == 1 && str(a.get(0)) != null ? new Op.Mknod(str(a.get(0)), node(str(a.get(0)))) : null;
      case "mount" -> a.size() == 4 && str(a.get(0)) != null && str(a.get(1)) != null && str(a.get(2)) != null
          && integer(a.get(3)) != null
          ? new Op.Mount(str(a.get(0)), str(a.get(1)), str(a.get(2)), (int) (long) integer(a.get(3))) : null;
      case "umount2" -> a.size() == 2 && str(a.get(0)) != null && integer(a.get(1)) != null
          ? new Op.Umount(str(a.get(0)), (int) (long) integer(a.get(1))) : null;
      case "open" -> a.size() == 2 && str(a.get(0)) != null && flags(a.get(1)) != null
          ? new Op.Open(str(a.get(0)), flags(a.get(1))) : null;
      case "close" -> a.size() == 1 && isIdentifier(a.get(0)) ? new Op.Close(fd(vars, a.get(0))) : null;
      case "dup" -> a.size() == 1 && isIdentifier(a.get(0)) ? new Op.Dup(fd(vars, a.get(0))) : null;
      case "memfd_create" -> new Op.NewAnon();
      case "pipe2" -> new Op.Pipe();
      case "mkfs.ext4" -> a.size() == 1 && str(a.get(0)) != null ? new Op.Mkfs(str(a.get(0))) : null;
      case "ioctl" -> ioctl(a, vars);
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
      return new Op.Ioctl(fd, cmd, null, null, null);
    }
    String arg = String.join(", ", a.subList(2, a.size()));
    Long value = a.size() == 3 ? integer(arg) : null;
    if (value != null) {
      return new Op.Ioctl(fd, cmd, value, null, null);
    }
    if (a.size() == 3 && isIdentifier(arg)) {
      return new Op.Ioctl(fd, cmd, null, fd(vars, arg), null);
    }
    // A structure (LOOP_CONFIGURE's loop_config, …): the fd its variables name, when they name one.
    java.util.TreeSet<Integer> named = new java.util.TreeSet<>();
    for (String token : arg.split("[^A-Za-z0-9_]+")) {
      if (isIdentifier(token) && vars.containsKey(token)) {
        named.add(fd(vars, token));
      }
    }
    return new Op.Ioctl(fd, cmd, null, named.size() == 1 ? named.first() : null, arg);
  }

  private static int fd(Map<String, Long> vars, String var) {
    Long v = vars.get(var);
    return v == null ? -1 : (int) (long) v;
  }

  private static int node(String path) {
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

  /** open(2) flags by their C names ({@code O_RDWR|O_CREAT}), or a number; null when unknown. */
  private static Integer flags(String s) {
    Long n = integer(s);
    if (n != null) {
      return (int) (long) n;
    }
    int flags = 0;
    for (String part : s.split("\\|")) {
      Integer bit = OPEN_FLAGS.get(part.strip());
      if (bit == null) {
        return null;
      }
      flags |= bit;
    }
    return flags;
  }

  private static Map<String, Integer> openFlags() {
    TreeMap<String, Integer> m = new TreeMap<>();
    m.put("O_RDONLY", Uapi.O_RDONLY);
    m.put("O_WRONLY", Uapi.O_WRONLY);
    m.put("O_RDWR", Uapi.O_RDWR);
    m.put("O_CREAT", Uapi.O_CREAT);
    m.put("O_EXCL", Uapi.O_EXCL);
    m.put("O_TRUNC", Uapi.O_TRUNC);
    m.put("O_APPEND", Uapi.O_APPEND);
    m.put("O_NONBLOCK", Uapi.O_NONBLOCK);
    m.put("O_DIRECTORY", Uapi.O_DIRECTORY);
    m.put("O_CLOEXEC", Uapi.O_CLOEXEC);
    m.put("O_DIRECT", Uapi.O_DIRECT);
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
