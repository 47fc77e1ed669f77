package kernsim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.scenario.Catalog;
import kernsim.scenario.Clients;
import kernsim.scenario.LinuxRaces;
import kernsim.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The race catalog, one scenario a line; then, after a blank line and a heading, the userspace loop
 * client scenarios ({@link Clients}), whose findings are in docs/findings.md; then Linux's own races
 * ({@link LinuxRaces}), each with the regress toggle that brings it back.
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "Lists the built-in race catalog: name, title, and the oracle each scenario is expected to trip;"
        + " then the userspace loop client scenarios (systemd loop-util, Monogon pkg/loop, mixed);"
        + " then Linux's own loop-driver races (docs/linux-races.md), each with its regress toggle.",
    description = {
      "Each name can stand for a file in 'kernsim run' and 'kernsim explore'. 'kernsim explore' without a file"
          + " explores " + Catalog.DEFAULT + ". The client scenarios name no fix and need not find a race:"
          + " what exploration finds in them is in docs/findings.md. Linux's races run under the linux"
          + " profile with their regress toggle on; --no-regress NAME runs the patched kernel instead."
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON document instead.")
  boolean json;

  @Override
  public Integer call() {
    List<Scenario> all = Catalog.all();
    List<Scenario> clients = Clients.all();
    List<Scenario> linux = LinuxRaces.all();
    List<Scenario> faults = kernsim.scenario.FaultScenarios.all();
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.document("list");
      ArrayNode a = o.putArray("scenarios");
      for (Scenario s : all) {
        ObjectNode so = a.addObject();
        so.put("name", s.name());
        so.put("title", s.title());
        Json.strings(so.putArray("expect"), s.expect());
        Json.strings(so.putArray("fixes"), Catalog.fixesFor(s.name()).stream().map(kernsim.dev.Fix::id).toList());
      }
      ArrayNode c = o.putArray("clients");
      for (Scenario s : clients) {
        ObjectNode so = c.addObject();
        so.put("name", s.name());
        so.put("title", s.title());
        Json.strings(so.putArray("expect"), s.expect());
      }
      ArrayNode l = o.putArray("linux");
      for (Scenario s : linux) {
        ObjectNode so = l.addObject();
        so.put("name", s.name());
        so.put("title", s.title());
        so.put("regress", LinuxRaces.regressFor(s.name()).map(kernsim.dev.Regress::id).orElse(""));
        Json.strings(so.putArray("expect"), s.expect());
      }
      ArrayNode f = o.putArray("faults");
      for (Scenario s : faults) {
        ObjectNode so = f.addObject();
        so.put("name", s.name());
        so.put("title", s.title());
        so.put("faults", s.faults().toString());
        Json.strings(so.putArray("expect"), s.expect());
      }
      Json.print(w, o);
      return Main.OK;
    }
    int nameWidth = all.stream().mapToInt(s -> s.name().length()).max().orElse(4);
    int titleWidth = all.stream().mapToInt(s -> s.title().length()).max().orElse(5);
    for (Scenario s : all) {
      w.printf("%-" + nameWidth + "s  %-" + titleWidth + "s  expects %s%n", s.name(), s.title(),
          Report.expected(s));
    }
    w.println();
    w.println("client scenarios (userspace loop clients; findings in docs/findings.md):");
    int clientWidth = clients.stream().mapToInt(s -> s.name().length()).max().orElse(4);
    for (Scenario s : clients) {
      w.printf("%-" + clientWidth + "s  %s%n", s.name(), s.title());
    }
    w.println();
    w.println("Linux's own races (linux profile, each with the regress toggle that brings it back;"
        + " docs/linux-races.md):");
    int linuxWidth = linux.stream().mapToInt(s -> s.name().length()).max().orElse(4);
    int linuxTitle = linux.stream().mapToInt(s -> s.title().length()).max().orElse(5);
    for (Scenario s : linux) {
      w.printf("%-" + linuxWidth + "s  %-" + linuxTitle + "s  regress %s, expects %s%n", s.name(), s.title(),
          LinuxRaces.regressFor(s.name()).map(kernsim.dev.Regress::id).orElse("-"), Report.expected(s));
    }
    w.println();
    w.println("fault scenarios (faults injected into the backing file; docs/faults.md):");
    int faultWidth = faults.stream().mapToInt(s -> s.name().length()).max().orElse(4);
    int faultTitle = faults.stream().mapToInt(s -> s.title().length()).max().orElse(5);
    for (Scenario s : faults) {
      w.printf("%-" + faultWidth + "s  %-" + faultTitle + "s  faults %s, expects %s%n", s.name(), s.title(),
          s.faults(), Report.expected(s));
    }
    w.flush();
    return Main.OK;
  }
}
