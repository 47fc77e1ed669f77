package kernsim.actors;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The recorded choices of one iteration, in the order they were made.
 *
 * <p>Each choice is one int, {@code payload << 2 | kind}: for {@link #ACTOR} the payload is the index
 * of the chosen actor's key in {@link #keys()} (so a replay names the actor it expected, not a
 * position), for {@link #CLOCK} zero, for {@link #BOOL} the value, for {@link #INT} the value,
 * followed by one more int holding the bound. The codec writes them as variable-length ints: about one
 * byte per step.
 */
public final class ChoiceLog {
  static final int ACTOR = 0;
  static final int CLOCK = 1;
  static final int BOOL = 2;
  static final int INT = 3;

  private final List<String> keys;
  private final Map<String, Integer> keyIds = new HashMap<>();
  private int[] data;
  private int size;

  ChoiceLog() {
    this.keys = new ArrayList<>();
    this.data = new int[256];
  }

  /** A log read back from a trace. */
  ChoiceLog(List<String> keys, int[] data) {
    this.keys = new ArrayList<>(keys);
    for (int i = 0; i < keys.size(); i++) {
      keyIds.put(keys.get(i), i);
    }
    this.data = data.clone();
    this.size = data.length;
  }

  /**
   * One step of a recorded run, decoded: the actor that ran ({@code null} for a clock advance) and the
   * values its handler drew, in order.
   */
  public record Step(String actor, List<Draw> draws) {
    public Step {
      draws = List.copyOf(draws);
    }
  }

  /** A drawn value: an integer below {@code bound}, or a boolean (0 or 1) when {@code bound} is 0. */
  public record Draw(int value, int bound) {
    public boolean isBoolean() {
      return bound == 0;
    }
  }

  /**
   * The steps of encoded choices: each actor or clock choice starts a step, and the drawn values after
   * it are that step's (a handler draws while it runs, after the controller picked it).
   */
  public static List<Step> steps(List<String> keys, int[] data) {
    List<Step> out = new ArrayList<>();
    String actor = null;
    List<Draw> draws = null;
    for (int i = 0; i < data.length; i++) {
      int v = data[i];
      switch (v & 3) {
        case ACTOR, CLOCK -> {
          if (draws != null) {
            out.add(new Step(actor, draws));
          }
          actor = (v & 3) == ACTOR ? keys.get(v >>> 2) : null;
          draws = new ArrayList<>();
        }
        case BOOL -> draws(draws).add(new Draw(v >>> 2, 0));
        default -> draws(draws).add(new Draw(v >>> 2, data[++i]));
      }
    }
    if (draws != null) {
      out.add(new Step(actor, draws));
    }
    return out;
  }

  private static List<Draw> draws(List<Draw> d) {
    if (d == null) {
      throw new IllegalArgumentException("a drawn value before the first step");
    }
    return d;
  }

  public List<String> keys() {
    return List.copyOf(keys);
  }

  /** The encoded choices. */
  public int[] data() {
    return Arrays.copyOf(data, size);
  }

  int size() {
    return size;
  }

  int get(int i) {
    return data[i];
  }

  String key(int id) {
    return keys.get(id);
  }

  void actor(String key) {
    Integer id = keyIds.get(key);
    if (id == null) {
      id = keys.size();
      keys.add(key);
      keyIds.put(key, id);
    }
    add(id << 2 | ACTOR);
  }

  /** The same as {@link #actor(String)}, with the key's number kept on the slot for the next time. */
  void actor(Controller.Slot slot) {
    if (slot.log != this) {
      Integer id = keyIds.get(slot.key);
      if (id == null) {
        id = keys.size();
        keys.add(slot.key);
        keyIds.put(slot.key, id);
      }
      slot.log = this;
      slot.logId = id;
    }
    add(slot.logId << 2 | ACTOR);
  }

  void clock() {
    add(CLOCK);
  }

  void bool(boolean value) {
    add((value ? 1 : 0) << 2 | BOOL);
  }

  void integer(int value, int bound) {
    add(value << 2 | INT);
    add(bound);
  }

  private void add(int v) {
    if (size == data.length) {
      data = Arrays.copyOf(data, size * 2);
    }
    data[size++] = v;
  }
}
