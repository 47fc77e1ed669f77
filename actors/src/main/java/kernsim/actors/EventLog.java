package kernsim.actors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Every step of one run: (step, virtual time, actor key, message type, a short summary).
 *
 * <p>The step loop only stores references (cheap); lines are rendered on demand, with actor
 * references shown by key, never by their random uid, so the rendering — and its hash — is the same
 * in every JVM. Model messages must be immutable, as Pekko asks anyway.
 */
public final class EventLog {
  private long[] times = new long[256];
  private String[] actors = new String[256];
  private Object[] messages = new Object[256];
  private int size;
  private List<String> rendered;
  private String hash;

  void append(long timeNanos, String actor, Object message) {
    if (size == times.length) {
      int n = size * 2;
      times = Arrays.copyOf(times, n);
      actors = Arrays.copyOf(actors, n);
      messages = Arrays.copyOf(messages, n);
    }
    times[size] = timeNanos;
    actors[size] = actor;
    messages[size] = message;
    size++;
  }

  public int size() {
    return size;
  }

  public String actor(int step) {
    return actors[step];
  }

  public long timeNanos(int step) {
    return times[step];
  }

  /**
   * What the step delivered: the message, a {@link Summaries.SystemMessages} when system messages
   * came first, or a {@link Summaries.ClockAdvance} for a clock step.
   */
  public Object message(int step) {
    return messages[step];
  }

  /** The step's message type, as in its line. */
  public String type(int step) {
    return Summaries.type(messages[step]);
  }

  /** The step's summary, as in its line. */
  public String summary(int step) {
    return Summaries.render(messages[step]);
  }

  /** The rendered lines, one per step. */
  public List<String> lines() {
    if (rendered == null) {
      List<String> out = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        out.add(line(i));
      }
      rendered = List.copyOf(out);
    }
    return rendered;
  }

  public String line(int step) {
    return step + " " + Summaries.time(times[step]) + " " + actors[step] + " " + type(step) + " " + summary(step);
  }

  /** SHA-256 of the rendered lines, first 16 hex digits: printed at the end of every run. */
  public String hash() {
    if (hash == null) {
      try {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (String l : lines()) {
          d.update(l.getBytes(StandardCharsets.UTF_8));
          d.update((byte) '\n');
        }
        hash = HexFormat.of().formatHex(d.digest(), 0, 8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return hash;
  }
}
