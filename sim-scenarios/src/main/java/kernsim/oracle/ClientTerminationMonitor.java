package kernsim.oracle;

import java.util.TreeMap;
import kernsim.actors.Monitor;
import kernsim.client.ClientEvents;

/**
 * {@code client-termination}: every client operation that started ends within its budget on virtual time.
 * An {@link ClientEvents.OpEnded} later than {@code nanos + budgetNanos} of its
 * {@link ClientEvents.OpStarted} fails the run, and so does an operation still running at a step (or at
 * the end of the run) whose virtual time is past its budget. An operation still running at the end within
 * its budget passes: a run that ends with harts blocked is the {@code deadlock} oracle's, one that runs
 * for ever the {@code livelock} oracle's. A client runs one operation at a time (one hart, one program).
 */
public final class ClientTerminationMonitor implements Monitor {
  public static final String NAME = "client-termination";

  /** Client key → its running operation. */
  private final TreeMap<String, ClientEvents.OpStarted> running = new TreeMap<>();
  private long now;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onStep(Monitor.Step step, Monitor.Verdict verdict) {
    now = Math.max(now, step.timeNanos());
    overdue(verdict, "is still running");
  }

  @Override
  public void onObservation(Object o, Monitor.Verdict verdict) {
    if (o instanceof ClientEvents.OpStarted s) {
      now = Math.max(now, s.nanos());
      running.put(s.client(), s);
    } else if (o instanceof ClientEvents.OpEnded e) {
      now = Math.max(now, e.nanos());
      ClientEvents.OpStarted s = running.remove(e.client());
      if (s != null && e.nanos() - s.nanos() > s.budgetNanos()) {
        verdict.fail(e.client() + " (" + e.kind() + ") " + e.op() + " took " + (e.nanos() - s.nanos())
            + " ns of virtual time, past its budget of " + s.budgetNanos() + " ns (it ended: " + e.result() + ")");
      }
    }
  }

  @Override
  public void onEnd(Monitor.Verdict verdict) {
    overdue(verdict, "had not ended when the run ended");
  }

  private void overdue(Monitor.Verdict verdict, String what) {
    for (ClientEvents.OpStarted s : running.values()) {
      if (now - s.nanos() > s.budgetNanos()) {
        verdict.fail(s.client() + " (" + s.kind() + ") " + s.op() + " started at " + s.nanos() + " ns " + what
            + " at " + now + " ns, past its budget of " + s.budgetNanos() + " ns");
        return;
      }
    }
  }
}
