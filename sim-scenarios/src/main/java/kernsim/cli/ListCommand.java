package kernsim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import kernsim.scenario.Catalog;
import kernsim.scenario.Scenario;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The race catalog, one scenario a line. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    header = "Lists the built-in race catalog: name, title, and the oracle each scenario is expected to trip.",
    description = {
      "Each name can stand for a file in 'kernsim run' and 'kernsim explore'. 'kernsim explore' without a file"
          + " explores " + Catalog.DEFAULT + "."
    })
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print one JSON document instead.")
  boolean json;

  @Override
  public Integer call() {
    List<Scenario> all = Catalog.all();
    PrintWriter w = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.document("list");
      ArrayNode a = o.putArray("scenarios");
      for (Scenario s : all) {
        ObjectNode so = a.addObject();
        so.put("name", s.name());
        so.put("title", s.title());
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
    w.flush();
    return Main.OK;
  }
}
