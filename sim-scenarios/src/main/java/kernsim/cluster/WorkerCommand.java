package kernsim.cluster;

import java.io.PrintWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code kernsim worker --join HOST:PORT}: a member of the cluster of an {@code explore --cluster} or
 * {@code experiment --cluster} run at HOST:PORT, that runs the units it is given until that run ends.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    header = "Joins the cluster of an 'explore --cluster' or 'experiment --cluster' run and does its share of the work.",
    description = {
      "Joins the Pekko cluster whose seed node, the coordinator, is at HOST:PORT ('kernsim explore --cluster"
          + " HOST:PORT' or 'kernsim experiment --cluster HOST:PORT', started before or after), runs the units of"
          + " work it is given (ranges of schedules, experiment cells) on its threads, each with its own"
          + " simulator, and sends the results back. It prints a line per unit.",
      "Exits 0 when the coordinator has finished, 1 when the coordinator is lost or this worker is removed"
          + " (its work is then done by the others), 2 on bad input or when the coordinator cannot be reached"
          + " within --join-timeout."
    })
public final class WorkerCommand implements Callable<Integer> {
  private static final int OK = 0;
  private static final int BAD_INPUT = 2;

  @Spec CommandSpec spec;

  @Option(names = "--join", required = true, paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
      description = "The coordinator's address, exactly as its --cluster gives it.")
  HostPort join;

  @Option(names = "--bind", paramLabel = "HOST[:PORT]", converter = Bind.class,
      description = "This worker's address, which the coordinator must reach (default: the address of this machine"
          + " on the route to the coordinator, a free port).")
  HostPort bind;

  @Option(names = "--threads", paramLabel = "N",
      description = "Units run at once, each on its own thread and simulator (default: this machine's processors).")
  Integer threads;

  @Option(names = "--join-timeout", paramLabel = "SECONDS", defaultValue = "60",
      description = "Give up (exit 2) when the coordinator has not let this worker in within this time"
          + " (default: ${DEFAULT-VALUE}).")
  long joinTimeout;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (n < 1) {
      throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + n);
    }
    if (joinTimeout < 1) {
      throw new ParameterException(spec.commandLine(), "--join-timeout must be at least 1, got " + joinTimeout);
    }
    if (join.port() == 0) {
      throw new ParameterException(spec.commandLine(), "--join needs the coordinator's port, not 0");
    }
    Consumer<String> log = line -> {
      synchronized (out) {
        out.println("kernsim worker: " + line);
        out.flush();
      }
    };
    CompletableFuture<Void> up = new CompletableFuture<>();
    CompletableFuture<Worker.End> end = new CompletableFuture<>();
    ActorSystem<Worker.Msg> system;
    try {
      HostPort self = bind != null ? bind : new HostPort(Node.localAddressTowards(join), 0);
      system = Node.start(Worker.create(n, log, up, end), Node.WORKER, self, join);
    } catch (ClusterException e) {
      return bad(err, e.getMessage());
    }
    try {
      log.accept("joining the coordinator at " + join + " (at most " + joinTimeout + " s)");
      try {
        CompletableFuture.anyOf(up, end).get(joinTimeout, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        return bad(err, "cannot join the cluster at " + join + ": no answer within " + joinTimeout + " s (is"
            + " 'kernsim explore --cluster " + join + "' or 'kernsim experiment --cluster " + join + "' running"
            + " there, and does --join give exactly the HOST:PORT of its --cluster?)");
      }
      Worker.End e = end.get();
      if (e.code() == BAD_INPUT) {
        return bad(err, e.why());
      }
      log.accept(e.why() + (e.code() == OK ? "" : "; stopping"));
      return e.code();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        err.println(spec.qualifiedName() + ": the node did not stop cleanly: " + Node.rootMessage(e));
      }
    }
  }

  private int bad(PrintWriter err, String message) {
    err.println(spec.qualifiedName() + ": " + message);
    err.flush();
    return BAD_INPUT;
  }

  /** {@code HOST} or {@code HOST:PORT}; without a port, a free one. */
  static final class Bind implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      try {
        return value.matches(".*:[0-9]+") && !value.matches("[0-9A-Fa-f:]+") ? HostPort.parse(value)
            : HostPort.parse((value.contains(":") && !value.startsWith("[") ? "[" + value + "]" : value) + ":0");
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage().replace("HOST:PORT", "HOST or HOST:PORT"));
      }
    }
  }
}
