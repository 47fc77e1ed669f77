package kernsim.scenario;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import kernsim.cpu.Stmt;
import kernsim.client.SystemdLoopUtil;
import kernsim.cpu.Syscalls;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;
import kernsim.scenario.Constants.Family;
import kernsim.scenario.Lexer.Token;

/**
 * The calls a statement may make, each with its parameters and how its arguments become a
 * {@code cpu.Syscalls} statement. One entry per syscall of the model's table; the statement's text
 * (what timelines show) is the call as written, spacing normalised.
 */
final class CallTable {
  private CallTable() {}

  /** A call as parsed: {@code [assign =] name(args)}, with {@code close} the closing parenthesis. */
  record Call(Token assign, Token name, List<Arg> args, Token close) {
    String text() {
      return name.text() + args.stream().map(Arg::text).collect(Collectors.joining(", ", "(", ")"));
    }
  }

  /** What the compiler knows about the block it compiles: its name and the variables assigned so far. */
  static final class Block {
    final Source src;
    final String title;
    final Set<String> vars = new TreeSet<>();
    /** Variables holding a loop client's device handle (assigned by loop_device_make/open). */
    final Set<String> handles = new TreeSet<>();
    /** The scenario's {@code client-option} names. */
    final Set<String> clientOptions = new TreeSet<>();
    /** Any name that is no constant is a variable (assigned or not): one statement read on its own. */
    boolean anyVariable;

    /** {@code title} names the block in messages: {@code setup:} or {@code hart mounter:}. */
    Block(Source src, String title) {
      this.src = src;
      this.title = title;
    }
  }

  @FunctionalInterface
  private interface Compile {
    Stmt apply(Args a) throws ScenarioException;
  }

  /** A call's name, its parameters as the docs show them, how many are optional at the end, its compiler. */
  private record Sig(String name, List<String> params, int optional, Compile compile) {
    String shape() {
      StringBuilder sb = new StringBuilder(name).append('(');
      for (int i = 0; i < params.size(); i++) {
        boolean opt = i >= params.size() - optional;
        sb.append(i == 0 ? "" : opt ? "[, " : ", ").append(params.get(i));
      }
      return sb.append("]".repeat(optional)).append(')').toString();
    }
  }

  private static final Map<String, Sig> SIGS = new LinkedHashMap<>();

  private static void sig(String name, String params, Compile compile) {
    sig(name, params, 0, compile);
  }

  private static void sig(String name, String params, int optional, Compile compile) {
    List<String> ps = params.isEmpty() ? List.of() : Arrays.asList(params.split(", "));
    SIGS.put(name, new Sig(name, ps, optional, compile));
  }

