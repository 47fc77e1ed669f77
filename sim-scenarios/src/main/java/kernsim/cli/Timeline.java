package kernsim.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import kernsim.actors.Monitor;
import kernsim.actors.Summaries;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Calls;
import kernsim.dev.SysResult;
import org.apache.pekko.actor.typed.Behavior;

/**
 * What every hart did in one run: each statement with the steps (and virtual times) at which it started
 * and returned, and its result. Built from the harts' {@link Calls} observations by a {@link Recorder},
 * a monitor that runs before the oracles so it also sees the observation that made one of them fail.
 *
 * <p>Steps are the world's steps: the {@code i} of the event log's line {@code i} during which the hart
 * emitted the observation. A call that had not returned when the run stopped has no end.
 */
public final class Timeline {
  /** The setup hart's actor key: it runs the device nodes and the scenario's setup before the harts start. */
  public static final String SETUP = "world/setup";

  /**
   * One statement of a hart.
   *
   * @param endStep the step in which it returned, or -1 if it had not when the run stopped
   * @param result a {@link SysResult} (or another value a statement returns); null if it had not returned
   */
  public record Call(int index, String text, int startStep, long startNanos, int endStep, long endNanos, Object result) {
    public boolean returned() {
      return endStep >= 0;
    }

    /** Returned with an error (an errno). */
    public boolean failed() {
      return result instanceof SysResult.Err;
    }
  }

  /**
   * One hart's calls in program order.
   *
   * @param key the hart's actor key ({@code world/mounter}, {@link #SETUP})
   * @param exitedAfter how many statements the hart ran when it exited, or -1 if it had not exited
   */
  public record Hart(String key, List<Call> calls, int exitedAfter) {
    public Hart {
      calls = List.copyOf(calls);
    }

    /** The key without its {@code world/} prefix: the name a scenario gave the hart. */
    public String name() {
      return key.startsWith("world/") ? key.substring("world/".length()) : key;
    }

    public boolean exited() {
      return exitedAfter >= 0;
    }

    public boolean isSetup() {
      return key.equals(SETUP);
    }
  }

  /** A start or an end of a call, in the order the harts emitted them. */
  public record Event(String hart, Call call, boolean start, int step) {}

  private final List<Hart> harts;
  private final List<Event> events;

  private Timeline(List<Hart> harts, List<Event> events) {
    this.harts = List.copyOf(harts);
    this.events = List.copyOf(events);
  }

  /** The harts: setup first, then in the recorder's order (a scenario's), then in the order they first started a call. */
  public List<Hart> harts() {
    return harts;
  }

  /** Every start and end, in emission order. */
  public List<Event> events() {
    return events;
  }

  /** The racing harts (every hart but setup). */
  public List<Hart> racing() {
    return harts.stream().filter(h -> !h.isSetup()).toList();
  }

  /** The calls that had started but not returned when the run stopped, one per hart at most. */
  public List<Event> inProgress() {
    List<Event> out = new ArrayList<>();
    for (Hart h : harts) {
      for (Call c : h.calls()) {
        if (!c.returned()) {
          out.add(new Event(h.key(), c, true, c.startStep()));
        }
      }
    }
    return out;
  }

  /** Whether any call started or ended at a virtual time other than zero (only then is time worth showing). */
  public boolean timed() {
    return harts.stream().flatMap(h -> h.calls().stream()).anyMatch(c -> c.startNanos() != 0 || c.endNanos() != 0);
  }

  /**
   * A result as reports show it: the errno's name, or the value and any data read or filled in, bytes
   * {@linkplain #bytes shown} as text or hex.
   */
  public static String result(Object result) {
    if (result == null) {
      return "";
    }
    if (result instanceof SysResult.Err e) {
      return e.errno().name();
    }
    if (result instanceof SysResult.Ok ok && ok.data() instanceof byte[] b) {
      return ok.value() + " " + bytes(b, SHOWN_BYTES);
    }
    return result instanceof SysResult ? result.toString() : Summaries.value(result);
  }

