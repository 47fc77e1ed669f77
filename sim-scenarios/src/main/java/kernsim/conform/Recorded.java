package kernsim.conform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The real kernel's results for one scenario, as {@code kernsim conform --record} stores them beside it
 * ({@code NAME.ksim} → {@code NAME.real.json}): the kernel's release, and per call its hart, index, text
 * and result as {@link Conform#show(RealResult)} shows it. A test compares the linux profile with these
 * on any machine.
 */
public record Recorded(String scenario, String kernel, List<Conform.Row> rows) {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Recorded {
    rows = List.copyOf(rows);
  }

  /** Where a scenario file's record goes. */
  public static Path pathFor(Path ksim) {
    String name = ksim.getFileName().toString();
    String base = name.endsWith(".ksim") ? name.substring(0, name.length() - 5) : name;
    return ksim.resolveSibling(base + ".real.json");
  }

  /** The running kernel's release ({@code /proc/sys/kernel/osrelease}), or "unknown". */
  public static String kernelRelease() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }

  public void write(Path to) throws IOException {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("scenario", scenario);
    o.put("kernel", kernel);
    ArrayNode a = o.putArray("rows");
    for (Conform.Row r : rows) {
      ObjectNode n = a.addObject();
      n.put("hart", r.hart());
      n.put("index", r.index());
      n.put("call", r.call());
      n.put("real", r.real());
    }
    Files.writeString(to, MAPPER.writeValueAsString(o) + "\n", StandardCharsets.UTF_8);
  }

  public static Recorded read(Path from) throws IOException {
    JsonNode o = MAPPER.readTree(Files.readString(from, StandardCharsets.UTF_8));
    List<Conform.Row> rows = new ArrayList<>();
    for (JsonNode n : o.get("rows")) {
      rows.add(new Conform.Row(n.get("hart").asText(), n.get("index").asInt(), n.get("call").asText(),
          n.get("real").asText(), null));
    }
    return new Recorded(o.get("scenario").asText(), o.get("kernel").asText(), rows);
  }
}
