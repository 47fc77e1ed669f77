package kernsim.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The experiment's tables, as Markdown (images linked) and as one self-contained HTML page (the plots'
 * PNGs inline, base64). Both say only what the rows say.
 */
public final class Pages {
  /** Where a generated part of a Markdown file begins and ends ({@code --doc}). */
  public static final String BEGIN = "<!-- BEGIN kernsim experiment: generated from results.csv, do not edit -->";
  public static final String END = "<!-- END kernsim experiment -->";

  private Pages() {}

  /** A table: a header and rows of cells. */
  record Table(List<String> header, List<List<String>> rows) {}

  static String summary(Analysis a, String title) {
    List<Row> rows = a.rows();
    double wall = rows.stream().mapToDouble(Row::wallSeconds).sum();
    long schedules = rows.stream().mapToLong(Row::schedules).sum();
    String budgets = String.join(", ", rows.stream().map(r -> Analysis.fmt(r.budget())).distinct().toList());
    String models = String.join(", ", rows.stream().map(Row::model).distinct().toList());
    return String.format(Locale.ROOT, "%s: %,d cells (%d races × %d strategies × %d seeds), at most %s schedules"
        + " per cell, model %s. %,d schedules explored; the cells' wall times add up to %.0f s.",
        title, rows.size(), a.groups().size(), a.strategies().size(), a.seeds().size(), budgets, models, schedules,
        wall);
  }

  /** Per race: each strategy's seeds found and median, the best, random's median, and the tenth. */
  static Table timeToBug(Analysis a) {
    List<String> h = new ArrayList<>(List.of("race"));
    h.addAll(a.strategies());
    h.addAll(List.of("best", "best's median", "random's median", "best ≤ 1/10 of random's?"));
    List<List<String>> rows = new ArrayList<>();
    for (Analysis.Group g : a.groups()) {
      List<String> r = new ArrayList<>(List.of(g.label()));
      for (String s : a.strategies()) {
        List<Row> cells = g.rows(s);
        r.add(cells.isEmpty() ? "—" : Analysis.found(cells) + "/" + cells.size() + ", "
            + Analysis.median(Analysis.median(cells), g.budget()));
      }
      Analysis.Best b = a.best(g);
      r.add(b.strategy() == null ? "—" : b.strategy());
      r.add(Analysis.median(b.median(), g.budget()));
      r.add(Analysis.median(b.randomMedian(), g.budget()));
      r.add(b.verdict());
      rows.add(r);
    }
    return new Table(h, rows);
  }

  /** Per race and strategy: each seed's failing schedule, and the oracles that objected. */
  static Table perSeed(Analysis a) {
    List<String> h = new ArrayList<>(List.of("race", "strategy"));
    a.seeds().forEach(s -> h.add("seed " + s));
    h.add("first failures");
    List<List<String>> rows = new ArrayList<>();
    for (Analysis.Group g : a.groups()) {
      for (String s : a.strategies()) {
        List<Row> cells = g.rows(s);
        if (cells.isEmpty()) {
          continue;
        }
        List<String> r = new ArrayList<>(List.of(g.label(), s));
        Map<String, Integer> oracles = new TreeMap<>();
        for (long seed : a.seeds()) {
          Row c = cells.stream().filter(x -> x.seed() == seed).findFirst().orElse(null);
          r.add(c == null ? "" : c.found() ? Analysis.fmt(c.schedule()) : "–");
          if (c != null && c.found()) {
            oracles.merge(c.oracle().isEmpty() ? c.kind() : c.oracle(), 1, Integer::sum);
          }
        }
        List<String> o = new ArrayList<>();
        oracles.forEach((k, v) -> o.add(k + " ×" + v));
        r.add(o.isEmpty() ? "none" : String.join(", ", o));
        rows.add(r);
      }
    }
    return new Table(h, rows);
  }

  /** Per race and strategy: the median schedules/s. */
  static Table speed(Analysis a) {
    List<String> h = new ArrayList<>(List.of("race"));
    h.addAll(a.strategies());
    List<List<String>> rows = new ArrayList<>();
    for (Analysis.Group g : a.groups()) {
      List<String> r = new ArrayList<>(List.of(g.label()));
      for (String s : a.strategies()) {
        double m = Analysis.medianRate(g.rows(s));
        r.add(Double.isNaN(m) ? "—" : String.format(Locale.ROOT, "%,.0f", m));
      }
      rows.add(r);
    }
    return new Table(h, rows);
  }

