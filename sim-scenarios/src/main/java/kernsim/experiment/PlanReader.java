package kernsim.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import kernsim.actors.StrategyKind;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import kernsim.oracle.Oracles;
import kernsim.scenario.Catalog;
import kernsim.scenario.Clients;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.Scenarios;
import kernsim.scenario.Settings;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads a plan file (TOML, docs/experiments.md gives the format). Every mistake is a {@link PlanException}
 * at the key or the array element it is about.
 */
public final class PlanReader {
  /** Every catalog race ({@code kernsim list}'s first part). */
  public static final String ALL_CATALOG = "@catalog";
  /** Every client scenario. */
  public static final String ALL_CLIENTS = "@clients";
  /** Every entry of Linux's race catalog ({@code kernsim list}'s third part), each with its regress toggle. */
  public static final String ALL_LINUX = "@linux";
  /** Every exploration strategy {@link StrategyKind} has, with its default parameters. */
  public static final String ALL_STRATEGIES = "@all";
  /** In a fix set: the fixes that close the catalog race ({@code Catalog.fixesFor}). */
  public static final String CLOSING = "@closing";

  private static final Set<String> KEYS = Set.of("title", "budget", "seeds", "scenarios", "profiles", "fixes",
      "no-oracle", "strategies");

  private final String file;
  private final String text;
  private final Path dir;

  private PlanReader(String file, String text, Path dir) {
    this.file = file;
    this.text = text;
    this.dir = dir;
  }

