package kernsim.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kernsim.cli.Main;
import kernsim.experiment.Results;
import kernsim.experiment.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Three JVMs on loopback: this one the coordinator ({@code explore --cluster}, {@code experiment --cluster}),
 * two {@code kernsim worker} processes with one thread each. The first worker is stopped as soon as it has
 * started its first unit: killed (SIGKILL) in the exploration, so the coordinator finds it unreachable and
 * downs it; stopped (SIGTERM) in the experiment, so it leaves the cluster. Either way the coordinator gives
 * that unit to the other worker, and the result is the local run's: the same lowest failing schedule,
 * steps and event-log hash; the same CSV rows but for the wall times.
 */
class ClusterTest {
  private static final Pattern STARTED = Pattern.compile("kernsim worker: (unit \\d+) \\(.*\\): started");

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killWorkers() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void anExplorationOnAClusterWithAWorkerKilledFindsTheLocalRunsFailure(@TempDir Path dir) throws Exception {
    List<String> args = List.of("explore", "linux-partscan-vs-open", "--strategy", "random", "--seed", "7",
        "--iterations", "1500", "--json");
    StringWriter err = new StringWriter();
    CompletableFuture<Outcome> coordinator = CompletableFuture.supplyAsync(() -> cli(concat(args, "--out",
        dir.resolve("cluster").toString(), "--cluster", "127.0.0.1:0", "--min-workers", "2", "--unit", "100",
        "--cluster-wait", "60"), err));
    int port = port(err, coordinator);
    Worker a = worker(port, Stop.KILL);
    Worker b = worker(port, Stop.NONE);
    String unit = a.stoppedAtFirstUnit();

    Outcome cluster = coordinator.get(90, TimeUnit.SECONDS);
    Outcome local = cli(concat(args, "--out", dir.resolve("local").toString()), new StringWriter());
    assertEquals(1, local.exit, local.err);
    assertEquals(1, cluster.exit, cluster.err + "\nthe other worker:\n" + String.join("\n", b.lines));
    assertEquals(comparable(local.out), comparable(cluster.out), cluster.err);
    int killed = Integer.parseInt(unit.substring("unit ".length()));
    assertTrue(new ObjectMapper().readTree(local.out).get("schedule").asInt() > 100 * killed + 1,
        "the failure lies past the killed worker's unit (schedules 2-101 are unit 1, 102-201 unit 2, ...)");
    redone(unit, cluster, b, "(unreachable, downed)");
  }

  @Test
  void anExperimentOnAClusterWithAWorkerStoppedWritesTheLocalRunsRows(@TempDir Path dir) throws Exception {
    // A copy of a Linux race without its regress toggle, as a file (the workers get its text, not the file):
    // its cells explore their whole budget, long enough for the kill to land while one runs.
    String race = new String(Main.class.getResourceAsStream("/kernsim/linux/linux-partscan-vs-open.ksim")
        .readAllBytes(), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("patched.ksim"), race.replace("scenario linux-partscan-vs-open", "scenario patched")
        .replace("regress reread-partitions-locked\n", "").replace("expect deadlock\n", ""));
    Path plan = dir.resolve("plan.toml");
    Files.writeString(plan, "title = \"cluster\"\nbudget = 150\nseeds = [1, 2]\n"
        + "scenarios = [\"patched.ksim\", \"linux-partscan-vs-open\"]\nstrategies = [\"random\", \"pct\"]\n");
    StringWriter err = new StringWriter();
    CompletableFuture<Outcome> coordinator = CompletableFuture.supplyAsync(() -> cli(List.of("experiment",
        plan.toString(), "--out", dir.resolve("cluster").toString(), "--quiet", "--cluster", "127.0.0.1:0",
        "--min-workers", "2", "--cluster-wait", "60"), err));
    int port = port(err, coordinator);
    Worker a = worker(port, Stop.TERM);
    Worker b = worker(port, Stop.NONE);
    String unit = a.stoppedAtFirstUnit();

    Outcome cluster = coordinator.get(90, TimeUnit.SECONDS);
    Outcome local = cli(List.of("experiment", plan.toString(), "--out", dir.resolve("local").toString(), "--quiet"),
        new StringWriter());
    assertEquals(0, local.exit, local.err);
    assertEquals(0, cluster.exit, cluster.err + "\nthe other worker:\n" + String.join("\n", b.lines));
    List<Row> here = Results.read(dir.resolve("local").resolve(Results.FILE));
    List<Row> there = Results.read(dir.resolve("cluster").resolve(Results.FILE));
    assertEquals(8, here.size());
    assertTrue(here.stream().anyMatch(Row::found) && here.stream().anyMatch(r -> !r.found()), "both kinds of cell");
    assertEquals(untimed(here), untimed(there));
    redone(unit, cluster, b, "(left)", "(removed)");
  }

