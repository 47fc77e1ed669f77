package kernsim.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kernsim experiment PLAN}: runs a plan's grid of explorations, one CSV row per cell, then the
 * tables and plots. docs/experiments.md describes the plan and the outputs.
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Runs a plan's grid of explorations into a CSV, and makes its tables and plots.",
    description = {
      "Explores every cell of PLAN (a TOML file: scenarios × profiles × fix sets × strategies × seeds, with a"
          + " budget of schedules per cell; see docs/experiments.md) and writes one row per cell to DIR/results.csv:"
          + " whether a failure was found, in which schedule, by which oracle, with its signature, steps, wall time"
          + " and schedules/s.",
      "Then it writes DIR/report.html (one self-contained page: tables and plots), DIR/results.md (the tables,"
          + " plots linked) and the plots as PNG and SVG: time to bug per race and strategy, the fraction of seeds"
          + " that found the bug against schedules explored, and schedules/s per scenario.",
      "Run again with the same DIR, it skips the cells already in results.csv (a cell is its scenario and its"
          + " text, settings, strategy and parameters, seed, budget and model version); rows of cells no longer in"
          + " the plan move to DIR/stale.csv.",
      "Exits 0 when every cell ran (whether or not it found a failure), 2 on bad input (a plan's mistakes are"
          + " reported as file:line:column)."
    })
public final class ExperimentCommand implements Callable<Integer> {
  private static final int OK = 0;
  private static final int BAD_INPUT = 2;

