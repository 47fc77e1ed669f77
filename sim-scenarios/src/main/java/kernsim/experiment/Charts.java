package kernsim.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The experiment's plots, with XChart, each as PNG and SVG:
 *
 * <p>A race no strategy found a failure in has no plots of its own.
 *
 * <ul>
 *   <li>{@code time-to-bug-GROUP}: per race, a box per strategy of the schedules to the first failure
 *       (the seeds that found one);
 *   <li>{@code found-GROUP}: per race, the fraction of seeds that found a failure against the schedules
 *       explored, a step line per strategy;
 *   <li>{@code speed}: the median schedules/s per scenario and strategy.
 * </ul>
 */
public final class Charts {
  /** One plot written: its file name without extension (PNG and SVG beside each other), and what it shows. */
  public record Plot(String name, String caption) {}

  /** The plots of one group, and the speed plot. */
  public record Written(List<Plot> timeToBug, List<Plot> found, Plot speed) {}

  private static final int WIDTH = 720;
  private static final int HEIGHT = 420;

  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** Writes every plot into {@code dir}. */
  public static Written write(Analysis a, Path dir) throws IOException {
    List<Plot> ttb = new ArrayList<>();
    List<Plot> found = new ArrayList<>();
    for (Analysis.Group g : a.groups()) {
      if (g.byStrategy().values().stream().flatMap(List::stream).noneMatch(Row::found)) {
        continue; // nothing to show but zeros: the tables say "> budget"
      }
      String file = fileName(g.label());
      Plot box = timeToBug(a, g, dir, "time-to-bug-" + file);
      if (box != null) {
        ttb.add(box);
      }
      found.add(found(a, g, dir, "found-" + file));
    }
    return new Written(ttb, found, speed(a, dir, "speed"));
  }

  private static Plot timeToBug(Analysis a, Analysis.Group g, Path dir, String name) throws IOException {
    BoxChart chart = new BoxChartBuilder().width(WIDTH).height(HEIGHT)
        .title(g.label() + ": schedules to the first failure").xAxisTitle("strategy")
        .yAxisTitle("schedules (log)").build();
    style(chart.getStyler());
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendVisible(false);
    List<String> none = new ArrayList<>();
    int series = 0;
    for (String s : a.strategies()) {
      List<Row> rows = g.rows(s);
      if (rows.isEmpty()) {
        continue;
      }
      List<Integer> v = rows.stream().filter(Row::found).map(Row::schedule).toList();
      if (v.isEmpty()) {
        none.add(s);
        continue;
      }
      chart.addSeries(s + " (" + v.size() + "/" + rows.size() + ")", v);
      series++;
    }
    if (series == 0) {
      return null;
    }
    save(chart, dir, name);
    return new Plot(name, g.label() + ": schedules to the first failure per strategy, over the seeds that found"
        + " one (found/seeds in brackets)" + (none.isEmpty() ? "" : "; none found by " + String.join(", ", none)));
  }

  private static Plot found(Analysis a, Analysis.Group g, Path dir, String name) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(g.label() + ": seeds that found a failure").xAxisTitle("schedules explored (log)")
        .yAxisTitle("fraction of seeds").build();
    style(chart.getStyler());
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setXAxisMin(1.0);
    chart.getStyler().setXAxisMax((double) Math.max(2, g.budget()));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    for (String s : a.strategies()) {
      List<Row> rows = g.rows(s);
      if (rows.isEmpty()) {
        continue;
      }
      List<Integer> hits = new ArrayList<>(rows.stream().filter(Row::found).map(Row::schedule).sorted().toList());
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      x.add(1.0);
      y.add(0.0);
      for (int i = 0; i < hits.size(); i++) {
        x.add((double) hits.get(i));
        y.add((i + 1) / (double) rows.size());
      }
      x.add((double) Math.max(2, g.budget()));
      y.add(hits.size() / (double) rows.size());
      XYSeries series = chart.addSeries(s, x, y);
      series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
      series.setMarker(SeriesMarkers.NONE);
    }
    save(chart, dir, name);
    return new Plot(name, g.label() + ": the fraction of seeds that had found a failure after so many schedules");
  }

  private static Plot speed(Analysis a, Path dir, String name) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(Math.max(WIDTH, 120 * a.groups().size())).height(HEIGHT)
        .title("schedules per second").xAxisTitle("scenario").yAxisTitle("schedules/s (median over seeds)").build();
    style(chart.getStyler());
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setXAxisLabelRotation(30);
    List<String> labels = a.groups().stream().map(Analysis.Group::label).toList();
    for (String s : a.strategies()) {
      List<Number> v = new ArrayList<>();
      for (Analysis.Group g : a.groups()) {
        double m = Analysis.medianRate(g.rows(s));
        v.add(Double.isNaN(m) ? 0.0 : m);
      }
      chart.addSeries(s, labels, v);
    }
    save(chart, dir, name);
    return new Plot(name, "schedules explored per second of wall time, median over the seeds, per scenario and strategy");
  }

  private static void style(Styler s) {
    s.setChartBackgroundColor(java.awt.Color.WHITE);
    s.setAntiAlias(true);
  }

  private static void save(Chart<?, ?> chart, Path dir, String name) throws IOException {
    String base = dir.resolve(name).toString();
    BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    java.io.ByteArrayOutputStream svg = new java.io.ByteArrayOutputStream();
    VectorGraphicsEncoder.saveVectorGraphic(chart, svg, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
    // XChart draws text as outlines: a tenth of a pixel is precision enough, and halves the file.
    String text = svg.toString(java.nio.charset.StandardCharsets.UTF_8).replaceAll("(\\d\\.\\d)\\d+", "$1");
    java.nio.file.Files.writeString(dir.resolve(name + ".svg"), text, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A label as a file name: lower-case letters, digits and '-'. */
  static String fileName(String label) {
    String s = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return s.isEmpty() ? "_" : s;
  }
}
