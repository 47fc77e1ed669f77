package kernsim.conform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kernsim.actors.ExploreOptions;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Calls;
import kernsim.cpu.Kernel;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.LibraryCall;
import kernsim.cpu.call.Syscall;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.loop.LoopAbi;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioWorld;

/**
 * {@code kernsim conform}'s comparison: a scenario's calls run one after another on the machine's real
 * loop driver (in a {@link RealSandbox}) and in the linux profile (its harts {@linkplain
 * Kernel.Spec#oneAfterAnother() one after another}), one {@link Row} per call.
 *
 * <p>Order: the setup block's leading setup commands first (on the real kernel as the syscalls they
 * stand for; the model boots into their state), then the rest of the setup block, then each hart's
 * program whole, in the order the file lists the harts. Two openers that must interleave are written as
 * two fds of one hart: the kernel counts opens, not processes.
 *
 * <p>Results are compared as {@linkplain #show(SysResult) text}: a value, the data a call wrote back
 * (bytes read, a getter's integer, a {@code loop_info64} without the host's device and inode numbers),
 * or an errno's name. A LOOP_CTL_GET_FREE whose real answer is a device the sandbox does not own
 * ({@link RealResult.Foreign}) matches any success of the model's.
 */
public final class Conform {
  private Conform() {}

  /** The profile conform compares with. */
  public static final String PROFILE = "linux";

  /** One call: which hart, its index in the hart's program, its text, the two results, and whether they agree. */
  public record Row(String hart, int index, String call, String real, String model) {
    /** Whether the two agree (a row with no model result, as recorded, does not). */
    public boolean matches() {
      if (model == null) {
        return false;
      }
      return Conform.matches(real, model);
    }
  }

  /** Whether a real result (as shown) and a model result (as shown) agree. */
  public static boolean matches(String real, String model) {
    if (real.equals(model)) {
      return true;
    }
    return real.equals(FOREIGN) && !model.startsWith("E") && !model.startsWith("(");
  }

  static final String FOREIGN = "foreign";

  /** A scenario conform cannot compare (a library call, the prober): the reason, for a clear message. */
  public static Optional<String> unsupported(Scenario s) {
    if (!s.processes().isEmpty()) {
      return Optional.of("conform runs each hart as a real process of its own: its `process` blocks' threads would"
          + " not share their fd tables");
    }
    if (s.prober()) {
      return Optional.of("conform runs without the prober (`prober on`): its probes race with the calls");
    }
    for (List<Stmt> prog : allPrograms(s)) {
      for (Stmt st : prog) {
        if (st.call() instanceof LibraryCall l) {
          return Optional.of("conform runs syscalls only, not library calls such as " + l.name());
        }
      }
    }
    return Optional.empty();
  }

  private static List<List<Stmt>> allPrograms(Scenario s) {
    List<List<Stmt>> all = new ArrayList<>();
    all.add(s.setupCalls());
    all.add(s.setup());
    all.addAll(s.harts());
    return all;
  }

  /** The harts in the order conform runs them, each with its program: {@code setup} first when it has statements. */
  static List<Map.Entry<String, List<Stmt>>> programs(Scenario s) {
    List<Map.Entry<String, List<Stmt>>> out = new ArrayList<>();
    if (!s.setup().isEmpty()) {
      out.add(Map.entry("setup", s.setup()));
    }
    for (int i = 0; i < s.harts().size(); i++) {
      out.add(Map.entry(s.hartNames().get(i), s.harts().get(i)));
    }
    return out;
  }

  /** The real kernel's results, one per call in {@link #programs} order (hart, index, text, result). */
  public static List<Row> real(Scenario s) {
    try (RealSandbox sb = RealSandbox.open(s.loops())) {
      return real(s, sb);
    }
  }

  /** {@link #real(Scenario)} in a sandbox of the caller's (opened with the scenario's loops; the caller closes it). */
  public static List<Row> real(Scenario s, RealSandbox sb) {
    List<Row> rows = new ArrayList<>();
    {
      RealProcess boot = sb.process("boot");
      Map<String, Integer> bootVars = new HashMap<>();
      for (Stmt st : s.setupCalls()) {
        RealResult r = run(sb, boot, bootVars, st);
        if (!r.isOk()) {
          throw new SetupFailed("setup command `" + st.text() + "` failed on the real kernel: " + show(r));
        }
      }
      for (Map.Entry<String, List<Stmt>> e : programs(s)) {
        RealProcess p = sb.process(e.getKey());
        Map<String, Integer> vars = new HashMap<>();
        List<Stmt> prog = e.getValue();
        for (int i = 0; i < prog.size(); i++) {
          Stmt st = prog.get(i);
          rows.add(new Row(e.getKey(), i, st.text(), show(run(sb, p, vars, st)), null));
        }
      }
    }
    return rows;
  }

  /** A setup command the real kernel would not run: the scenario cannot be compared. */
  public static final class SetupFailed extends RuntimeException {
    SetupFailed(String message) {
      super(message);
    }
  }

