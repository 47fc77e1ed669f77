package kernsim.fuzz;

import java.util.Comparator;
import java.util.List;
import kernsim.actors.Failure;

/**
 * A failure's signature: its oracle (or failure kind) and its site, the failure's message with what
 * differs between programs that hit the same spot taken out: hart names become {@code hart}, other
 * actors' numbers {@code N}, strings {@code "…"}, variables {@code v}, numbers {@code N}. Two findings
 * with one signature are one finding; the first is kept.
 */
public final class Signature {
  private Signature() {}

  /** The signature of {@code f} in a world whose harts have the keys {@code hartKeys}. */
  public static String of(Failure f, List<String> hartKeys) {
    if (f instanceof Failure.SafetyViolation v) {
      return v.oracle() + ": " + site(v.message(), hartKeys);
    }
    if (f instanceof Failure.Deadlock d) {
      return "deadlock: " + site(d.describe(), hartKeys);
    }
    if (f instanceof Failure.UnexpectedException e) {
      return "exception: " + site(e.actor(), hartKeys) + " threw " + e.exception();
    }
    return f.kind();
  }

  /** The oracle part of a signature. */
  public static String oracle(String signature) {
    int i = signature.indexOf(": ");
    return i < 0 ? signature : signature.substring(0, i);
  }

  static String site(String message, List<String> hartKeys) {
    String s = message;
    List<String> keys = hartKeys.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    for (String k : keys) {
      s = s.replace(k, "hart");
    }
    s = s.replaceAll("world/file:[^ ,)]+", "world/file");
    s = s.replaceAll("\"[^\"]*\"", "\"…\"");
    s = s.replaceAll("(?<=[(\\[,] ?)[a-z_][a-z0-9_]*(?=[,)\\]])", "v");
    s = s.replaceAll("\\d+", "N");
    return s;
  }
}
