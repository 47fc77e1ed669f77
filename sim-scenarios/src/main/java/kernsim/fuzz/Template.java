package kernsim.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import kernsim.actors.StrategyKind;
import kernsim.experiment.StrategySpec;

/**
 * A generation template: the world a campaign's programs run in and what they may call. Written in the
 * scenario header language's style, one {@code key value…} line each ({@code #} starts a comment); see
 * docs/fuzz.md for every key. Every key has a default, so an empty template is the default world.
 *
 * @param name {@code template NAME}
 * @param harts harts per program
 * @param minLength fewest calls a hart's program is drawn with (before the opens the generator adds)
 * @param maxLength most calls drawn
 * @param loops {@code /dev/loopN} devices
 * @param profile the profile the programs run under
 * @param prober whether the udev-like prober runs
 * @param fixes fixes turned on
 * @param setup the setup block's lines
 * @param files tmpfs files a hart may open
 * @param mounts {@code DEVICE MOUNTPOINT FSTYPE} a mount may name
 * @param names file names a hart may create under a mount point
 * @param calls the calls (the call table's names) a program may make
 * @param ioctls the ioctl commands it may issue
 * @param schedules schedules explored per program
 * @param depth PCT's depth
 * @param strategies the strategies programs are explored with, in turn: any of {@link StrategyKind}'s
 *     exploration strategies with its parameters, as {@code kernsim experiment} plans name them
 *     ({@link StrategySpec}); {@code pct}'s depth is {@code depth} unless given
 * @param invalidPercent percent of calls drawn invalid: a wrong-kind fd, a malformed argument
 */
