package kernsim.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.actors.Failure;
import kernsim.actors.RunResult;
import kernsim.actors.Summaries;
import net.sourceforge.plantuml.FileFormat;
import net.sourceforge.plantuml.FileFormatOption;
import net.sourceforge.plantuml.SourceStringReader;

/**
 * {@code --html FILE}: one self-contained page of a run (no script, no file or network it loads): the
 * verdict, the replay command, the per-hart timeline and the interleaving tables, a sequence diagram (one
 * lane per actor, each step's message an arrow, a hart's held locks as activation bars, the violation
 * marked) drawn by PlantUML as SVG and inlined, and the step view.
 *
 * <p>Long runs stay readable: the steps that are part of the failure (from the start of the failing hart's
 * call in progress to the failing step, of the harts' own and their requests' steps) are shown; the others
 * are folded in {@code <details>} elements, one click away. The diagram draws at most {@value #MAX_DIAGRAM}
 * of the failure's steps, the last ones.
 */
final class HtmlPage {
  static final int MAX_DIAGRAM = 400;
  /** Without a failure, runs up to this many steps are shown unfolded. */
  static final int OPEN_WITHOUT_FAILURE = 300;
  private static final Pattern LOCKS = Pattern.compile("\\(([^()]*) locks?\\)");
  private static final Pattern HELD = Pattern.compile("\\[([^\\[\\]]*) held\\]");

  private HtmlPage() {}