  static {
    // paths and mounts
    sig("mkdir", "path", a -> Syscalls.mkdir(a.str(0)));
    sig("mount", "source, target, fstype, flags, data", 1, a -> Syscalls.mount(a.strOrNull(0), a.strOrNull(1), a.strOrNull(2),
        a.flags(3, Family.MOUNT), a.has(4) ? a.strOrNull(4) : null));
    sig("chdir", "path", a -> Syscalls.chdir(a.str(0)));
    sig("sync", "", a -> Syscalls.sync());
    sig("umount2", "target, flags", a -> Syscalls.umount2(a.str(0), a.flags(1, Family.UMOUNT)));
    sig("pivot_root", "new_root, put_old", a -> Syscalls.pivotRoot(a.str(0), a.str(1)));
    sig("mkfs.ext4", "device", a -> Syscalls.mkfsExt4(a.str(0)));
    // open and close
    sig("open", "path, flags", a -> Syscalls.open(a.str(0), a.flags(1, Family.OPEN)));
    sig("close", "fd", a -> Syscalls.close(a.fd(0)));
    // I/O
    sig("write", "fd, data", a -> Syscalls.write(a.fd(0), a.str(1)));
    sig("pwrite64", "fd, data, offset", a -> Syscalls.pwrite(a.fd(0), a.str(1), a.offset(2)));
    sig("read", "fd, count", a -> Syscalls.read(a.fd(0), a.count(1)));
    sig("pread64", "fd, count, offset", a -> Syscalls.pread(a.fd(0), a.count(1), a.offset(2)));
    sig("lseek", "fd, offset, whence", a -> Syscalls.lseek(a.fd(0), a.offset(1), a.flags(2, Family.SEEK)));
    sig("fsync", "fd", a -> Syscalls.fsync(a.fd(0)));
    sig("fdatasync", "fd", a -> Syscalls.fdatasync(a.fd(0)));
    sig("ftruncate", "fd, length", a -> Syscalls.ftruncate(a.fd(0), a.offset(1)));
    sig("truncate", "path, length", a -> Syscalls.truncate(a.str(0), a.offset(1)));
    sig("readv", "fd, iov", a -> Syscalls.readv(a.fd(0), a.counts(1)));
    sig("writev", "fd, iov", a -> Syscalls.writev(a.fd(0), a.strs(1)));
    sig("preadv", "fd, iov, offset", a -> Syscalls.preadv(a.fd(0), a.counts(1), a.offset(2)));
    sig("pwritev", "fd, iov, offset", a -> Syscalls.pwritev(a.fd(0), a.strs(1), a.offset(2)));
    sig("preadv2", "fd, iov, offset, flags",
        a -> Syscalls.preadv2(a.fd(0), a.counts(1), a.offset(2), a.flags(3, Family.RWF)));
    sig("pwritev2", "fd, iov, offset, flags",
        a -> Syscalls.pwritev2(a.fd(0), a.strs(1), a.offset(2), a.flags(3, Family.RWF)));
    sig("fallocate", "fd, mode, offset, len",
        a -> Syscalls.fallocate(a.fd(0), a.flags(1, Family.FALLOC), a.offset(2), a.offset(3)));
    sig("sync_file_range", "fd, offset, nbytes, flags",
        a -> Syscalls.syncFileRange(a.fd(0), a.offset(1), a.offset(2), a.flags(3, Family.SYNC_RANGE)));
    sig("fadvise64", "fd, offset, len, advice",
        a -> Syscalls.fadvise64(a.fd(0), a.offset(1), a.offset(2), a.flags(3, Family.FADV)));
    // transfers between fds
    sig("sendfile", "out_fd, in_fd, offset, count",
        a -> Syscalls.sendfile(a.fd(0), a.fd(1), a.ptr(2), a.offset(3)));
    sig("copy_file_range", "fd_in, off_in, fd_out, off_out, len, flags",
        a -> Syscalls.copyFileRange(a.fd(0), a.ptr(1), a.fd(2), a.ptr(3), a.offset(4), a.integer(5)));
    sig("splice", "fd_in, off_in, fd_out, off_out, len, flags",
        a -> Syscalls.splice(a.fd(0), a.ptr(1), a.fd(2), a.ptr(3), a.offset(4), a.flags(5, Family.SPLICE)));
    // anonymous files and fds
    sig("memfd_create", "name, flags", a -> Syscalls.memfdCreate(a.str(0), a.flags(1, Family.MFD)));
    sig("pipe2", "fds, flags", a -> {
      String[] ends = a.newVars(0);
      return Syscalls.pipe2(ends[0], ends[1], a.flags(1, Family.OPEN));
    });
    sig("fcntl", "fd, cmd, arg", 1, a -> Syscalls.fcntl(a.fd(0), a.flags(1, Family.FCNTL),
        a.has(2) ? a.flags(2, Family.SEAL, Family.OPEN) : 0));
    sig("dup", "fd", a -> Syscalls.dup(a.fd(0)));
    sig("fstat", "fd", a -> Syscalls.fstat(a.fd(0)));
    sig("flock", "fd, operation", a -> Syscalls.flock(a.fd(0), a.flags(1, Family.FLOCK)));
    sig("ioctl", "fd, cmd, arg", 1, CallTable::ioctl);
    // Monogon's pkg/loop (kernsim.client.MonogonLoop): each call is one Go function, run as its syscalls
    sig("monogon_create", "backing_fd, block_size, flags, offset, size_limit", 3,
        a -> kernsim.client.MonogonLoop.create(a.fd(0), a.count(1), a.has(2) ? a.flags(2, Family.LO_FLAGS) : 0,
            a.has(3) ? a.offset(3) : 0, a.has(4) ? a.offset(4) : 0));
    sig("monogon_open", "path", a -> kernsim.client.MonogonLoop.open(a.str(0)));
    sig("monogon_dev_path", "device", a -> kernsim.client.MonogonLoop.devPath(a.fd(0)));
    sig("monogon_dev", "device", a -> kernsim.client.MonogonLoop.dev(a.fd(0)));
    sig("monogon_backing_file_path", "device", a -> kernsim.client.MonogonLoop.backingFilePath(a.fd(0)));
    sig("monogon_refresh_size", "device", a -> kernsim.client.MonogonLoop.refreshSize(a.fd(0)));
    sig("monogon_close", "device", a -> kernsim.client.MonogonLoop.close(a.fd(0)));
    sig("monogon_remove", "device", a -> kernsim.client.MonogonLoop.remove(a.fd(0)));
    sig("monogon_write", "device, offset, data", a -> kernsim.client.MonogonLoop.write(a.fd(0), a.offset(1),
        a.str(2)));
    // sleeping, on the virtual clock
    sig("nanosleep", "nsec", a -> Syscalls.nanosleep(a.offset(0)));
    sig("usleep", "usec", a -> Syscalls.usleep(a.offset(0)));
    // systemd's loop-util (kernsim.client.SystemdLoopUtil): each expands into the library's syscalls
    sig("loop_device_make", "fd, open_flags, lock_op", a -> SystemdLoopUtil.make(a.newHandle(), a.fd(0),
        a.accMode(1), a.lockOp(2), SystemdLoopUtil.Options.of(a.block.clientOptions)));
    sig("loop_device_make_by_path_at", "dir_fd, path, open_flags, lock_op", a -> {
      a.atFdcwd(0);
      return SystemdLoopUtil.makeByPathAt(a.newHandle(), a.str(1), a.accModeOrAny(2), a.lockOp(3),
          SystemdLoopUtil.Options.of(a.block.clientOptions));
    });
    sig("loop_device_make_by_path_memory", "path, open_flags, lock_op", a -> SystemdLoopUtil.makeByPathMemory(
        a.newHandle(), a.str(0), a.accMode(1), a.lockOp(2)));
    sig("loop_device_open", "path, open_flags, lock_op", a -> SystemdLoopUtil.open(a.newHandle(), a.str(0),
        a.accMode(1), a.lockOp(2)));
    sig("loop_device_open_from_fd", "fd, open_flags, lock_op", a -> SystemdLoopUtil.openFromFd(a.newHandle(),
        a.fd(0), a.accMode(1), a.lockOp(2)));
    sig("loop_device_free", "device", a -> SystemdLoopUtil.free(a.handle(0),
        SystemdLoopUtil.Options.of(a.block.clientOptions)));
    sig("loop_device_ref", "device", a -> SystemdLoopUtil.ref(a.handle(0)));
    sig("loop_device_unref", "device", a -> SystemdLoopUtil.unref(a.handle(0),
        SystemdLoopUtil.Options.of(a.block.clientOptions)));
    sig("loop_device_relinquish", "device", a -> SystemdLoopUtil.relinquish(a.handle(0), true));
    sig("loop_device_unrelinquish", "device", a -> SystemdLoopUtil.relinquish(a.handle(0), false));
    sig("loop_device_flock", "device, operation", a -> SystemdLoopUtil.flock(a.handle(0), a.lockOp(1)));
    sig("loop_device_sync", "device", a -> SystemdLoopUtil.sync(a.handle(0)));
    sig("loop_device_refresh_size", "device, offset, size",
        a -> SystemdLoopUtil.refreshSize(a.handle(0), a.offset(1), a.offset(2)));
    sig("loop_device_set_autoclear", "device, autoclear",
        a -> SystemdLoopUtil.setAutoclear(a.handle(0), a.bool(1)));
    sig("loop_device_set_filename", "device, name",
        a -> SystemdLoopUtil.setFilename(a.handle(0), a.strOrNull(1)));
    sig("loop_device_write", "device, offset, data",
        a -> SystemdLoopUtil.write(a.handle(0), a.offset(1), a.str(2)));
  }

