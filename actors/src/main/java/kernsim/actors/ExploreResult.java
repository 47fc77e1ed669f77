package kernsim.actors;

import java.util.Optional;

/**
 * @param failing the first failing iteration, if any
 * @param iterations how many iterations ran
 * @param totalSteps steps over all iterations
 * @param last the last iteration that ran
 * @param exhaustive for {@code dfs}: how the search ended
 */
public record ExploreResult(
    Optional<RunResult> failing, int iterations, long totalSteps, RunResult last, Optional<Exhaustive> exhaustive) {
  public ExploreResult(Optional<RunResult> failing, int iterations, long totalSteps, RunResult last) {
    this(failing, iterations, totalSteps, last, Optional.empty());
  }

  public boolean found() {
    return failing.isPresent();
  }
}
