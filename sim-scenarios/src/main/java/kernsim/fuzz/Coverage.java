package kernsim.fuzz;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import kernsim.actors.EventLog;
import kernsim.actors.Keys;
import kernsim.actors.Summaries;
import kernsim.dev.Errno;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.internal.TimerSchedulerImpl;

/**
 * The campaign's coverage signal, read from a run's event log (docs/fuzz.md):
 *
 * <ul>
 *   <li>{@code M actor-class message-type outcome}: each actor's (message type, outcome) pairs, where
 *       the actor class is its key with hart names as {@code hart} and numbers as {@code N}, and the
 *       outcome of a {@code Reply} is the reply's constructor and errno ({@code Ok}, {@code Err/EBUSY},
 *       {@code false});
 *   <li>{@code P type-a type-b}: two requests of different harts delivered one right after the other to
 *       the same shared actor (a loop device, the block cache, the mount table), by message type: the
 *       adjacent lock-region steps of different harts a race is made of.
 * </ul>
 *
 * <p>The signal is read from the logged messages as values ({@link Reader}): their classes, record components,
 * errnos and actor references, never their rendered text. A value that has no component names (a list, a
 * map, one of Pekko's case classes) is searched in the order the event log renders it, so the outcome and
 * the requester are those its line shows first.
 */
public final class Coverage {
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern FILE = Pattern.compile("file:[^/]+");

  private final TreeSet<String> seen = new TreeSet<>();

  /** The features seen so far. */
  public int size() {
    return seen.size();
  }

  /** Adds {@code features}; returns how many were new. */
  public int addAll(Iterable<String> features) {
    int n = 0;
    for (String f : features) {
      if (seen.add(f)) {
        n++;
      }
    }
    return n;
  }

  /** Every feature, sorted (the corpus directory's coverage.txt). */
  public List<String> features() {
    return List.copyOf(seen);
  }

  /** The features of one run. */
  public static TreeSet<String> of(EventLog log, List<String> hartKeys) {
    return of(log, hartKeys, null);
  }

  /**
   * The features of one run, and into {@code requests} (unless null) each request a shared actor handled for a
   * hart, as {@code actor-class}, {@code hart}, {@code message-type}: what the {@code P} features pair up.
   */
  public static TreeSet<String> of(EventLog log, List<String> hartKeys, Set<List<String>> requests) {
    Signal s = new Reader(hartKeys).read(log);
    TreeSet<String> out = new TreeSet<>();
    s.messages().forEach(m -> out.add(m.feature()));
    s.pairs().forEach(p -> out.add(p.feature()));
    if (requests != null) {
      s.requests().forEach(r -> requests.add(List.of(r.actorClass(), r.hart(), r.type())));
    }
    return out;
  }

  /** An {@code M} feature: an actor class handled a message type, with the reply's outcome (else empty). */
  public record Message(String actorClass, String type, String outcome, String errno) {
    /** As in the corpus's coverage.txt. */
    public String feature() {
      String o = errno.isEmpty() ? outcome : outcome + "/" + errno;
      return "M " + actorClass + " " + type + (o.isEmpty() ? "" : " " + o);
    }
  }

  /** A {@code P} feature: requests of types {@code a} then {@code b} of two harts, adjacent at an actor class. */
  public record Pair(String actorClass, String a, String b) {
    public String feature() {
      return "P " + actorClass + " " + a + " " + b;
    }
  }

  /** A request of a hart ({@code replyTo}) that an actor class other than a hart handled. */
  public record Request(String actorClass, String hart, String type) {}

  /**
   * A message class delivered to an actor class: its type column and its protocol, every record its
   * outermost sealed interface permits.
   */
  public record Delivery(String actorClass, String type, List<String> protocol) {}

  /** One run's signal, each fact once, in the order first seen. */
  public record Signal(Set<Message> messages, Set<Pair> pairs, Set<Request> requests, Set<Delivery> deliveries) {}

