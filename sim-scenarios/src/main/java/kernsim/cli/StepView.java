package kernsim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import kernsim.actors.EventLog;
import kernsim.actors.Monitor;
import kernsim.actors.RunResult;
import kernsim.actors.Summaries;
import kernsim.actors.WorldSpec;

/**
 * The step-level view of a run: every step with its virtual time, the actor that took it, the message it
 * delivered, the hart it served and the source's region it stands for, e.g. {@code as_dyn_block_device
 * region 1 (block_cache lock): block_cache.lock} at {@code loop0}, or {@code as_dyn_block_device, no lock
 * held} for the hart's own code between two regions. The regions come from the kernel code's executor
 * ({@code dev.code.Executor}, through {@code World.region}); recording them changes nothing in the run:
 * the event log, its hash and the trace are the same with or without it.
 */
public final class StepView {
  /**
   * One step.
   *
   * @param hart the hart (its key) the step served: the hart itself for its own steps, the sender for an
   *     owner's step that handles a hart's request; null for steps of no hart's (a system message, a timer)
   * @param region the source's region the step stands for, or null when the model names none
   */
  public record Row(int step, long nanos, String actor, String type, String message, String hart, String region) {
    /** The region without the call it makes ({@code …: block_cache.lock}): the region as a table row shows it. */
    public String regionName() {
      if (region == null) {
        return null;
      }
      String first = region.split("; then ", 2)[0];
      int colon = first.indexOf(": ");
      return colon < 0 ? first : first.substring(0, colon);
    }
  }

  /**
   * Which rows to show: all of them when every part is empty.
   *
   * @param harts hart names (or keys): rows that served one of them
   * @param actors actor keys, with or without {@code world/}, or their last part ({@code loop0}): rows they took
   * @param from the first step shown, or -1
   * @param to the last step shown, or -1
   */
  public record Filter(List<String> harts, List<String> actors, int from, int to) {
    public static final Filter ALL = new Filter(List.of(), List.of(), -1, -1);

    public Filter {
      harts = List.copyOf(harts);
      actors = List.copyOf(actors);
    }

    boolean matches(Row r) {
      if (from >= 0 && r.step() < from || to >= 0 && r.step() > to) {
        return false;
      }
      if (!harts.isEmpty() && (r.hart() == null || harts.stream().noneMatch(h -> names(r.hart(), h)))) {
        return false;
      }
      return actors.isEmpty() || actors.stream().anyMatch(a -> names(r.actor(), a));
    }

    /** Whether {@code name} names {@code key}: the key itself, without {@code world/}, or its last part. */
    static boolean names(String key, String name) {
      return key.equals(name) || short_(key).equals(name) || key.substring(key.lastIndexOf('/') + 1).equals(name);
    }

    /** The filter as the view's heading says it, or "" for all. */
    String describe() {
      List<String> parts = new ArrayList<>();
      if (!harts.isEmpty()) {
        parts.add("hart " + String.join(", ", harts));
      }
      if (!actors.isEmpty()) {
        parts.add("actor " + String.join(", ", actors));
      }
      if (from >= 0 || to >= 0) {
        parts.add("steps " + (from < 0 ? "0" : from) + ".." + (to < 0 ? "" : to));
      }
      return String.join("; ", parts);
    }
  }

  private final List<Row> rows;

  StepView(List<Row> rows) {
    this.rows = List.copyOf(rows);
  }

  public List<Row> rows() {
    return rows;
  }

  /** The rows {@code f} keeps. */
  public List<Row> rows(Filter f) {
    return rows.stream().filter(f::matches).toList();
  }

  static String short_(String key) {
    return key.startsWith("world/") ? key.substring("world/".length()) : key;
  }

