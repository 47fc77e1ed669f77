package kernsim.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kernsim.cpu.Stmt;
import kernsim.cpu.Syscalls;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.file.Uapi;
import kernsim.scenario.CallTable.Block;
import kernsim.scenario.CallTable.Call;
import kernsim.scenario.Lexer.Kind;
import kernsim.scenario.Lexer.Token;

/**
 * Reads a scenario a line at a time: the leading comment (the description), header lines at column 1,
 * then blocks ({@code setup:}, {@code hart NAME:}) at column 1 whose statements are indented with
 * spaces. The grammar is in docs/scenarios.md.
 */
final class Parser {
  static final List<String> HEADERS = List.of("scenario", "title", "profile", "fix", "regress", "expect", "loops",
      "prober", "client-option", "outcome", "faults");
  /** The grades an {@code outcome} header line may give (jcstress's {@code Expect}). */
  static final List<String> GRADES = List.of("acceptable", "interesting", "forbidden");
  static final List<String> SETUP_COMMANDS = List.of("image", "losetup", "mkfs.ext4", "file", "mkdir");
  static final int MAX_LOOPS = 64;
  /**
   * The most harts a scenario may have. Past about this many, a schedule takes minutes and the errno
   * oracle's search over calls in flight at once runs out of stack (10,000 harts did both).
   */
  public static final int MAX_HARTS = 1_024;

  /** The kernel's own actors below {@code world/}: a hart cannot take their names (cpu.Kernel spawns them). */
  static final Map<String, String> RESERVED = Map.of(
      "setup", "the setup block's", "mounts", "the mount table's", "anon", "the anonymous files'",
      "loop-control", "loop-control's", "flocks", "the flock table's", "prober", "the prober's",
      ScenarioWorld.REBOOT_HART, "the rebooted kernel's recovery");

  private final Source src;

  private final List<String> description = new ArrayList<>();
  private final Map<String, Integer> headerLines = new LinkedHashMap<>();
  private String name;
  private String title;
  private String profile = Semantics.STARRY.profile();
  private final List<Fix> fixes = new ArrayList<>();
  /** {@code regress NAME} lines, with the token of each (a regress toggle needs {@code profile linux}). */
  private final List<kernsim.dev.Regress> regressions = new ArrayList<>();
  private Token firstRegress;
  private final List<String> expect = new ArrayList<>();
  private int loops = 1;
  private boolean prober;
  /** {@code client-option NAME} lines: mutations of the userspace loop clients' code. */
  private final java.util.Set<String> clientOptions = new java.util.TreeSet<>();
  /** {@code faults SPEC} lines, joined in order. */
  private kernsim.dev.file.FaultPlan faults = kernsim.dev.file.FaultPlan.NONE;

  /** The setup block's statements from its first syscall statement on: a hart runs them. */
  private List<Stmt> setup = List.of();
  /** The setup block's leading setup commands, run at parse time: created at the block's header. */
  private BootBuilder boot;
  /** The leading setup commands' expansions, as the oracles take them (built at boot, not run). */
  private final List<Stmt> bootStmts = new ArrayList<>();
  /** Still in the setup block's leading setup commands (no syscall statement yet). */
  private boolean bootPrefix = true;
  private int setupLine;
  private final List<String> hartNames = new ArrayList<>();
  private final List<List<Stmt>> harts = new ArrayList<>();
  private final Map<String, Integer> hartLines = new LinkedHashMap<>();
  /** {@code process NAME:} blocks: each process's program, and its block (its variables, for its threads). */
  private final List<kernsim.cpu.Kernel.Process> processes = new ArrayList<>();
  private final Map<String, Block> processBlocks = new LinkedHashMap<>();
  /** Each hart's process ({@code hart a in p:}), or "". */
  private final List<String> processOf = new ArrayList<>();
  private boolean blockIsProcess;
  /** The block's actor key ({@code world/a}), each variable's assigning call index in it (-1: not checkable). */
  private String blockKey;
  private final Map<String, Integer> blockAssigned = new LinkedHashMap<>();
  /** Whether a library statement that expands into calls of its own came earlier in the block. */
  private boolean blockExpands;
  private final List<kernsim.oracle.Expectations.Check> expectations = new ArrayList<>();
  /** {@code outcome} header lines, and the hart-name token of each cell (checked once the harts are known). */
  private final List<Scenario.Outcome> outcomes = new ArrayList<>();
  private final List<Token> outcomeHarts = new ArrayList<>();
  private final List<List<Stmt>> processStmts = new ArrayList<>();

  /** The block being read, its statements, and where its header is (for "has no statements"). */
  private Block block;
  private List<Stmt> stmts;
  private Token blockHeader;
  private boolean blockIsSetup;
  private int hidden;

  /** Whether any name that is no constant may stand for an fd variable or handle (see {@link Scenarios#statement}). */
  private final boolean anyVariable;