  /** The calls, in the order the docs list them. */
  static List<String> names() {
    return List.copyOf(SIGS.keySet());
  }

  /** The call's shape as the docs and messages show it, e.g. {@code mount(source, target, fstype, flags[, data])}. */
  static String shape(String name) {
    return SIGS.get(name).shape();
  }

  /** The statement {@code call} runs; it assigns its variables in {@code block}. */
  static Stmt compile(Call call, Block block) throws ScenarioException {
    String name = call.name().text();
    Sig sig = SIGS.get(name);
    if (sig == null) {
      String hint = Constants.didYouMean(name, SIGS.keySet());
      throw block.src.error(call.name(), "unknown call `" + name + "`; "
          + (hint != null ? "did you mean " + hint + "?" : "expected one of: " + String.join(", ", SIGS.keySet())));
    }
    int n = call.args().size();
    int max = sig.params().size();
    int min = max - sig.optional();
    if (n < min || n > max) {
      String expected = min == max ? min + " argument" + (min == 1 ? "" : "s")
          : min + (max == min + 1 ? " or " : " to ") + max + " arguments";
      Token at = n > max ? call.args().get(max).at() : call.close();
      throw block.src.error(at, "expected " + expected + " for " + sig.shape() + ", found " + n);
    }
    Token assign = call.assign();
    if (assign != null) {
      checkVariableName(assign, block);
    }
    Args args = new Args(sig, call, block);
    Stmt built = sig.compile().apply(args);
    Stmt stmt = new Stmt(call.text(), null, built.call());
    block.vars.addAll(args.defines);
    if (assign != null) {
      if (args.handle) {
        block.handles.add(assign.text());
      } else {
        block.handles.remove(assign.text());
      }
      block.vars.add(assign.text());
      return stmt.as(assign.text());
    }
    return stmt;
  }