  /** The Markdown part: summary, tables, plots (linked at {@code images}, a path prefix ending in '/' or empty). */
  public static String markdown(Analysis a, Charts.Written plots, String title, String images) {
    StringBuilder sb = new StringBuilder();
    sb.append(summary(a, title)).append("\n\n");
    sb.append("### Time to bug\n\n");
    sb.append("Each strategy's column: the seeds that found a failure within the budget, of those run, and the"
        + " median schedules to the first failure over all the seeds (a seed that found none counts as more"
        + " than the budget, so the median is \"> budget\" when half the seeds or more found none).\n\n");
    md(sb, timeToBug(a));
    sb.append("\n### Per seed\n\nThe failing schedule of each seed (– none within the budget; blank: the"
        + " strategy does not run from that seed), and which oracles objected first.\n\n");
    md(sb, perSeed(a));
    sb.append("\n### Speed\n\nSchedules explored per second of wall time, median over the seeds (a cell that"
        + " finds its failure in a few schedules is mostly warm-up: these vary with the machine and its load).\n\n");
    md(sb, speed(a));
    sb.append("\n### Plots\n\n");
    List<Charts.Plot> all = new ArrayList<>(plots.timeToBug());
    all.addAll(plots.found());
    all.add(plots.speed());
    for (Charts.Plot p : all) {
      sb.append("![").append(p.caption()).append("](").append(images).append(p.name()).append(".png)\n(")
          .append("[SVG](").append(images).append(p.name()).append(".svg))\n\n");
    }
    return sb.toString();
  }

  private static void md(StringBuilder sb, Table t) {
    sb.append("| ").append(String.join(" | ", t.header().stream().map(Pages::mdCell).toList())).append(" |\n");
    sb.append("|").append("---|".repeat(t.header().size())).append('\n');
    for (List<String> r : t.rows()) {
      sb.append("| ").append(String.join(" | ", r.stream().map(Pages::mdCell).toList())).append(" |\n");
    }
  }

  private static String mdCell(String s) {
    return s.replace("|", "\\|");
  }

  /** The HTML page: the same tables, and every plot inline (its PNG, base64), read from {@code dir}. */
  public static String html(Analysis a, Charts.Written plots, String title, Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title))
        .append("</title>\n<style>body{font-family:sans-serif;max-width:80em;margin:2em auto;padding:0 1em}"
            + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.2em .5em;"
            + "text-align:left}th{background:#eee}figure{margin:1em 0}img{max-width:100%;height:auto}</style>"
            + "</head><body>\n");
    sb.append("<h1>").append(esc(title)).append("</h1>\n<p>").append(esc(summary(a, title))).append("</p>\n");
    sb.append("<h2>Time to bug</h2>\n<p>Each strategy's column: seeds that found a failure / seeds run, and the"
        + " median schedules to it over all seeds (none found counts as more than the budget).</p>\n");
    html(sb, timeToBug(a));
    sb.append("<h2>Per seed</h2>\n");
    html(sb, perSeed(a));
    sb.append("<h2>Speed</h2>\n<p>Median schedules per second of wall time.</p>\n");
    html(sb, speed(a));
    sb.append("<h2>Plots</h2>\n");
    List<Charts.Plot> all = new ArrayList<>(plots.timeToBug());
    all.addAll(plots.found());
    all.add(plots.speed());
    for (Charts.Plot p : all) {
      String png = java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(p.name() + ".png")));
      sb.append("<figure><img alt=\"").append(esc(p.caption())).append("\" src=\"data:image/png;base64,")
          .append(png).append("\"><figcaption>").append(esc(p.caption())).append("</figcaption></figure>\n");
    }
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static void html(StringBuilder sb, Table t) {
    sb.append("<table><tr>");
    t.header().forEach(h -> sb.append("<th>").append(esc(h)).append("</th>"));
    sb.append("</tr>\n");
    for (List<String> r : t.rows()) {
      sb.append("<tr>");
      r.forEach(c -> sb.append("<td>").append(esc(c)).append("</td>"));
      sb.append("</tr>\n");
    }
    sb.append("</table>\n");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /**
   * {@code doc} with the text between {@link #BEGIN} and {@link #END} replaced by {@code generated}.
   *
   * @throws IllegalArgumentException if {@code doc} has not both markers, in order
   */
  public static String splice(String doc, String generated) {
    return splice(doc, generated, null);
  }

  /**
   * The same for region {@code region} ({@code --doc-region}): between {@link #begin(String)} and
   * {@link #end(String)}, so one file can hold the tables of several plans; null is the unnamed region.
   */
  public static String splice(String doc, String generated, String region) {
    String begin = begin(region);
    String end = end(region);
    int b = doc.indexOf(begin);
    int e = b < 0 ? -1 : doc.indexOf(end, b);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException("it has no '" + begin + "' line followed by a '" + end + "' line");
    }
    return doc.substring(0, b + begin.length()) + "\n\n" + generated + "\n" + doc.substring(e);
  }

  /** The line a generated region begins with: {@link #BEGIN}, or for a named one {@code <!-- BEGIN kernsim experiment NAME: …}. */
  public static String begin(String region) {
    return region == null ? BEGIN : BEGIN.replace("experiment:", "experiment " + region + ":");
  }

  /** The line a generated region ends with: {@link #END}, or {@code <!-- END kernsim experiment NAME -->}. */
  public static String end(String region) {
    return region == null ? END : END.replace("experiment -->", "experiment " + region + " -->");
  }
}
