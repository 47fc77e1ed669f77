package kernsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import kernsim.fuzz.Campaign;
import kernsim.fuzz.Template;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** Runs a fuzz campaign: generated programs, explored, a corpus, findings saved and shrunk (docs/fuzz.md). */
@Command(
    name = "fuzz",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Generates programs from a template, explores each (PCT or the template's strategies), keeps what"
        + " finds new coverage, saves each distinct failure.",
    description = {
      "Draws programs from TEMPLATE (a built-in template, " + "triad-area or clients, or a template file; see"
          + " docs/fuzz.md) or mutates corpus programs, explores each for the template's schedules and keeps"
          + " those that reach new coverage in DIR/corpus.",
      "Each failure of a new signature (oracle + site) is saved in DIR/findings/NNN-ORACLE/: the program"
          + " (.ksim), the failing schedule (.trace, replayed before it is kept), a report, and with --shrink"
          + " the shrunk program and trace.",
      "A campaign resumes from DIR: run the same command again, with a larger --programs.",
      "The progress line (stderr, a terminal only) gives programs, schedules/s, corpus size, coverage and"
          + " distinct failures. Exits 1 when a finding exists, 0 when none, 2 on bad input."
    })
final class FuzzCommand implements Callable<Integer> {
  @ParentCommand Main main;
  @Spec CommandSpec spec;

  @Option(names = "--template", paramLabel = "TEMPLATE", defaultValue = Template.DEFAULT,
      description = "A built-in template (triad-area, clients) or a template file (default: ${DEFAULT-VALUE}).")
  String template;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
      description = "The campaign's seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--programs", paramLabel = "N", defaultValue = "1000",
      description = "Programs in all, counting those of earlier runs in DIR (default: ${DEFAULT-VALUE}).")
  int programs;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "0",
      description = "Stop after S seconds of wall time as well (0: no limit; default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--schedules", paramLabel = "N",
      description = "Schedules per program (default: the template's).")
  Integer schedules;

  @Option(names = "--strategies", paramLabel = "SPEC",
      description = "The strategies programs are explored with, in turn, as a template's `strategies` line writes"
          + " them, e.g. \"pct depth=2 random delay-bounding delays=3 pos dfs preemption-bound=1\""
          + " (default: the template's).")
  String strategies;

  @Option(names = "--fix", paramLabel = "NAME", split = ",", description = "Turn fixes on as well.")
  List<String> fixes = new ArrayList<>();

  @Option(names = "--shrink", description = "Shrink each new finding (see 'kernsim shrink').")
  boolean shrink;

  @Option(names = "--shrink-budget", paramLabel = "N", defaultValue = "200",
      description = "Schedules per shrinking candidate (default: ${DEFAULT-VALUE}).")
  int shrinkBudget;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "kernsim-fuzz",
      description = "The campaign's directory: corpus, findings, state (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quiet", description = "No progress line, and only the summary at the end.")
  boolean quiet;

  @Override
  public Integer call() {
    if (programs < 1) {
      throw new ParameterException(spec.commandLine(), "--programs must be at least 1, got " + programs);
    }
    if (schedules != null && schedules < 1) {
      throw new ParameterException(spec.commandLine(), "--schedules must be at least 1, got " + schedules);
    }
    Template t;
    try {
      t = Template.resolve(template);
    } catch (Template.TemplateException e) {
      throw new Main.UserError(e.getMessage(), e, true);
    }
    t = t.with(schedules == null ? t.schedules() : schedules, fixes);
    if (strategies != null) {
      try {
        List<kernsim.experiment.StrategySpec> specs = Template.strategies("--strategies: error: ", strategies,
            t.depth());
        if (specs.isEmpty()) {
          throw new ParameterException(spec.commandLine(), "--strategies names no strategy");
        }
        t = t.withStrategies(specs);
      } catch (Template.TemplateException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    PrintWriter w = spec.commandLine().getOut();
    boolean tty = Terminal.progressOnStderr(quiet);
    Campaign c;
    try {
      c = new Campaign(new Campaign.Options(t, seed, programs, shrink, shrinkBudget), out, System::nanoTime);
    } catch (IllegalArgumentException e) {
      throw new Main.UserError(e.getMessage(), e);
    } catch (IOException e) {
      throw new Main.UserError("cannot use the campaign directory " + out + ": " + Main.describe(e), e);
    }
    if (!quiet) {
      w.printf(Locale.ROOT, "kernsim fuzz: template %s, seed %d, %d harts, %d schedules per program (%s), up to %,d"
          + " programs, in %s%n", t.name(), seed, t.harts(), t.schedules(), String.join(" + ", t.strategies().stream().map(kernsim.experiment.StrategySpec::label).toList()),
          programs, out);
      w.flush();
    }
    long start = System.nanoTime();
    Campaign.Stats end;
    try {
      end = c.run(new Campaign.Listener() {
        long last;

        @Override
        public void program(Campaign.Stats s) {
          if (tty && System.nanoTime() - last > 500_000_000L) {
            last = System.nanoTime();
            System.err.print("\r" + line(s) + "   ");
            System.err.flush();
          }
        }

        @Override
        public void finding(Campaign.Finding f) {
          if (tty) {
            System.err.print("\r");
          }
          if (!quiet) {
            w.printf(Locale.ROOT, "new finding after %d programs, %,d schedules, %.1f s: %s%s%n  in %s%s%s%n",
                f.program() + 1, f.schedules(), f.seconds(), f.signature(), seqLabel(f), f.dir(),
                f.replayed() ? "" : " (its trace did not replay)", f.shrunk() == null ? "" : "; shrunk " + f.shrunk());
            w.flush();
          }
        }
      }, () -> seconds > 0 && System.nanoTime() - start > seconds * 1e9);
    } catch (IOException e) {
      throw new Main.UserError("cannot write to the campaign directory " + out + ": " + Main.describe(e), e);
    }
    if (tty) {
      System.err.print("\r" + " ".repeat(100) + "\r");
    }
    w.println(line(end));
    for (Campaign.Finding f : c.findings().values()) {
      w.printf(Locale.ROOT, "  %s%s  (program %d, %,d schedules, %.1f s) %s%n", f.signature(), seqLabel(f),
          f.program() + 1, f.schedules(), f.seconds(), f.dir());
    }
    w.flush();
    return c.findings().isEmpty() ? Main.OK : Main.NOT_AS_EXPECTED;
  }

  private static String line(Campaign.Stats s) {
    return String.format(Locale.ROOT, "programs %,d (%d rejected), %,d schedules, %,.0f schedules/s, corpus %d,"
        + " coverage %d, distinct failures %d (%d sequential)", s.programs(), s.rejected(), s.schedules(),
        s.schedules() / Math.max(s.seconds(), 1e-9), s.corpus(), s.coverage(), s.findings(), s.sequential());
  }

  /** A sequential finding is the program's own failure, not a race: said so wherever it is listed. */
  private static String seqLabel(Campaign.Finding f) {
    return f.sequential() ? "  [sequential: the program's own failure, not a race]" : "";
  }
}