  /**
   * Reads runs' signals. It keeps, across runs, what it learnt of each actor key (its class, its hart); not
   * thread-safe. Per step it does no string work: it looks the step's actor up by key, the message's class
   * up in a {@code ClassValue}, and for a reply or a request to an actor other than a hart walks the message's
   * record components for the reply's constructor and errno or the request's {@code replyTo}.
   */
  public static final class Reader {
    private final List<String> hartKeys;
    private final HashMap<String, Actor> actors = new HashMap<>();
    private int run;

    public Reader(List<String> hartKeys) {
      this.hartKeys = List.copyOf(hartKeys);
    }

    /** What the reader knows of an actor key, and its state in the current run. */
    private final class Actor {
      final String cls;
      final String hart; // the hart the key is or is below, else null
      final boolean isHart; // the key is a hart's own
      final Seen handled = new Seen(); // message classes handled in a run (M features of no outcome)
      final Seen delivered = new Seen(); // message classes delivered in a run (after system messages)
      int lastRun = -1; // the run lastHart and lastType belong to
      String lastHart;
      String lastType;
      // By message type id: the replies' outcomes seen (across runs) and the requests' harts, each with the run
      // that last reported it, so a run reports each fact once without hashing a record per step.
      final Facts replies = new Facts();
      final Facts requests = new Facts();

      Actor(String key) {
        cls = actorClass(key, hartKeys);
        hart = hartOf(key, hartKeys);
        isHart = hartKeys.contains(key);
      }
    }

    /**
     * A fact an actor reported: a reply's outcome and errno ({@code a}, {@code b}) or a request's hart ({@code a}),
     * the record a run reports for it, and the run that last reported it. The strings compared are canonical
     * (a class's cached letters, an enum constant's name), so the comparison is mostly by reference.
     */
    private static final class Fact {
      final String a;
      final String b;
      final Object record;
      int lastRun = -1;

      Fact(String a, String b, Object record) {
        this.a = a;
        this.b = b;
        this.record = record;
      }
    }

    /** The facts (a, b) of each type seen so far, by type id; the run's first sight of one in {@link #first}. */
    private static final class Facts {
      private Fact[][] byType = new Fact[32][];

      /** The fact (a, b) of type {@code t}, or null when it is new (then {@link #add} it). */
      Fact find(int t, String a, String b) {
        Fact[] fs = t < byType.length ? byType[t] : null;
        if (fs != null) {
          for (Fact f : fs) {
            if (f.a.equals(a) && f.b.equals(b)) {
              return f;
            }
          }
        }
        return null;
      }

      Fact add(int t, Fact f) {
        if (t >= byType.length) {
          byType = java.util.Arrays.copyOf(byType, Math.max(t + 1, byType.length * 2));
        }
        Fact[] fs = byType[t];
        Fact[] more = fs == null ? new Fact[1] : java.util.Arrays.copyOf(fs, fs.length + 1);
        more[more.length - 1] = f;
        byType[t] = more;
        return f;
      }

      /** Whether fact {@code f} is new in run {@code r} (and marks it seen). */
      static boolean first(Fact f, int r) {
        if (f.lastRun == r) {
          return false;
        }
        f.lastRun = r;
        return true;
      }
    }

    /** A per-run set of message classes by id: the run that last saw each. */
    private static final class Seen {
      private int[] in = new int[32];

      /** Whether type {@code t} is new in run {@code r} (and marks it seen). */
      boolean firstIn(int r, int t) {
        if (t >= in.length) {
          in = java.util.Arrays.copyOf(in, Math.max(t + 1, in.length * 2));
        }
        if (in[t] == r) {
          return false;
        }
        in[t] = r;
        return true;
      }
    }

    private Actor actor(String key) {
      Actor a = actors.get(key);
      if (a == null) {
        a = new Actor(key);
        actors.put(key, a);
      }
      return a;
    }

