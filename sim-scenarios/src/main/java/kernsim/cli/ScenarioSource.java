package kernsim.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import kernsim.scenario.Catalog;
import kernsim.scenario.Clients;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;
import kernsim.scenario.Scenarios;

/**
 * Where the commands get scenarios: a file or a catalog name from the command line, or the text a
 * trace carries. {@link #DEFAULT} reads them with the scenario language; tests may substitute scenarios
 * built in Java.
 */
interface ScenarioSource {
  /**
   * The scenario a command line names: the file at that path if there is one, else the catalog
   * scenario or client scenario ({@link Clients}) of that name (a directory that happens to have such a
   * name is not in the way).
   *
   * @throws ScenarioException if the scenario does not parse (its message is the user-facing error)
   * @throws Main.UserError if there is neither such a file nor such a built-in scenario
   */
  Scenario resolve(String fileOrName) throws ScenarioException;

  /** The scenario in {@code text}, named {@code file} in error messages. */
  Scenario parse(String text, String file) throws ScenarioException;

  ScenarioSource DEFAULT = new ScenarioSource() {
    @Override
    public Scenario resolve(String fileOrName) throws ScenarioException {
      Path path;
      try {
        path = Path.of(fileOrName);
      } catch (java.nio.file.InvalidPathException e) {
        path = null;
      }
      boolean catalog = Catalog.names().contains(fileOrName);
      boolean client = !catalog && Clients.names().contains(fileOrName);
      boolean linux = !catalog && !client && kernsim.scenario.LinuxRaces.names().contains(fileOrName);
      boolean faults = !catalog && !client && !linux && kernsim.scenario.FaultScenarios.names().contains(fileOrName);
      if (path != null && Files.exists(path) && !((catalog || client || linux || faults) && Files.isDirectory(path))) {
        if (Files.isDirectory(path)) {
          throw new Main.UserError(ScenarioException.format(fileOrName, 0, 0,
              "is a directory, not a scenario file", null), null, true);
        }
        if (!Files.isReadable(path)) {
          throw new Main.UserError("cannot read " + fileOrName + ": permission denied");
        }
        return Scenarios.load(path);
      }
      if (catalog) {
        return Catalog.find(fileOrName).orElseThrow();
      }
      if (client) {
        return Clients.find(fileOrName).orElseThrow();
      }
      if (linux) {
        return kernsim.scenario.LinuxRaces.find(fileOrName).orElseThrow();
      }
      if (faults) {
        return kernsim.scenario.FaultScenarios.find(fileOrName).orElseThrow();
      }
      throw new Main.UserError("no such file or catalog scenario: " + fileOrName
          + " (the catalog has: " + String.join(", ", Catalog.names())
          + "; the client scenarios: " + String.join(", ", Clients.names())
          + "; Linux's races: " + String.join(", ", kernsim.scenario.LinuxRaces.names())
          + "; the fault scenarios: " + String.join(", ", kernsim.scenario.FaultScenarios.names()) + "; see 'kernsim list')");
    }

    @Override
    public Scenario parse(String text, String file) throws ScenarioException {
      return Scenarios.parse(text, file);
    }
  };
}