  /** Reports show at most this many bytes of a read; JSON has them all. */
  static final int SHOWN_BYTES = 32;

  /**
   * Bytes as a reader wants them: a quoted string with C escapes when every byte is printable ASCII, a tab
   * or a newline ({@code "abc\n"}), else hex ({@code 0x00ff…}); {@code ""} when empty. At most {@code max}
   * bytes, then {@code … (N bytes)}.
   */
  public static String bytes(byte[] b, int max) {
    boolean text = true;
    for (byte x : b) {
      if ((x < 0x20 || x > 0x7e) && x != '\n' && x != '\t') {
        text = false;
        break;
      }
    }
    int n = Math.min(b.length, max);
    StringBuilder s = new StringBuilder();
    if (text) {
      s.append('"');
      for (int i = 0; i < n; i++) {
        char c = (char) b[i];
        switch (c) {
          case '\n' -> s.append("\\n");
          case '\t' -> s.append("\\t");
          case '"' -> s.append("\\\"");
          case '\\' -> s.append("\\\\");
          default -> s.append(c);
        }
      }
      s.append('"');
    } else {
      s.append("0x").append(java.util.HexFormat.of().formatHex(b, 0, n));
    }
    if (n < b.length) {
      s.append("\u2026 (").append(String.format(java.util.Locale.ROOT, "%,d", b.length)).append(" bytes)");
    }
    return s.toString();
  }

  /**
   * The timeline as text: one block per hart, one line per call ({@code [start-end] text = result}).
   * Setup is one line when all its calls succeeded (the device nodes and the scenario's setup).
   */
  public List<String> render() {
    boolean timed = timed();
    int stepWidth = 1;
    for (Hart h : harts) {
      for (Call c : h.calls()) {
        stepWidth = Math.max(stepWidth, Integer.toString(Math.max(c.startStep(), c.endStep())).length());
      }
    }
    List<String> out = new ArrayList<>();
    for (Hart h : harts) {
      if (h.isSetup() && h.exited() && h.calls().stream().allMatch(c -> c.returned() && !c.failed())) {
        Call first = h.calls().get(0);
        Call last = h.calls().get(h.calls().size() - 1);
        out.add("  setup: " + h.calls().size() + " statements (device nodes, then the scenario's setup), all"
            + " succeeded, steps " + first.startStep() + "-" + last.endStep());
        continue;
      }
      out.add("  " + h.name() + ":");
      for (Call c : h.calls()) {
        String steps = "[" + pad(Integer.toString(c.startStep()), stepWidth) + "-"
            + pad(c.returned() ? Integer.toString(c.endStep()) : "", stepWidth) + "]";
        String time = timed ? " " + pad(Summaries.time(c.startNanos()), 8) : "";
        String what = c.returned() ? c.text() + " = " + result(c.result()) : c.text() + "   (had not returned)";
        out.add("    " + steps + time + "  " + what);
      }
      if (!h.exited()) {
        int next = h.calls().size();
        if (h.calls().isEmpty() || h.calls().get(next - 1).returned()) {
          out.add("    (stopped before its statement " + next + ")");
        }
      }
    }
    return out;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
  }

  // ---- recording ----

  /**
   * Records the harts' call observations of one run, with the step each came in. Use one per run:
   * {@link #around} gives a world that adds it (first) to the world's own monitors.
   */
  public static final class Recorder implements Monitor {
    private final List<String> order;
    private final List<Object> observations = new ArrayList<>();
    private final List<String> actors = new ArrayList<>();
    private final List<Integer> stepOf = new ArrayList<>();
    private int step;

    /** A recorder whose timelines list the harts in the order they first started a call. */
    public Recorder() {
      this(List.of());
    }

    /**
     * A recorder whose timelines list setup, then the harts named in {@code hartNames} in that order
     * (a scenario's order), then any others in the order they first started a call.
     */
    public Recorder(List<String> hartNames) {
      this.order = hartNames.stream().map(n -> n.contains("/") ? n : "world/" + n).toList();
    }

    @Override
    public String name() {
      return "timeline";
    }

