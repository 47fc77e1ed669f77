package kernsim.actors;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.pekko.actor.typed.internal.TimerSchedulerImpl;

/**
 * Renders messages for the event log without anything that differs between runs: actor references
 * by key, records by their components, other objects by their own {@code toString} only when they
 * define one (the inherited one prints an identity hash).
 */
public final class Summaries {
  private static final int MAX = 120;

  private static final ClassValue<Method[]> ACCESSORS =
      new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
          RecordComponent[] cs = type.getRecordComponents();
          Method[] ms = new Method[cs.length];
          for (int i = 0; i < cs.length; i++) {
            ms[i] = cs[i].getAccessor();
            ms[i].setAccessible(true);
          }
          return ms;
        }
      };

  private Summaries() {}

  /** The system messages a step delivered before (perhaps) one ordinary message. */
  public record SystemMessages(List<String> kinds, Object next) {}

  /** The virtual clock advanced to a timer's due time. */
  public record ClockAdvance(long toNanos) {}

  /** The world lost power once its step {@code afterStep} had run ({@link WorldSpec#powerCut}): it ends there. */
  public record PowerLost(int afterStep) {}

  /** After a power loss, a fresh kernel boots over the surviving images ({@link WorldSpec#reboot}); the run goes on with it. */
  public record Rebooted(int afterStep) {}

  /** The message type column of the event log. */
  public static String type(Object m) {
    if (m instanceof SystemMessages s) {
      return "system";
    }
    if (m instanceof ClockAdvance) {
      return "clock";
    }
    if (m instanceof TimerSchedulerImpl.TimerMsg) {
      return "timer";
    }
    return m == null ? "-" : m.getClass().getSimpleName();
  }

  /** The summary column of the event log (at most 120 characters). */
  public static String render(Object m) {
    String s;
    if (m instanceof SystemMessages sys) {
      s = String.join(",", sys.kinds()) + (sys.next() == null ? "" : " then " + type(sys.next()) + " " + value(sys.next()));
    } else if (m instanceof ClockAdvance c) {
      s = "to " + time(c.toNanos());
    } else if (m instanceof TimerSchedulerImpl.TimerMsg t) {
      s = "key=" + value(t.key()) + " gen=" + t.generation();
    } else {
      s = value(m);
    }
    return s.length() <= MAX ? s : s.substring(0, MAX - 1) + "…";
  }

  /** A duration or instant on the virtual clock, in the largest unit that keeps it exact. */
  public static String time(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    if (nanos % 1_000_000_000L == 0) {
      return nanos / 1_000_000_000L + "s";
    }
    if (nanos % 1_000_000L == 0) {
      return nanos / 1_000_000L + "ms";
    }
    if (nanos % 1_000L == 0) {
      return nanos / 1_000L + "us";
    }
    return nanos + "ns";
  }

  public static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof org.apache.pekko.actor.typed.ActorRef<?> ref) {
      return Keys.of(ref);
    }
    if (v instanceof org.apache.pekko.actor.ActorRef ref) {
      return Keys.of(ref.path());
    }
    if (v instanceof CharSequence || v instanceof Number || v instanceof Boolean || v instanceof Character) {
      return v.toString();
    }
    if (v instanceof Enum<?> e) {
      return e.name();
    }
    if (v instanceof byte[] b) {
      return "bytes[" + b.length + "]";
    }
    if (v instanceof Record) {
      Method[] ms = ACCESSORS.get(v.getClass());
      StringJoiner j = new StringJoiner(", ", v.getClass().getSimpleName() + "(", ")");
      for (Method m : ms) {
        try {
          j.add(m.getName() + "=" + value(m.invoke(v)));
        } catch (ReflectiveOperationException e) {
          j.add(m.getName() + "=?");
        }
      }
      return j.toString();
    }
    if (v instanceof Collection<?> c) {
      StringJoiner j = new StringJoiner(", ", "[", "]");
      for (Object o : c) {
        j.add(value(o));
      }
      return j.toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringJoiner j = new StringJoiner(", ", "{", "}");
      m.forEach((k, x) -> j.add(value(k) + "=" + value(x)));
      return j.toString();
    }
    if (v instanceof scala.Product p) { // Pekko's internal case classes, e.g. adapted messages
      StringJoiner j = new StringJoiner(", ", p.productPrefix() + "(", ")");
      scala.collection.Iterator<Object> it = p.productIterator();
      while (it.hasNext()) {
        j.add(value(it.next()));
      }
      return j.toString();
    }
    if (v.getClass().isHidden() || v.getClass().isSynthetic()) {
      return "λ"; // a lambda's class name carries a per-JVM suffix
    }
    try {
      if (v.getClass().getMethod("toString").getDeclaringClass() != Object.class) {
        return v.toString();
      }
    } catch (NoSuchMethodException e) {
      // every class has toString
    }
    return v.getClass().getSimpleName();
  }
}