  @Spec CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PLAN", description = "The plan, a TOML file.")
  Path plan;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "kernsim-experiment",
      description = "Where the CSV, the tables and the plots go; created if missing (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--plot-only", paramLabel = "DIR",
      description = "Run nothing: make the tables and plots again from DIR/results.csv.")
  Path plotOnly;

  @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
      description = "Cells explored at once, each on its own simulator and thread (default: ${DEFAULT-VALUE})."
          + " The rows do not depend on it, except the wall times.")
  int workers;

  @picocli.CommandLine.Mixin kernsim.cluster.ClusterOptions cluster;

  @Option(names = "--doc", paramLabel = "FILE",
      description = "Also put the Markdown tables into FILE, between its '<!-- BEGIN kernsim experiment' and"
          + " '<!-- END kernsim experiment -->' lines, the plots linked relative to FILE.")
  Path doc;

  @Option(names = "--doc-region", paramLabel = "NAME",
      description = "With --doc: the region between '<!-- BEGIN kernsim experiment NAME:' and"
          + " '<!-- END kernsim experiment NAME -->' instead, so one file can hold several plans' tables.")
  String docRegion;

  @Option(names = "--quiet", description = "No progress bar (there is none anyway when stderr is not a terminal).")
  boolean quiet;

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (workers < 1) {
      throw new ParameterException(spec.commandLine(), "--workers must be at least 1, got " + workers);
    }
    cluster.validate(workers);
    if ((plan == null) == (plotOnly == null)) {
      throw new ParameterException(spec.commandLine(), plan == null ? "missing the PLAN (or --plot-only DIR)"
          : "give a PLAN or --plot-only DIR, not both");
    }
    try {
      if (plotOnly != null) {
        Path csv = plotOnly.resolve(Results.FILE);
        if (!Files.isRegularFile(csv)) {
          return bad(err, "no " + csv + " to plot from");
        }
        List<Row> rows = Results.read(csv);
        if (rows.isEmpty()) {
          return bad(err, csv + " has no rows to plot");
        }
        outputs(w, rows, title(plotOnly), plotOnly);
        return OK;
      }
      Plan p = PlanReader.read(plan);
      prepare(out);
      Files.writeString(out.resolve("plan.toml"), Files.readString(plan, StandardCharsets.UTF_8),
          StandardCharsets.UTF_8);
      int cells = p.cells().size();
      w.printf(Locale.ROOT, "kernsim experiment %s: %,d cells (%d scenario settings × %d strategies × %d seeds, unless a strategy names its own),"
          + " at most %,d schedules each, %s, output in %s%n", plan, cells, p.scenarios().size(),
          p.strategies().size(), p.seeds().size(), p.budget(),
          cluster.on() ? "on a cluster's workers" : workers + " worker" + (workers == 1 ? "" : "s"), out);
      w.flush();
      Runner.Outcome o;
      try (Progress progress = new Progress(kernsim.cli.Terminal.progressOnStderr(quiet))) {
        o = cluster.on() ? Runner.run(p, out, cluster.cells(err), progress) : Runner.run(p, out, workers, progress);
      }
      if (o.skipped() > 0) {
        w.printf(Locale.ROOT, "skipped %,d cells already in %s%n", o.skipped(), out.resolve(Results.FILE));
      }
      if (o.stale() > 0) {
        w.printf(Locale.ROOT, "moved %,d rows of cells not in this plan to %s%n", o.stale(), out.resolve(Results.STALE));
      }
      w.printf(Locale.ROOT, "ran %,d cells in %.1f s (wall time)%n", o.ran(), o.seconds());
      outputs(w, o.rows(), p.title(), out);
      return OK;
    } catch (PlanException e) {
      err.println(e.getMessage());
      err.flush();
      return BAD_INPUT;
    } catch (kernsim.cluster.ClusterException e) {
      return bad(err, e.getMessage());
    } catch (Results.BadResults e) {
      return bad(err, e.getMessage());
    } catch (IOException e) {
      return bad(err, "cannot write the experiment's files: " + PlanReader.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return bad(err, "interrupted");
    }
  }

  private void outputs(PrintWriter w, List<Row> rows, String title, Path dir) throws IOException {
    Analysis a = new Analysis(rows);
    Charts.Written plots = Charts.write(a, dir);
    Files.writeString(dir.resolve("results.md"), "## " + title + "\n\n" + Pages.markdown(a, plots, title, ""),
        StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("report.html"), Pages.html(a, plots, title, dir), StandardCharsets.UTF_8);
    int n = plots.timeToBug().size() + plots.found().size() + 1;
    w.printf(Locale.ROOT, "wrote %s, %s, %s and %d plots (PNG and SVG)%n", dir.resolve(Results.FILE),
        dir.resolve("report.html"), dir.resolve("results.md"), n);
    if (doc != null) {
      String text;
      try {
        text = Files.readString(doc, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IOException(doc + ": " + PlanReader.describe(e), e);
      }
      Path base = doc.toAbsolutePath().getParent();
      String rel = base.relativize(dir.toAbsolutePath()).toString().replace('\\', '/');
      String spliced;
      try {
        spliced = Pages.splice(text, Pages.markdown(a, plots, title, rel.isEmpty() ? "" : rel + "/"), docRegion);
      } catch (IllegalArgumentException e) {
        throw new IOException(doc + ": " + e.getMessage(), e);
      }
      Files.writeString(doc, spliced, StandardCharsets.UTF_8);
      w.printf(Locale.ROOT, "updated the tables in %s%n", doc);
    }
    w.flush();
  }

  /** The title of the plan copied into {@code dir}, if it has one. */
  private static String title(Path dir) {
    try {
      TomlParseResult t = Toml.parse(dir.resolve("plan.toml"));
      return t.isString("title") ? t.getString("title") : "experiment";
    } catch (IOException | RuntimeException e) {
      return "experiment";
    }
  }

  private static void prepare(Path out) throws IOException {
    Files.createDirectories(out);
    if (!Files.isWritable(out)) {
      throw new java.nio.file.AccessDeniedException(out.toString());
    }
  }

  private int bad(PrintWriter err, String message) {
    err.println(spec.qualifiedName() + ": " + message);
    err.flush();
    return BAD_INPUT;
  }

  /** A bar of the schedules of the plan's cells (a cell that finds its failure early counts its whole budget). */
  private static final class Progress implements Runner.Listener, AutoCloseable {
    private final boolean enabled;
    private ProgressBar bar;

    Progress(boolean enabled) {
      this.enabled = enabled;
    }

    @Override
    public void planned(int cells, long schedules) {
      if (!enabled || cells == 0) {
        return;
      }
      bar = new ProgressBarBuilder()
          .setTaskName("experiment")
          .setInitialMax(schedules)
          .setStyle(ProgressBarStyle.ASCII)
          .setUnit("", 1)
          .setUpdateIntervalMillis(300)
          .showSpeed()
          .clearDisplayOnFinish()
          .setConsumer(new ConsoleProgressBarConsumer(System.err))
          .build();
    }

    @Override
    public void cellStarted(Cell cell) {
      if (bar != null) {
        bar.setExtraMessage(" " + cell.scenario() + " " + cell.strategy().label() + " seed " + cell.seed());
      }
    }

    @Override
    public void schedulesDone(Cell cell, int schedules) {
      if (bar != null) {
        bar.stepBy(schedules);
      }
    }

    @Override
    public void cellDone(Cell cell, Row row) {}

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
      }
    }
  }
}
