package kernsim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import kernsim.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The cluster options' mistakes and a cluster that cannot form: exit 2, one clear line, no stack trace. */
class ClusterErrorsTest {
  private record Outcome(int exit, String out, String err) {}

  private static Outcome cli(String... args) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Outcome(exit, out.toString(), err.toString());
  }

  private static void bad(Outcome o, String message) {
    assertEquals(2, o.exit, o.err);
    assertTrue(o.err.contains(message), o.err);
    assertFalse(o.err.contains("\tat ") || o.err.contains("Exception"), o.err);
  }

  @Test
  void aMalformedAddressIsAUsageMistake(@TempDir Path dir) {
    String out = dir.toString();
    bad(cli("explore", "--cluster", "nonsense", "--out", out), "expected HOST:PORT (e.g. 127.0.0.1:2552");
    bad(cli("explore", "--cluster", "127.0.0.1:99999", "--out", out), "the port must be 0 to 65535, got 99999");
    bad(cli("explore", "--cluster", "a host:1", "--out", out), "expected HOST:PORT");
    bad(cli("experiment", "x.toml", "--cluster", "127.0.0.1:", "--out", out), "expected HOST:PORT");
    bad(cli("worker", "--join", "127.0.0.1"), "expected HOST:PORT");
    bad(cli("worker", "--join", "127.0.0.1:0"), "--join needs the coordinator's port, not 0");
    bad(cli("worker"), "Missing required option: '--join=HOST:PORT'");
  }

  @Test
  void whatExploreCannotDoOnAClusterIsRefused(@TempDir Path dir) {
    String out = dir.toString();
    bad(cli("explore", "--cluster", "127.0.0.1:0", "--workers", "2", "--out", out), "--workers does not go with --cluster");
    bad(cli("explore", "--cluster", "127.0.0.1:0", "--strategy", "dfs", "--out", out), "dfs does not go with --cluster");
    bad(cli("explore", "--cluster", "127.0.0.1:0", "--outcomes", "--out", out), "--outcomes does not go with --cluster");
    bad(cli("explore", "--cluster", "127.0.0.1:0", "--unit", "0", "--out", out), "--unit must be at least 1, got 0");
    bad(cli("explore", "--cluster", "127.0.0.1:0", "--min-workers", "0", "--out", out), "--min-workers must be at least 1");
  }

  @Test
  void anAddressInUseCannotBeListenedOn(@TempDir Path dir) throws Exception {
    Path plan = dir.resolve("plan.toml");
    Files.writeString(plan, "budget = 5\nseeds = [1]\nscenarios = [\"triad\"]\nstrategies = [\"random\"]\n");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String at = "127.0.0.1:" + taken.getLocalPort();
      bad(cli("explore", "--cluster", at, "--out", dir.toString()), "kernsim explore: cannot listen on " + at
          + ": address already in use");
      bad(cli("experiment", plan.toString(), "--cluster", at, "--out", dir.resolve("e").toString()),
          "kernsim experiment: cannot listen on " + at + ": address already in use");
      bad(cli("worker", "--join", "127.0.0.1:1", "--bind", at), "kernsim worker: cannot listen on " + at);
    }
  }

  @Test
  void aCoordinatorWithoutWorkersGivesUp(@TempDir Path dir) {
    Outcome o = cli("explore", "--cluster", "127.0.0.1:0", "--cluster-wait", "1", "--out", dir.toString());
    bad(o, "no worker joined within 1 s (start them with: kernsim worker --join 127.0.0.1:");
  }

  @Test
  void aWorkerWhoseSeedNodeDoesNotAnswerGivesUp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    long start = System.nanoTime();
    Outcome o = cli("worker", "--join", "127.0.0.1:" + port, "--bind", "127.0.0.1", "--join-timeout", "2");
    bad(o, "kernsim worker: cannot join the cluster at 127.0.0.1:" + port + ": no answer within 2 s");
    assertTrue(System.nanoTime() - start < 30_000_000_000L, "it gave up after its timeout");
  }

  @Test
  void addressesParse() {
    assertEquals(new HostPort("::1", 2552), HostPort.parse("[::1]:2552"));
    assertEquals("[::1]:2552", HostPort.parse("[::1]:2552").toString());
    assertEquals(new HostPort("node-1.example", 0), HostPort.parse("node-1.example:0"));
    assertEquals(new HostPort("127.0.0.1", 0), new WorkerCommand.Bind().convert("127.0.0.1"));
    assertEquals(new HostPort("::1", 7), new WorkerCommand.Bind().convert("[::1]:7"));
    assertEquals(new HostPort("::1", 0), new WorkerCommand.Bind().convert("::1"));
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse("-x:1"));
    assertThrows(IllegalArgumentException.class, () -> HostPort.parse(":1"));
  }
}
