package kernsim.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fuzz.Program.Arg;
import kernsim.fuzz.Program.Call;
import kernsim.fuzz.Program.Def;

/**
 * Draws programs from a {@link Template} and a {@link SplittableRandom}: per hart a sequence of the
 * template's calls, each taking typed resources. A call that needs an fd of some {@link Kind} uses one
 * the hart already holds or first opens one (so a hart opens before it uses); with the template's
 * {@code invalid} percentage it takes an fd of another kind, or a malformed argument, since errno paths
 * race too. The generator knows the call table's argument types, never a scenario of the catalog.
 */
public final class Generator {
  /** The calls the generator draws (each a name of the scenario language's call table). */
  public static final List<String> CALLS = List.of("open", "close", "write", "pwrite64", "read", "pread64", "fsync",
      "ftruncate", "fstat", "dup", "flock", "mount", "umount2", "ioctl", "pipe2", "memfd_create",
      "loop_device_make", "loop_device_write", "loop_device_free", "monogon_create", "monogon_write",
      "monogon_remove");

  /** The ioctl commands it knows: the loop driver's table, then loop-control's. */
  public static final List<String> IOCTLS;

  static {
    List<String> all = new ArrayList<>();
    for (LoopIoctl c : LoopIoctl.values()) {
      all.add(c.name());
    }
    all.addAll(List.of("LOOP_CTL_GET_FREE", "LOOP_CTL_ADD", "LOOP_CTL_REMOVE"));
    IOCTLS = List.copyOf(all);
  }

  private static final List<Kind> IO_KINDS = List.of(Kind.LOOP, Kind.FILE, Kind.EXT4_FILE, Kind.MEMFD, Kind.PIPE_W,
      Kind.PIPE_R);
  private static final List<String> DATA = List.of("x", "data", "some bytes to write", "0123456789abcdef");

  private final Template t;
  private final SplittableRandom rnd;

  public Generator(Template t, SplittableRandom rnd) {
    this.t = t;
    this.rnd = rnd;
  }

  /** What a hart holds while its program is drawn: the calls so far, the variables they set. */
  final class Hart {
    final List<Call> calls = new ArrayList<>();
    final Map<String, Kind> vars = new LinkedHashMap<>();

    void add(Call c) {
      calls.add(c);
      for (Def d : c.defs()) {
        vars.put(d.var(), d.kind());
      }
    }

    List<String> of(Kind k) {
      return vars.entrySet().stream().filter(e -> e.getValue() == k).map(Map.Entry::getKey).toList();
    }
  }

  private int next;

  /** A new program: {@link Template#harts()} harts of {@code minLength..maxLength} drawn calls each. */
  public Program program() {
    next = 1;
    List<List<Call>> harts = new ArrayList<>();
    for (int h = 0; h < t.harts(); h++) {
      Hart hart = new Hart();
      int n = t.minLength() + rnd.nextInt(t.maxLength() - t.minLength() + 1);
      for (int i = 0; i < n; i++) {
        draw(hart);
      }
      harts.add(hart.calls);
    }
    return new Program(t.header(), t.setup(), harts, next);
  }

  /** Continues numbering variables after {@code p}'s, for calls drawn into it. */
  public Generator after(Program p) {
    next = p.nextVar();
    return this;
  }

  /** The next variable number, once calls were drawn. */
  public int nextVar() {
    return next;
  }

  /** Appends one drawn call (and any opens it needs first) to {@code hart}. */
  public void draw(Hart hart) {
    String name = t.calls().get(rnd.nextInt(t.calls().size()));
    hart.add(call(name, hart));
  }

  /** A hart holding the variables {@code calls} set: for drawing calls in the middle of a program. */
  public Hart hartAfter(List<Call> calls) {
    Hart h = new Hart();
    for (Call c : calls) {
      for (Def d : c.defs()) {
        h.vars.put(d.var(), d.kind());
      }
    }
    return h;
  }

