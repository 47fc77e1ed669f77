package kernsim.actors;

/**
 * How an exhaustive ({@code dfs}) exploration ended, when it found no failure or before it found one.
 *
 * @param complete whether the search ran out of schedules to try (otherwise the iteration budget ended it)
 * @param preemptionBound the bound, or a negative number for none
 * @param boundReached whether the bound kept the search from a schedule it would have tried: then "none"
 *     holds only up to the bound
 * @param executions executions run, the abandoned ones included
 * @param completeExecutions executions run to their end
 * @param abandoned executions given up because every candidate was asleep (equivalent to explored ones)
 * @param classes distinct equivalence classes (Mazurkiewicz traces) among the complete executions
 */
public record Exhaustive(boolean complete, int preemptionBound, boolean boundReached, long executions,
    long completeExecutions, long abandoned, long classes) {

  /** The verdict of a search that found no failure, in words. */
  public String verdict() {
    if (!complete) {
      return "no violation in the " + classes + " classes explored; the search did not finish (the budget ended it)";
    }
    if (boundReached) {
      return "no violation up to preemption bound " + preemptionBound;
    }
    return "no violation in any interleaving";
  }

  /** What ended the search: {@code space}, {@code bound} or {@code budget}. */
  public String endedBy() {
    return !complete ? "budget" : boundReached ? "bound" : "space";
  }
}
