package kernsim.junit;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.StrategyKind;
import kernsim.actors.Trace;
import kernsim.actors.TraceCodec;
import kernsim.actors.TraceFormatException;
import kernsim.actors.TraceMismatchException;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs an {@link ActorTest}: instead of calling the method once, explores it with kernsim's
 * {@link Simulator} (one call per schedule), or replays one trace. Registered by the annotation.
 */
public final class ActorTestExtension implements InvocationInterceptor, ParameterResolver {
  /** The configuration parameter (or system property) naming the trace directory. */
  public static final String TRACE_DIR = "kernsim.junit.traceDir";

  /** Where traces go when neither the annotation nor {@value #TRACE_DIR} says. */
  public static final String DEFAULT_TRACE_DIR = "target/kernsim-traces";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == ActorWorld.class;
  }

  /** A stand-in: the method is not called with it, but once per schedule with that schedule's world. */
  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return new ActorWorld(null);
  }

  @Override
  public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext context) throws Throwable {
    invocation.skip();
    Method method = invocationContext.getExecutable();
    ActorTest a = AnnotationSupport.findAnnotation(method, ActorTest.class).orElseThrow();
    if (method.getParameterCount() != 1 || method.getParameterTypes()[0] != ActorWorld.class) {
      throw new ExtensionConfigurationException("@ActorTest method " + method.getName()
          + " must take exactly one parameter, an ActorWorld");
    }
    method.setAccessible(true);
    Path traceDir = traceDir(a, context);
    TestWorld world = new TestWorld(method, invocationContext.getTarget().orElse(null), a.name());
    try (Simulator sim = Simulator.create()) {
      if (a.replay().isEmpty()) {
        explore(sim, world, a, traceDir, context);
      } else {
        replay(sim, world, a, traceDir, context);
      }
    } finally {
      world.finish();
    }
  }

  static Path traceDir(ActorTest a, ExtensionContext context) {
    if (!a.traceDir().isEmpty()) {
      return Path.of(a.traceDir());
    }
    return Path.of(context.getConfigurationParameter(TRACE_DIR)
        .orElse(System.getProperty(TRACE_DIR, DEFAULT_TRACE_DIR)));
  }

  private static ExploreOptions options(ActorTest a) {
    StrategyKind kind;
    try {
      kind = StrategyKind.byId(a.strategy());
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException("@ActorTest(strategy = \"" + a.strategy() + "\"): " + e.getMessage());
    }
    if (kind == StrategyKind.REPLAY) {
      throw new ExtensionConfigurationException(
          "@ActorTest(strategy = \"replay\") is not an exploration: give replay = \"TRACE\" instead");
    }
    try {
      // Clock choices off: timers fire only when no actor can run, which is what makes run() wait for quiescence.
      return new ExploreOptions(kind, a.seed(), a.iterations(), a.depth(), 64, new RunOptions(a.maxSteps(), false));
    } catch (IllegalArgumentException e) {
      throw new ExtensionConfigurationException("@ActorTest: " + e.getMessage());
    }
  }

  private static void explore(Simulator sim, TestWorld world, ActorTest a, Path traceDir, ExtensionContext context)
      throws IOException {
    ExploreOptions options = options(a);
    ExploreResult r = sim.explore(world, options, (i, result) -> {
      world.finish();
      return true;
    });
    String how = options.strategy().id() + " (seed " + options.seed()
        + (options.strategy() == StrategyKind.PCT ? ", depth " + options.pctDepth() : "") + ")";
    if (!r.found()) {
      String line = String.format(Locale.ROOT, "kernsim: %s: no failing schedule in %,d schedules of %s",
          world.name(), r.iterations(), how);
      context.publishReportEntry("kernsim", line);
      if (a.expectFailure()) {
        throw new AssertionError(line + ", but the test expects one (expectFailure = true)");
      }
      return;
    }
    RunResult failing = r.failing().orElseThrow();
    Path trace = traceDir.resolve(world.name() + ".trace");
    TraceCodec.write(failing.trace(), trace);
    Path log = writeLog(failing, traceDir.resolve(world.name() + ".log"));
    String report = String.format(Locale.ROOT,
        "kernsim: %s failed in schedule %d of %s, the %s schedule explored (schedules count from 1)%n"
            + "  failure: %s%n  steps: %,d%n  trace: %s%n  replay: @ActorTest(replay = \"%s\")%n%s",
        world.name(), ExploreResult.schedule(failing.iteration()), how, ExploreResult.ordinal(r.iterations()),
        failing.outcome(), failing.steps(), trace.toAbsolutePath(), trace.getFileName(), lastSteps(failing, log));
    context.publishReportEntry("kernsim.trace", trace.toAbsolutePath().toString());
    if (a.expectFailure()) {
      System.out.println(report.replace("kernsim: ", "kernsim: expected failure found: "));
      return;
    }
    throw new ActorTestFailure(report, world.lastFailure());
  }

  /** How many of the last steps a failure's message shows. */
  static final int LAST_STEPS = 20;

  /** Writes the run's event log (step, virtual time, actor, message), one step a line. */
  private static Path writeLog(RunResult run, Path file) throws IOException {
    Files.write(file, run.log().lines(), java.nio.charset.StandardCharsets.UTF_8);
    return file;
  }

  /** The last steps of the run, for the failure's message, and where the whole log is. */
  private static String lastSteps(RunResult run, Path log) {
    List<String> lines = run.log().lines();
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  the last %d of %,d steps (step, virtual time,"
        + " actor, message; all of them in %s):", Math.min(LAST_STEPS, lines.size()), lines.size(), log.toAbsolutePath()));
    for (String l : lines.subList(Math.max(0, lines.size() - LAST_STEPS), lines.size())) {
      b.append(System.lineSeparator()).append("    ").append(l);
    }
    return b.toString();
  }

  private static void replay(Simulator sim, TestWorld world, ActorTest a, Path traceDir, ExtensionContext context)
      throws IOException {
    Path file = Path.of(a.replay());
    if (!file.isAbsolute() && !Files.exists(file)) {
      file = traceDir.resolve(a.replay());
    }
    Trace trace;
    try {
      trace = TraceCodec.read(file);
    } catch (IOException e) {
      throw new ExtensionConfigurationException("@ActorTest(replay = \"" + a.replay() + "\"): cannot read "
          + file.toAbsolutePath() + ": " + e, e);
    } catch (TraceFormatException e) {
      throw new ExtensionConfigurationException("@ActorTest(replay = \"" + a.replay() + "\"): " + e.getMessage(), e);
    }
    ReplayResult r;
    try {
      r = sim.replay(world, trace);
      // A replay that confirms the recorded run must also be the schedule its header names.
      String lie = r.confirmed() ? sim.scheduleMismatch(world, trace) : null;
      if (lie != null) {
        throw new TraceMismatchException(lie);
      }
    } catch (TraceMismatchException e) {
      throw new ExtensionConfigurationException("@ActorTest(replay = \"" + a.replay() + "\"): the trace is not this"
          + " test's: " + e.getMessage(), e);
    }
    Trace.Header h = trace.header();
    String report = String.format(Locale.ROOT,
        "kernsim: replayed %s (schedule %d of %s, seed %d, recorded: %s)%n  replayed: %s, %,d steps",
        file, ExploreResult.schedule(h.iteration()), h.strategy(), h.seed(), trace.footer().outcome(), r.run().outcome(), r.run().steps());
    context.publishReportEntry("kernsim.replay", file.toAbsolutePath().toString());
    if (a.expectFailure()) {
      if (r.run().failed() && r.sameOutcome()) {
        System.out.println(report.replace("kernsim: ", "kernsim: expected failure reproduced: "));
        return;
      }
      throw new AssertionError(report + "\n  the test expects the replay to fail as recorded (expectFailure = true)");
    }
    if (r.run().failed()) {
      Path log = writeLog(r.run(), traceDir.resolve(world.name() + ".replay.log"));
      throw new ActorTestFailure(report + System.lineSeparator() + lastSteps(r.run(), log), world.lastFailure());
    }
  }
}
