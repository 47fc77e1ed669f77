package kernsim.dev.code;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;

/**
 * The step view's names of the source's regions, kept by an {@link Executor} for its hart: the source
 * function it is in ({@link Code.Frame}s, innermost last; the procedure when none), the sleeping locks the
 * hart holds, and how many regions of each lock the function has begun. A call's {@code what} takes or
 * releases a lock when it is {@code X.lock}/{@code X.unlock}, {@code lock X}/{@code unlock X} or
 * {@code X lock}/{@code X unlock} (the model's labels, e.g. {@code block_cache.lock}, {@code lock f_pos},
 * {@code ext4 lock}; {@code writeback.wait}/{@code writeback.done} for Linux's writeback wait).
 *
 * <p>A region is {@code FUNCTION region N (LOCK lock)}: the function's N-th region under the innermost
 * lock it took itself (several: {@code (file, block_cache locks)}); with none held, {@code FUNCTION, no
 * lock held}, or {@code FUNCTION, no lock of its own} when an outer function's are; those follow as
 * {@code [FS_CONTEXT held]}; a no-preempt region adds {@code , no preempt (ext4 mount)}. Only the step view reads these
 * names: nothing here changes a run.
 */
final class RegionNames {
  private record Frame(String name, TreeMap<String, Integer> regions) {}

  private final Deque<Frame> frames = new ArrayDeque<>();
  /** The locks held, in the order taken. */
  private final List<String> locks = new ArrayList<>(2);
  /** The region number of each held lock, in the frame that took it. */
  private final TreeMap<String, Integer> numbers = new TreeMap<>();
  /** The frame depth at which each held lock was taken: locks of outer frames are shown apart. */
  private final TreeMap<String, Integer> depths = new TreeMap<>();

  /** A procedure (a syscall as written, {@code ld = open("/dev/loop0", O_RDWR)}) starts: its call name is the outermost frame. */
  void start(String procedure) {
    frames.clear();
    locks.clear();
    numbers.clear();
    depths.clear();
    int paren = procedure.indexOf('(');
    String p = paren > 0 ? procedure.substring(0, paren) : procedure;
    int eq = p.lastIndexOf("= ");
    frames.push(new Frame(eq >= 0 ? p.substring(eq + 2) : p, new TreeMap<>()));
  }

  void enter(String name) {
    frames.push(new Frame(name, new TreeMap<>()));
  }

  void leave() {
    frames.pop();
  }

  /** The lock {@code what} takes, or null. */
  static String acquires(String what) {
    if (what.endsWith(".lock")) {
      return what.substring(0, what.length() - 5);
    }
    if (what.startsWith("lock ")) {
      return what.substring(5);
    }
    if (what.endsWith(" lock")) {
      return what.substring(0, what.length() - 5);
    }
    return what.equals("writeback.wait") ? "writeback" : null;
  }

  /** The lock {@code what} releases, or null. */
  static String releases(String what) {
    if (what.endsWith(".unlock")) {
      return what.substring(0, what.length() - 7);
    }
    if (what.startsWith("unlock ")) {
      return what.substring(7);
    }
    if (what.endsWith(" unlock")) {
      return what.substring(0, what.length() - 7);
    }
    return what.equals("writeback.done") ? "writeback" : null;
  }

  /** The region the hart is in now, with the no-preempt regions {@code atomic} (innermost first). */
  String current(Deque<String> atomic) {
    StringBuilder b = new StringBuilder(frames.isEmpty() ? "?" : frames.peek().name());
    List<String> own = new ArrayList<>(2);
    List<String> outer = new ArrayList<>(2);
    for (String l : locks) {
      (depths.get(l) >= frames.size() ? own : outer).add(l);
    }
    if (!own.isEmpty()) {
      b.append(" region ").append(numbers.get(own.get(own.size() - 1))).append(" (").append(String.join(", ", own))
          .append(own.size() == 1 ? " lock)" : " locks)");
    } else {
      b.append(outer.isEmpty() ? ", no lock held" : ", no lock of its own");
    }
    if (!outer.isEmpty()) {
      b.append(" [").append(String.join(", ", outer)).append(" held]");
    }
    if (!atomic.isEmpty()) {
      List<String> regions = new ArrayList<>(atomic);
      java.util.Collections.reverse(regions);
      b.append(", no preempt (").append(String.join(" > ", regions)).append(")");
    }
    return b.toString();
  }

  /** A call to {@code what} is sent: a lock it takes counts as held from now on (the hart waits for the grant). */
  void sending(String what) {
    String taken = acquires(what);
    if (taken != null && !locks.contains(taken) && !frames.isEmpty()) {
      numbers.put(taken, frames.peek().regions().merge(taken, 1, Integer::sum));
      depths.put(taken, frames.size());
      locks.add(taken);
    }
  }

  /** After a call to {@code what} was sent: a lock it releases is no longer held. */
  void sent(String what) {
    String released = releases(what);
    if (released != null && locks.remove(released)) {
      numbers.remove(released);
      depths.remove(released);
    }
  }
}