  Parser(Source src) {
    this(src, false);
  }

  /** Client options set from outside the text (the command line's, a trace header's): on and off. */
  private final java.util.Set<String> clientOn;
  private final java.util.Set<String> clientOff;

  Parser(Source src, boolean anyVariable) {
    this(src, anyVariable, java.util.Set.of(), java.util.Set.of());
  }

  Parser(Source src, boolean anyVariable, java.util.Set<String> clientOn, java.util.Set<String> clientOff) {
    this.src = src;
    this.anyVariable = anyVariable;
    this.clientOn = clientOn;
    this.clientOff = clientOff;
  }

  Scenario parse(String text) throws ScenarioException {
    int descState = 0; // 0: before it, 1: in it, 2: after it
    for (int ln = 1; ln <= src.lines.size(); ln++) {
      String raw = src.lines.get(ln - 1);
      int indent = 0;
      while (indent < raw.length() && (raw.charAt(indent) == ' ' || raw.charAt(indent) == '\t')) {
        indent++;
      }
      String trimmed = raw.substring(indent);
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        if (descState < 2 && trimmed.startsWith("#")) {
          descState = 1;
          String d = trimmed.substring(1);
          description.add((d.startsWith(" ") ? d.substring(1) : d).stripTrailing());
        } else if (descState == 1) {
          descState = 2;
        }
        continue;
      }
      descState = 2;
      int tab = raw.substring(0, indent).indexOf('\t');
      if (tab >= 0) {
        throw src.error(ln, tab + 1, "expected spaces in indentation, found a tab");
      }
      if (indent == 0 && (trimmed.equals("faults") || trimmed.startsWith("faults ") || trimmed.startsWith("faults#"))) {
        faultsHeader(raw, ln);
        continue;
      }
      List<Token> toks;
      try {
        toks = Lexer.tokens(raw, ln, indent);
      } catch (Lexer.Error e) {
        throw src.error(e.line, e.col, e.getMessage());
      }
      Cursor c = new Cursor(toks, raw, ln);
      if (indent == 0) {
        topLevel(c);
      } else {
        indented(c);
      }
    }
    endBlock();
    if (harts.isEmpty()) {
      String reason = "no hart block: a scenario needs at least one `hart NAME:` block of statements";
      if (src.lines.isEmpty()) {
        throw src.error(reason);
      }
      // At the end of the file, where the first hart block would go.
      throw src.error(src.lines.size(), src.lines.get(src.lines.size() - 1).length() + 1, reason);
    }
    while (!description.isEmpty() && description.get(description.size() - 1).isEmpty()) {
      description.remove(description.size() - 1);
    }
    while (!description.isEmpty() && description.get(0).isEmpty()) {
      description.remove(0);
    }
    String desc = String.join("\n", description);
    String n = name != null ? name : baseName(src.file);
    String t = title != null ? title : !description.isEmpty() ? description.get(0) : n;
    kernsim.cpu.Boot built = boot == null ? kernsim.cpu.Boot.EMPTY : boot.build();
    if (firstRegress != null && !profile.equals(kernsim.dev.Regress.PROFILE)) {
      throw src.error(firstRegress, "`regress " + firstRegress.text() + "` is a " + kernsim.dev.Regress.PROFILE
          + " toggle: the scenario needs `profile " + kernsim.dev.Regress.PROFILE + "` (it is " + profile + ")");
    }
    for (Token h : outcomeHarts) {
      String hart = h.kind() == Kind.INT ? "hart-" + h.longValue() : h.text();
      if (!hartNames.contains(hart)) {
        String hint = Constants.didYouMean(hart, hartNames);
        throw src.error(h, "`outcome` names hart `" + h.text() + "`, which the scenario does not have"
            + (hint != null ? "; did you mean " + hint + "?" : "; its harts: " + String.join(", ", hartNames)));
      }
    }
    List<kernsim.cpu.Kernel.Process> procs = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      procs.add(new kernsim.cpu.Kernel.Process(processes.get(i).name(), processStmts.get(i)));
    }
    return new Scenario(n, t, desc, src.file, text, profile, fixes, expect, loops, built, bootStmts, setup,
        hartNames, harts, prober, regressions, procs, processOf, expectations, outcomes,
        new java.util.TreeSet<>(clientOptions), faults);
  }

  /**
   * {@code faults SPEC}: read by {@link kernsim.dev.file.FaultPlan#parse} from the raw line (its items are no
   * tokens of the statement language), up to a {@code #}; an error points at the column the spec goes wrong.
   */
  private void faultsHeader(String raw, int ln) throws ScenarioException {
    if (block != null || !harts.isEmpty() || setupLine > 0) {
      int at = setupLine > 0 ? setupLine : hartLines.values().iterator().next();
      throw src.error(ln, 1, "header `faults` must come before the first block (line " + at + ")");
    }
    headerLines.putIfAbsent("faults", ln);
    int hash = raw.indexOf('#');
    String spec = raw.substring("faults".length(), hash < 0 ? raw.length() : hash);
    int base = "faults".length();
    if (spec.isBlank()) {
      throw src.error(ln, base + 1, "expected a fault spec after `faults` (e.g. `faults write-eio@2`, "
          + "`faults sync-eio%10 latency=1ms`: docs/faults.md)");
    }
    try {
      faults = faults.plus(kernsim.dev.file.FaultPlan.parse(spec));
    } catch (kernsim.dev.file.FaultPlan.SpecException e) {
      throw src.error(ln, base + e.offset() + 1, e.getMessage());
    }
  }

  static String baseName(String file) {
    String base = file.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1);
    return base.endsWith(".ksim") && base.length() > 5 ? base.substring(0, base.length() - 5) : base;
  }

  // ==== lines at column 1: headers and block headers ====

  private void topLevel(Cursor c) throws ScenarioException {
    Token first = c.next();
    if (first.isIdent("setup")) {
      setupHeader(first, c);
    } else if (first.isIdent("hart")) {
      hartHeader(first, c);
    } else if (first.isIdent("process") && c.peek() != null && !c.peek().is("(") && !c.peek().is("=")) {
      processHeader(first, c);
    } else if (first.kind() == Kind.IDENT && HEADERS.contains(first.text())) {
      if (block != null || !harts.isEmpty() || setupLine > 0) {
        int at = setupLine > 0 ? setupLine : hartLines.values().iterator().next();
        throw src.error(first, "header `" + first.text() + "` must come before the first block (line " + at + ")");
      }
      header(first, c);
    } else if (looksLikeStatement(first, c)) {
      throw src.error(first, block != null
          ? "statement outside a block: indent it under `" + block.title + "`"
          : "statement outside a block: expected `setup:` or `hart NAME:` before it");
    } else {
      String hint = first.kind() == Kind.IDENT ? Constants.didYouMean(first.text(), HEADERS) : null;
      throw src.error(first, "expected a header (" + String.join(", ", HEADERS) + ") or a block (`setup:`, "
          + "`process NAME:`, `hart NAME:`), found " + first.shown() + (hint != null ? "; did you mean " + hint + "?" : ""));
    }
  }

  private static boolean looksLikeStatement(Token first, Cursor c) {
    return first.kind() == Kind.IDENT && (SETUP_COMMANDS.contains(first.text())
        || (c.peek() != null && (c.peek().is("(") || c.peek().is("="))));
  }

  private void header(Token key, Cursor c) throws ScenarioException {
    String k = key.text();
    boolean repeatable = k.equals("fix") || k.equals("regress") || k.equals("expect") || k.equals("client-option")
        || k.equals("outcome");
    if (!repeatable && headerLines.containsKey(k)) {
      throw src.error(key, "duplicate `" + k + "` (first at line " + headerLines.get(k) + ")");
    }
    headerLines.putIfAbsent(k, key.line());
    switch (k) {
      case "scenario" -> {
        Token t = c.expect(Kind.IDENT, "a scenario name (letters, digits, _ . -)");
        name = t.text();
      }
      case "title" -> title = c.expect(Kind.STRING, "a quoted title").string();
      case "profile" -> {
        Token t = c.expect(Kind.IDENT, "a profile name");
        if (!Semantics.PROFILES.contains(t.text())) {
          throw src.error(t, "unknown profile `" + t.text() + "`; expected one of: " + String.join(", ", Semantics.PROFILES));
        }
        profile = t.text();
      }
      case "fix" -> {
        Token t = c.expect(Kind.IDENT, "a fix name");
        List<String> known = java.util.Arrays.stream(Fix.values()).map(Fix::id).toList();
        Fix f = Fix.byId(t.text()).orElseThrow(() -> {
          String hint = Constants.didYouMean(t.text(), known);
          return src.error(t, "unknown fix `" + t.text() + "`; " + (hint != null ? "did you mean " + hint + "? " : "")
              + "expected one of: " + String.join(", ", known));
        });
        if (fixes.contains(f)) {
          throw src.error(t, "fix `" + f.id() + "` given twice");
        }
        fixes.add(f);
      }
      case "regress" -> {
        Token t = c.expect(Kind.IDENT, "a regress toggle's name");
        List<String> known = kernsim.dev.Regress.ids();
        kernsim.dev.Regress r = kernsim.dev.Regress.byId(t.text()).orElseThrow(() -> {
          String hint = Constants.didYouMean(t.text(), known);
          return src.error(t, "unknown regress toggle `" + t.text() + "`; " + (hint != null ? "did you mean " + hint
              + "? " : "") + "expected one of: " + String.join(", ", known));
        });
        if (regressions.contains(r)) {
          throw src.error(t, "regress `" + r.id() + "` given twice");
        }
        if (firstRegress == null) {
          firstRegress = t;
        }
        regressions.add(r);
      }
      case "expect" -> {
        Token t = c.expect(Kind.IDENT, "an oracle name or `none`");
        String v = t.text();
        if (!v.equals("none") && !Scenarios.ORACLES.contains(v)) {
          String hint = Constants.didYouMean(v, Scenarios.ORACLES);
          throw src.error(t, "unknown oracle `" + v + "`; " + (hint != null ? "did you mean " + hint + "? " : "")
              + "expected one of: " + String.join(", ", Scenarios.ORACLES) + ", none");
        }
        if (expect.contains(v)) {
          throw src.error(t, "`expect " + v + "` given twice");
        }
        if (v.equals("none") ? !expect.isEmpty() : expect.contains("none")) {
          throw src.error(t, "`expect none` cannot be combined with other `expect` lines");
        }
        expect.add(v);
      }
      case "loops" -> {
        Token t = c.expect(Kind.INT, "the number of loop devices");
        if (t.longValue() < 0 || t.longValue() > MAX_LOOPS) {
          throw src.error(t, "expected a number of loop devices from 0 to " + MAX_LOOPS + ", found " + t.shown());
        }
        loops = (int) t.longValue();
      }
      case "prober" -> {
        Token t = c.expect(Kind.IDENT, "`on` or `off`");
        if (!t.text().equals("on") && !t.text().equals("off")) {
          throw src.error(t, "expected `on` or `off` after `prober`, found `" + t.text() + "`");
        }
        prober = t.text().equals("on");
      }
      case "client-option" -> {
        Token t = c.expect(Kind.IDENT, "a client option name");
        if (!kernsim.client.SystemdLoopUtil.OPTIONS.contains(t.text())) {
          throw src.error(t, "unknown client option `" + t.text() + "`; expected one of: "
              + String.join(", ", new java.util.TreeSet<>(kernsim.client.SystemdLoopUtil.OPTIONS)));
        }
        if (!clientOptions.add(t.text())) {
          throw src.error(t, "client option `" + t.text() + "` given twice");
        }
      }
      case "outcome" -> outcomeHeader(key, c);
      default -> throw new IllegalStateException(k);
    }
    c.expectEnd();
  }

  /** {@code outcome GRADE HART: "RESULTS" { HART: "RESULTS" }}. */
  private void outcomeHeader(Token key, Cursor c) throws ScenarioException {
    Token g = c.expect(Kind.IDENT, "a grade (" + String.join(", ", GRADES) + ")");
    if (!GRADES.contains(g.text())) {
      String hint = Constants.didYouMean(g.text(), GRADES);
      throw src.error(g, "unknown grade `" + g.text() + "`; " + (hint != null ? "did you mean " + hint + "? " : "")
          + "expected one of: " + String.join(", ", GRADES));
    }
    java.util.TreeMap<String, String> cells = new java.util.TreeMap<>();
    do {
      Token h = c.next();
      String hart;
      if (h != null && h.kind() == Kind.IDENT) {
        hart = h.text();
      } else if (h != null && h.kind() == Kind.INT && h.text().chars().allMatch(Character::isDigit)) {
        hart = "hart-" + h.longValue();
      } else {
        throw c.expected(h, "a hart name and its results (`" + "a: \"0, 2\"`)");
      }
      c.expectPunct(":", "after the hart name `" + h.text() + "`");
      Token r = c.expect(Kind.STRING, "the hart's results in quotes, as the outcomes table shows them (`\"0, 2\"`)");
      if (cells.put(hart, r.string()) != null) {
        throw src.error(h, "hart `" + h.text() + "` named twice in this `outcome` line");
      }
      outcomeHarts.add(h);
    } while (c.peek() != null);
    outcomes.add(new Scenario.Outcome(g.text(), cells, key.line()));
  }

  private void setupHeader(Token key, Cursor c) throws ScenarioException {
    c.expectPunct(":", "after `setup`");
    c.expectEnd();
    if (setupLine > 0) {
      throw src.error(key, "duplicate `setup:` block (first at line " + setupLine + ")");
    }
    if (!harts.isEmpty()) {
      throw src.error(key, "`setup:` must come before the first hart block (line "
          + hartLines.values().iterator().next() + ")");
    }
    endBlock();
    setupLine = key.line();
    boot = new BootBuilder(loops);
    startBlock(key, "setup:", true);
    setup = stmts;
  }

  private void hartHeader(Token key, Cursor c) throws ScenarioException {
    Token n = c.next();
    String hart;
    if (n == null) {
      throw src.error(key.line(), c.endCol(), "expected a hart name after `hart`, found end of line");
    } else if (n.kind() == Kind.IDENT) {
      hart = n.text();
    } else if (n.kind() == Kind.INT && n.text().chars().allMatch(Character::isDigit)) {
      hart = "hart-" + n.longValue();
    } else {
      throw src.error(n, "expected a hart name (a word such as `mounter`, or a number), found " + n.shown());
    }
    Block process = null;
    String processName = "";
    if (c.peek() != null && c.peek().isIdent("in")) {
      c.next();
      Token p = c.next();
      if (p == null || p.kind() != Kind.IDENT) {
        throw p == null ? src.error(key.line(), c.endCol(), "expected a process name after `in`, found end of line")
            : src.error(p, "expected a process name after `in`, found " + p.shown());
      }
      process = processBlocks.get(p.text());
      if (process == null) {
        String hint = Constants.didYouMean(p.text(), List.copyOf(processBlocks.keySet()));
        throw src.error(p, "unknown process `" + p.text() + "`: declare it with a `process " + p.text()
            + ":` block before its harts" + (hint != null ? "; did you mean " + hint + "?" : ""));
      }
      processName = p.text();
    }
    c.expectPunct(":", "after `hart " + n.text() + (process != null ? " in " + processName : "") + "`");
    c.expectEnd();
    checkHartName(n, hart, "hart");
    if (hartLines.size() == MAX_HARTS) {
      throw src.error(key, String.format(java.util.Locale.ROOT, "too many harts: a scenario has at most %,d"
          + " (each is an actor, and the errno oracle orders every call in flight at once)", MAX_HARTS));
    }
    endBlock();
    hartLines.put(hart, key.line());
    hartNames.add(hart);
    processOf.add(processName);
    startBlock(n, "hart " + n.text() + (process != null ? " in " + processName : "") + ":", false);
    if (process != null) {
      block.vars.addAll(process.vars); // a thread starts with its process block's variables
      block.handles.addAll(process.handles);
    }
    harts.add(stmts);
  }

  private void checkHartName(Token n, String hart, String what) throws ScenarioException {
    if (RESERVED.containsKey(hart)) {
      throw src.error(n, "expected a " + what + " name other than `" + hart + "`, which is " + RESERVED.get(hart)
          + " actor");
    }
    if (hartLines.containsKey(hart)) {
      throw src.error(n, "duplicate " + what + " name `" + hart + "` (first at line " + hartLines.get(hart) + ")");
    }
  }

  /**
   * {@code process NAME:}: a process whose harts ({@code hart X in NAME:}) are threads sharing its fd
   * table; its statements (maybe none) run on its leader hart, alone, before the harts start.
   */
  private void processHeader(Token key, Cursor c) throws ScenarioException {
    Token n = c.next();
    if (n == null || n.kind() != Kind.IDENT) {
      throw n == null ? src.error(key.line(), c.endCol(), "expected a process name after `process`, found end of line")
          : src.error(n, "expected a process name (a word such as `server`), found " + n.shown());
    }
    c.expectPunct(":", "after `process " + n.text() + "`");
    c.expectEnd();
    checkHartName(n, n.text(), "process");
    if (!harts.isEmpty()) {
      throw src.error(key, "`process " + n.text() + ":` must come before the first hart block (line "
          + hartLines.get(hartNames.get(0)) + ")");
    }
    if (hartLines.size() == MAX_HARTS) {
      throw src.error(key, String.format(java.util.Locale.ROOT, "too many harts: a scenario has at most %,d"
          + " harts and processes", MAX_HARTS));
    }
    endBlock();
    hartLines.put(n.text(), key.line());
    startBlock(n, "process " + n.text() + ":", false);
    blockIsProcess = true;
    processBlocks.put(n.text(), block);
    processes.add(new kernsim.cpu.Kernel.Process(n.text(), List.of()));
    processStmts.add(stmts);
  }

  private void startBlock(Token header, String blockTitle, boolean isSetup) {
    block = new Block(src, blockTitle);
    block.anyVariable = anyVariable;
    block.clientOptions.addAll(clientOptions);
    block.clientOptions.addAll(clientOn);
    block.clientOptions.removeAll(clientOff);
    stmts = new ArrayList<>();
    blockHeader = header;
    blockIsSetup = isSetup;
    blockIsProcess = false;
    blockKey = "world/" + (isSetup ? "setup" : header.kind() == Kind.INT ? "hart-" + header.longValue() : header.text());
    blockAssigned.clear();
    blockExpands = false;
  }

  private void endBlock() throws ScenarioException {
    if (block != null && !blockIsSetup && !blockIsProcess && stmts.isEmpty()) {
      throw src.error(blockHeader, "expected indented statements in `" + block.title + "`, found none");
    }
  }

  // ==== indented lines: statements ====

  private void indented(Cursor c) throws ScenarioException {
    Token first = c.next();
    if (block == null) {
      if (first.kind() == Kind.IDENT && (HEADERS.contains(first.text()) || first.text().equals("hart")
          || first.text().equals("process")
          || first.text().equals("setup"))) {
        throw src.error(first, "expected `" + first.text() + "` at column 1, found it indented");
      }
      throw src.error(first, "statement outside a block: expected `setup:` or `hart NAME:` before it");
    }
    if ((first.isIdent("hart") && c.peek() != null && !c.peek().is("(") && !c.peek().is("="))
        || (first.isIdent("setup") && c.peek() != null && c.peek().is(":"))) {
      throw src.error(first, "expected a statement, found a block header: `" + first.text()
          + "` blocks start at column 1");
    }
    if (first.kind() != Kind.IDENT) {
      throw src.error(first, "expected a statement (`call(args)` or `var = call(args)`), found " + first.shown());
    }
    if (first.isIdent("expect") && c.peek() != null && c.peek().kind() == Kind.IDENT) {
      expectStatement(first, c);
      return;
    }
    if (SETUP_COMMANDS.contains(first.text()) && (c.peek() == null || !(c.peek().is("(") || c.peek().is("=")))) {
      if (!blockIsSetup) {
        throw src.error(first, "`" + first.text() + "` without parentheses is a setup command, and only `setup:` "
            + "runs those; in `" + block.title + "` write its syscalls (docs/scenarios.md lists them)");
      }
      setupCommand(first, c);
      return;
    }
    Token assign = null;
    Token callName = first;
    if (c.peek() != null && c.peek().is("=")) {
      c.next();
      assign = first;
      callName = c.expect(Kind.IDENT, "a call after `=`");
    }
    Token open = c.next();
    if (open == null || !open.is("(")) {
      throw c.expected(open, "`(` after `" + callName.text() + "`");
    }
    List<Arg> args = new ArrayList<>();
    Token close;
    if (c.peek() != null && c.peek().is(")")) {
      close = c.next();
    } else {
      while (true) {
        args.add(arg(c, true));
        Token t = c.next();
        if (t != null && t.is(",")) {
          continue;
        }
        if (t != null && t.is(")")) {
          close = t;
          break;
        }
        throw c.expected(t, "`,` or `)`");
      }
    }
    c.expectEnd();
    if (blockIsSetup) {
      bootPrefix = false; // from here on a hart runs the setup block
    }
    add(CallTable.compile(new Call(assign, callName, args, close), block));
  }

  /** Adds {@code st} to the block, noting the call index an {@code expect} of its variable reads. */
  private void add(Stmt st) {
    if (st.expands()) {
      blockExpands = true;
    }
    if (st.assign() != null) {
      blockAssigned.put(st.assign(), blockExpands ? -1 : stmts.size());
    }
    stmts.add(st);
  }

  /**
   * {@code expect VAR == VALUE} (or {@code !=}): the result of the call that last assigned {@code VAR} in
   * this block, checked after every schedule by the {@code expectation} oracle. VALUE is a number (the
   * call's success value), an errno name (its failure) or a string (the bytes it returned).
   */
  private void expectStatement(Token key, Cursor c) throws ScenarioException {
    Token var = c.next();
    Integer call = blockAssigned.get(var.text());
    if (call == null) {
      throw src.error(var, "`expect " + var.text() + "`: no statement of `" + block.title + "` assigns `"
          + var.text() + "` before this line (write `" + var.text() + " = call(...)` first)");
    }
    if (call < 0) {
      throw src.error(var, "`expect " + var.text() + "`: a library call that runs calls of its own comes earlier"
          + " in `" + block.title + "`, so its result cannot be followed");
    }
    Token op = c.next();
    boolean equal;
    if (op != null && (op.is("=") || op.is("!")) && c.peek() != null && c.peek().is("=")
        && c.peek().col() == op.col() + 1) {
      equal = op.is("=");
      c.next();
    } else {
      throw c.expected(op, "`==` or `!=` after `expect " + var.text() + "`");
    }
    Token v = c.next();
    Object value;
    String shown;
    if (v != null && v.kind() == Kind.INT) {
      value = v.longValue();
      shown = v.text();
    } else if (v != null && v.kind() == Kind.STRING) {
      value = v.string();
      shown = v.text();
    } else if (v != null && v.kind() == Kind.IDENT && errno(v.text()) != null) {
      value = errno(v.text());
      shown = v.text();
    } else {
      throw c.expected(v, "a number, an errno name (EBADF, …) or a quoted string after `" + (equal ? "==" : "!=") + "`");
    }
    c.expectEnd();
    String text = "expect " + var.text() + (equal ? " == " : " != ") + shown;
    expectations.add(new kernsim.oracle.Expectations.Check(blockKey, call, equal, value, text, key.line(),
        stmts.get(call).text()));
  }

  private static kernsim.dev.Errno errno(String name) {
    for (kernsim.dev.Errno e : kernsim.dev.Errno.values()) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    return null;
  }

  private Arg arg(Cursor c, boolean compound) throws ScenarioException {
    Token t = c.next();
    if (t == null) {
      throw c.expected(null, "an argument");
    }
    switch (t.kind()) {
      case STRING:
        return new Arg.Str(t);
      case PATH:
        return new Arg.Path(t);
      case PUNCT:
        if (t.is("&")) {
          Token num = c.next();
          if (num == null || num.kind() != Kind.INT) {
            throw c.expected(num, "an offset after `&`");
          }
          return new Arg.Ptr(t, num);
        }
        if (t.is("[") || t.is("{")) {
          if (!compound) {
            throw src.error(t, "expected a number, string, name or NULL, found `" + t.text()
                + "`: arrays and structs do not nest");
          }
          return t.is("[") ? array(t, c) : struct(t, c);
        }
        throw c.expected(t, "an argument");
      case IDENT:
        if (t.text().equals("NULL") && (c.peek() == null || !c.peek().is("|"))) {
          return new Arg.Null(t);
        }
        return expr(t, c);
      case INT:
        return expr(t, c);
      default:
        throw c.expected(t, "an argument");
    }
  }

  /** {@code term ('|' term)*}, a term a name or a number. */
  private Arg expr(Token first, Cursor c) throws ScenarioException {
    if (c.peek() == null || !c.peek().is("|")) {
      return first.kind() == Kind.INT ? new Arg.Int(first) : new Arg.Name(first);
    }
    List<Token> terms = new ArrayList<>(List.of(first));
    while (c.peek() != null && c.peek().is("|")) {
      c.next();
      Token t = c.next();
      if (t == null || (t.kind() != Kind.IDENT && t.kind() != Kind.INT)) {
        throw c.expected(t, "a constant or a number after `|`");
      }
      terms.add(t);
    }
    return new Arg.Flags(terms);
  }

  private Arg array(Token open, Cursor c) throws ScenarioException {
    List<Arg> items = new ArrayList<>();
    if (c.peek() != null && c.peek().is("]")) {
      c.next();
      return new Arg.Array(open, items);
    }
    while (true) {
      items.add(arg(c, false));
      Token t = c.next();
      if (t != null && t.is(",")) {
        continue;
      }
      if (t != null && t.is("]")) {
        return new Arg.Array(open, items);
      }
      throw c.expected(t, "`,` or `]`");
    }
  }

  private Arg struct(Token open, Cursor c) throws ScenarioException {
    List<Arg.Field> fields = new ArrayList<>();
    if (c.peek() != null && c.peek().is("}")) {
      c.next();
      return new Arg.Struct(open, fields);
    }
    while (true) {
      Token field = c.expect(Kind.IDENT, "a field name");
      c.expectPunct(":", "after the field name `" + field.text() + "`");
      fields.add(new Arg.Field(field, arg(c, false)));
      Token t = c.next();
      if (t != null && t.is(",")) {
        continue;
      }
      if (t != null && t.is("}")) {
        return new Arg.Struct(open, fields);
      }
      throw c.expected(t, "`,` or `}`");
    }
  }

  // ==== setup commands ====

  private void setupCommand(Token cmd, Cursor c) throws ScenarioException {
    String shown = cmd.text() + " " + c.rest();
    switch (cmd.text()) {
      case "image" -> {
        String path = word(c, "a path for the image file (e.g. /img)");
        Token size = c.expect(Kind.INT, "the image's size (e.g. 64K)");
        if (size.longValue() < 0) {
          throw src.error(size, "expected a size of 0 or more, found " + size.shown());
        }
        c.expectEnd();
        apply(cmd, () -> boot.image(path, size.longValue()));
        String v = hiddenVar();
        emit(shown, "img = open(" + quote(path) + ", O_RDWR|O_CREAT)", v,
            Syscalls.open(path, Uapi.O_RDWR | Uapi.O_CREAT));
        emit(shown, "ftruncate(img, " + size.longValue() + ")", null, Syscalls.ftruncate(v, size.longValue()));
        emit(shown, "close(img)", null, Syscalls.close(v));
      }
      case "losetup" -> {
        String dev = word(c, "a loop device (e.g. /dev/loop0)");
        String path = word(c, "a backing file (e.g. /img)");
        boolean ro = false;
        Token t = c.next();
        if (t != null) {
          if (!t.isIdent("ro")) {
            throw c.expected(t, "`ro` or the end of the line");
          }
          ro = true;
          c.expectEnd();
        }
        boolean readOnly = ro;
        apply(cmd, () -> boot.losetup(dev, path, readOnly));
        String b = hiddenVar();
        String d = hiddenVar();
        String mode = ro ? "O_RDONLY" : "O_RDWR";
        emit(shown, "file = open(" + quote(path) + ", " + mode + ")", b,
            Syscalls.open(path, ro ? Uapi.O_RDONLY : Uapi.O_RDWR));
        emit(shown, "dev = open(" + quote(dev) + ", O_RDWR)", d, Syscalls.open(dev, Uapi.O_RDWR));
        emit(shown, "ioctl(dev, LOOP_SET_FD, file)", null, Syscalls.ioctlFd(d, LoopIoctl.LOOP_SET_FD, b));
        emit(shown, "close(dev)", null, Syscalls.close(d));
        emit(shown, "close(file)", null, Syscalls.close(b));
      }
      case "mkfs.ext4" -> {
        String dev = word(c, "a loop device (e.g. /dev/loop0)");
        c.expectEnd();
        apply(cmd, () -> boot.mkfs(dev));
        emit(shown, null, null, Syscalls.mkfsExt4(dev));
      }
      case "file" -> {
        String path = word(c, "a path for the file (e.g. /seed.txt)");
        Token data = c.expect(Kind.STRING, "the file's contents as a quoted string");
        c.expectEnd();
        apply(cmd, () -> boot.file(path, data.string().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        String v = hiddenVar();
        emit(shown, "fd = open(" + quote(path) + ", O_WRONLY|O_CREAT|O_TRUNC)", v,
            Syscalls.open(path, Uapi.O_WRONLY | Uapi.O_CREAT | Uapi.O_TRUNC));
        emit(shown, "write(fd, " + data.text() + ")", null, Syscalls.write(v, data.string()));
        emit(shown, "close(fd)", null, Syscalls.close(v));
      }
      case "mkdir" -> {
        String path = word(c, "a directory path (e.g. /data)");
        c.expectEnd();
        apply(cmd, () -> boot.mkdir(path));
        emit(shown, null, null, Syscalls.mkdir(path));
      }
      default -> throw new IllegalStateException(cmd.text());
    }
  }

  /**
   * While the setup block is still leading setup commands, applies one to the boot state; one that
   * cannot apply (setup runs alone, so this is known now) is an error at the command. After a syscall
   * statement the setup hart runs the command, and its errors are its calls' results.
   */
  private void apply(Token cmd, java.util.function.Supplier<String> command) throws ScenarioException {
    if (!bootPrefix) {
      return;
    }
    String whyNot = command.get();
    if (whyNot != null) {
      throw src.error(cmd, "`" + cmd.text() + "` cannot run: " + whyNot);
    }
  }

  /** A variable no statement can name (not an identifier), for a setup command's own fds. */
  private String hiddenVar() {
    return "setup#" + hidden++;
  }

  /**
   * One syscall a setup command stands for ({@code syscall} null: the command is one statement): while
   * the setup block is still leading setup commands, its text for the oracles (the kernel boots into
   * what it leaves); after a syscall statement, a statement the setup hart runs.
   */
  private void emit(String command, String syscall, String var, Stmt s) {
    String text = syscall == null ? command : command + ": " + syscall;
    Stmt stmt = new Stmt(text, var, s.call());
    if (bootPrefix) {
      bootStmts.add(stmt);
    } else {
      stmts.add(stmt);
    }
  }

  private String word(Cursor c, String what) throws ScenarioException {
    Token t = c.next();
    if (t != null && (t.kind() == Kind.PATH || t.kind() == Kind.STRING)) {
      return t.kind() == Kind.PATH ? t.text() : t.string();
    }
    throw c.expected(t, what);
  }

  /** A string as C writes it. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (ch < 0x20 || ch == 0x7F) {
            sb.append(String.format("\\x%02x", (int) ch));
          } else {
            sb.append(ch);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  // ==== the tokens of one line ====

  private final class Cursor {
    final List<Token> toks;
    final String raw;
    final int line;
    int i;

    Cursor(List<Token> toks, String raw, int line) {
      this.toks = toks;
      this.raw = raw;
      this.line = line;
    }

    Token peek() {
      return i < toks.size() ? toks.get(i) : null;
    }

    Token next() {
      return i < toks.size() ? toks.get(i++) : null;
    }

    /** The column just after the last token (where "end of line" is). */
    int endCol() {
      if (toks.isEmpty()) {
        return 1;
      }
      Token last = toks.get(toks.size() - 1);
      return last.col() + last.text().length();
    }

    /** The rest of the line's tokens as written, spaced. */
    String rest() {
      StringBuilder sb = new StringBuilder();
      for (int k = i; k < toks.size(); k++) {
        sb.append(k == i ? "" : " ").append(toks.get(k).text());
      }
      return sb.toString();
    }

    ScenarioException expected(Token got, String what) {
      if (got == null) {
        return src.error(line, endCol(), "expected " + what + ", found end of line");
      }
      return src.error(got, "expected " + what + ", found " + got.shown());
    }

    Token expect(Kind kind, String what) throws ScenarioException {
      Token t = next();
      if (t == null || t.kind() != kind) {
        throw expected(t, what);
      }
      return t;
    }

    void expectPunct(String p, String where) throws ScenarioException {
      Token t = next();
      if (t == null || !t.is(p)) {
        throw expected(t, "`" + p + "` " + where);
      }
    }

    void expectEnd() throws ScenarioException {
      Token t = next();
      if (t != null) {
        throw expected(t, "end of line");
      }
    }
  }
}
