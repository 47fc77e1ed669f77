package kernsim.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.TreeSet;
import java.util.regex.Pattern;
import kernsim.actors.EventLog;
import kernsim.actors.Summaries;

/**
 * Interleavings as tables that fit a width (120 columns by default, as long as every column can keep
 * {@value #MIN_COLUMN} characters; cells wrap):
 *
 * <ul>
 *   <li>{@link #calls}: a run call by call, one column per racing hart, one row per switch between harts
 *       (the report's minimal interleaving);
 *   <li>{@link #render}: an event log step by step, one column per actor key (sorted), one row per step,
 *       each step's summary in the column of the actor that took it.
 * </ul>
 */
final class InterleavingTable {
  static final int WIDTH = 120;
  static final int MAX_ROWS = 200;
  private static final int MIN_COLUMN = 10;
  private static final String SEP = " | ";
  private static final String WORLD = "world";
  private static final String WORLD_PREFIX = WORLD + "/";
  private static final Pattern WORLD_REF = Pattern.compile("(?<![\\w/.-])world/");

  private InterleavingTable() {}

  /** The table's lines, without a trailing newline, for at most {@code maxRows} steps. */
  static List<String> render(EventLog log, int width, int maxRows) {
    int steps = log.size();
    int rows = Math.min(steps, maxRows);
    TreeSet<String> keySet = new TreeSet<>();
    boolean timed = false;
    for (int i = 0; i < steps; i++) {
      keySet.add(log.actor(i));
      timed |= log.timeNanos(i) != 0;
    }
    List<String> keys = new ArrayList<>(keySet);
    // Every world actor's key starts with "world/": drop that prefix from headers and cells.
    boolean strip = keys.stream().allMatch(k -> k.equals(WORLD) || k.startsWith(WORLD_PREFIX) || k.startsWith("("));

    int n = keys.size();
    String[] headers = new String[n];
    for (int c = 0; c < n; c++) {
      String k = keys.get(c);
      headers[c] = strip && k.startsWith(WORLD_PREFIX) ? k.substring(WORLD_PREFIX.length()) : k;
    }
    int[] column = new int[rows];
    String[] cells = new String[rows];
    String[] times = new String[rows];
    for (int i = 0; i < rows; i++) {
      column[i] = keys.indexOf(log.actor(i));
      cells[i] = cell(log, i, strip);
      times[i] = Summaries.time(log.timeNanos(i));
    }

    int stepWidth = Math.max("step".length(), Integer.toString(Math.max(0, rows - 1)).length());
    int timeWidth = "time".length();
    for (int i = 0; i < rows && timed; i++) {
      timeWidth = Math.max(timeWidth, times[i].length());
    }
    int[] natural = new int[n];
    for (int c = 0; c < n; c++) {
      natural[c] = Math.max(headers[c].length(), 1);
    }
    for (int i = 0; i < rows; i++) {
      natural[column[i]] = Math.max(natural[column[i]], cells[i].length());
    }
    int fixed = stepWidth + (timed ? SEP.length() + timeWidth : 0) + n * SEP.length();
    int[] widths = fit(natural, width - fixed);

    List<String> out = new ArrayList<>();
    emit(out, "step", timed ? "time" : null, stepWidth, timeWidth, headers, widths);
    StringBuilder rule = new StringBuilder("-".repeat(stepWidth));
    if (timed) {
      rule.append("-+-").append("-".repeat(timeWidth));
    }
    for (int w : widths) {
      rule.append("-+-").append("-".repeat(w));
    }
    out.add(rule.toString());
    for (int i = 0; i < rows; i++) {
      String[] row = new String[n];
      row[column[i]] = cells[i];
      emit(out, Integer.toString(i), timed ? times[i] : null, stepWidth, timeWidth, row, widths);
    }
    if (steps > rows) {
      out.add("... " + (steps - rows) + " more steps not shown (" + steps + " in all)");
    }
    return out;
  }

  /**
   * The minimal interleaving of a run, call by call: one column per racing hart (setup, which runs
   * before them, is left out), one row per switch between harts. A row holds the consecutive starts and
   * ends of one hart's calls, labelled with the steps they happened in: {@code text = result} for a call
   * that started and returned within the row, {@code text …} for one that returned later (or never),
   * and {@code … = result} for the return of one started in an earlier row.
   */
  static List<String> calls(Timeline timeline, int width, int maxRows) {
    List<String> keys = timeline.racing().stream().map(Timeline.Hart::key).toList();
    List<Timeline.Event> events = timeline.events().stream().filter(e -> keys.contains(e.hart())).toList();
    return grouped(timeline, events, Timeline.Event::hart, Timeline.Event::step, InterleavingTable::describe,
        width, maxRows);
  }