  /** Reads the plan at {@code path}; files it names are relative to its directory. */
  public static Plan read(Path path) throws PlanException {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PlanException(path.toString(), 0, 0, "cannot read the plan: " + describe(e), null);
    }
    Path parent = path.toAbsolutePath().getParent();
    return parse(text, path.toString(), parent);
  }

  /** Reads the plan in {@code text}, named {@code file} in errors, with files relative to {@code dir}. */
  public static Plan parse(String text, String file, Path dir) throws PlanException {
    return new PlanReader(file, text, dir).plan();
  }

  private Plan plan() throws PlanException {
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      TomlParseError e = toml.errors().get(0);
      throw error(e.position(), e.getMessage());
    }
    for (String key : toml.keySet()) {
      if (!KEYS.contains(key)) {
        throw error(toml.inputPositionOf(key), "unknown key '" + key + "' (a plan has: "
            + String.join(", ", KEYS.stream().sorted().toList()) + ")");
      }
    }
    String title = "experiment";
    if (toml.contains("title")) {
      if (!toml.isString("title")) {
        throw error(toml.inputPositionOf("title"), "title must be a string");
      }
      title = toml.getString("title");
    }
    int budget = budget(toml);
    List<Long> seeds = seeds(toml);
    List<String> profiles = profiles(toml);
    List<String> off = names(toml, "no-oracle", Oracles.NAMES, "oracle");
    List<Plan.Arm> strategies = strategies(toml, seeds);
    List<Plan.Target> targets = new ArrayList<>();
    Set<List<String>> seen = new LinkedHashSet<>();
    TomlArray scenarios = array(toml, "scenarios", true);
    if (scenarios.isEmpty()) {
      throw error(toml.inputPositionOf("scenarios"), "scenarios is empty");
    }
    List<FixSet> fixSets = fixSets(toml);
    for (int i = 0; i < scenarios.size(); i++) {
      TomlPosition at = scenarios.inputPositionOf(i);
      String name;
      List<String> itsProfiles = profiles;
      List<FixSet> itsFixSets = fixSets;
      if (scenarios.get(i) instanceof String n) {
        name = n;
      } else if (scenarios.get(i) instanceof TomlTable t) {
        // {name = "x", profiles = [...], fixes = [...]}: this scenario's own settings, instead of the plan's
        for (String k : t.keySet()) {
          if (!Set.of("name", "profiles", "fixes").contains(k)) {
            throw error(t.inputPositionOf(k), "unknown key '" + k + "' in a scenario (it has: name, profiles, fixes)");
          }
        }
        if (!t.isString("name")) {
          throw error(t.contains("name") ? t.inputPositionOf("name") : at, "a scenario table needs a name (a string)");
        }
        name = t.getString("name");
        if (t.contains("profiles")) {
          itsProfiles = profiles(t);
        }
        if (t.contains("fixes")) {
          itsFixSets = fixSets(t);
        }
      } else {
        throw error(at, "a scenario is a string (a catalog or client scenario's name, a file, "
            + ALL_CATALOG + " or " + ALL_CLIENTS + ") or a table {name = ..., profiles = [...], fixes = [...]}");
      }
      for (Map.Entry<String, Scenario> e : scenarios(name, at).entrySet()) {
        for (String profile : itsProfiles) {
          for (FixSet fs : itsFixSets) {
            List<String> fixes = fs.closing() ? Catalog.fixesFor(e.getValue().name()).stream().map(Fix::id).toList()
                : fs.fixes();
            if (fs.closing() && !Catalog.names().contains(e.getValue().name())) {
              throw error(fs.at(), CLOSING + " names the fix that closes a catalog race, and '"
                  + e.getValue().name() + "' is not one");
            }
            Settings settings = Settings.of(e.getValue(), profile, fixes, off);
            Plan.Target t = new Plan.Target(e.getKey(), e.getValue(), settings);
            List<String> id = List.of(e.getValue().name(), settings.semantics().profile(),
                settings.semantics().fixList(), settings.semantics().regressList());
            if (!seen.add(id)) {
              throw error(at, "scenario '" + e.getValue().name() + "' is in the plan twice with the same settings");
            }
            targets.add(t);
          }
        }
      }
    }
    return new Plan(title, budget, targets, strategies, seeds);
  }

  private int budget(TomlParseResult toml) throws PlanException {
    if (!toml.contains("budget")) {
      throw error(null, "the plan has no budget (budget = N, schedules per cell)");
    }
    TomlPosition at = toml.inputPositionOf("budget");
    if (!toml.isLong("budget")) {
      throw error(at, "budget must be a whole number of schedules");
    }
    long b = toml.getLong("budget");
    if (b < 1 || b > Integer.MAX_VALUE) {
      throw error(at, "budget must be between 1 and " + Integer.MAX_VALUE + ", got " + b);
    }
    return (int) b;
  }

  /** {@code seeds = [1, 2, 3]} or {@code seeds = {from = 1, count = 10}}. */
  private List<Long> seeds(TomlParseResult toml) throws PlanException {
    if (!toml.contains("seeds")) {
      throw error(null, "the plan has no seeds (seeds = [1, 2] or seeds = {from = 1, count = 10})");
    }
    TomlPosition at = toml.inputPositionOf("seeds");
    List<Long> seeds = new ArrayList<>();
    if (toml.isTable("seeds")) {
      TomlTable t = toml.getTable("seeds");
      for (String k : t.keySet()) {
        if (!k.equals("from") && !k.equals("count")) {
          throw error(t.inputPositionOf(k), "unknown key '" + k + "' in seeds (expected from and count)");
        }
      }
      if (!t.isLong("from") || !t.isLong("count")) {
        throw error(at, "seeds = {from = S, count = N} needs both, as whole numbers");
      }
      long from = t.getLong("from");
      long count = t.getLong("count");
      if (count < 1 || count > 1_000_000) {
        throw error(t.inputPositionOf("count"), "count must be between 1 and 1000000, got " + count);
      }
      for (long i = 0; i < count; i++) {
        seeds.add(from + i);
      }
      return seeds;
    }
    TomlArray a = array(toml, "seeds", true);
    if (a.isEmpty()) {
      throw error(at, "seeds is empty");
    }
    for (int i = 0; i < a.size(); i++) {
      if (!(a.get(i) instanceof Long s)) {
        throw error(a.inputPositionOf(i), "a seed is a whole number");
      }
      if (seeds.contains(s)) {
        throw error(a.inputPositionOf(i), "seed " + s + " is listed twice");
      }
      seeds.add(s);
    }
    return seeds;
  }

  /** The profiles; without the key, one: each scenario's own (null). */
  private List<String> profiles(TomlTable toml) throws PlanException {
    if (!toml.contains("profiles")) {
      List<String> own = new ArrayList<>();
      own.add(null);
      return own;
    }
    List<String> p = names(toml, "profiles", Semantics.PROFILES, "profile");
    if (p.isEmpty()) {
      throw error(toml.inputPositionOf("profiles"), "profiles is empty (leave it out for each scenario's own)");
    }
    return p;
  }

  private record FixSet(List<String> fixes, boolean closing, TomlPosition at) {}

  /** {@code fixes = [[], ["a", "b"], "@closing"]}; without the key, one empty set (the scenario's own fixes). */
  private List<FixSet> fixSets(TomlTable toml) throws PlanException {
    List<FixSet> sets = new ArrayList<>();
    if (!toml.contains("fixes")) {
      sets.add(new FixSet(List.of(), false, null));
      return sets;
    }
    TomlArray a = array(toml, "fixes", true);
    if (a.isEmpty()) {
      throw error(toml.inputPositionOf("fixes"), "fixes is empty (leave it out, or give [[]], for the scenarios' own)");
    }
    List<String> known = java.util.Arrays.stream(Fix.values()).map(Fix::id).toList();
    for (int i = 0; i < a.size(); i++) {
      TomlPosition at = a.inputPositionOf(i);
      Object v = a.get(i);
      if (CLOSING.equals(v)) {
        sets.add(new FixSet(List.of(), true, at));
      } else if (v instanceof TomlArray set) {
        List<String> fixes = new ArrayList<>();
        for (int j = 0; j < set.size(); j++) {
          fixes.add(known(set.get(j), set.inputPositionOf(j), known, "fix"));
        }
        sets.add(new FixSet(fixes, false, at));
      } else {
        throw error(at, "a fix set is an array of fix names ([] for none) or " + CLOSING);
      }
    }
    return sets;
  }

  private List<Plan.Arm> strategies(TomlParseResult toml, List<Long> planSeeds) throws PlanException {
    TomlArray a = array(toml, "strategies", true);
    if (a.isEmpty()) {
      throw error(toml.inputPositionOf("strategies"), "strategies is empty");
    }
    List<Plan.Arm> out = new ArrayList<>();
    List<StrategySpec> named = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      TomlPosition at = a.inputPositionOf(i);
      Object v = a.get(i);
      List<StrategySpec> specs = new ArrayList<>();
      List<Long> seeds = planSeeds;
      if (ALL_STRATEGIES.equals(v)) {
        StrategySpec.exploring().forEach(k -> specs.add(StrategySpec.of(k, Map.of())));
      } else if (v instanceof String name) {
        specs.add(StrategySpec.of(kind(name, at), Map.of()));
      } else if (v instanceof TomlTable t) {
        specs.addAll(strategy(t, at));
        if (t.contains("seeds")) {
          seeds = strategySeeds(t);
        }
      } else {
        throw error(at, "a strategy is a name (\"random\"), a table ({name = \"pct\", depth = 3}) or " + ALL_STRATEGIES);
      }
      for (StrategySpec s : specs) {
        if (named.contains(s)) {
          throw error(at, "strategy " + s.label() + " is in the plan twice");
        }
        named.add(s);
        out.add(new Plan.Arm(s, seeds));
      }
    }
    return out;
  }

  /** {@code {name = "pct", depth = 3}}; a parameter given as an array ({@code depth = [2, 3]}) makes one strategy each. */
  private List<StrategySpec> strategy(TomlTable t, TomlPosition at) throws PlanException {
    if (!t.contains("name")) {
      throw error(at, "a strategy table needs a name (name = \"pct\")");
    }
    if (!t.isString("name")) {
      throw error(t.inputPositionOf("name"), "a strategy's name is a string");
    }
    StrategyKind kind = kind(t.getString("name"), t.inputPositionOf("name"));
    Map<String, List<Long>> values = new LinkedHashMap<>();
    for (String k : t.keySet()) {
      if (k.equals("name") || k.equals("seeds")) {
        continue;
      }
      TomlPosition kat = t.inputPositionOf(k);
      StrategySpec.Parameter p = StrategySpec.parametersOf(kind).stream().filter(q -> q.name().equals(k)).findFirst()
          .orElseThrow(() -> error(kat, kind.id() + " has no parameter '" + k + "' ("
              + (StrategySpec.parametersOf(kind).isEmpty() ? "it has none"
                  : "it has: " + String.join(", ", StrategySpec.parametersOf(kind).stream()
                      .map(StrategySpec.Parameter::name).toList())) + ")"));
      List<Long> vs = new ArrayList<>();
      Object v = t.get(k);
      if (v instanceof TomlArray arr) {
        if (arr.isEmpty()) {
          throw error(kat, k + " is empty");
        }
        for (int j = 0; j < arr.size(); j++) {
          vs.add(value(p, arr.get(j), arr.inputPositionOf(j)));
        }
      } else {
        vs.add(value(p, v, kat));
      }
      values.put(k, vs);
    }
    List<Map<String, Long>> combos = new ArrayList<>();
    combos.add(new TreeMap<>());
    for (Map.Entry<String, List<Long>> e : values.entrySet()) {
      List<Map<String, Long>> next = new ArrayList<>();
      for (Map<String, Long> c : combos) {
        for (long v : e.getValue()) {
          Map<String, Long> m = new TreeMap<>(c);
          m.put(e.getKey(), v);
          next.add(m);
        }
      }
      combos = next;
    }
    List<StrategySpec> out = new ArrayList<>();
    for (Map<String, Long> c : combos) {
      out.add(StrategySpec.of(kind, c));
    }
    return out;
  }

  /** A strategy's own seeds ({@code seeds = [1]}): for one whose schedules do not depend on the seed, say. */
  private List<Long> strategySeeds(TomlTable t) throws PlanException {
    TomlPosition at = t.inputPositionOf("seeds");
    if (!t.isArray("seeds") || t.getArray("seeds").isEmpty()) {
      throw error(at, "a strategy's seeds is a non-empty array of whole numbers");
    }
    TomlArray a = t.getArray("seeds");
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.get(i) instanceof Long s) || seeds.contains(s)) {
        throw error(a.inputPositionOf(i), a.get(i) instanceof Long ? "seed " + a.get(i) + " is listed twice"
            : "a seed is a whole number");
      }
      seeds.add(s);
    }
    return seeds;
  }

  private long value(StrategySpec.Parameter p, Object v, TomlPosition at) throws PlanException {
    if (!(v instanceof Long l)) {
      throw error(at, p.name() + " is a whole number (" + p.meaning() + ")");
    }
    if (l < p.min() || l > p.max()) {
      throw error(at, p.name() + " must be " + p.min() + " to " + p.max() + ", got " + l);
    }
    return l;
  }

  private StrategyKind kind(String name, TomlPosition at) throws PlanException {
    for (StrategyKind k : StrategySpec.exploring()) {
      if (k.id().equals(name)) {
        return k;
      }
    }
    throw error(at, "unknown strategy '" + name + "' (expected one of: "
        + String.join(", ", StrategySpec.exploring().stream().map(StrategyKind::id).toList()) + ", or "
        + ALL_STRATEGIES + ")");
  }

  /** The scenarios {@code name} stands for, by how the plan names each. */
  private Map<String, Scenario> scenarios(String name, TomlPosition at) throws PlanException {
    Map<String, Scenario> out = new LinkedHashMap<>();
    try {
      if (name.equals(ALL_CATALOG)) {
        for (Scenario s : Catalog.all()) {
          out.put(s.name(), s);
        }
      } else if (name.equals(ALL_CLIENTS)) {
        for (Scenario s : Clients.all()) {
          out.put(s.name(), s);
        }
      } else if (name.equals(ALL_LINUX)) {
        for (Scenario s : kernsim.scenario.LinuxRaces.all()) {
          out.put(s.name(), s);
        }
      } else if (Catalog.names().contains(name)) {
        out.put(name, Catalog.find(name).orElseThrow());
      } else if (Clients.names().contains(name)) {
        out.put(name, Clients.find(name).orElseThrow());
      } else if (kernsim.scenario.LinuxRaces.names().contains(name)) {
        out.put(name, kernsim.scenario.LinuxRaces.find(name).orElseThrow());
      } else {
        Path p = dir.resolve(name);
        if (!Files.isRegularFile(p)) {
          throw error(at, "no such catalog scenario, client scenario or file: " + name
              + " (files are relative to the plan's directory; 'kernsim list' shows the built-in scenarios)");
        }
        out.put(name, Scenarios.load(p));
      }
    } catch (ScenarioException e) {
      throw new PlanException(file, 0, 0, "scenario " + name + " does not parse:\n" + e.getMessage(), null);
    }
    return out;
  }

  private List<String> names(TomlTable toml, String key, List<String> known, String what) throws PlanException {
    List<String> out = new ArrayList<>();
    if (!toml.contains(key)) {
      return out;
    }
    TomlArray a = array(toml, key, false);
    for (int i = 0; i < a.size(); i++) {
      String n = known(a.get(i), a.inputPositionOf(i), known, what);
      if (out.contains(n)) {
        throw error(a.inputPositionOf(i), what + " '" + n + "' is listed twice");
      }
      out.add(n);
    }
    return out;
  }

  private String known(Object v, TomlPosition at, List<String> known, String what) throws PlanException {
    if (!(v instanceof String s)) {
      throw error(at, "a " + what + " is a string");
    }
    if (!known.contains(s)) {
      throw error(at, "unknown " + what + " '" + s + "' (known: " + String.join(", ", known) + ")");
    }
    return s;
  }

  private TomlArray array(TomlTable toml, String key, boolean required) throws PlanException {
    if (!toml.contains(key)) {
      if (required) {
        throw error(null, "the plan has no " + key);
      }
      return null;
    }
    if (!toml.isArray(key)) {
      throw error(toml.inputPositionOf(key), key + " must be an array ([...])");
    }
    return toml.getArray(key);
  }

  private PlanException error(TomlPosition at, String reason) {
    return at == null ? new PlanException(file, 0, 0, reason, null)
        : new PlanException(file, at.line(), at.column(), reason, text);
  }

  static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }
}