  /** The view as the report prints it: a heading, then one line per row {@code f} keeps. */
  public List<String> render(Filter f) {
    List<Row> shown = rows(f);
    List<String> out = new ArrayList<>();
    String which = f.describe();
    out.add("steps (" + (which.isEmpty() ? "all " + rows.size() : shown.size() + " of " + rows.size() + ": " + which)
        + "; step, virtual time, actor, message, [the hart served] the source's region it stands for):");
    int actorWidth = 5;
    int typeWidth = 7;
    for (Row r : shown) {
      actorWidth = Math.max(actorWidth, short_(r.actor()).length());
      typeWidth = Math.max(typeWidth, r.type().length());
    }
    actorWidth = Math.min(actorWidth, 28);
    typeWidth = Math.min(typeWidth, 16);
    for (Row r : shown) {
      String hart = r.hart() == null ? "" : "[" + short_(r.hart()) + "] ";
      String region = r.region() == null ? (r.hart() == null ? "" : "-") : r.region();
      out.add(String.format(Locale.ROOT, "  %5d %-6s %-" + actorWidth + "s %-" + typeWidth + "s %s",
          r.step(), Summaries.time(r.nanos()), short_(r.actor()), r.type(), hart + region).stripTrailing());
    }
    return out;
  }

  /** {@code stepView}: the filter and the rows it keeps, each with every field. */
  public ObjectNode json(Filter f) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    ObjectNode filter = o.putObject("filter");
    Json.strings(filter.putArray("harts"), f.harts());
    Json.strings(filter.putArray("actors"), f.actors());
    if (f.from() < 0) {
      filter.putNull("from");
    } else {
      filter.put("from", f.from());
    }
    if (f.to() < 0) {
      filter.putNull("to");
    } else {
      filter.put("to", f.to());
    }
    o.put("total", rows.size());
    ArrayNode a = o.putArray("rows");
    for (Row r : rows(f)) {
      ObjectNode n = a.addObject();
      n.put("step", r.step());
      n.put("nanos", r.nanos());
      n.put("actor", r.actor());
      n.put("type", r.type());
      n.put("message", r.message());
      n.put("hart", r.hart());
      n.put("region", r.region());
    }
    return o;
  }

  /**
   * Records the regions of one run, to be joined with its event log ({@link #view}). Use one per run:
   * {@link #around} adds it as the world's first monitor, so it hears every step an oracle does not end.
   *
   * <p>Requests are matched to the step that delivers them by identity (an {@link IdentityHashMap}, only
   * looked up and never iterated, so nothing depends on identity hash codes' order).
   */
  public static final class Recorder implements Monitor, Monitor.RegionListener {
    private final IdentityHashMap<Object, String[]> pending = new IdentityHashMap<>();
    private final List<String> regions = new ArrayList<>();
    private final List<String> harts = new ArrayList<>();
    private String here;
    private String hereActor;

    @Override
    public String name() {
      return "steps";
    }

    @Override
    public void onRegion(String actor, String here, Object request, String there) {
      if (this.here == null) {
        this.here = here;
        this.hereActor = actor;
      }
      if (request != null) {
        pending.put(request, new String[] {actor, there});
      }
    }

    @Override
    public void onStep(Step s, Verdict verdict) {
      while (regions.size() < s.index()) { // steps no monitor heard (none, as the first monitor; kept safe)
        regions.add(null);
        harts.add(null);
      }
      describe(s.message());
    }

    private void describe(Object message) {
      Object m = message instanceof Summaries.SystemMessages sys ? sys.next() : message;
      String[] delivered = m == null ? null : pending.remove(m);
      String region;
      String hart;
      if (delivered != null) {
        region = delivered[1] + (here == null ? "" : "; then " + here);
        hart = delivered[0];
      } else {
        region = here;
        hart = hereActor;
      }
      regions.add(region);
      harts.add(hart);
      here = null;
      hereActor = null;
    }

    void reset() {
      pending.clear();
      regions.clear();
      harts.clear();
      here = null;
      hereActor = null;
    }

    /** The view of the run {@code r} this recorder heard; the step that failed it is described from what it sent. */
    public StepView view(RunResult r) {
      EventLog log = r.log();
      while (regions.size() < log.size()) { // the failing step: no monitor's onStep ran
        describe(log.message(regions.size()));
      }
      List<Row> rows = new ArrayList<>(log.size());
      for (int i = 0; i < log.size(); i++) {
        rows.add(new Row(i, log.timeNanos(i), log.actor(i), log.type(i),
            InterleavingTable.cell(log, i, true), harts.get(i), regions.get(i)));
      }
      return new StepView(rows);
    }

    /** {@code world} with this recorder as its first monitor (reset at the start of every iteration). */
    public WorldSpec around(WorldSpec world) {
      return world.withMonitorsFirst(w -> {
        reset();
        return List.of(this);
      });
    }
  }
}