    /** One run's signal. */
    public Signal read(EventLog log) {
      int r = ++run;
      Set<Message> messages = new LinkedHashSet<>();
      Set<Pair> pairs = new LinkedHashSet<>();
      Set<Request> requests = new LinkedHashSet<>();
      Set<Delivery> deliveries = new LinkedHashSet<>();
      // Each reference's key, once per run (a reference is a run's own: its actors are).
      HashMap<Object, String> refKeys = new HashMap<>();
      for (int i = 0; i < log.size(); i++) {
        Actor a = actor(log.actor(i));
        Object m = log.message(i);
        Type t = TYPES.get(m == null ? Void.class : m.getClass());
        if (t.reply) {
          String[] found = {null, null};
          outcome(((Reply<?>) m).value(), found);
          String o = found[0] == null ? "" : found[0];
          String e = found[1] == null ? "" : found[1];
          Fact f = a.replies.find(t.id, o, e);
          if (f == null) {
            f = a.replies.add(t.id, new Fact(o, e, new Message(a.cls, t.name, o, e)));
          }
          if (Facts.first(f, r)) {
            messages.add((Message) f.record);
          }
        } else if (a.handled.firstIn(r, t.id)) {
          messages.add(new Message(a.cls, t.name, "", ""));
        }
        // What was delivered: the message, or the one after the system messages, never a clock advance.
        Object delivered = m instanceof Summaries.SystemMessages s ? s.next() : m;
        if (delivered != null && !(delivered instanceof Summaries.ClockAdvance)) {
          Type d = delivered == m ? t : TYPES.get(delivered.getClass());
          if (a.delivered.firstIn(r, d.id)) {
            deliveries.add(new Delivery(a.cls, d.name, d.protocol));
          }
        }
        if (a.isHart || !t.mayRequest) {
          continue;
        }
        String to = replyTo(m, refKeys);
        String requester = to == null ? null : hartOf(to, hartKeys);
        if (requester != null) {
          Fact f = a.requests.find(t.id, requester, "");
          if (f == null) {
            f = a.requests.add(t.id, new Fact(requester, "", new Request(a.cls, requester, t.name)));
          }
          if (Facts.first(f, r)) {
            requests.add((Request) f.record);
          }
          if (a.lastRun == r && !a.lastHart.equals(requester)) {
            pairs.add(new Pair(a.cls, a.lastType, t.name));
          }
          a.lastRun = r;
          a.lastHart = requester;
          a.lastType = t.name;
        }
      }
      return new Signal(messages, pairs, requests, deliveries);
    }

    /**
     * For each step of a run, the hart it works for: the hart's own step (or one of an actor below it), or
     * a request whose {@code replyTo} is a hart; {@code null} for a step that works for none.
     */
    public String[] workedFor(EventLog log) {
      String[] out = new String[log.size()];
      HashMap<Object, String> refKeys = new HashMap<>();
      for (int i = 0; i < log.size(); i++) {
        String h = actor(log.actor(i)).hart;
        if (h == null) {
          Object m = log.message(i);
          Type t = TYPES.get(m == null ? Void.class : m.getClass());
          String to = t.mayRequest ? replyTo(m, refKeys) : null;
          h = to == null ? null : hartOf(to, hartKeys);
        }
        out[i] = h;
      }
      return out;
    }
  }

  /**
   * The context switches of a run: how often the hart a step works for changes from one step to the
   * next that works for a hart (a hart's own step, or a request whose {@code replyTo} is a hart).
   */
  public static int switches(EventLog log, List<String> hartKeys) {
    String last = null;
    int n = 0;
    for (String h : workedFor(log, hartKeys)) {
      if (h != null) {
        if (last != null && !last.equals(h)) {
          n++;
        }
        last = h;
      }
    }
    return n;
  }

  /**
   * For each step of a run, the hart it works for: the hart's own step (or one of an actor below it), or
   * a request whose {@code replyTo} is a hart; {@code null} for a step that works for none.
   */
  public static String[] workedFor(EventLog log, List<String> hartKeys) {
    return new Reader(hartKeys).workedFor(log);
  }