  /** One call named {@code name}; opens it needs go to {@code hart} first. */
  public Call call(String name, Hart hart) {
    return switch (name) {
      case "open" -> open(pick(List.of(Kind.LOOP, Kind.LOOP, Kind.CTL, Kind.FILE, Kind.EXT4_FILE)));
      case "close" -> new Call(List.of(), "close", List.of(anyFd(hart)));
      case "write" -> new Call(List.of(), "write", List.of(io(hart), Arg.lit(data())));
      case "pwrite64" -> new Call(List.of(), "pwrite64", List.of(io(hart), Arg.lit(data()), Arg.lit(offset())));
      case "read" -> new Call(List.of(), "read", List.of(io(hart), Arg.lit(pick(List.of("16", "512", "0")))));
      case "pread64" -> new Call(List.of(), "pread64", List.of(io(hart), Arg.lit("16"), Arg.lit(offset())));
      case "fsync" -> new Call(List.of(), "fsync", List.of(io(hart)));
      case "ftruncate" -> new Call(List.of(), "ftruncate", List.of(io(hart), Arg.lit(pick(List.of("0", "4096",
          "16384")))));
      case "fstat" -> new Call(List.of(), "fstat", List.of(anyFd(hart)));
      case "dup" -> {
        Arg fd = anyFd(hart);
        yield new Call(List.of(def(fd.kind())), "dup", List.of(fd));
      }
      case "flock" -> new Call(List.of(), "flock", List.of(anyFd(hart),
          Arg.lit(pick(List.of("LOCK_EX", "LOCK_SH", "LOCK_UN", "LOCK_EX|LOCK_NB")))));
      case "mount" -> {
        List<String> m = mountPoint();
        yield new Call(List.of(), "mount", List.of(Arg.lit(q(m.get(0))), Arg.lit(q(m.get(1))), Arg.lit(q(m.get(2))),
            Arg.lit(pick(List.of("0", "0", "MS_RDONLY")))));
      }
      case "umount2" -> new Call(List.of(), "umount2", List.of(Arg.lit(q(mountPoint().get(1))), Arg.lit("0")));
      case "ioctl" -> ioctl(hart);
      case "pipe2" -> opener(Kind.PIPE_R, hart);
      case "memfd_create" -> opener(Kind.MEMFD, hart);
      case "loop_device_make" -> opener(Kind.SD, hart);
      case "loop_device_write" -> new Call(List.of(), "loop_device_write", List.of(use(Kind.SD, hart),
          Arg.lit(offset()), Arg.lit(data())));
      case "loop_device_free" -> new Call(List.of(), "loop_device_free", List.of(use(Kind.SD, hart)));
      case "monogon_create" -> opener(Kind.MONO, hart);
      case "monogon_write" -> new Call(List.of(), "monogon_write", List.of(use(Kind.MONO, hart), Arg.lit(offset()),
          Arg.lit(data())));
      case "monogon_remove" -> new Call(List.of(), "monogon_remove", List.of(use(Kind.MONO, hart)));
      default -> throw new IllegalArgumentException("the generator does not draw `" + name + "`");
    };
  }

