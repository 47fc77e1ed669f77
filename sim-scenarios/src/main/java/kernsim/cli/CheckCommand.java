package kernsim.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.scenario.ScenarioException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Parses and validates scenarios without running them, for editors and CI: each file's errors as the
 * parser gives them (file:line:column), every file checked even after one fails.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    header = "Parses and validates scenario files without running them.",
    description = {
      "Prints 'FILE: ok' on stdout for each scenario that parses, and each error on stderr as"
          + " FILE:LINE:COLUMN: error: ... . Exit 0 when every file is ok, 2 when any is not."
    })
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @ParentCommand Main main;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Scenario files, or catalog scenarios' names.")
  List<String> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int exit = Main.OK;
    for (String f : files) {
      try {
        main.source().resolve(f);
        out.println(f + ": ok");
      } catch (ScenarioException e) {
        err.println(e.getMessage());
        exit = Main.BAD_INPUT;
      } catch (Main.UserError e) {
        err.println(e.asIs ? e.getMessage() : "kernsim check: " + e.getMessage());
        exit = Main.BAD_INPUT;
      }
    }
    out.flush();
    err.flush();
    return exit;
  }
}
