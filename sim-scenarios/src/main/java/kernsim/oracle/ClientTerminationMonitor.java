package kernsim.oracle;

import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.client.ClientEvents;
import kernsim.cpu.Calls;

/**
 * {@code client-termination}: every client operation that started ends within its retry budget: the
 * virtual time it spends in its own back-offs ({@code usleep}/{@code nanosleep} calls of its hart between
 * its {@link ClientEvents.OpStarted} and {@link ClientEvents.OpEnded}) stays within the
 * {@code budgetNanos} the client derived from its retry loops' bounds. The time an operation waits for a
 * lock another client holds, or is not scheduled, is not its retrying, and no budget bounds it: a run that
 * ends with harts blocked is the {@code deadlock} oracle's, one that runs for ever the {@code livelock}
 * oracle's. A client runs one operation at a time (one hart, one program).
 */
public final class ClientTerminationMonitor implements Monitor {
  public static final String NAME = "client-termination";

  /** Client key → its running operation. */
  private final TreeMap<String, ClientEvents.OpStarted> running = new TreeMap<>();
  /** Client key → nanoseconds its running operation has slept so far. */
  private final TreeMap<String, Long> slept = new TreeMap<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onObservation(Object o, Monitor.Verdict verdict) {
    if (o instanceof ClientEvents.OpStarted s) {
      running.put(s.client(), s);
      slept.put(s.client(), 0L);
    } else if (o instanceof Calls.Started c && running.containsKey(c.hart())) {
      long ns = sleepNanos(c.text());
      if (ns > 0) {
        long total = slept.merge(c.hart(), ns, Long::sum);
        ClientEvents.OpStarted s = running.get(c.hart());
        if (total > s.budgetNanos()) {
          verdict.fail(s.client() + " (" + s.kind() + ") " + s.op() + " has slept " + total
              + " ns in its back-offs, past its retry budget of " + s.budgetNanos() + " ns");
        }
      }
    } else if (o instanceof ClientEvents.OpEnded e) {
      running.remove(e.client());
      slept.remove(e.client());
    }
  }

  /** What a {@code usleep(US)} or {@code nanosleep(NS)} statement sleeps, in ns; 0 for anything else. */
  static long sleepNanos(String text) {
    try {
      if (text.startsWith("usleep(") && text.endsWith(")")) {
        return Math.multiplyExact(Long.parseLong(text.substring(7, text.length() - 1).strip()), 1_000L);
      }
      if (text.startsWith("nanosleep(") && text.endsWith(")")) {
        return Long.parseLong(text.substring(10, text.length() - 1).strip());
      }
    } catch (NumberFormatException | ArithmeticException e) {
      return 0;
    }
    return 0;
  }
}
