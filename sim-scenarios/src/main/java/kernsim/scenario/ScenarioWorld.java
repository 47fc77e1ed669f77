package kernsim.scenario;

import java.util.List;
import java.util.SortedMap;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.World;
import kernsim.actors.WorldSpec;
import kernsim.cpu.Kernel;
import kernsim.oracle.ErrnoConformance;
import kernsim.oracle.FileContents;
import kernsim.oracle.Oracles;
import kernsim.oracle.ReadOnlyDevices;
import org.apache.pekko.actor.typed.Behavior;

/**
 * A scenario as a world the simulator runs: its kernel under the settings' semantics, watched by every
 * oracle the settings leave on.
 */
public final class ScenarioWorld implements WorldSpec {
  /** Bumped whenever the model changes what a scenario does step by step: old traces are refused. */
  public static final String MODEL_VERSION = "kernsim-model-6";

  private final Scenario scenario;
  private final Settings settings;
  /** Built once: every iteration boots the same kernel. */
  private final Kernel.Spec spec;
  /** Where the errno oracle starts (the boot state), computed once; null with errno off. */
  private final ErrnoConformance.Start errnoStart;
  /** The device states the read-only oracle starts from, computed once; null with read-only off. */
  private final ReadOnlyDevices.Start readOnlyStart;
  /** What the file-contents oracle starts from, computed once; null with it off. */
  private final FileContents.Start filesStart;
  /** Whether a statement is a loop client's operation: only then are the client oracles on. */
  private final boolean clients;
  /** Which harts are threads of which process ({@link Scenario#threads}). */
  private final java.util.SortedMap<String, String> threads;

  public ScenarioWorld(Scenario scenario, Settings settings) {
    this.scenario = scenario;
    this.settings = settings;
    Kernel.Spec k = withClientOptions(scenario, settings).kernelSpec(settings.semantics());
    this.spec = settings.faults().isEmpty() ? k : k.withFaults(k.faults().plus(settings.faults()));
    this.errnoStart = settings.oraclesOff().contains(ErrnoConformance.NAME) ? null
        : ErrnoConformance.start(settings.semantics(), scenario.bootCalls(), spec.faults().injectsErrors());
    this.readOnlyStart = settings.oraclesOff().contains(ReadOnlyDevices.NAME) ? null
        : ReadOnlyDevices.start(settings.semantics(), scenario.bootCalls());
    this.filesStart = settings.oraclesOff().contains(FileContents.NAME) ? null : FileContents.start(scenario.bootCalls());
    this.clients = java.util.stream.Stream.concat(java.util.stream.Stream.concat(scenario.setup().stream(),
            scenario.processes().stream().flatMap(p -> p.program().stream())),
            scenario.harts().stream().flatMap(List::stream))
        .anyMatch(s -> s.call() instanceof kernsim.cpu.call.LibraryCall);
    this.threads = scenario.threads();
  }

  public Scenario scenario() {
    return scenario;
  }

  /** {@code s} as its harts run under {@code settings}: parsed again when the settings change its client options. */
  private static Scenario withClientOptions(Scenario s, Settings settings) {
    if (!settings.changesClientOptions()) {
      return s;
    }
    try {
      return Scenarios.parse(s.text(), s.file(), settings.clientOn(), settings.clientOff());
    } catch (ScenarioException e) {
      throw new IllegalArgumentException("client options need the scenario's text, which does not parse: "
          + e.getMessage(), e);
    }
  }

  public Settings settings() {
    return settings;
  }

  /**
   * Steps a statement may take before its run counts as a livelock, for scenarios too large for the base
   * bound: the triad's 14 statements take about 130 steps; a client statement's retries take thousands.
   */
  public static final int STEPS_PER_STATEMENT = 1_000;