  static void checkVariableName(Token t, Block block) throws ScenarioException {
    String v = t.text();
    if (t.kind() != Lexer.Kind.IDENT || !v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw block.src.error(t, "expected a variable name (letters, digits and _), found " + t.shown());
    }
    if (v.equals("NULL") || Constants.get(v) != null) {
      throw block.src.error(t, "expected a variable name, found `" + v + "`, which names a constant");
    }
    if (v.startsWith("__")) {
      throw block.src.error(t, "variable names starting with `__` are the loop clients' own (they keep their fds in "
          + "them), found `" + v + "`");
    }
  }

  // ==== ioctl ====

  /** What an ioctl command reads from its third argument. */
  private enum IoctlArg { NONE, INT, FD, INFO, INFO64, CONFIG, CTL_INT, CTL_NONE, UNKNOWN }

  private static IoctlArg ioctlArg(LoopIoctl c) {
    return switch (c) {
      case LOOP_SET_FD, LOOP_CHANGE_FD -> IoctlArg.FD;
      case BLKROSET, BLKRASET, LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE -> IoctlArg.INT;
      case LOOP_SET_STATUS -> IoctlArg.INFO;
      case LOOP_SET_STATUS64 -> IoctlArg.INFO64;
      case LOOP_CONFIGURE -> IoctlArg.CONFIG;
      default -> IoctlArg.NONE;
    };
  }