  /** The coordinator put the killed worker's unit back, and the other worker ran it. */
  private static void redone(String unit, Outcome cluster, Worker other, String... how) {
    assertTrue(cluster.err.lines().anyMatch(l -> l.contains("lost worker") && List.of(how).stream().anyMatch(l::contains)
        && l.contains("back in the queue for the others: " + unit + " (")), cluster.err);
    assertTrue(other.lines.stream().anyMatch(l -> l.startsWith("kernsim worker: " + unit + " (") && l.endsWith(": started")),
        String.join("\n", other.lines));
  }

  private static List<List<String>> untimed(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Row r : rows) {
      List<String> v = new ArrayList<>(r.values());
      for (String timing : Row.TIMING) {
        v.set(Row.COLUMNS.indexOf(timing), "");
      }
      out.add(v);
    }
    return out;
  }

  /**
   * The JSON document without what depends on the machine or the output directory, and the coverage (not
   * measured on a cluster: the event logs stay on the workers).
   */
  private static String comparable(String json) throws IOException {
    ObjectNode o = (ObjectNode) new ObjectMapper().readTree(json);
    o.remove(List.of("seconds", "schedulesPerSecond", "trace", "report", "replayCommand", "coverage"));
    return o.toPrettyString();
  }

  private record Outcome(int exit, String out, String err) {}

  private static Outcome cli(List<String> args, StringWriter err) {
    CommandLine cmd = Main.commandLine();
    StringWriter out = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args.toArray(String[]::new));
    return new Outcome(exit, out.toString(), err.toString());
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }

  /** The port the coordinator (told port 0) listens on, from its first line on stderr. */
  private static int port(StringWriter err, CompletableFuture<Outcome> coordinator) throws Exception {
    Pattern at = Pattern.compile("cluster: coordinator at 127\\.0\\.0\\.1:(\\d+),");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      Matcher m = at.matcher(err.toString());
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (coordinator.isDone()) {
        throw new AssertionError("the coordinator ended before it listened: " + coordinator.get());
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the coordinator did not start listening:\n" + err);
  }

  /** How a worker is stopped as soon as it has started its first unit, if it is. */
  private enum Stop {
    NONE, KILL, TERM
  }

  /** A worker process and the lines it printed so far. */
  private final class Worker {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> firstUnit = new CompletableFuture<>();

    Worker(Process process, Stop stop) {
      this.process = process;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            Matcher m = STARTED.matcher(line);
            if (stop != Stop.NONE && m.matches() && !firstUnit.isDone()) {
              if (stop == Stop.KILL) { // at once, from the thread that saw it start
                process.destroyForcibly();
              } else {
                process.destroy();
              }
              firstUnit.complete(m.group(1));
            }
            lines.add(line);
          }
        } catch (IOException e) {
          // the process is gone
        }
        firstUnit.completeExceptionally(new AssertionError("the worker ended before it started a unit:\n"
            + String.join("\n", lines)));
      }, "worker-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for the worker to be stopped at its first unit; that unit's name ({@code unit 2}). */
    String stoppedAtFirstUnit() throws Exception {
      String unit = firstUnit.get(90, TimeUnit.SECONDS);
      assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the stopped worker is gone");
      return unit;
    }
  }

  private Worker worker(int port, Stop stop) throws IOException {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC", "-cp", cp, Main.class.getName(), "worker", "--join", "127.0.0.1:" + port,
        "--bind", "127.0.0.1", "--threads", "1", "--join-timeout", "60")).redirectErrorStream(true).start();
    processes.add(p);
    return new Worker(p, stop);
  }
}