  private static String hartOf(String key, List<String> hartKeys) {
    for (String h : hartKeys) {
      if (key.startsWith(h) && (key.length() == h.length() || key.charAt(h.length()) == '/')) {
        return h;
      }
    }
    return null;
  }

  static String actorClass(String actor, List<String> hartKeys) {
    String h = hartOf(actor, hartKeys);
    String a = h == null ? actor : "hart" + actor.substring(h.length());
    return FILE.matcher(DIGITS.matcher(a).replaceAll("N")).replaceAll("file");
  }

  // ---- values

  private static final AtomicInteger TYPE_IDS = new AtomicInteger();

  /**
   * What the signal needs of a message class, computed once per class: its type column, whether it is a
   * {@code Reply}, whether it can carry a {@code replyTo} (a component named so, at any depth, or a value
   * whose class the record does not fix), its protocol, and an id for per-run sets (ids are never shown).
   */
  private record Type(int id, String name, boolean reply, boolean mayRequest, List<String> protocol,
      MethodHandle[] accessors, int[] marks, boolean[] toOutcome, boolean[] toReplyTo, String letters) {}

  /** Typed {@code (Object) -> Object}, how every accessor is called. */
  private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

  private static final ClassValue<Type> TYPES = new ClassValue<>() {
    @Override
    protected Type computeValue(Class<?> c) {
      String name = c == Void.class ? "-" : c == Summaries.SystemMessages.class ? "system"
          : c == Summaries.ClockAdvance.class ? "clock"
          : TimerSchedulerImpl.TimerMsg.class.isAssignableFrom(c) ? "timer" : c.getSimpleName();
      boolean reply = c == Reply.class;
      RecordComponent[] cs = c.isRecord() ? c.getRecordComponents() : new RecordComponent[0];
      MethodHandle[] ms = new MethodHandle[cs.length];
      int[] marks = new int[cs.length]; // 1: the name ends in replyTo, 2: in value (what the patterns matched)
      boolean[] toOutcome = new boolean[cs.length]; // the component's type may hold an errno or a value
      boolean[] toReplyTo = new boolean[cs.length]; // the component's type may hold a replyTo
      for (int i = 0; i < cs.length; i++) {
        Method accessor = cs[i].getAccessor();
        accessor.setAccessible(true);
        try {
          ms[i] = MethodHandles.lookup().unreflect(accessor).asType(GETTER);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read " + accessor, e);
        }
        marks[i] = cs[i].getName().endsWith("replyTo") ? 1 : cs[i].getName().endsWith("value") ? 2 : 0;
        toOutcome[i] = mayHoldOutcome(cs[i].getType());
        toReplyTo[i] = mayHoldReplyTo(cs[i].getType());
      }
      return new Type(TYPE_IDS.getAndIncrement(), name, reply,
          c != Void.class && c != Summaries.ClockAdvance.class && mayHoldReplyTo(c),
          c == Void.class ? List.of() : PROTOCOL.get(c), ms, marks, toOutcome, toReplyTo, lead(c.getSimpleName()));
    }
  };

  /** Whether a value of class {@code c} can hold a {@code replyTo} component (conservative). */
  private static boolean mayHoldReplyTo(Class<?> c) {
    return mayHold(c, "replyTo", false, new java.util.HashSet<>());
  }

  /**
   * Whether a value of declared type {@code c} can hold what {@link #walk} looks for: an errno, or a record with a
   * component named {@code value}. A component of a type that cannot is not read, which leaves the walk's result
   * as it was.
   */
  private static boolean mayHoldOutcome(Class<?> c) {
    return mayHold(c, "value", true, new java.util.HashSet<>());
  }

