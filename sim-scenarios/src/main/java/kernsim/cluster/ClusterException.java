package kernsim.cluster;

/**
 * A cluster could not be formed or used for a reason the user can act on (an address that cannot be
 * bound, a seed node that does not answer, no worker joining): the commands print its message in one line
 * and exit 2. An IOException: the cluster is reached over the network.
 */
public final class ClusterException extends java.io.IOException {
  private static final long serialVersionUID = 1L;

  public ClusterException(String message) {
    super(message);
  }

  public ClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