  private static Stmt ioctl(Args a) throws ScenarioException {
    String fd = a.fd(0);
    Arg cmd = a.arg(1);
    int number;
    String name;
    if (cmd instanceof Arg.Name nm) {
      Constants.Const c = Constants.get(nm.name());
      if (c == null || c.family() != Family.IOCTL) {
        throw a.unknownConstant(nm.tok(), Family.IOCTL, EnumSet.of(Family.IOCTL));
      }
      number = (int) c.value();
      name = nm.name();
    } else if (cmd instanceof Arg.Int i) {
      if (i.value() < Integer.MIN_VALUE || i.value() > 0xFFFF_FFFFL) {
        throw a.src().error(i.tok(), "expected an ioctl command (a 32-bit number), found " + i.shown());
      }
      number = (int) i.value();
      name = i.text();
    } else {
      throw a.src().error(cmd.at(), "expected an ioctl command (a name such as BLKFLSBUF, or a number), found "
          + cmd.shown());
    }
    LoopIoctl loop = LoopIoctl.byNumber(number);
    IoctlArg kind = loop != null ? ioctlArg(loop)
        : number == LoopControl.LOOP_CTL_ADD || number == LoopControl.LOOP_CTL_REMOVE ? IoctlArg.CTL_INT
        : number == LoopControl.LOOP_CTL_GET_FREE ? IoctlArg.CTL_NONE
        : IoctlArg.UNKNOWN;
    boolean optional = kind == IoctlArg.UNKNOWN;
    boolean takes = kind != IoctlArg.NONE && kind != IoctlArg.CTL_NONE;
    if (!a.has(2) && takes && !optional) {
      throw a.src().error(a.call.close(), "expected 3 arguments for ioctl(fd, " + name + ", " + ioctlArgShape(kind)
          + "), found 2");
    }
    if (a.has(2) && !takes) {
      throw a.src().error(a.arg(2).at(), "expected 2 arguments for ioctl(fd, " + name + "), found 3"
          + (name.startsWith("BLK") && name.contains("GET") || name.contains("GET_STATUS") || name.equals("HDIO_GETGEO")
              ? " (what the command writes to the user's pointer is the result's data)" : ""));
    }
    return switch (kind) {
      case NONE -> Syscalls.ioctl(fd, loop);
      case INT -> Syscalls.ioctl(fd, loop, a.integer(2));
      case FD -> Syscalls.ioctlFd(fd, loop, a.fd(2));
      case INFO -> Syscalls.ioctlSetStatus(fd, a.loopInfo(2));
      case INFO64 -> Syscalls.ioctlSetStatus64(fd, a.loopInfo64(2));
      case CONFIG -> a.configure(fd, 2);
      case CTL_INT -> Syscalls.ioctl(fd, number, new Ioctl.Int(a.integer(2)));
      case CTL_NONE -> Syscalls.ioctl(fd, number, Ioctl.None.INSTANCE);
      case UNKNOWN -> Syscalls.ioctl(fd, number, a.has(2) ? new Ioctl.Int(a.integer(2)) : Ioctl.None.INSTANCE);
    };
  }

  private static String ioctlArgShape(IoctlArg kind) {
    return switch (kind) {
      case INT, CTL_INT -> "value";
      case FD -> "fd_variable";
      case INFO -> "{flags: …, name: \"…\"}";
      case INFO64 -> "{flags: …, file_name: \"…\"}";
      case CONFIG -> "backing_fd or {fd: …, flags: …, block_size: …, file_name: \"…\"}";
      default -> "";
    };
  }

  // ==== arguments by kind ====

  /** A call's arguments, read by kind; each reader names the parameter in its errors. */
  private static final class Args {
    final Sig sig;
    final Call call;
    final Block block;
    /** Variables the call itself sets (pipe2's two ends). */
    final List<String> defines = new ArrayList<>();
    /** The call assigns a loop client's device handle. */
    boolean handle;

    Args(Sig sig, Call call, Block block) {
      this.sig = sig;
      this.call = call;
      this.block = block;
    }

    Source src() {
      return block.src;
    }

    boolean has(int i) {
      return i < call.args().size();
    }

    Arg arg(int i) {
      return call.args().get(i);
    }

    private String param(int i) {
      return sig.name() + "'s " + sig.params().get(i);
    }

    private ScenarioException expected(Arg got, String what, String param) {
      return src().error(got.at(), "expected " + what + " for " + param + ", found " + got.shown());
    }

    String str(int i) throws ScenarioException {
      return str(arg(i), param(i));
    }

    String str(Arg a, String param) throws ScenarioException {
      if (a instanceof Arg.Str s) {
        return s.value();
      }
      if (a instanceof Arg.Path p) {
        throw src().error(p.at(), "expected a quoted string for " + param + ", found " + p.shown()
            + " (in a call, quote it: \"" + p.text() + "\")");
      }
      throw expected(a, "a quoted string", param);
    }

    /** The variable a handle-returning client call assigns; it must have one. */
    String newHandle() throws ScenarioException {
      if (call.assign() == null) {
        throw src().error(call.name(), "`" + sig.name() + "` returns a device handle: assign it, e.g. `d = "
            + sig.name() + "(...)`");
      }
      handle = true;
      return call.assign().text();
    }

