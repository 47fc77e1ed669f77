package kernsim.fuzz;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.actors.EventLog;

/**
 * How much of the model an exploration reached, in the fuzz campaign's coverage signal ({@link Coverage}), and
 * against the universe the model makes known where that is computable:
 *
 * <ul>
 *   <li><b>messages</b>: the {@code M} features, each actor class's distinct (message type, outcome) pairs;
 *   <li><b>message types</b>: of every message type of the protocols the run's actors were sent (a protocol is
 *       the sealed interface a message implements; its universe is every record it permits), how many were
 *       delivered at least once, per actor class; outcomes have no such universe (they are values);
 *   <li><b>lock-region pairs</b>: the {@code P} features, against the pairs possible: for each shared actor
 *       class, every (a, b) where some hart sent it a request of type a and another hart one of type b. A pair
 *       never reached is two harts' lock-region steps that no schedule made adjacent.
 * </ul>
 *
 * <p>Feed it every schedule's event log ({@link #add}, one call at a time, in any order); read it with
 * {@link #summary(int)}, which counts the iterations below its bound alone.
 */
public final class Reach {
  private final Coverage.Reader reader;
  /**
   * Each fact seen, with the lowest iteration that saw it, so a summary can count the iterations below a bound
   * only (several workers run iterations past the lowest failure, which an exploration does not count): a
   * feature ({@link Coverage.Message}, {@link Coverage.Pair}), a protocol's type known at an actor class
   * ({@link Known}), a type delivered ({@link Delivered}), a request of a hart at a shared actor
   * ({@link Coverage.Request}). Records of strings: no identity hash or order anywhere.
   */
  private final java.util.HashMap<Record, Integer> first = new java.util.HashMap<>();
  private int iterations;

  private record Known(String actorClass, String type) {}

  private record Delivered(String actorClass, String type) {}

  public Reach(List<String> hartKeys) {
    this.reader = new Coverage.Reader(hartKeys);
  }

  /** Adds iteration {@code iteration}'s run (0-based, any order). */
  public synchronized void add(int iteration, EventLog log) {
    iterations = Math.max(iterations, iteration + 1);
    Coverage.Signal s = reader.read(log);
    for (Coverage.Message m : s.messages()) {
      first.merge(m, iteration, Math::min);
    }
    for (Coverage.Pair p : s.pairs()) {
      first.merge(p, iteration, Math::min);
    }
    for (Coverage.Request r : s.requests()) {
      first.merge(r, iteration, Math::min);
    }
    for (Coverage.Delivery d : s.deliveries()) {
      Delivered k = new Delivered(d.actorClass(), d.type());
      Integer at = first.get(k);
      if (at != null && at <= iteration) {
        continue; // its protocol's types were known at that iteration already
      }
      first.put(k, iteration);
      for (String t : d.protocol()) {
        first.merge(new Known(d.actorClass(), t), iteration, Math::min);
      }
    }
  }

  /** What every iteration added reached, with the universes. */
  public synchronized Summary summary() {
    return summary(iterations);
  }

  /** What the iterations below {@code limit} reached (an exploration's count: those up to its lowest failure). */
  public synchronized Summary summary(int limit) {
    TreeSet<String> featureSet = new TreeSet<>();
    TreeMap<String, TreeSet<String>> known = new TreeMap<>();
    TreeMap<String, TreeSet<String>> delivered = new TreeMap<>();
    Set<List<String>> requests = new HashSet<>();
    first.forEach((fact, at) -> {
      if (at >= limit) {
        return;
      }
      if (fact instanceof Coverage.Message m) {
        featureSet.add(m.feature());
      } else if (fact instanceof Coverage.Pair p) {
        featureSet.add(p.feature());
      } else if (fact instanceof Known k) {
        known.computeIfAbsent(k.actorClass(), x -> new TreeSet<>()).add(k.type());
      } else if (fact instanceof Delivered d) {
        delivered.computeIfAbsent(d.actorClass(), x -> new TreeSet<>()).add(d.type());
      } else if (fact instanceof Coverage.Request r) {
        requests.add(List.of(r.actorClass(), r.hart(), r.type()));
      }
    });
    int messages = 0;
    int pairs = 0;
    TreeSet<String> pairFeatures = new TreeSet<>();
    for (String f : featureSet) {
      if (f.startsWith("M ")) {
        messages++;
      } else if (f.startsWith("P ")) {
        pairs++;
        pairFeatures.add(f.substring(2));
      }
    }
    int typesKnown = 0;
    int typesReached = 0;
    TreeMap<String, List<String>> unreached = new TreeMap<>();
    for (Map.Entry<String, TreeSet<String>> e : known.entrySet()) {
      TreeSet<String> got = delivered.getOrDefault(e.getKey(), new TreeSet<>());
      List<String> missing = new ArrayList<>();
      for (String t : e.getValue()) {
        typesKnown++;
        if (got.contains(t)) {
          typesReached++;
        } else {
          missing.add(t);
        }
      }
      if (!missing.isEmpty()) {
        unreached.put(e.getKey(), missing);
      }
    }
    // Possible pairs: per shared actor class, a request type of one hart then one of another.
    TreeMap<String, TreeMap<String, TreeSet<String>>> byHart = new TreeMap<>();
    for (List<String> r : requests) {
      byHart.computeIfAbsent(r.get(0), k -> new TreeMap<>()).computeIfAbsent(r.get(1), k -> new TreeSet<>()).add(r.get(2));
    }
    TreeSet<String> possible = new TreeSet<>();
    byHart.forEach((cls, harts) -> harts.forEach((h, types) -> harts.forEach((h2, types2) -> {
      if (!h.equals(h2)) {
        for (String a : types) {
          for (String b : types2) {
            possible.add(cls + " " + a + " " + b);
          }
        }
      }
    })));
    List<String> neverAdjacent = possible.stream().filter(p -> !pairFeatures.contains(p)).toList();
    List<String> adjacent = possible.stream().filter(pairFeatures::contains).toList();
    return new Summary(Math.min(limit, iterations), featureSet.size(), messages, typesReached, typesKnown,
        known.size(), unreached, pairs, adjacent.size(), possible.size(), adjacent, neverAdjacent);
  }

  /**
   * @param schedules the schedules added
   * @param features distinct coverage features ({@link Coverage}: {@code M} and {@code P})
   * @param messages distinct {@code M} features: (actor class, message type, outcome)
   * @param typesReached message types delivered at least once, counted per actor class, of {@code typesKnown}
   * @param typesKnown the message types of the protocols the actors were sent, per actor class
   * @param actorClasses the actor classes whose protocols are known
   * @param unreached per actor class, its protocols' message types never delivered to it
   * @param pairs distinct {@code P} features: adjacent requests of different harts at a shared actor
   * @param pairsReached those of {@code pairsPossible} reached ({@code pairs} may count more: a pair whose
   *     request types only some other hart pair sent)
   * @param pairsPossible the pairs two harts' requests make possible at each shared actor class
   * @param adjacent the possible pairs reached, as {@code actor-class type-a type-b}
   * @param neverAdjacent the possible pairs never reached, the same way
   */
  public record Summary(long schedules, int features, int messages, int typesReached, int typesKnown,
      int actorClasses, Map<String, List<String>> unreached, int pairs, int pairsReached, int pairsPossible,
      List<String> adjacent, List<String> neverAdjacent) {}
}
