package kernsim.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;

/**
 * One node of a kernsim cluster: an ActorSystem named {@value #SYSTEM} with Pekko Cluster over Artery TCP,
 * apart from the simulators (whose systems stay local and never see a remote message). The coordinator is
 * the seed node; workers join it.
 */
final class Node {
  static final String SYSTEM = "kernsim";
  static final String COORDINATOR = "coordinator";
  static final String WORKER = "worker";

  private Node() {}

  /**
   * The node's settings, under any the application's config or {@code -Dpekko....} system properties give
   * (e.g. {@code -Dpekko.cluster.failure-detector.acceptable-heartbeat-pause=10s} on a slow network).
   */
  static Config config(String role, HostPort self, HostPort seed) { // seed null: the node joins itself
    String text = """
        pekko {
          loglevel = ERROR
          stdout-loglevel = ERROR
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          actor {
            provider = cluster
            allow-java-serialization = off
            warn-about-java-serializer-usage = off
            serializers { kernsim-wire = "kernsim.cluster.WireSerializer" }
            serialization-bindings { "kernsim.cluster.Wire" = kernsim-wire }
          }
          remote.artery {
            transport = tcp
            canonical.hostname = "%s"
            canonical.port = %d
          }
          cluster {
            seed-nodes = [%s]
            roles = ["%s"]
            # The coordinator downs a member the failure detector calls unreachable (Pekko's defaults: a heartbeat
            # a second, 3 s of silence accepted) and hands its work to the others.
            downing-provider-class = ""
            jmx.enabled = off
            log-info = off
            log-info-verbose = off
          }
          coordinated-shutdown {
            exit-jvm = off
            run-by-jvm-shutdown-hook = on
          }
        }
        """.formatted(self.host(), self.port(), seed == null ? "" : "\"pekko://" + SYSTEM + "@" + seed + "\"", role);
    return ConfigFactory.systemProperties().withFallback(ConfigFactory.parseString(text))
        .withFallback(ConfigFactory.load()).resolve();
  }

  /**
   * Starts a node bound to {@code self}.
   *
   * @throws ClusterException if the address cannot be bound (in use, not this machine's, unknown)
   */
  static <T> ActorSystem<T> start(Behavior<T> guardian, String role, HostPort self, HostPort seed)
      throws ClusterException {
    try {
      InetAddress.getByName(self.host());
    } catch (UnknownHostException e) {
      throw new ClusterException("cannot listen on " + self + ": unknown host " + self.host());
    }
    try {
      return ActorSystem.create(guardian, SYSTEM, config(role, self, seed));
    } catch (RuntimeException e) {
      String why = rootMessage(e).replace("[/" + self.host() + ":" + self.port() + "] ", "");
      throw new ClusterException("cannot listen on " + self + ": " + why.toLowerCase(java.util.Locale.ROOT), e);
    }
  }

  /**
   * The address of this machine that reaches {@code seed} (the route's source address, found without
   * sending anything), for a worker that is not told which of its addresses to announce.
   */
  static String localAddressTowards(HostPort seed) throws ClusterException {
    InetAddress target;
    try {
      target = InetAddress.getByName(seed.host());
    } catch (UnknownHostException e) {
      throw new ClusterException("cannot join " + seed + ": unknown host " + seed.host());
    }
    if (target.isLoopbackAddress()) {
      return target.getHostAddress();
    }
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(target, Math.max(1, seed.port())));
      InetAddress local = s.getLocalAddress();
      if (local == null || local.isAnyLocalAddress()) {
        throw new ClusterException("cannot join " + seed + ": no route to " + seed.host()
            + " (give this machine's address with --bind)");
      }
      return local.getHostAddress();
    } catch (SocketException e) {
      throw new ClusterException("cannot join " + seed + ": no route to " + seed.host() + " (" + e.getMessage()
          + "; give this machine's address with --bind)", e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    String message = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) {
        message = t.getMessage();
      }
    }
    return message == null ? t.getClass().getSimpleName() : message;
  }
}