    /** A variable a loop client's make or open assigned earlier. */
    String handle(int i) throws ScenarioException {
      String v = fd(i);
      if (!block.handles.contains(v) && !block.anyVariable) {
        throw src().error(arg(i).at(), "expected a device handle for " + param(i) + ", found `" + v
            + "`, which no earlier loop_device_make or loop_device_open in `" + block.title + "` assigns");
      }
      return v;
    }

    /** O_RDWR or O_RDONLY (loop-util asserts one of them). */
    int accMode(int i) throws ScenarioException {
      int f = flags(i, Family.OPEN);
      if (f != kernsim.fs.file.Uapi.O_RDWR && f != kernsim.fs.file.Uapi.O_RDONLY) {
        throw expected(arg(i), "O_RDWR or O_RDONLY", param(i));
      }
      return f;
    }

    /** O_RDWR, O_RDONLY, or -1 (loop_device_make_by_path_at: writable if it can, else read-only). */
    int accModeOrAny(int i) throws ScenarioException {
      if (arg(i) instanceof Arg.Int n && n.value() == -1) {
        return -1;
      }
      int f = flags(i, Family.OPEN);
      if (f != kernsim.fs.file.Uapi.O_RDWR && f != kernsim.fs.file.Uapi.O_RDONLY) {
        throw expected(arg(i), "O_RDWR, O_RDONLY or -1", param(i));
      }
      return f;
    }

    /** The name AT_FDCWD: the model has no openat, so a directory fd is no choice. */
    void atFdcwd(int i) throws ScenarioException {
      if (!(arg(i) instanceof Arg.Name n && n.name().equals("AT_FDCWD"))) {
        throw expected(arg(i), "AT_FDCWD (the model has no openat)", param(i));
      }
    }

    /** LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB allowed. */
    int lockOp(int i) throws ScenarioException {
      int f = flags(i, Family.FLOCK);
      int base = f & ~kernsim.fs.file.Uapi.LOCK_NB;
      boolean ok = base == kernsim.fs.file.Uapi.LOCK_SH || base == kernsim.fs.file.Uapi.LOCK_EX
          || base == kernsim.fs.file.Uapi.LOCK_UN;
      if (!ok) {
        throw expected(arg(i), "LOCK_SH, LOCK_EX or LOCK_UN", param(i));
      }
      return f;
    }

    /** 0 or 1. */
    boolean bool(int i) throws ScenarioException {
      if (arg(i) instanceof Arg.Int n && (n.value() == 0 || n.value() == 1)) {
        return n.value() == 1;
      }
      throw expected(arg(i), "0 or 1", param(i));
    }

    String strOrNull(int i) throws ScenarioException {
      return arg(i) instanceof Arg.Null ? null : str(i);
    }

    String fd(int i) throws ScenarioException {
      return fd(arg(i), param(i));
    }

    String fd(Arg a, String param) throws ScenarioException {
      if (a instanceof Arg.Name n) {
        if (block.vars.contains(n.name())
            || block.anyVariable && Constants.get(n.name()) == null && !n.name().equals("NULL")) {
          return n.name();
        }
        if (Constants.get(n.name()) != null || n.name().equals("NULL")) {
          throw src().error(n.at(), "expected an fd variable for " + param + ", found constant `" + n.name() + "`");
        }
        throw src().error(n.at(), "undefined variable `" + n.name() + "`: assign it earlier in `" + block.title
            + "` (e.g. `" + n.name() + " = open(...)`)");
      }
      throw expected(a, "an fd variable", param);
    }

    long offset(int i) throws ScenarioException {
      if (arg(i) instanceof Arg.Int n) {
        return n.value();
      }
      throw expected(arg(i), "a number", param(i));
    }

    int count(int i) throws ScenarioException {
      return count(arg(i), param(i));
    }

    private int count(Arg a, String param) throws ScenarioException {
      if (a instanceof Arg.Int n && n.value() >= 0 && n.value() <= Integer.MAX_VALUE) {
        return (int) n.value();
      }
      throw expected(a, "a count (a number from 0 to 2G-1)", param);
    }

