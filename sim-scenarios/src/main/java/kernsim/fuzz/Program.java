package kernsim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A generated program: the template's world (header and setup lines) and one list of typed calls per
 * hart. It renders to a scenario file ({@link #render}) that {@code Scenarios.parse} reads back; the
 * campaign runs that text, so what is saved is exactly what ran.
 *
 * @param header the scenario's header lines after {@code scenario NAME} ({@code loops 2}, {@code fix …})
 * @param setup the setup block's lines ({@code image /img 16K})
 * @param harts each hart's calls, hart i named {@code hart-(i+1)}
 * @param nextVar the next variable number (variables are unique in a program, so a moved call keeps its name)
 */
public record Program(List<String> header, List<String> setup, List<List<Call>> harts, int nextVar) {
  public Program {
    header = List.copyOf(header);
    setup = List.copyOf(setup);
    harts = harts.stream().map(List::copyOf).toList();
  }

  /** A variable a call defines, with the kind of resource it will hold. */
  public record Def(String var, Kind kind) {}

  /**
   * One argument: literal text, or a variable's use ({@code var} of {@code kind}) written where the text
   * has {@code $} ({@code "$"} alone, or inside a struct: {@code "{fd: $, flags: LO_FLAGS_READ_ONLY}"}).
   */
  public record Arg(String text, String var, Kind kind) {
    public static Arg lit(String text) {
      return new Arg(text, null, null);
    }

    public static Arg use(String var, Kind kind) {
      return new Arg("$", var, kind);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isUse() {
      return var != null;
    }

    public String render() {
      return var == null ? text : text.replace("$", var);
    }

    public Arg withVar(String v) {
      return new Arg(text, v, kind);
    }
  }

  /**
   * A call: {@code defs} are the variables it sets ({@code ld = open(…)}; pipe2's two ends), {@code name}
   * the call table's name, {@code args} its arguments (pipe2's are the flags alone).
   */
  public record Call(List<Def> defs, String name, List<Arg> args) {
    public Call {
      defs = List.copyOf(defs);
      args = List.copyOf(args);
      Objects.requireNonNull(name, "name");
    }

    public String render() {
      String as = args.stream().map(Arg::render).collect(Collectors.joining(", "));
      if (name.equals("pipe2")) {
        return "pipe2([" + defs.get(0).var() + ", " + defs.get(1).var() + "], " + as + ")";
      }
      return (defs.isEmpty() ? "" : defs.get(0).var() + " = ") + name + "(" + as + ")";
    }

    public Call withArgs(List<Arg> a) {
      return new Call(defs, name, a);
    }
  }

  /** The number of calls over all harts. */
  public int calls() {
    return harts.stream().mapToInt(List::size).sum();
  }

  /** The scenario file for this program, named {@code name}. */
  public String render(String name, List<String> comment) {
    StringBuilder sb = new StringBuilder();
    for (String c : comment) {
      sb.append(c.isEmpty() ? "#" : "# " + c).append('\n');
    }
    sb.append("scenario ").append(name).append('\n');
    for (String h : header) {
      sb.append(h).append('\n');
    }
    if (!setup.isEmpty()) {
      sb.append("\nsetup:\n");
      for (String s : setup) {
        sb.append("  ").append(s).append('\n');
      }
    }
    for (int i = 0; i < harts.size(); i++) {
      sb.append("\nhart ").append(i + 1).append(":\n");
      for (Call c : harts.get(i)) {
        sb.append("  ").append(c.render()).append('\n');
      }
    }
    return sb.toString();
  }

  /** A copy with other harts. */
  public Program withHarts(List<List<Call>> h, int next) {
    return new Program(header, setup, h, next);
  }

  /** Deep-mutable copy of the harts, for the mutator. */
  public List<List<Call>> hartsCopy() {
    List<List<Call>> out = new ArrayList<>();
    for (List<Call> h : harts) {
      out.add(new ArrayList<>(h));
    }
    return out;
  }
}
