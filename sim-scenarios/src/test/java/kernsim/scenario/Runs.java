package kernsim.scenario;

import kernsim.actors.Simulator;
import kernsim.cpu.KernelWorld;
import kernsim.dev.SysResult;

/** Test helpers: a parsed scenario run once in the kernel-world fixture ({@link KernelWorld}). */
final class Runs {
  private Runs() {}

  /** One run of {@code s} (its own profile and fixes) with a random schedule from {@code seed}. */
  static KernelWorld.Outcome run(Simulator sim, Scenario s, long seed) {
    return KernelWorld.run(sim, s.name(), s.text(), s.kernelSpec(), seed);
  }

  static SysResult.Ok ok(Object r) {
    return KernelWorld.ok(r);
  }

  /** The bytes a read-like call returned, as text. */
  static String text(Object r) {
    return KernelWorld.text(r);
  }
}