  /**
   * Whether a value of class {@code c} can hold a record component whose name ends in {@code suffix} (or, with
   * {@code errno}, an {@link Errno}); conservative: an interface, {@code Object} or a collection may.
   */
  private static boolean mayHold(Class<?> c, String suffix, boolean errno, Set<Class<?>> seen) {
    if (c == Errno.class) {
      return errno;
    }
    if (!seen.add(c)) {
      return false;
    }
    if (c.isPrimitive() || c.isEnum() || c == String.class || c == byte[].class || Number.class.isAssignableFrom(c)
        || c == Boolean.class || c == Character.class) {
      return false;
    }
    if (c.isRecord()) {
      for (RecordComponent rc : c.getRecordComponents()) {
        if (rc.getName().endsWith(suffix) || mayHold(rc.getType(), suffix, errno, seen)) {
          return true;
        }
      }
      return false;
    }
    return !org.apache.pekko.actor.typed.ActorRef.class.isAssignableFrom(c)
        && !org.apache.pekko.actor.ActorRef.class.isAssignableFrom(c);
  }

  private static Object component(Object record, MethodHandle accessor) {
    try {
      return (Object) accessor.invokeExact(record);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e); // an accessor declares no checked exception
    }
  }

  /**
   * The key of the first {@code replyTo} component, in the event log's order, that is a world actor's
   * reference, or null.
   */
  private static String replyTo(Object m, Map<Object, String> refKeys) {
    if (m instanceof Summaries.SystemMessages s) {
      return s.next() == null ? null : replyTo(s.next(), refKeys);
    }
    if (m instanceof TimerSchedulerImpl.TimerMsg t) {
      return replyTo(t.key(), refKeys);
    }
    return findReplyTo(m, refKeys);
  }

  private static String findReplyTo(Object v, Map<Object, String> refKeys) {
    if (v instanceof Record) {
      Type t = TYPES.get(v.getClass());
      MethodHandle[] ms = t.accessors;
      int[] names = t.marks;
      boolean[] deeper = t.toReplyTo;
      for (int i = 0; i < ms.length; i++) {
        if (names[i] != 1 && !deeper[i]) {
          continue;
        }
        Object c = component(v, ms[i]);
        if (names[i] == 1) {
          String k = keyOf(c, refKeys);
          if (k != null && k.startsWith("world/")) {
            return k;
          }
        }
        if (deeper[i]) {
          String k = findReplyTo(c, refKeys);
          if (k != null) {
            return k;
          }
        }
      }
      return null;
    }
    if (v instanceof Collection<?> c) {
      for (Object o : c) {
        String k = findReplyTo(o, refKeys);
        if (k != null) {
          return k;
        }
      }
      return null;
    }
    if (v instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String k = findReplyTo(e.getKey(), refKeys);
        if (k == null) {
          k = findReplyTo(e.getValue(), refKeys);
        }
        if (k != null) {
          return k;
        }
      }
      return null;
    }
    if (v instanceof scala.Product p && !(v instanceof org.apache.pekko.actor.ActorRef)) {
      scala.collection.Iterator<Object> it = p.productIterator();
      while (it.hasNext()) {
        String k = findReplyTo(it.next(), refKeys);
        if (k != null) {
          return k;
        }
      }
    }
    return null;
  }

  /** An actor reference's key (once per reference and run), or null for any other value. */
  private static String keyOf(Object v, Map<Object, String> refKeys) {
    if (v instanceof org.apache.pekko.actor.typed.ActorRef<?> ref) {
      return refKeys.computeIfAbsent(ref, x -> Keys.of(ref));
    }
    if (v instanceof org.apache.pekko.actor.ActorRef ref) {
      return refKeys.computeIfAbsent(ref, x -> Keys.of(ref.path()));
    }
    return null;
  }

  /**
   * A reply value's outcome into {@code found}: [0] the leading letters of the first component named
   * {@code value} (the reply's own first) whose value shows some (a record's constructor, {@code true}, an
   * enum constant), [1] the name of the first errno anywhere in it.
   */
  private static void outcome(Object v, String[] found) {
    String lead = letters(v);
    if (!lead.isEmpty()) {
      found[0] = lead;
    }
    walk(v, found);
  }

  private static void walk(Object v, String[] found) {
    if (found[0] != null && found[1] != null) {
      return;
    }
    if (v instanceof Errno e) {
      if (found[1] == null) {
        found[1] = e.name();
      }
    } else if (v instanceof Record) {
      Type t = TYPES.get(v.getClass());
      MethodHandle[] ms = t.accessors;
      int[] names = t.marks;
      boolean[] deeper = t.toOutcome;
      for (int i = 0; i < ms.length; i++) {
        boolean lead = names[i] == 2 && found[0] == null;
        if (!lead && !deeper[i]) {
          continue;
        }
        Object c = component(v, ms[i]);
        if (lead) {
          String l = letters(c);
          if (!l.isEmpty()) {
            found[0] = l;
          }
        }
        if (deeper[i]) {
          walk(c, found);
        }
        if (found[0] != null && found[1] != null) {
          return;
        }
      }
    } else if (v instanceof Collection<?> c) {
      for (Object o : c) {
        walk(o, found);
      }
    } else if (v instanceof Map<?, ?> map) {
      map.forEach((k, x) -> {
        walk(k, found);
        walk(x, found);
      });
    } else if (v instanceof scala.Product p && !(v instanceof org.apache.pekko.actor.ActorRef)) {
      scala.collection.Iterator<Object> it = p.productIterator();
      while (it.hasNext()) {
        walk(it.next(), found);
      }
    }
  }

  /** The letters (A–Z, a–z) a value's rendering in the event log starts with ({@link Summaries#value}). */
  private static String letters(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (v instanceof Number || v instanceof Collection<?> || v instanceof Map<?, ?>) {
      return ""; // digits, a sign, "[" or "{"
    }
    if (v instanceof Record) {
      return TYPES.get(v.getClass()).letters;
    }
    if (v instanceof Enum<?> e) {
      return ENUM_LETTERS.get(e.getDeclaringClass())[e.ordinal()];
    }
    return lead(Summaries.value(v)); // a reference, a string, a byte array, anything else: rare in a reply
  }

  /** Each enum constant's letters, by ordinal (one string per constant, so facts compare by reference). */
  private static final ClassValue<String[]> ENUM_LETTERS = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      Object[] cs = type.getEnumConstants();
      String[] out = new String[cs.length];
      for (int i = 0; i < cs.length; i++) {
        out[i] = lead(((Enum<?>) cs[i]).name());
      }
      return out;
    }
  };

  private static String lead(String s) {
    int n = 0;
    while (n < s.length() && ((s.charAt(n) >= 'a' && s.charAt(n) <= 'z') || (s.charAt(n) >= 'A' && s.charAt(n) <= 'Z'))) {
      n++;
    }
    return s.substring(0, n);
  }

  /** A message class's protocol: every record its outermost sealed interface permits (none if it has none). */
  private static final ClassValue<List<String>> PROTOCOL = new ClassValue<>() {
    @Override
    protected List<String> computeValue(Class<?> type) {
      Class<?> root = null;
      for (Class<?> i : type.getInterfaces()) {
        if (i.isSealed()) {
          root = i;
          break;
        }
      }
      if (root == null) {
        return List.of();
      }
      boolean up = true;
      while (up) {
        up = false;
        for (Class<?> i : root.getInterfaces()) {
          if (i.isSealed()) {
            root = i;
            up = true;
            break;
          }
        }
      }
      TreeSet<String> leaves = new TreeSet<>();
      leaves(root, leaves);
      return List.copyOf(leaves);
    }
  };

  private static void leaves(Class<?> c, Set<String> out) {
    if (c.isSealed()) {
      for (Class<?> p : c.getPermittedSubclasses()) {
        leaves(p, out);
      }
    } else if (!c.isInterface()) {
      out.add(c.getSimpleName());
    }
  }
}