  private static RealResult run(RealSandbox sb, RealProcess p, Map<String, Integer> vars, Stmt st) {
    Syscall call = ((Syscall) st.call()).resolve(v -> vars.getOrDefault(v, -1));
    RealResult r = call.accept(new RealCalls(sb, p));
    if (st.assign() != null) {
      vars.put(st.assign(), r instanceof RealResult.Ok ok ? (int) ok.value() : -1);
    }
    return r;
  }

  /** The linux profile's results, one per call in {@link #programs} order, shown as {@link #show(SysResult)}. */
  public static List<String> model(Scenario s) {
    Semantics sem = Semantics.of(PROFILE, s.fixes());
    Kernel.Spec spec = s.kernelSpec(sem).oneAfterAnother();
    Map<String, Map<Integer, String>> got = new HashMap<>();
    Monitor collect = new Monitor() {
      @Override
      public String name() {
        return "conform";
      }

      @Override
      public void onObservation(Object o, Verdict verdict) {
        if (o instanceof Calls.Returned r) {
          got.computeIfAbsent(r.hart(), k -> new HashMap<>()).put(r.index(), showModel(r.result()));
        }
      }
    };
    WorldSpec world = WorldSpec.of(s.name() + "/conform", ScenarioWorld.MODEL_VERSION, s.text(),
        w -> Kernel.create(w, spec), w -> List.of(collect));
    RunResult r;
    try (Simulator sim = Simulator.create()) {
      r = sim.explore(world, ExploreOptions.random(0, 1).withRun(RunOptions.DEFAULT)).last();
    }
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<Stmt>> e : programs(s)) {
      Map<Integer, String> h = got.getOrDefault("world/" + e.getKey(), Map.of());
      for (int i = 0; i < e.getValue().size(); i++) {
        out.add(h.getOrDefault(i, r.failed() ? "(model failed: " + r.failure().map(Object::toString).orElse("?")
            + ")" : "(not returned)"));
      }
    }
    return out;
  }

  /** Both sides, row by row. */
  public static List<Row> compare(Scenario s) {
    List<Row> real = real(s);
    List<String> model = model(s);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < real.size(); i++) {
      Row r = real.get(i);
      rows.add(new Row(r.hart(), r.index(), r.call(), r.real(), model.get(i)));
    }
    return rows;
  }

  // ==== results as text ====

  /** A real result as conform shows and records it. */
  public static String show(RealResult r) {
    if (r instanceof RealResult.Ok ok) {
      return showOk(ok.value(), ok.data());
    }
    if (r instanceof RealResult.Err e) {
      return e.name();
    }
    if (r instanceof RealResult.Foreign) {
      return FOREIGN;
    }
    return r.toString();
  }

  /** A model result as conform shows it. */
  public static String show(SysResult r) {
    if (r instanceof SysResult.Ok ok) {
      return showOk(ok.value(), ok.data());
    }
    return r.errno().name();
  }

  static String showModel(Object result) {
    return result instanceof SysResult r ? show(r) : String.valueOf(result);
  }

  private static String showOk(long value, Object data) {
    if (data == null) {
      return Long.toString(value);
    }
    if (data instanceof byte[] b) {
      return value + " " + bytes(b);
    }
    if (data instanceof LoopAbi.LoopInfo64 i) {
      return value + " {number: " + i.number() + ", offset: " + i.offset() + ", sizelimit: " + i.sizeLimit()
          + ", encrypt_type: " + i.encryptType() + ", flags: " + i.flags() + ", file_name: "
          + quote(i.fileNameString()) + "}";
    }
    if (data instanceof LoopAbi.LoopInfo i) {
      return value + " {number: " + i.number() + ", offset: " + i.offset() + ", encrypt_type: " + i.encryptType()
          + ", flags: " + i.flags() + ", name: " + quote(i.nameString()) + "}";
    }
    if (data instanceof LoopAbi.HdGeometry g) {
      return value + " {heads: " + g.heads() + ", sectors: " + g.sectors() + ", cylinders: " + g.cylinders()
          + ", start: " + g.start() + "}";
    }
    return value + " " + data;
  }

  /** Bytes as a C string, trailing NULs counted rather than written: {@code "hello"+4091*\0}. */
  static String bytes(byte[] b) {
    int end = b.length;
    while (end > 0 && b[end - 1] == 0) {
      end--;
    }
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < end; i++) {
      int c = b[i] & 0xFF;
      if (c == '"' || c == '\\') {
        s.append('\\').append((char) c);
      } else if (c == '\n') {
        s.append("\\n");
      } else if (c >= 0x20 && c < 0x7F) {
        s.append((char) c);
      } else {
        s.append(String.format("\\x%02x", c));
      }
    }
    String out = "\"" + s + "\"";
    return end < b.length ? out + "+" + (b.length - end) + "*\\0" : out;
  }

  private static String quote(String s) {
    return bytes(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