  /**
   * The interleaving at the level of the source's regions: one column per racing hart, one row per switch
   * between harts, each row the regions (consecutive repeats once) that the hart's steps ran, its own and
   * its requests' at their owners ({@link StepView.Row#hart}), labelled with the steps they took.
   */
  static List<String> regions(StepView view, Timeline timeline, int width, int maxRows) {
    List<String> keys = timeline.racing().stream().map(Timeline.Hart::key).toList();
    List<StepView.Row> rows = view.rows().stream()
        .filter(r -> r.hart() != null && r.regionName() != null && keys.contains(r.hart())).toList();
    return grouped(timeline, rows, StepView.Row::hart, StepView.Row::step, group -> {
      List<String> names = new ArrayList<>();
      for (StepView.Row g : group) {
        if (names.isEmpty() || !names.get(names.size() - 1).equals(g.regionName())) {
          names.add(g.regionName());
        }
      }
      return names;
    }, width, maxRows);
  }

  /**
   * One column per racing hart, one row per run of consecutive {@code things} of one hart (at most
   * {@code maxRows} shown), labelled with the steps they span and holding what {@code describe} makes of them.
   */
  private static <T> List<String> grouped(Timeline timeline, List<T> things, Function<T, String> hartOf,
      ToIntFunction<T> stepOf, Function<List<T>, List<String>> describe, int width, int maxRows) {
    List<Timeline.Hart> harts = timeline.racing();
    List<String> keys = harts.stream().map(Timeline.Hart::key).toList();
    String[] headers = harts.stream().map(Timeline.Hart::name).toArray(String[]::new);
    List<String> labels = new ArrayList<>();
    List<Integer> columns = new ArrayList<>();
    List<List<String>> items = new ArrayList<>();
    int total = 0;
    List<T> group = new ArrayList<>();
    for (int i = 0; i <= things.size(); i++) {
      T t = i < things.size() ? things.get(i) : null;
      if (!group.isEmpty() && (t == null || !hartOf.apply(t).equals(hartOf.apply(group.get(0))))) {
        total++;
        if (labels.size() < maxRows) {
          int from = stepOf.applyAsInt(group.get(0));
          int to = stepOf.applyAsInt(group.get(group.size() - 1));
          labels.add(from == to ? Integer.toString(from) : from + "-" + to);
          columns.add(keys.indexOf(hartOf.apply(group.get(0))));
          items.add(describe.apply(List.copyOf(group)));
        }
        group.clear();
      }
      if (t != null) {
        group.add(t);
      }
    }
    return layout(headers, labels, columns, items, total, width);
  }

  /**
   * The table itself: a header row of {@code headers}, a rule, and one row per label, its items in the column
   * {@code columns} names, each column as wide as it needs within {@code width}; a last line when {@code total}
   * rows were more than the labels shown.
   */
  private static List<String> layout(String[] headers, List<String> labels, List<Integer> columns,
      List<List<String>> items, int total, int width) {
    int n = headers.length;
    int stepWidth = "steps".length();
    for (String l : labels) {
      stepWidth = Math.max(stepWidth, l.length());
    }
    int[] natural = new int[n];
    for (int c = 0; c < n; c++) {
      natural[c] = Math.max(headers[c].length(), 1);
    }
    for (int r = 0; r < labels.size(); r++) {
      for (String item : items.get(r)) {
        natural[columns.get(r)] = Math.max(natural[columns.get(r)], item.length());
      }
    }
    int[] widths = fit(natural, width - stepWidth - n * SEP.length());
    List<String> out = new ArrayList<>();
    emit(out, "steps", null, stepWidth, 0, headers, widths);
    StringBuilder rule = new StringBuilder("-".repeat(stepWidth));
    for (int w : widths) {
      rule.append("-+-").append("-".repeat(w));
    }
    out.add(rule.toString());
    for (int r = 0; r < labels.size(); r++) {
      List<List<String>> row = new ArrayList<>();
      for (int c = 0; c < n; c++) {
        row.add(c == columns.get(r) ? items.get(r) : List.of());
      }
      emitItems(out, labels.get(r), null, stepWidth, 0, row, widths);
    }
    if (total > labels.size()) {
      out.add("... " + (total - labels.size()) + " more rows not shown (" + total + " in all)");
    }
    return out;
  }

