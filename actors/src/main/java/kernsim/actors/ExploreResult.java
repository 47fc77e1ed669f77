package kernsim.actors;

import java.util.Optional;

/**
 * @param failing the first failing iteration, if any
 * @param iterations how many iterations ran
 * @param totalSteps steps over all iterations
 * @param last the last iteration that ran
 */
public record ExploreResult(Optional<RunResult> failing, int iterations, long totalSteps, RunResult last) {
  public boolean found() {
    return failing.isPresent();
  }
}
