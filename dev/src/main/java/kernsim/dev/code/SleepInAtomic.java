package kernsim.dev.code;

import java.util.List;

/**
 * Observation: {@code actor} sent a request modelling sleeping I/O ({@code request}) from inside a
 * no-preempt region. {@code chain} is the call chain: the procedure, then each region from the outermost.
 */
public record SleepInAtomic(String actor, List<String> chain, String request) {
  public SleepInAtomic {
    chain = List.copyOf(chain);
  }

  public String describe() {
    return actor + " slept in atomic context: " + request + " inside " + String.join(" > ", chain);
  }
}