  private static List<String> describe(List<Timeline.Event> group) {
    List<String> out = new ArrayList<>();
    // The calls that start and that return in the group (a search of the group per event was quadratic: one hart
    // of 100,000 calls is one group). Identity sets: a call is the one object both its events hold.
    java.util.Set<Timeline.Call> started = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    java.util.Set<Timeline.Call> returns = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Timeline.Event x : group) {
      (x.start() ? started : returns).add(x.call());
    }
    for (Timeline.Event e : group) {
      Timeline.Call c = e.call();
      boolean endsHere = c.returned() && returns.contains(c);
      if (e.start()) {
        out.add(endsHere ? c.text() + " = " + Timeline.result(c.result()) : c.text() + " \u2026");
      } else if (!started.contains(c)) {
        out.add("\u2026 = " + Timeline.result(c.result()));
      }
    }
    return out;
  }

  /**
   * The step's type and summary: its log line without the step number, time and actor, a little
   * shortened for the table: system messages in brackets ({@code system Create then Read Read(…)}
   * becomes {@code [Create] Read(…)}), enum messages as {@code Type.NAME}, and, when {@code strip},
   * references to world actors without {@code world/}.
   */
  static String cell(EventLog log, int i, boolean strip) {
    Object m = log.message(i);
    String s = m instanceof Summaries.SystemMessages sys
        ? "[" + String.join(",", sys.kinds()) + "]" + (sys.next() == null ? "" : " " + show(sys.next()))
        : show(m);
    return strip ? WORLD_REF.matcher(s).replaceAll("") : s;
  }

  /** A message as a cell: records render with their type already, enums as Type.NAME. */
  private static String show(Object m) {
    if (m instanceof Enum<?> e) {
      return e.getDeclaringClass().getSimpleName() + "." + e.name();
    }
    if (m instanceof Record) {
      return Summaries.render(m);
    }
    return Summaries.type(m) + " " + Summaries.render(m);
  }

  /**
   * Column widths within {@code budget}: the natural widths if they fit, otherwise the widest columns
   * are cut to a common cap (never below {@value #MIN_COLUMN}).
   */
  static int[] fit(int[] natural, int budget) {
    int sum = Arrays.stream(natural).sum();
    if (sum <= budget) {
      return natural.clone();
    }
    int cap = Arrays.stream(natural).max().orElse(MIN_COLUMN);
    while (cap > MIN_COLUMN) {
      int total = 0;
      for (int w : natural) {
        total += Math.min(w, cap);
      }
      if (total <= budget) {
        break;
      }
      cap--;
    }
    int[] widths = new int[natural.length];
    for (int c = 0; c < natural.length; c++) {
      widths[c] = Math.min(natural[c], cap);
    }
    return widths;
  }

  private static void emit(
      List<String> out, String step, String time, int stepWidth, int timeWidth, String[] row, int[] widths) {
    List<List<String>> items = new ArrayList<>(row.length);
    for (String cell : row) {
      items.add(cell == null ? List.of() : List.of(cell));
    }
    emitItems(out, step, time, stepWidth, timeWidth, items, widths);
  }

  /** One row whose cells hold several items each, every item wrapped on its own lines. */
  private static void emitItems(List<String> out, String step, String time, int stepWidth, int timeWidth,
      List<List<String>> row, int[] widths) {
    List<List<String>> wrapped = new ArrayList<>(row.size());
    int height = 1;
    for (int c = 0; c < row.size(); c++) {
      List<String> w = new ArrayList<>();
      for (String item : row.get(c)) {
        w.addAll(wrap(item, widths[c]));
      }
      wrapped.add(w);
      height = Math.max(height, w.size());
    }
    for (int l = 0; l < height; l++) {
      StringBuilder b = new StringBuilder();
      b.append(pad(l == 0 ? step : "", stepWidth, true));
      if (time != null) {
        b.append(SEP).append(pad(l == 0 ? time : "", timeWidth, true));
      }
      for (int c = 0; c < row.size(); c++) {
        List<String> w = wrapped.get(c);
        b.append(SEP).append(pad(l < w.size() ? w.get(l) : "", widths[c], false));
      }
      out.add(b.toString().stripTrailing());
    }
  }

  /**
   * Greedy wrapping to {@code width}: preferably after a ", " in the line's second half, else at the
   * last space, else after a comma or an opening parenthesis; a word longer than the width is split.
   */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    String rest = text;
    while (rest.length() > width) {
      int cut = rest.lastIndexOf(", ", width - 1) + 1; // keep the comma
      if (cut < width / 2) {
        cut = rest.lastIndexOf(' ', width);
      }
      if (cut <= 0) {
        for (int i = width; i > 0 && cut <= 0; i--) {
          char before = rest.charAt(i - 1);
          if (before == ',' || before == '(') {
            cut = i;
          }
        }
      }
      if (cut <= 0) {
        cut = width;
      }
      lines.add(rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).stripLeading();
    }
    if (!rest.isEmpty() || lines.isEmpty()) {
      lines.add(rest);
    }
    return lines;
  }

  private static String pad(String s, int width, boolean right) {
    if (s.length() >= width) {
      return s;
    }
    String spaces = " ".repeat(width - s.length());
    return right ? spaces + s : s + spaces;
  }
}