    int integer(int i) throws ScenarioException {
      return integer(arg(i), param(i));
    }

    private int integer(Arg a, String param) throws ScenarioException {
      if (a instanceof Arg.Int n && n.value() >= Integer.MIN_VALUE && n.value() <= Integer.MAX_VALUE) {
        return (int) n.value();
      }
      throw expected(a, "a 32-bit number", param);
    }

    Long ptr(int i) throws ScenarioException {
      Arg a = arg(i);
      if (a instanceof Arg.Null) {
        return null;
      }
      if (a instanceof Arg.Ptr p) {
        return p.value();
      }
      throw expected(a, "NULL or &OFFSET", param(i));
    }

    int[] counts(int i) throws ScenarioException {
      if (!(arg(i) instanceof Arg.Array arr)) {
        throw expected(arg(i), "an array of counts (e.g. [4, 8])", param(i));
      }
      int[] out = new int[arr.items().size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = count(arr.items().get(k), param(i));
      }
      return out;
    }

    String[] strs(int i) throws ScenarioException {
      if (!(arg(i) instanceof Arg.Array arr)) {
        throw expected(arg(i), "an array of strings (e.g. [\"ab\", \"c\"])", param(i));
      }
      String[] out = new String[arr.items().size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = str(arr.items().get(k), param(i));
      }
      return out;
    }

    /** pipe2's {@code [rfd, wfd]}: two new variables, set when the call returns. */
    String[] newVars(int i) throws ScenarioException {
      if (!(arg(i) instanceof Arg.Array arr) || arr.items().size() != 2) {
        throw expected(arg(i), "two variable names for the read and write ends (e.g. [rfd, wfd])", param(i));
      }
      String[] out = new String[2];
      for (int k = 0; k < 2; k++) {
        Arg item = arr.items().get(k);
        if (!(item instanceof Arg.Name n)) {
          throw expected(item, "a variable name", param(i));
        }
        checkVariableName(n.tok(), block);
        out[k] = n.name();
      }
      if (out[0].equals(out[1])) {
        throw src().error(arr.items().get(1).at(), "expected two different variable names for " + param(i)
            + ", found `" + out[1] + "` twice");
      }
      defines.addAll(List.of(out));
      return out;
    }

    int flags(int i, Family... families) throws ScenarioException {
      return flags(arg(i), param(i), EnumSet.copyOf(Arrays.asList(families)));
    }

    private int flags(Arg a, String param, Set<Family> families) throws ScenarioException {
      Family main = families.iterator().next();
      List<Token> terms;
      if (a instanceof Arg.Flags f) {
        terms = f.terms();
      } else if (a instanceof Arg.Name || a instanceof Arg.Int) {
        terms = List.of(a.at());
      } else {
        throw expected(a, main.what + " (" + main.pattern + " joined by |, or a number)", param);
      }
      long v = 0;
      for (Token t : terms) {
        if (t.kind() == Lexer.Kind.INT) {
          if (t.longValue() < Integer.MIN_VALUE || t.longValue() > 0xFFFF_FFFFL) {
            throw src().error(t, "expected " + main.what + " (a 32-bit value) for " + param + ", found " + t.shown());
          }
          v |= t.longValue() & 0xFFFF_FFFFL;
        } else {
          Constants.Const c = Constants.get(t.text());
          if (c == null || !families.contains(c.family())) {
            throw unknownConstant(t, main, families);
          }
          v |= c.value();
        }
      }
      return (int) v;
    }

    ScenarioException unknownConstant(Token t, Family main, Set<Family> families) {
      List<String> valid = new ArrayList<>();
      for (Family f : families) {
        valid.addAll(Constants.names(f));
      }
      Constants.Const other = Constants.get(t.text());
      String what = main.what;
      if (other != null) {
        return src().error(t, "expected " + what + ", found `" + t.text() + "`, which is " + other.family().member
            + " (valid here: " + String.join(", ", valid) + ")");
      }
      if (block.vars.contains(t.text())) {
        return src().error(t, "expected " + what + ", found variable `" + t.text() + "` (valid here: "
            + String.join(", ", valid) + ")");
      }
      String hint = Constants.didYouMean(t.text(), valid);
      return src().error(t, "unknown " + (main == Family.IOCTL ? "ioctl command" : "constant") + " `" + t.text() + "`"
          + (hint != null ? "; did you mean " + hint + "?" : "; expected " + what + ": " + String.join(", ", valid)));
    }