  private Call ioctl(Hart hart) {
    String cmd = t.ioctls().get(rnd.nextInt(t.ioctls().size()));
    boolean ctl = cmd.startsWith("LOOP_CTL_");
    Arg fd = use(ctl ? Kind.CTL : Kind.LOOP, hart);
    List<Arg> args = new ArrayList<>(List.of(fd, Arg.lit(cmd)));
    if (ctl) {
      if (!cmd.equals("LOOP_CTL_GET_FREE")) {
        args.add(Arg.lit(invalid() ? pick(List.of("99", "-1")) : Integer.toString(rnd.nextInt(t.loops() + 1))));
      }
      return new Call(List.of(), "ioctl", args);
    }
    LoopIoctl c = LoopIoctl.valueOf(cmd);
    switch (c) {
      case LOOP_SET_FD, LOOP_CHANGE_FD -> args.add(use(Kind.FILE, hart));
      case LOOP_CONFIGURE -> {
        Arg file = use(Kind.FILE, hart);
        args.add(rnd.nextBoolean() ? file : new Arg("{fd: $, flags: " + loFlags() + (rnd.nextInt(4) == 0
            ? ", block_size: " + (invalid() ? "3" : "4096") : "") + "}", file.var(), file.kind()));
      }
      case BLKROSET, LOOP_SET_DIRECT_IO -> args.add(Arg.lit(invalid() ? "2" : pick(List.of("0", "1"))));
      case BLKRASET -> args.add(Arg.lit(pick(List.of("0", "256"))));
      case LOOP_SET_BLOCK_SIZE -> args.add(Arg.lit(invalid() ? pick(List.of("3", "65536")) : pick(List.of("512",
          "4096"))));
      case LOOP_SET_STATUS -> args.add(Arg.lit("{flags: " + loFlags() + ", name: \"n\"}"));
      case LOOP_SET_STATUS64 -> args.add(Arg.lit("{flags: " + loFlags() + ", file_name: \"n\"}"));
      default -> {
        // the command takes no argument
      }
    }
    return new Call(List.of(), "ioctl", args);
  }

  private String loFlags() {
    return pick(List.of("0", "LO_FLAGS_READ_ONLY", "LO_FLAGS_AUTOCLEAR", "LO_FLAGS_READ_ONLY|LO_FLAGS_AUTOCLEAR"));
  }

  /** An open of a resource of {@code kind} (for the fd kinds {@code open} makes). */
  private Call open(Kind kind) {
    String path;
    String flags;
    switch (kind) {
      case LOOP -> {
        path = "/dev/loop" + rnd.nextInt(t.loops());
        flags = pick(List.of("O_RDWR", "O_RDWR", "O_RDONLY", "O_RDWR|O_EXCL"));
      }
      case CTL -> {
        path = "/dev/loop-control";
        flags = "O_RDWR";
      }
      case FILE -> {
        path = t.files().isEmpty() ? "/img" : pick(t.files());
        flags = pick(List.of("O_RDWR", "O_RDWR", "O_RDONLY"));
      }
      case EXT4_FILE -> {
        path = mountPoint().get(1) + "/" + pick(t.names());
        flags = pick(List.of("O_RDWR|O_CREAT", "O_RDWR|O_CREAT", "O_RDONLY"));
      }
      default -> throw new IllegalArgumentException("open does not make a " + kind);
    }
    if (invalid()) {
      path = "/nonexistent";
    }
    return new Call(List.of(def(kind)), "open", List.of(Arg.lit(q(path)), Arg.lit(flags)));
  }

  /** A call that makes a resource of {@code kind}; the resources it takes come first in {@code hart}. */
  Call opener(Kind kind, Hart hart) {
    return switch (kind) {
      case LOOP, CTL, FILE, EXT4_FILE -> open(kind);
      case PIPE_R, PIPE_W -> {
        String n = Integer.toString(next++);
        yield new Call(List.of(new Def("pr" + n, Kind.PIPE_R), new Def("pw" + n, Kind.PIPE_W)), "pipe2",
            List.of(Arg.lit("0")));
      }
      case MEMFD -> new Call(List.of(def(Kind.MEMFD)), "memfd_create", List.of(Arg.lit("\"m\""), Arg.lit("0")));
      case SD -> {
        Arg file = use(Kind.FILE, hart);
        yield new Call(List.of(def(Kind.SD)), "loop_device_make", List.of(file,
            Arg.lit(pick(List.of("O_RDWR", "O_RDWR", "O_RDONLY"))), Arg.lit(pick(List.of("LOCK_EX", "LOCK_SH")))));
      }
      case MONO -> new Call(List.of(def(Kind.MONO)), "monogon_create", List.of(use(Kind.FILE, hart),
          Arg.lit(pick(List.of("4096", "512")))));
    };
  }

