package kernsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code kernsim} command line.
 *
 * <p>Exit codes: {@value #OK} fine, {@value #NOT_AS_EXPECTED} the command ran but did not behave as
 * expected (or kernsim itself failed), {@value #BAD_INPUT} bad input (options, arguments, an output
 * directory that cannot be written). User mistakes never print a stack trace.
 */
@Command(
    name = "kernsim",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Finds and replays races in a simulated kernel's loop-device / block-cache / filesystem stack.",
      "'kernsim explore' explores the built-in triad scenario; 'kernsim list' shows the catalog."
    },
    subcommands = {
      RunCommand.class, ExploreCommand.class, ReplayCommand.class, ListCommand.class,
      BenchCommand.class, StressCommand.class, kernsim.experiment.ExperimentCommand.class, ConformCommand.class,
      FuzzCommand.class, ShrinkCommand.class, CheckCommand.class, kernsim.cluster.WorkerCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:fine (run, explore: no failure; replay: confirmed)",
      "1:a failure was found (run, explore), a replay was not confirmed, or kernsim itself failed",
      "2:bad input (unknown option, bad value, missing or unparsable scenario, unreadable trace,"
          + " unwritable output directory)"
    })
public final class Main implements Callable<Integer> {
  public static final int OK = 0;
  public static final int NOT_AS_EXPECTED = 1;
  public static final int BAD_INPUT = 2;

  @Spec CommandSpec spec;

  private final ScenarioSource source;

  private Main(ScenarioSource source) {
    this.source = source;
  }

  /** Without a subcommand there is nothing to do: that is a usage mistake. */
  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing a command (run, explore, replay, list, bench, experiment or conform)");
  }

  static {
    // SLF4J binds its provider on first use. Done here, on one thread, before any ActorSystem starts: when
    // Pekko's threads are first, SLF4J 2.0 hands them substitute loggers and replays their events, and that
    // replay can fail with "Delegate logger cannot be null at this state" while another thread still logs,
    // which took a cluster worker down before its first unit (ClusterTest, once in CI).
    org.slf4j.LoggerFactory.getILoggerFactory();
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests redirect its output with {@code setOut}/{@code setErr}. */
  public static CommandLine commandLine() {
    return commandLine(ScenarioSource.DEFAULT);
  }

  /** The command line reading scenarios from {@code source} (tests give scenarios built in Java). */
  static CommandLine commandLine(ScenarioSource source) {
    CommandLine cmd = new CommandLine(new Main(source));
    cmd.setParameterExceptionHandler(new BadInput());
    cmd.setExecutionExceptionHandler(new Failed());
    return cmd;
  }

  ScenarioSource source() {
    return source;
  }

  /** The scenario a command line names (a file or a catalog name); its mistakes are the user's. */
  Scenario resolve(String fileOrName) {
    try {
      return source.resolve(fileOrName);
    } catch (ScenarioException e) {
      throw new UserError(e.getMessage(), e, true); // file:line:column: error: what, the line, a caret
    }
  }

  /** What went wrong with a file, in words: "no such file or directory", "permission denied", … */
  static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + " exists and is not a directory";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** A mistake found while a command runs (not by the parser): reported as one line, exit 2. */
  static final class UserError extends RuntimeException {
    /** Printed as is, without the command's name in front (a scenario error reads like a compiler's). */
    final boolean asIs;

    UserError(String message, Throwable cause, boolean asIs) {
      super(message, cause);
      this.asIs = asIs;
    }

    UserError(String message, Throwable cause) {
      this(message, cause, false);
    }

    UserError(String message) {
      this(message, null, false);
    }
  }

  /** Parameter errors: the message, suggestions for typos, the usage; exit 2, no stack trace. */
  private static final class BadInput implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
      CommandLine cmd = ex.getCommandLine();
      PrintWriter err = cmd.getErr();
      err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
      UnmatchedArgumentException.printSuggestions(ex, err);
      err.println();
      // The usage without the description: synopsis, options, commands.
      CommandLine.Help help = cmd.getHelp();
      err.print(help.synopsisHeading());
      err.print(help.synopsis(help.synopsisHeadingLength()));
      err.print(help.optionList());
      if (!cmd.getSubcommands().isEmpty()) {
        err.print(help.commandListHeading());
        err.print(help.commandList());
      }
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
      err.flush();
      return BAD_INPUT;
    }
  }

  /** Errors while running: user errors as one line (exit 2), anything else with its stack trace (exit 1). */
  private static final class Failed implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
      PrintWriter err = cmd.getErr();
      String who = cmd.getCommandSpec().qualifiedName();
      if (ex instanceof UserError u) {
        err.println(u.asIs ? u.getMessage() : who + ": " + u.getMessage());
        err.flush();
        return BAD_INPUT;
      }
      err.println(who + ": internal error, please report it with the command line that caused it:");
      ex.printStackTrace(err);
      err.flush();
      return NOT_AS_EXPECTED;
    }
  }

  /** kernsim's version (from the build), Pekko's and the JVM's. */
  static final class Version implements IVersionProvider {
    private static Properties properties() {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException e) {
        // fall through to "unknown"
      }
      return p;
    }

    /** kernsim's own version, from the build. */
    String kernsim() {
      return properties().getProperty("version", "unknown");
    }

    @Override
    public String[] getVersion() {
      Properties p = properties();
      return new String[] {
        "kernsim " + p.getProperty("version", "unknown"),
        "Pekko " + p.getProperty("pekko", "unknown"),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
            + System.getProperty("java.vm.vendor") + ")"
      };
    }
  }
}