public record Template(String name, int harts, int minLength, int maxLength, int loops, String profile,
    boolean prober, List<String> fixes, List<String> setup, List<String> files, List<List<String>> mounts,
    List<String> names, List<String> calls, List<String> ioctls, int schedules, int depth,
    List<StrategySpec> strategies, int invalidPercent) {

  /** The built-in templates (resources {@code kernsim/fuzz/NAME.tmpl}). */
  public static final List<String> BUILT_IN = List.of("triad-area", "clients");

  /** The default template's name. */
  public static final String DEFAULT = "triad-area";

  /** A template file's mistake, with file:line:column. */
  public static final class TemplateException extends Exception {
    public TemplateException(String message) {
      super(message);
    }
  }

  /** A built-in template's name, or a template file. */
  public static Template resolve(String nameOrFile) throws TemplateException {
    if (BUILT_IN.contains(nameOrFile)) {
      String res = "/kernsim/fuzz/" + nameOrFile + ".tmpl";
      try (InputStream in = Template.class.getResourceAsStream(res)) {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), nameOrFile + ".tmpl");
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the built-in template " + res, e);
      }
    }
    Path p = Path.of(nameOrFile);
    if (!Files.isRegularFile(p)) {
      throw new TemplateException(nameOrFile + ": no such template file (built-in templates: "
          + String.join(", ", BUILT_IN) + ")");
    }
    try {
      return parse(Files.readString(p), nameOrFile);
    } catch (IOException e) {
      throw new TemplateException(nameOrFile + ": cannot read the file: " + e.getMessage());
    }
  }

  /** Reads a template's text; {@code file} names it in messages. */
  public static Template parse(String text, String file) throws TemplateException {
    String name = "default";
    int harts = 3;
    int minLength = 2;
    int maxLength = 6;
    int loops = 1;
    String profile = "starry";
    boolean prober = false;
    List<String> fixes = new ArrayList<>();
    List<String> setup = new ArrayList<>();
    List<String> files = new ArrayList<>();
    List<List<String>> mounts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> calls = new ArrayList<>();
    List<String> ioctls = new ArrayList<>();
    int schedules = 200;
    int depth = 3;
    List<String[]> strategyLines = new ArrayList<>(); // where, and the words after `strategies`
    int invalid = 10;
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String raw = lines[n];
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (line.isEmpty()) {
        continue;
      }
      int col = raw.indexOf(line.charAt(0)) + 1;
      String at = file + ":" + (n + 1) + ":" + col + ": error: ";
      String[] w = line.split("\\s+");
      List<String> rest = Arrays.asList(w).subList(1, w.length);
      switch (w[0]) {
        case "template" -> name = one(at, w);
        case "harts" -> harts = number(at, w, 1, 8);
        case "length" -> {
          if (w.length != 3) {
            throw new TemplateException(at + "expected `length MIN MAX`, found `" + line + "`");
          }
          minLength = number(at, new String[] {w[0], w[1]}, 1, 50);
          maxLength = number(at, new String[] {w[0], w[2]}, minLength, 50);
        }
        case "loops" -> loops = number(at, w, 1, 8);
        case "profile" -> profile = one(at, w);
        case "prober" -> prober = switch (one(at, w)) {
          case "on" -> true;
          case "off" -> false;
          default -> throw new TemplateException(at + "expected `prober on` or `prober off`, found `" + line + "`");
        };
        case "fix" -> fixes.addAll(nonEmpty(at, w, rest));
        case "setup" -> setup.add(String.join(" ", nonEmpty(at, w, rest)));
        case "file" -> files.addAll(nonEmpty(at, w, rest));
        case "mount" -> {
          if (w.length != 4) {
            throw new TemplateException(at + "expected `mount DEVICE MOUNTPOINT FSTYPE`, found `" + line + "`");
          }
          mounts.add(List.copyOf(rest));
        }
        case "names" -> names.addAll(nonEmpty(at, w, rest));
        case "calls" -> {
          for (String c : nonEmpty(at, w, rest)) {
            if (!Generator.CALLS.contains(c)) {
              throw new TemplateException(at + "unknown call `" + c + "` (the generator draws: "
                  + String.join(", ", Generator.CALLS) + ")");
            }
            calls.add(c);
          }
        }
        case "ioctls" -> {
          for (String c : nonEmpty(at, w, rest)) {
            if (!Generator.IOCTLS.contains(c)) {
              throw new TemplateException(at + "unknown ioctl command `" + c + "` (known: "
                  + String.join(", ", Generator.IOCTLS) + ")");
            }
            ioctls.add(c);
          }
        }
        case "schedules" -> schedules = number(at, w, 1, 1_000_000);
        case "depth" -> depth = number(at, w, 1, 20);
        case "strategies" -> {
          nonEmpty(at, w, rest);
          strategyLines.add(new String[] {at, String.join(" ", rest)});
        }
        case "invalid" -> invalid = number(at, w, 0, 100);
        default -> throw new TemplateException(at + "unknown key `" + w[0] + "` (expected one of: template, harts,"
            + " length, loops, profile, prober, fix, setup, file, mount, names, calls, ioctls, schedules, depth,"
            + " strategies, invalid)");
      }
    }
    if (calls.isEmpty()) {
      calls.addAll(Generator.CALLS);
    }
    if (ioctls.isEmpty()) {
      ioctls.addAll(Generator.IOCTLS);
    }
    if (files.isEmpty() && setup.isEmpty()) {
      setup.add("image /img 16K");
      files.add("/img");
    }
    if (names.isEmpty()) {
      names.addAll(List.of("a", "b"));
    }
    List<StrategySpec> strategies = new ArrayList<>();
    for (String[] l : strategyLines) {
      strategies.addAll(strategies(l[0], l[1], depth));
    }
    if (strategies.isEmpty()) {
      strategies.addAll(strategies("", "pct", depth));
    }
    return new Template(name, harts, minLength, maxLength, loops, profile, prober, fixes, setup, files, mounts,
        names, calls, ioctls, schedules, depth, strategies, invalid);
  }

  public Template {
    fixes = List.copyOf(fixes);
    setup = List.copyOf(setup);
    files = List.copyOf(files);
    mounts = mounts.stream().map(List::copyOf).toList();
    names = List.copyOf(names);
    calls = List.copyOf(calls);
    ioctls = List.copyOf(ioctls);
    strategies = List.copyOf(strategies);
  }

  /**
   * Strategies as a template's {@code strategies} line writes them: names ({@link StrategyKind}'s, e.g.
   * {@code pct random pos delay-bounding dfs}), each followed by its parameters as {@code name=value}
   * ({@code depth=2}, {@code delays=3}, {@code preemption-bound=1}: {@link StrategySpec#PARAMETERS}).
   * {@code pct} without a depth takes {@code depth}. {@code at} prefixes a mistake's message.
   */
  public static List<StrategySpec> strategies(String at, String text, int depth) throws TemplateException {
    List<StrategySpec> out = new ArrayList<>();
    StrategyKind kind = null;
    java.util.Map<String, Long> given = new java.util.TreeMap<>();
    for (String word : text.strip().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      int eq = word.indexOf('=');
      if (eq < 0) {
        if (kind != null) {
          out.add(spec(kind, given, depth));
        }
        try {
          kind = StrategyKind.explorationById(word);
        } catch (IllegalArgumentException e) {
          throw new TemplateException(at + "unknown strategy `" + word + "` (expected one of: "
              + String.join(", ", StrategyKind.explorationIds()) + ")");
        }
        given = new java.util.TreeMap<>();
        continue;
      }
      if (kind == null) {
        throw new TemplateException(at + "`" + word + "` names no strategy: write the strategy first (`pct depth=2`)");
      }
      String name = word.substring(0, eq);
      StrategyKind k = kind;
      StrategySpec.Parameter p = StrategySpec.parametersOf(kind).stream().filter(q -> q.name().equals(name))
          .findFirst().orElseThrow(() -> new TemplateException(at + "strategy " + k + " has no parameter `" + name
              + "` (" + (StrategySpec.parametersOf(k).isEmpty() ? "it has none" : "it has: " + String.join(", ",
              StrategySpec.parametersOf(k).stream().map(StrategySpec.Parameter::name).toList())) + ")"));
      long v;
      try {
        v = Long.parseLong(word.substring(eq + 1));
      } catch (NumberFormatException e) {
        throw new TemplateException(at + "expected a number after `" + name + "=`, found `" + word.substring(eq + 1)
            + "`");
      }
      if (v < p.min() || v > p.max()) {
        throw new TemplateException(at + "expected " + name + " between " + p.min() + " and " + p.max()
            + ", found " + v);
      }
      given.put(name, v);
    }
    if (kind != null) {
      out.add(spec(kind, given, depth));
    }
    return out;
  }

  private static StrategySpec spec(StrategyKind kind, java.util.Map<String, Long> given, int depth) {
    java.util.Map<String, Long> g = new java.util.TreeMap<>(given);
    if (kind == StrategyKind.PCT) {
      g.putIfAbsent("depth", (long) depth);
    }
    return StrategySpec.of(kind, g);
  }

  /** A copy exploring with {@code other} strategies in turn (the CLI's {@code --strategies}). */
  public Template withStrategies(List<StrategySpec> other) {
    return new Template(name, harts, minLength, maxLength, loops, profile, prober, fixes, setup, files, mounts, names,
        calls, ioctls, schedules, depth, other, invalidPercent);
  }

  /** The header lines every program of this template carries. */
  public List<String> header() {
    List<String> h = new ArrayList<>();
    h.add("profile " + profile);
    h.add("loops " + loops);
    if (prober) {
      h.add("prober on");
    }
    for (String f : fixes) {
      h.add("fix " + f);
    }
    return h;
  }

  /** A copy with other settings for a campaign's command line. */
  public Template with(int schedules, List<String> moreFixes) {
    List<String> f = new ArrayList<>(fixes);
    for (String x : moreFixes) {
      if (!f.contains(x)) {
        f.add(x);
      }
    }
    return new Template(name, harts, minLength, maxLength, loops, profile, prober, f, setup, files, mounts, names,
        calls, ioctls, schedules, depth, strategies, invalidPercent);
  }

  private static String one(String at, String[] w) throws TemplateException {
    if (w.length != 2) {
      throw new TemplateException(at + "expected one value after `" + w[0] + "`, found " + (w.length - 1));
    }
    return w[1];
  }

  private static List<String> nonEmpty(String at, String[] w, List<String> rest) throws TemplateException {
    if (rest.isEmpty()) {
      throw new TemplateException(at + "expected values after `" + w[0] + "`");
    }
    return rest;
  }

  private static int number(String at, String[] w, int min, int max) throws TemplateException {
    String v = one(at, w);
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new TemplateException(at + "expected " + w[0] + " between " + min + " and " + max + ", found " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new TemplateException(at + "expected a number after `" + w[0] + "`, found `" + v + "`"
          .toLowerCase(Locale.ROOT));
    }
  }
}