  /** A variable of {@code kind} the hart holds (drawing its opener first if it holds none). */
  Arg use(Kind kind, Hart hart) {
    if (kind.isFd() && invalid()) {
      List<String> others = hart.vars.entrySet().stream().filter(e -> e.getValue() != kind && e.getValue().isFd())
          .map(Map.Entry::getKey).toList();
      if (!others.isEmpty()) {
        String v = pick(others);
        return Arg.use(v, hart.vars.get(v));
      }
    }
    List<String> have = hart.of(kind);
    if (!have.isEmpty() && rnd.nextInt(4) != 0) {
      return Arg.use(pick(have), kind);
    }
    Call open = opener(kind, hart);
    hart.add(open);
    Def d = open.defs().stream().filter(x -> x.kind() == kind).findFirst().orElseThrow();
    return Arg.use(d.var(), kind);
  }

  private Arg io(Hart hart) {
    List<String> held = hart.vars.entrySet().stream().filter(e -> IO_KINDS.contains(e.getValue()))
        .map(Map.Entry::getKey).toList();
    if (!held.isEmpty() && rnd.nextInt(3) != 0) {
      String v = pick(held);
      return Arg.use(v, hart.vars.get(v));
    }
    return use(pick(List.of(Kind.LOOP, Kind.LOOP, Kind.FILE, Kind.EXT4_FILE, Kind.EXT4_FILE, Kind.MEMFD,
        Kind.PIPE_W)), hart);
  }

  private Arg anyFd(Hart hart) {
    List<String> held = hart.vars.entrySet().stream().filter(e -> e.getValue().isFd()).map(Map.Entry::getKey)
        .toList();
    if (!held.isEmpty()) {
      String v = pick(held);
      return Arg.use(v, hart.vars.get(v));
    }
    return use(pick(List.of(Kind.LOOP, Kind.FILE, Kind.EXT4_FILE)), hart);
  }

  private List<String> mountPoint() {
    return t.mounts().isEmpty() ? List.of("/dev/loop0", "/mnt", "ext4") : pick(t.mounts());
  }

  private Def def(Kind k) {
    return new Def(k.prefix + next++, k);
  }

  private boolean invalid() {
    return rnd.nextInt(100) < t.invalidPercent();
  }

  private String data() {
    return q(pick(DATA));
  }

  private String offset() {
    return pick(List.of("0", "0", "512", "1024", "4096"));
  }

  <T> T pick(List<T> xs) {
    return xs.get(rnd.nextInt(xs.size()));
  }

  static String q(String s) {
    return "\"" + s + "\"";
  }

  /**
   * The program with every use of a variable its hart does not set before it given one: a variable of
   * the same kind the hart holds, else a fresh opener inserted before the call. Mutations call it, so a
   * moved or inserted call still opens before it uses.
   */
  public Program repair(Program p) {
    next = p.nextVar();
    List<List<Call>> harts = new ArrayList<>();
    for (List<Call> calls : p.harts()) {
      Hart hart = new Hart();
      for (Call c : calls) {
        List<Arg> args = new ArrayList<>();
        for (Arg a : c.args()) {
          if (a.isUse() && !hart.vars.containsKey(a.var())) {
            List<String> have = hart.of(a.kind());
            if (!have.isEmpty()) {
              args.add(a.withVar(pick(have)));
            } else {
              Call open = opener(a.kind(), hart);
              hart.add(open);
              Def d = open.defs().stream().filter(x -> x.kind() == a.kind()).findFirst().orElseThrow();
              args.add(a.withVar(d.var()));
            }
          } else {
            args.add(a);
          }
        }
        hart.add(c.withArgs(args));
      }
      harts.add(hart.calls);
    }
    return p.withHarts(harts, next);
  }
}
