package kernsim.cpu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.WorldSpec;
import kernsim.dev.SysResult;
import kernsim.dev.code.SleepInAtomicMonitor;

/**
 * The test fixture every kernel-world test shares (this module's and, through its test jar,
 * sim-scenarios'): a world that boots a {@link Kernel.Spec} and records what it observes, one run of it
 * under a random schedule, and the calls' results read back from the observations.
 */
public final class KernelWorld {
  public static final String MODEL = "kernel/test";

  private KernelWorld() {}

  /** A world of {@code spec} named {@code name}, recording into {@code seen}, with the sleep-in-atomic oracle. */
  public static WorldSpec spec(String name, Kernel.Spec spec, List<Object> seen) {
    return WorldSpec.of(name, MODEL, name, w -> Kernel.create(w, spec), w -> List.of(
        new SleepInAtomicMonitor(),
        Monitor.recorder(seen)));
  }

  /** A world of {@code spec} ({@code text} is what its traces hash), recording into {@code seen} and nothing else. */
  public static WorldSpec world(String name, String text, Kernel.Spec spec, List<Object> seen) {
    return WorldSpec.of(name, MODEL, text, w -> Kernel.create(w, spec), w -> List.of(Monitor.recorder(seen)));
  }

  /** One run of {@code world} with a random schedule from {@code seed}. */
  public static RunResult run(Simulator sim, WorldSpec world, long seed) {
    return sim.run(world, Strategies.random(seed), RunOptions.DEFAULT, seed, 0);
  }

  /** One run of {@link #world} with a random schedule from {@code seed}: its result and what it observed. */
  public static Outcome run(Simulator sim, String name, String text, Kernel.Spec spec, long seed) {
    List<Object> seen = new ArrayList<>();
    RunResult r = run(sim, world(name, text, spec, seen), seed);
    return new Outcome(r, seen);
  }

  /** A run's result and its observations. */
  public record Outcome(RunResult result, List<Object> seen) {
    /** The results of {@code hart}'s calls ("world/…"), in program order. */
    public List<Object> results(String hart) {
      return KernelWorld.results(seen, hart);
    }

    public List<Calls.Returned> returned(String hart) {
      List<Calls.Returned> out = new ArrayList<>();
      for (Object o : seen) {
        if (o instanceof Calls.Returned r && r.hart().equals(hart)) {
          out.add(r);
        }
      }
      return out;
    }

    public List<String> startedTexts(String hart) {
      List<String> out = new ArrayList<>();
      for (Object o : seen) {
        if (o instanceof Calls.Started s && s.hart().equals(hart)) {
          out.add(s.text());
        }
      }
      return out;
    }

    /** The observations of {@code type}, in order. */
    public <T> List<T> observed(Class<T> type) {
      return seen.stream().filter(type::isInstance).map(type::cast).toList();
    }
  }

  /** The results of {@code hart}'s calls, in program order. */
  public static List<Object> results(List<Object> seen, String hart) {
    List<Object> out = new ArrayList<>();
    for (Object o : seen) {
      if (o instanceof Calls.Returned r && r.hart().equals(hart)) {
        out.add(r.result());
      }
    }
    return out;
  }

  public static SysResult.Ok ok(Object r) {
    if (r instanceof SysResult.Ok ok) {
      return ok;
    }
    throw new AssertionError("expected success, got " + r);
  }

  /** The bytes a read-like call returned, as text. */
  public static String text(Object r) {
    SysResult.Ok ok = ok(r);
    return new String((byte[]) ok.data(), 0, (int) ok.value(), StandardCharsets.UTF_8);
  }
}
