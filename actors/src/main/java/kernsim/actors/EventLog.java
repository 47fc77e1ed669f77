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
  // Fixed-size chunks: appending never copies, however long the run.
  private static final int CHUNK_BITS = 10;
  private static final int CHUNK = 1 << CHUNK_BITS;
  private static final int MASK = CHUNK - 1;
  private long[][] times = new long[4][];
  private String[][] actors = new String[4][];
  private Object[][] messages = new Object[4][];
  private int size;
  private List<String> rendered;
  private String hash;

  void append(long timeNanos, String actor, Object message) {
    int c = size >>> CHUNK_BITS;
    int i = size & MASK;
    if (i == 0) {
      if (c == times.length) {
        times = Arrays.copyOf(times, c * 2);
        actors = Arrays.copyOf(actors, c * 2);
        messages = Arrays.copyOf(messages, c * 2);
      }
      times[c] = new long[CHUNK];
      actors[c] = new String[CHUNK];
      messages[c] = new Object[CHUNK];
    }
    times[c][i] = timeNanos;
    actors[c][i] = actor;
    messages[c][i] = message;
    size++;
  }

  public int size() {
    return size;
  }

  public String actor(int step) {
    check(step);
    return actors[step >>> CHUNK_BITS][step & MASK];
  }

  public long timeNanos(int step) {
    check(step);
    return times[step >>> CHUNK_BITS][step & MASK];
  }

  private void check(int step) {
    if (step < 0 || step >= size) {
      throw new IndexOutOfBoundsException("step " + step + " of " + size);
    }
  }

  /**
   * What the step delivered: the message, a {@link Summaries.SystemMessages} when system messages
   * came first, or a {@link Summaries.ClockAdvance} for a clock step.
   */
  public Object message(int step) {
    check(step);
    return messages[step >>> CHUNK_BITS][step & MASK];
  }

  /** The step's message type, as in its line. */
  public String type(int step) {
    return Summaries.type(message(step));
  }

  /** The step's summary, as in its line. */
  public String summary(int step) {
    return Summaries.render(message(step));
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
    return step + " " + Summaries.time(timeNanos(step)) + " " + actor(step) + " " + type(step) + " " + summary(step);
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
