package kernsim.actors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A recorded iteration: enough to run it again exactly. Written by {@link TraceCodec}.
 *
 * @param header what it was recorded against
 * @param keys the actor keys the choices refer to
 * @param choices the encoded choices (see {@link ChoiceLog})
 * @param footer how the recorded run ended
 */
public record Trace(Header header, List<String> keys, int[] choices, Footer footer) {
  /** Bumped whenever the file layout changes. */
  public static final int FORMAT_VERSION = 2;

  /** The prefix of the header options that hold the strategy's {@link Strategy#parameters()}. */
  public static final String STRATEGY_PREFIX = "strategy.";
  /** PCT's depth d. */
  public static final String DEPTH = "depth";
  /** k: the steps among which PCT's change points and delay-bounding's delays fall. */
  public static final String STEPS = "steps";
  /** Delay-bounding's number of delays. */
  public static final String DELAYS = "delays";
  /** dfs's preemption bound (negative: none). */
  public static final String PREEMPTION_BOUND = "preemption-bound";

  public Trace {
    keys = List.copyOf(keys);
    choices = choices.clone();
  }

  /**
   * @param formatVersion the trace layout
   * @param modelVersion the version of the model the scenario ran on
   * @param scenario the scenario's name
   * @param scenarioHash a hash of the scenario's text
   * @param text the scenario's text itself, so a trace replays on a machine that has nothing else
   * @param strategy the strategy that made the choices
   * @param seed the exploration's seed
   * @param iteration which iteration of that exploration this is
   * @param options every knob that changes how the world runs, sorted by name
   */
  public record Header(
      int formatVersion,
      String modelVersion,
      String scenario,
      String scenarioHash,
      String text,
      String strategy,
      long seed,
      int iteration,
      SortedMap<String, String> options) {
    public Header {
      options = new TreeMap<>(options);
    }

    /** The strategy's parameters ({@link Strategy#parameters()}), without their prefix. */
    public SortedMap<String, String> strategyParameters() {
      TreeMap<String, String> p = new TreeMap<>();
      options.forEach((k, v) -> {
        if (k.startsWith(STRATEGY_PREFIX)) {
          p.put(k.substring(STRATEGY_PREFIX.length()), v);
        }
      });
      return p;
    }

    /** Why this trace cannot be replayed against {@code spec}, or null if it can. */
    public String mismatch(WorldSpec spec) {
      if (formatVersion != FORMAT_VERSION) {
        return "trace format " + formatVersion + " is not supported (this kernsim reads format " + FORMAT_VERSION + ")";
      }
      if (!modelVersion.equals(spec.modelVersion())) {
        return "the trace was recorded on model " + modelVersion + ", this is model " + spec.modelVersion();
      }
      if (!scenarioHash.equals(hashText(spec.text()))) {
        return "the trace was recorded for scenario '" + scenario + "' (text hash " + scenarioHash
            + "), but '" + spec.name() + "' hashes to " + hashText(spec.text());
      }
      return null;
    }
  }

  /**
   * @param steps how many steps the recorded run took
   * @param outcome the failure's signature, or {@code ok}
   * @param eventLogHash the recorded run's event-log hash
   */
  public record Footer(int steps, String outcome, String eventLogHash) {}

  /** The scenario-text hash used in headers: SHA-256, first 16 hex digits. */
  public static String hashText(String text) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The recorded choices as steps: which actor ran (or the clock) and what its handler drew. */
  public List<ChoiceLog.Step> steps() {
    return ChoiceLog.steps(keys, choices);
  }

  ChoiceLog choiceLog() {
    return new ChoiceLog(keys, choices);
  }
}