  /**
   * {@code base} with the deadlock and livelock oracles as the settings say, and a step bound of at least
   * {@value #STEPS_PER_STATEMENT} per statement (setup and harts), so a program of 10,000 harts is not
   * called a livelock for being long. Scenarios of up to 100 statements keep {@code base}'s bound.
   */
  public RunOptions runOptions(RunOptions base) {
    long statements = scenario.setup().size() + scenario.setupCalls().size()
        + scenario.harts().stream().mapToLong(java.util.List::size).sum()
        + scenario.processes().stream().mapToLong(p -> p.program().size()).sum();
    long scaled = Math.min(Integer.MAX_VALUE, statements * STEPS_PER_STATEMENT);
    RunOptions bounded = scaled > base.maxSteps()
        ? new RunOptions((int) scaled, base.clockChoices(), base.deadlocks(), base.livelocks()) : base;
    return Oracles.runOptions(bounded, settings.oraclesOff());
  }

  @Override
  public String name() {
    return scenario.name();
  }

  @Override
  public String modelVersion() {
    return MODEL_VERSION;
  }

  @Override
  public String text() {
    return scenario.text();
  }

  @Override
  public SortedMap<String, String> options() {
    return settings.options();
  }

  @Override
  public Behavior<?> root(World world) {
    return Kernel.create(world, spec);
  }

  @Override
  public List<Monitor> monitors(World world) {
    List<Monitor> ms = Oracles.monitors(settings.semantics(), settings.oraclesOff(), errnoStart, clients, readOnlyStart,
        filesStart, threads, scenario.expectations());
    if (spec.faults().powerLoss() == null) {
      return ms;
    }
    List<Monitor> all = new java.util.ArrayList<>(ms);
    Oracles.powerLoss(settings.oraclesOff(), world.seed()).ifPresent(all::add);
    return all;
  }

  /** The hart that runs the recovery program on the kernel rebooted after a power loss. */
  public static final String REBOOT_HART = "reboot";

  /**
   * After a power loss: a fresh kernel of the same scenario (its loop devices, its boot files and their
   * bindings, as the setup declared them) whose boot files hold the images the loss left
   * ({@link kernsim.dev.loop.DurabilityMonitor#imageAfterLoss}), no setup, no faults, and one hart,
   * {@value #REBOOT_HART}, running the recovery program ({@link Recovery}); the power-loss oracle's
   * {@link kernsim.dev.loop.RebootCheck} checks what it reads. No reboot without the power-loss oracle
   * (nothing would check it), when nothing was promised durable (nothing to read back), or when a boot
   * file's image was too large to keep.
   */
  @Override
  public Reboot reboot(World world, List<Monitor> firstBoot) {
    kernsim.dev.loop.DurabilityMonitor lost = null;
    for (Monitor m : firstBoot) {
      if (m instanceof kernsim.dev.loop.DurabilityMonitor d && d.name().equals(kernsim.dev.loop.DurabilityMonitor.POWER_LOSS)) {
        lost = d;
      }
    }
    if (lost == null) {
      return null;
    }
    List<kernsim.cpu.Boot.Entry> entries = new java.util.ArrayList<>();
    for (kernsim.cpu.Boot.Entry e : spec.boot().entries()) {
      if (e instanceof kernsim.cpu.Boot.File f) {
        byte[] img = lost.imageAfterLoss("world/" + Kernel.fileActorName(f.path()), f.data());
        if (img == null) {
          return null;
        }
        entries.add(new kernsim.cpu.Boot.File(f.path(), img));
      } else {
        entries.add(e);
      }
    }
    Recovery recovery = Recovery.of(scenario, spec.boot(), lost);
    if (recovery == null) {
      return null;
    }
    Kernel.Spec rebooted = new Kernel.Spec(spec.loops(), new kernsim.cpu.Boot(entries, spec.boot().bindings()), List.of(),
        List.of(recovery.program()), List.of(REBOOT_HART), spec.semantics());
    return new Reboot(Kernel.create(world, rebooted), List.of(new kernsim.dev.loop.RebootCheck(
        Oracles.durabilityCalls(), lost.lostAfterStep(), recovery.blockReads(), recovery.needed())));
  }

  /** The fault plan's power loss ({@code power-loss@N}, {@code power-loss%P}); null without one. */
  @Override
  public PowerCut powerCut() {
    kernsim.dev.file.FaultPlan.PowerLoss p = spec.faults().powerLoss();
    return p == null ? null : p::after;
  }
}