    @Override
    public void onStep(Step s, Verdict verdict) {
      step = s.index() + 1;
    }

    @Override
    public void onObservation(Object observation, String actor, Verdict verdict) {
      if (observation instanceof Calls.Started || observation instanceof Calls.Returned
          || observation instanceof Calls.Exited) {
        observations.add(observation);
        actors.add(actor);
        stepOf.add(step);
      }
    }

    void reset() {
      observations.clear();
      actors.clear();
      stepOf.clear();
      step = 0;
    }

    /** The timeline of what was recorded so far. */
    public Timeline timeline() {
      Map<String, List<Call>> calls = new LinkedHashMap<>();
      calls.put(SETUP, new ArrayList<>());
      for (String key : order) {
        calls.put(key, new ArrayList<>());
      }
      Map<String, Integer> exited = new LinkedHashMap<>();
      Map<String, Calls.Started> open = new LinkedHashMap<>();
      Map<String, Integer> openStep = new LinkedHashMap<>();
      List<Object[]> emitted = new ArrayList<>(); // hart, call index, start?, step
      for (int i = 0; i < observations.size(); i++) {
        Object o = observations.get(i);
        int at = stepOf.get(i);
        if (o instanceof Calls.Started s) {
          calls.computeIfAbsent(s.hart(), k -> new ArrayList<>());
          open.put(s.hart(), s);
          openStep.put(s.hart(), at);
          emitted.add(new Object[] {s.hart(), s.index(), true, at});
        } else if (o instanceof Calls.Returned r) {
          Calls.Started s = open.remove(r.hart());
          int start = openStep.getOrDefault(r.hart(), at);
          long startNanos = s == null ? r.nanos() : s.nanos();
          calls.computeIfAbsent(r.hart(), k -> new ArrayList<>())
              .add(new Call(r.index(), r.text(), start, startNanos, at, r.nanos(), r.result()));
          emitted.add(new Object[] {r.hart(), r.index(), false, at});
        } else if (o instanceof Calls.Exited e) {
          calls.computeIfAbsent(e.hart(), k -> new ArrayList<>());
          exited.put(e.hart(), e.statements());
        }
      }
      for (Calls.Started s : open.values()) {
        calls.get(s.hart()).add(new Call(s.index(), s.text(), openStep.get(s.hart()), s.nanos(), -1, 0, null));
      }
      List<Hart> harts = new ArrayList<>();
      for (Map.Entry<String, List<Call>> e : calls.entrySet()) {
        if (e.getValue().isEmpty() && !exited.containsKey(e.getKey()) && !order.contains(e.getKey())) {
          continue;
        }
        harts.add(new Hart(e.getKey(), e.getValue(), exited.getOrDefault(e.getKey(), -1)));
      }
      // Each hart's calls by index, the first of an index kept (a linear search per event was quadratic: 100,000
      // statements of one hart took hours).
      Map<String, Map<Integer, Call>> byIndex = new java.util.HashMap<>();
      calls.forEach((hart, list) -> {
        Map<Integer, Call> m = new java.util.HashMap<>();
        list.forEach(c -> m.putIfAbsent(c.index(), c));
        byIndex.put(hart, m);
      });
      List<Event> events = new ArrayList<>();
      for (Object[] ev : emitted) {
        String hart = (String) ev[0];
        int index = (Integer) ev[1];
        Call call = java.util.Objects.requireNonNull(byIndex.get(hart).get(index), "no call " + index + " of " + hart);
        events.add(new Event(hart, call, (Boolean) ev[2], (Integer) ev[3]));
      }
      return new Timeline(harts, events);
    }

    /** The timeline goes on through a reboot after a power loss: the recovery hart's calls are in it. */
    @Override
    public boolean hearsReboot() {
      return true;
    }

    /**
     * {@code world} with this recorder as its first monitor (reset at the start of every iteration).
     * Monitors only observe, so the world runs, logs and hashes exactly as without it.
     */
    public WorldSpec around(WorldSpec world) {
      return world.withMonitorsFirst(w -> {
        reset();
        return List.of(this);
      });
    }
  }
}
