package kernsim.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Optional;
import kernsim.actors.Failure;
import kernsim.actors.RunResult;
import kernsim.actors.Summaries;
import kernsim.dev.Fix;
import kernsim.dev.SysResult;
import kernsim.scenario.Scenario;
import kernsim.scenario.Settings;

/**
 * The parts of the {@code --json} documents that {@code run}, {@code explore} and {@code replay} share
 * (docs/cli.md gives the whole schema). Field names are camelCase and stable; absent values are null.
 */
public final class Json {
  /** The schema's version: bumped when a field changes meaning or disappears. */
  public static final int SCHEMA = 1;

  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** A fresh document: {@code schema}, {@code command}, {@code kernsim} (the version). */
  public static ObjectNode document(String command) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("schema", SCHEMA);
    o.put("command", command);
    o.put("kernsim", new Main.Version().kernsim());
    return o;
  }

  /** {@code scenario} (name, title, file, expect) and the settings: {@code profile}, {@code fixes}, {@code regress}, {@code oraclesOff}, {@code clientOptions}, {@code faults} (the scenario's own and the added, as one plan). */
  public static void scenario(ObjectNode o, Scenario s, Settings settings) {
    ObjectNode sc = o.putObject("scenario");
    sc.put("name", s.name());
    sc.put("title", s.title());
    sc.put("file", s.file());
    strings(sc.putArray("expect"), s.expect());
    o.put("profile", settings.semantics().profile());
    strings(o.putArray("fixes"), settings.semantics().fixes().stream().sorted().map(Fix::id).toList());
    strings(o.putArray("regress"), settings.semantics().regressions().stream().map(kernsim.dev.Regress::id).toList());
    strings(o.putArray("oraclesOff"), settings.oraclesOff());
    strings(o.putArray("clientOptions"), java.util.List.copyOf(settings.clientOptions(s)));
    o.put("faults", s.faults().plus(settings.faults()).toString());
  }

  /** {@code verdict}: {@code status} ok or failed, and for a failure its kind, oracle, message, step and actor. */
  public static ObjectNode verdict(Optional<Failure> failure) {
    ObjectNode v = MAPPER.createObjectNode();
    if (failure.isEmpty()) {
      v.put("status", "ok");
      return v;
    }
    Failure f = failure.get();
    v.put("status", "failed");
    v.put("kind", f.kind());
    v.put("oracle", Report.oracle(f));
    v.put("message", Report.message(f));
    v.put("step", f.step());
    v.put("actor", Report.actor(f));
    v.put("signature", f.signature());
    return v;
  }

  /** One run: {@code schedule} (counted from 1), {@code steps}, {@code verdict}, {@code eventLogHash}, {@code powerLost} (after a loss also {@code powerLostAfter}, its step, and {@code rebooted}: whether a fresh kernel then read back what was promised, as hart {@code reboot} of {@code harts}) and, if known, {@code harts}. */
  public static void run(ObjectNode o, RunResult r, Timeline t) {
    o.put("schedule", Report.number(r.iteration()));
    o.put("steps", r.steps());
    o.set("verdict", verdict(r.failure()));
    o.put("eventLogHash", r.eventLogHash());
    o.put("powerLost", r.powerLost());
    if (r.powerLost()) {
      o.put("powerLostAfter", r.powerLostAfter());
      o.put("rebooted", r.rebooted());
    }
    if (t != null) {
      o.set("harts", harts(t));
    }
  }

  /** Every hart (setup first) with its calls: text, start/end step and virtual time, result. */
  public static ArrayNode harts(Timeline t) {
    ArrayNode harts = MAPPER.createArrayNode();
    for (Timeline.Hart h : t.harts()) {
      ObjectNode ho = harts.addObject();
      ho.put("hart", h.key());
      ho.put("name", h.name());
      ho.put("exited", h.exited());
      ArrayNode calls = ho.putArray("calls");
      for (Timeline.Call c : h.calls()) {
        ObjectNode co = calls.addObject();
        co.put("index", c.index());
        co.put("text", c.text());
        co.put("startStep", c.startStep());
        co.put("startNanos", c.startNanos());
        if (c.returned()) {
          co.put("endStep", c.endStep());
          co.put("endNanos", c.endNanos());
          co.set("result", result(c.result()));
        } else {
          co.putNull("endStep");
          co.putNull("endNanos");
          co.putNull("result");
        }
      }
    }
    return harts;
  }

  /**
   * {@code {"errno": "EBUSY", "errnoNumber": 16}}, or {@code {"value": 3}} with {@code data} when any: bytes
   * read as the report shows them (text or hex, all of them) and, for bytes, {@code dataHex} with every byte.
   */
  static ObjectNode result(Object result) {
    ObjectNode r = MAPPER.createObjectNode();
    if (result instanceof SysResult.Err e) {
      r.put("errno", e.errno().name());
      r.put("errnoNumber", e.errno().number());
    } else if (result instanceof SysResult.Ok ok) {
      r.put("value", ok.value());
      if (ok.data() instanceof byte[] b) {
        r.put("data", Timeline.bytes(b, Integer.MAX_VALUE));
        r.put("dataHex", java.util.HexFormat.of().formatHex(b));
      } else {
        r.put("data", ok.data() == null ? null : Summaries.value(ok.data()));
      }
    } else {
      r.put("value", Summaries.value(result));
    }
    return r;
  }

  static void strings(ArrayNode a, Collection<String> items) {
    items.forEach(a::add);
  }

  /** Prints the document, followed by a newline. */
  public static void print(PrintWriter w, ObjectNode o) {
    try {
      w.println(MAPPER.writeValueAsString(o));
      w.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render JSON", e);
    }
  }
}