  /** Writes the page to {@code file}; a file that cannot be written is the user's mistake. */
  static void write(Path file, String command, Report.Context c, RunResult r, Timeline t, StepView steps,
      String replay) {
    String page = render(command, c, r, t, steps, replay);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, page, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Main.UserError("cannot write the page " + file + ": " + Main.describe(e), e);
    }
  }

  /** The first step that is part of the failure, or -1 when the run did not fail. */
  static int windowStart(RunResult r, Timeline t, StepView steps) {
    Optional<Failure> f = r.failure();
    if (f.isEmpty()) {
      return -1;
    }
    int at = f.get().step();
    String hart = null;
    if (at >= 0 && at < steps.rows().size()) {
      hart = steps.rows().get(at).hart();
    }
    int start = Integer.MAX_VALUE;
    for (Timeline.Hart h : t.harts()) {
      if (hart != null && !h.key().equals(hart)) {
        continue;
      }
      for (Timeline.Call call : h.calls()) {
        if (call.startStep() <= at && (!call.returned() || call.endStep() >= at)) {
          start = Math.min(start, call.startStep());
        }
      }
    }
    return start == Integer.MAX_VALUE ? 0 : start;
  }

  /** Whether {@code row} is part of the failure: in the failing call's window (or a short run without failure). */
  private static boolean inWindow(StepView.Row row, int from, int to, int total) {
    if (from < 0) {
      return total <= OPEN_WITHOUT_FAILURE;
    }
    return row.step() >= from && row.step() <= to;
  }

  /**
   * Which rows are shown unfolded: those in the window, less runs of at least {@value #FOLD_RUN} steps of no
   * hart's (system messages, timers) inside it.
   */
  static boolean[] shown(List<StepView.Row> rows, int from, int to) {
    boolean[] open = new boolean[rows.size()];
    int first = from < 0 ? 0 : Math.max(from, to - MAX_OPEN + 1); // a long window: its last steps
    for (int i = 0; i < rows.size(); i++) {
      open[i] = inWindow(rows.get(i), from, to, rows.size()) && rows.get(i).step() >= first;
    }
    int i = 0;
    while (i < rows.size()) {
      int j = i;
      while (j < rows.size() && rows.get(j).hart() == null) {
        j++;
      }
      if (j - i >= FOLD_RUN) {
        for (int k = i; k < j; k++) {
          open[k] = false;
        }
      }
      i = Math.max(j, i + 1);
    }
    return open;
  }

  static final int FOLD_RUN = 8;
  /** At most this many of the window's steps, its last, are shown unfolded. */
  static final int MAX_OPEN = 500;
  /** A folded group holds at most this many steps; longer runs of folded steps are several groups. */
  static final int FOLD_CHUNK = 1000;
  /** The page lists at most this many steps, those up to the failure (the step view has them all). */
  static final int MAX_ROWS = 20_000;

  static String render(String command, Report.Context c, RunResult r, Timeline t, StepView steps, String replay) {
    Optional<Failure> failure = r.failure();
    int failStep = failure.map(Failure::step).orElse(-1);
    int from = windowStart(r, t, steps);
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(c.scenario().name() + " \u2014 " + (failure.isPresent() ? "FAILED" : "ok") + " \u2014 kernsim"))
        .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    b.append("<h1>").append(esc(c.scenario().name())).append(" <small>").append(esc(c.scenario().title()))
        .append("</small></h1>\n<p class=\"command\"><code>").append(esc(command)).append("</code></p>\n");

    b.append("<section id=\"verdict\" class=\"").append(failure.isPresent() ? "failed" : "ok").append("\">\n")
        .append("<h2>Verdict</h2>\n<pre>");
    for (String line : Report.verdict(r, c.settings())) {
      b.append(esc(line)).append('\n');
    }
    b.append('\n');
    for (String line : Report.scenario(c.scenario(), c.settings())) {
      b.append(esc(line)).append('\n');
    }
    b.append(esc(Report.schedule(c))).append('\n');
    b.append("event-log hash: ").append(esc(r.eventLogHash())).append("</pre>\n</section>\n");

    b.append("<section id=\"replay\">\n<h2>Replay</h2>\n");
    if (replay == null) {
      b.append("<p>This run did not fail; nothing to replay.</p>\n");
    } else {
      b.append("<pre class=\"cmd\">").append(esc(replay)).append("</pre>\n");
    }
    b.append("</section>\n");

    b.append("<section id=\"timeline\">\n<h2>Timeline</h2>\n<p>Each hart's calls, with the steps each started and"
        + " returned in.</p>\n<table class=\"timeline\">\n<tr><th>hart</th><th>steps</th><th>call</th>"
        + "<th>result</th></tr>\n");
    for (Timeline.Hart h : t.harts()) {
      boolean first = true;
      for (Timeline.Call call : h.calls()) {
        boolean failing = failStep >= 0 && call.startStep() <= failStep && (!call.returned() || call.endStep() >= failStep)
            && h.key().equals(hartAt(steps, failStep));
        b.append("<tr").append(failing ? " class=\"failing\"" : "").append("><td>").append(first ? esc(h.name()) : "")
            .append("</td><td class=\"num\">").append(call.startStep()).append('\u2013')
            .append(call.returned() ? Integer.toString(call.endStep()) : "").append("</td><td><code>")
            .append(esc(call.text())).append("</code></td><td>")
            .append(call.returned() ? esc(Timeline.result(call.result())) : "<em>had not returned</em>")
            .append("</td></tr>\n");
        first = false;
      }
    }
    b.append("</table>\n");
    List<String> byRegion = Report.interleaving(t, r, steps);
    if (!byRegion.isEmpty()) {
      b.append("<details open><summary>Interleaving by region</summary>\n<pre>");
      byRegion.forEach(l -> b.append(esc(l)).append('\n'));
      b.append("</pre></details>\n<details><summary>Interleaving by call</summary>\n<pre>");
      Report.interleaving(t, r).forEach(l -> b.append(esc(l)).append('\n'));
      b.append("</pre></details>\n");
    }
    b.append("</section>\n");

    boolean[] open = shown(steps.rows(), from, failStep);
    List<StepView.Row> window = new ArrayList<>();
    for (StepView.Row row : steps.rows()) {
      if (open[row.step()] && row.hart() != null) {
        window.add(row);
      }
    }
    int cut = Math.max(0, window.size() - MAX_DIAGRAM);
    b.append("<section id=\"sequence\">\n<h2>Sequence diagram</h2>\n<p>One lane per actor; each step's message"
        + " an arrow (a request from the hart it serves, a reply back); a bar on a hart's lane while it holds a"
        + " sleeping lock; the arrow and note in red are the step the failure was detected in. ");
    List<StepView.Row> drawn = window.subList(cut, window.size());
    if (from >= 0) {
      b.append("The harts' steps ").append(drawn.isEmpty() ? from : drawn.get(0).step()).append('\u2013')
          .append(failStep).append(" (the failing hart's call in progress started in step ").append(from).append(')');
    } else {
      b.append("The harts' steps");
    }
    if (cut > 0) {
      b.append(", the last ").append(MAX_DIAGRAM).append(" (").append(cut).append(" earlier ones are in the step view)");
    }
    b.append(".</p>\n<div class=\"diagram\">\n").append(svg(sequence(drawn, t,
        failure.orElse(null)))).append("\n</div>\n</section>\n");

    b.append("<section id=\"steps\">\n<h2>Steps</h2>\n<p>Every step: virtual time, the actor that took it, the"
        + " message, the hart it served and the source's region it stands for.");
    if (from >= 0) {
      b.append(" Shown: the steps from the start of the failing hart's call in progress (step ").append(from)
          .append("; at most its last ").append(MAX_OPEN).append(") to the failure; the others, and runs of ")
          .append(FOLD_RUN).append(" or more steps of no hart, are folded, one click away.");
    }
    b.append("</p>\n");
    List<StepView.Row> all = steps.rows();
    int end = failStep >= 0 ? Math.min(all.size(), failStep + 1 + MAX_OPEN) : all.size();
    int begin = Math.max(0, end - MAX_ROWS);
    if (begin > 0 || end < all.size()) {
      b.append("<p class=\"omitted\">This page lists steps ").append(begin).append('\u2013').append(end - 1)
          .append(" of ").append(all.size()).append("; for the others: <code>").append(esc(replay == null
              ? "kernsim run \u2026 --steps-range A..B" : "\u2026 --steps-range A..B"))
          .append("</code> (the step view, with the same filters).</p>\n");
    }
    List<StepView.Row> group = new ArrayList<>();
    for (int i = begin; i < end; i++) {
      if (!group.isEmpty() && (open[i] != open[i - 1] || !open[i] && group.size() >= FOLD_CHUNK)) {
        steps(b, group, open[i - 1], failStep);
        group.clear();
      }
      group.add(all.get(i));
    }
    if (!group.isEmpty()) {
      steps(b, group, open[end - 1], failStep);
    }
    b.append("</section>\n</body>\n</html>\n");
    return b.toString();
  }

  private static String hartAt(StepView steps, int step) {
    return step >= 0 && step < steps.rows().size() ? steps.rows().get(step).hart() : null;
  }

  private static void steps(StringBuilder b, List<StepView.Row> rows, boolean open, int failStep) {
    if (!open) {
      int first = rows.get(0).step();
      int last = rows.get(rows.size() - 1).step();
      b.append("<details class=\"folded\"><summary>").append(rows.size() == 1 ? "step " + first
          : "steps " + first + "\u2013" + last + " (" + rows.size() + ")").append(", not part of the failure</summary>\n");
    }
    b.append("<table class=\"steps\">\n<colgroup><col class=\"c-step\"><col class=\"c-time\"><col class=\"c-actor\">"
        + "<col class=\"c-msg\"><col class=\"c-hart\"><col class=\"c-region\"></colgroup>\n"
        + "<tr><th>step</th><th>time</th><th>actor</th><th>message</th><th>hart</th><th>region</th></tr>\n");
    for (StepView.Row r : rows) {
      b.append("<tr").append(r.step() == failStep ? " class=\"failing\" id=\"failing-step\""
              : r.hart() == null ? " class=\"other\"" : "")
          .append("><td class=\"num\">").append(r.step()).append("</td><td>").append(esc(Summaries.time(r.nanos())))
          .append("</td><td>").append(esc(StepView.short_(r.actor()))).append("</td><td><code>")
          .append(esc(abbreviate(r.message(), 120))).append("</code></td><td>")
          .append(r.hart() == null ? "" : esc(StepView.short_(r.hart()))).append("</td><td>")
          .append(r.region() == null ? "" : esc(r.region())).append("</td></tr>\n");
    }
    b.append("</table>\n");
    if (!open) {
      b.append("</details>\n");
    }
  }

  /** The PlantUML source of the sequence diagram of {@code rows}. */
  static String sequence(List<StepView.Row> rows, Timeline t, Failure failure) {
    Map<String, String> alias = new LinkedHashMap<>();
    for (Timeline.Hart h : t.harts()) {
      if (rows.stream().anyMatch(r -> r.actor().equals(h.key()) || h.key().equals(r.hart()))) {
        alias.put(h.key(), "A" + alias.size());
      }
    }
    for (StepView.Row r : rows) {
      alias.putIfAbsent(r.actor(), "A" + alias.size());
    }
    StringBuilder u = new StringBuilder("@startuml\nhide footbox\nskinparam shadowing false\n"
        + "skinparam defaultFontName Monospaced\nskinparam defaultFontSize 11\nskinparam sequenceMessageAlign left\n"
        + "skinparam responseMessageBelowArrow true\n");
    for (Map.Entry<String, String> e : alias.entrySet()) {
      boolean hart = t.harts().stream().anyMatch(h -> h.key().equals(e.getKey()));
      u.append(hart ? "participant \"" : "participant \"").append(label(StepView.short_(e.getKey()))).append("\" as ")
          .append(e.getValue()).append(hart ? " #E8F0FF" : "").append('\n');
    }
    Map<String, String> lastServer = new LinkedHashMap<>();
    Map<String, Integer> depth = new LinkedHashMap<>();
    Map<String, String> lastRegion = new LinkedHashMap<>();
    for (StepView.Row r : rows) {
      boolean failing = failure != null && r.step() == failure.step();
      String arrow = failing ? " -[#red]> " : " -> ";
      String to = alias.get(r.actor());
      String hart = r.hart();
      if (r.actor().equals(hart)) {
        String from = lastServer.get(hart);
        String text = r.step() + " " + shortType(r);
        if (from == null || from.equals(r.actor())) {
          u.append("[").append(arrow.strip()).append(' ').append(to).append(" : ").append(label(text)).append('\n');
        } else {
          u.append(alias.get(from)).append(failing ? " -[#red]-> " : " --> ").append(to).append(" : ")
              .append(label(text)).append('\n');
        }
        int locks = locks(r.regionName());
        int had = depth.getOrDefault(hart, 0);
        for (int i = had; i < locks; i++) {
          u.append("activate ").append(to).append(" #FFD37F\n");
        }
        for (int i = locks; i < had; i++) {
          u.append("deactivate ").append(to).append('\n');
        }
        depth.put(hart, locks);
      } else {
        String text = r.step() + " " + shortType(r);
        String region = r.regionName();
        if (region != null && !region.equals(lastRegion.get(hart))) {
          text += "\\n<size:9>" + region + "</size>";
          lastRegion.put(hart, region);
        }
        u.append(alias.get(hart)).append(arrow).append(to).append(" : ").append(label(text)).append('\n');
        lastServer.put(hart, r.actor());
      }
      if (failing) {
        u.append("note over ").append(to).append(" #FFB0B0\n").append(label("step " + failure.step() + ": "
            + failure.kind() + (Report.oracle(failure) == null ? "" : " [" + Report.oracle(failure) + "]")))
            .append('\n');
        for (String line : InterleavingTable.wrap(Report.message(failure), 60)) {
          u.append(label(line)).append('\n');
        }
        u.append("end note\n");
      }
    }
    if (failure != null && rows.stream().noneMatch(r -> r.step() == failure.step()) && !alias.isEmpty()) {
      u.append("note across #FFB0B0\n").append(label(failure.kind() + ": " + Report.message(failure))).append("\nend note\n");
    }
    u.append("@enduml\n");
    return u.toString();
  }

  /** The message's type; for system messages first ({@code [Create] LockCtx(…)}), the message's after them. */
  private static String shortType(StepView.Row r) {
    String m = r.message();
    if (m.startsWith("[")) {
      int close = m.indexOf("] ");
      if (close < 0) {
        return m;
      }
      String rest = m.substring(close + 2);
      int paren = rest.indexOf('(');
      return m.substring(0, close + 1) + " " + (paren < 0 ? rest : rest.substring(0, paren));
    }
    return r.type();
  }

  /** How many sleeping locks a region name says are held: its own and its callers'. */
  static int locks(String region) {
    if (region == null) {
      return 0;
    }
    int n = 0;
    Matcher m = LOCKS.matcher(region);
    if (m.find()) {
      n += m.group(1).split(", ").length;
    }
    Matcher h = HELD.matcher(region);
    if (h.find()) {
      n += h.group(1).split(", ").length;
    }
    return n;
  }

  /** {@code s} with what PlantUML would read as markup or a line end taken out. */
  private static String label(String s) {
    return s.replace("\n", " ").replace("\"", "'").replace("<size:9>", "\u0001").replace("</size>", "\u0002")
        .replace("<", "\u2039").replace(">", "\u203a").replace("\u0001", "<size:9>").replace("\u0002", "</size>");
  }

  /** The diagram as inline SVG (PlantUML, offline). */
  static String svg(String plantUml) {
    System.setProperty("java.awt.headless", "true");
    ByteArrayOutputStream os = new ByteArrayOutputStream();
    try {
      new SourceStringReader(plantUml).outputImage(os, new FileFormatOption(FileFormat.SVG, false));
    } catch (IOException e) {
      throw new IllegalStateException("PlantUML could not draw the diagram: " + e.getMessage(), e);
    }
    String s = os.toString(StandardCharsets.UTF_8);
    int at = s.indexOf("<svg");
    return at < 0 ? s : s.substring(at);
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }

  private static final String CSS = """
      body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1600px; }
      h1 small { font-weight: normal; color: #555; font-size: 0.6em; }
      pre, code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
      section { margin: 1.5em 0; }
      #verdict { border-left: 6px solid #2a2; padding: 0.2em 1em; background: #f3fbf3; }
      #verdict.failed { border-color: #c22; background: #fdf1f1; }
      pre.cmd { background: #f4f4f4; padding: 0.6em; }
      table { border-collapse: collapse; }
      th, td { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; vertical-align: top; }
      td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
      tr.failing { background: #ffd6d6; font-weight: bold; }
      table.steps { table-layout: fixed; width: 100%; }
      table.steps td { font-size: 12px; overflow-wrap: anywhere; }
      col.c-step { width: 4em; } col.c-time { width: 5em; } col.c-actor { width: 11em; }
      col.c-msg { width: 40%; } col.c-hart { width: 6em; }
      tr.other { color: #888; }
      details.folded { margin: 0.3em 0; color: #555; }
      details > summary { cursor: pointer; }
      .diagram { overflow-x: auto; border: 1px solid #ddd; padding: 0.5em; }
      """;
}