    // ==== ioctl structs ====

    /** The fields of a struct argument by name ({@code lo_} prefixes accepted), checked against {@code known}. */
    private Map<String, Arg> fields(int i, String struct, List<String> known) throws ScenarioException {
      if (!(arg(i) instanceof Arg.Struct s)) {
        throw expected(arg(i), "a " + struct + " (e.g. {" + String.join(": …, ", known) + ": …})", "ioctl's arg");
      }
      Map<String, Arg> out = new LinkedHashMap<>();
      for (Arg.Field f : s.fields()) {
        String n = f.name().text().startsWith("lo_") ? f.name().text().substring(3) : f.name().text();
        if (!known.contains(n)) {
          throw src().error(f.name(), "unknown field `" + f.name().text() + "` of " + struct + "; expected one of: "
              + String.join(", ", known));
        }
        if (out.put(n, f.value()) != null) {
          throw src().error(f.name(), "field `" + n + "` given twice");
        }
      }
      return out;
    }

    private int loFlags(Map<String, Arg> f) throws ScenarioException {
      Arg a = f.get("flags");
      return a == null ? 0 : flags(a, "the flags field", EnumSet.of(Family.LO_FLAGS));
    }

    private String name(Map<String, Arg> f, String key) throws ScenarioException {
      Arg a = f.get(key);
      return a == null ? "" : str(a, "the " + key + " field");
    }

    /** A number field of an ioctl struct (0 when absent). */
    private long number(Map<String, Arg> f, String key) throws ScenarioException {
      Arg a = f.get(key);
      if (a == null) {
        return 0;
      }
      if (a instanceof Arg.Int n) {
        return n.value();
      }
      throw expected(a, "a number", "the " + key + " field");
    }

    LoopAbi.LoopInfo loopInfo(int i) throws ScenarioException {
      Map<String, Arg> f = fields(i, "loop_info", List.of("flags", "name", "offset", "encrypt_type"));
      return new LoopAbi.LoopInfo(0, 0, 0, 0, (int) number(f, "offset"), (int) number(f, "encrypt_type"), loFlags(f),
          LoopAbi.name(name(f, "name")));
    }

    private static final List<String> INFO64 = List.of("flags", "file_name", "offset", "sizelimit", "encrypt_type");

    private LoopAbi.LoopInfo64 info64(Map<String, Arg> f) throws ScenarioException {
      return new LoopAbi.LoopInfo64(0, 0, 0, number(f, "offset"), number(f, "sizelimit"), 0,
          (int) number(f, "encrypt_type"), loFlags(f), LoopAbi.name(name(f, "file_name")), null);
    }

    LoopAbi.LoopInfo64 loopInfo64(int i) throws ScenarioException {
      return info64(fields(i, "loop_info64", INFO64));
    }

    /** LOOP_CONFIGURE's loop_config: a backing fd variable alone, or a struct with {@code fd} and more. */
    Stmt configure(String fd, int i) throws ScenarioException {
      if (arg(i) instanceof Arg.Name) {
        return Syscalls.ioctlConfigure(fd, fd(arg(i), "LOOP_CONFIGURE's fd"), 0, LoopAbi.LoopInfo64.of("", 0));
      }
      List<String> known = new ArrayList<>(List.of("fd", "block_size"));
      known.addAll(INFO64);
      Map<String, Arg> f = fields(i, "loop_config", known);
      Arg backing = f.get("fd");
      if (backing == null) {
        throw src().error(arg(i).at(), "expected a field `fd: VARIABLE` in LOOP_CONFIGURE's loop_config, found "
            + arg(i).shown());
      }
      String backingFd = fd(backing, "the fd field");
      Arg bs = f.get("block_size");
      int blockSize = bs == null ? 0 : count(bs, "the block_size field");
      return Syscalls.ioctlConfigure(fd, backingFd, blockSize, info64(f));
    }
  }
}
