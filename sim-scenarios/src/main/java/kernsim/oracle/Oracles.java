package kernsim.oracle;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.cpu.Calls;
import kernsim.cpu.call.Syscall;
import kernsim.dev.Semantics;
import kernsim.dev.code.SleepInAtomicMonitor;
import kernsim.dev.loop.DetachMonitor;
import kernsim.dev.loop.DurabilityMonitor;
import kernsim.dev.loop.SingleMountMonitor;
import kernsim.dev.loop.StaleCacheMonitor;

/**
 * The oracles, by the names reports and {@code --no-oracle NAME} use. All are on by default. Most are
 * monitors of a world; {@code deadlock} and {@code livelock} are the runtime's own checks, switched
 * through {@link RunOptions}.
 */
public final class Oracles {
  public static final String DEADLOCK = "deadlock";
  public static final String LIVELOCK = "livelock";

  /** Every oracle's name, in the order they are checked and listed. */
  public static final List<String> NAMES = List.of(
      StaleCacheMonitor.NAME, SingleMountMonitor.NAME, ReadOnlyDevices.NAME, SleepInAtomicMonitor.NAME,
      DurabilityMonitor.NAME, DetachMonitor.NAME, ErrnoConformance.NAME, FileContents.NAME, ClientOwnershipMonitor.NAME,
      ClientTerminationMonitor.NAME,
      ClientDataMonitor.NAME, SilentLoss.NAME, Expectations.NAME, ErrSeq.NAME, DurabilityMonitor.POWER_LOSS, DEADLOCK,
      LIVELOCK);

  private Oracles() {}

  /** Fresh monitors for one world: every oracle not in {@code off}; errno from the bare kernel's state. */
  public static List<Monitor> monitors(Semantics semantics, Set<String> off) {
    return monitors(semantics, off, null);
  }

  /**
   * Fresh monitors for one world: every oracle not in {@code off}; errno starts from {@code start} (the
   * scenario's boot state, see {@link ErrnoConformance#start}), or from the bare kernel's when null.
   */
  public static List<Monitor> monitors(Semantics semantics, Set<String> off, ErrnoConformance.Start start) {
    return monitors(semantics, off, start, true);
  }

  /**
   * The same, with the client oracles only when {@code clients}: a program with no loop client
   * operation emits no {@code ClientEvents}, so they could not fire, and following every file's bytes
   * (client-data) is not free.
   */
  public static List<Monitor> monitors(Semantics semantics, Set<String> off, ErrnoConformance.Start start,
      boolean clients) {
    return monitors(semantics, off, start, clients, null, null);
  }

  /**
   * The same, with the read-only oracle starting from {@code readOnly} (the device states the scenario's
   * boot calls leave, {@link ReadOnlyDevices#start}), or from unbound devices when null, and the
   * file-contents oracle from {@code files} ({@link FileContents#start}), or knowing no file, when null.
   */
  public static List<Monitor> monitors(Semantics semantics, Set<String> off, ErrnoConformance.Start start,
      boolean clients, ReadOnlyDevices.Start readOnly, FileContents.Start files) {
    return monitors(semantics, off, start, clients, readOnly, files, new java.util.TreeMap<>());
  }

  /**
   * The same, with {@code threads} saying which harts are threads of one process ({@code world/a} →
   * {@code world/p}, {@code Scenario.threads()}): the oracles that follow fds keep one table per process.
   */
  public static List<Monitor> monitors(Semantics semantics, Set<String> off, ErrnoConformance.Start start,
      boolean clients, ReadOnlyDevices.Start readOnly, FileContents.Start files,
      java.util.SortedMap<String, String> threads) {
    return monitors(semantics, off, start, clients, readOnly, files, threads, List.of());
  }

  /**
   * The same, with the {@code expectation} oracle checking {@code checks} (a scenario's {@code expect}
   * statements) after each run; none: no such monitor.
   */
  public static List<Monitor> monitors(Semantics semantics, Set<String> off, ErrnoConformance.Start start,
      boolean clients, ReadOnlyDevices.Start readOnly, FileContents.Start files,
      java.util.SortedMap<String, String> threads, List<Expectations.Check> checks) {
    List<Monitor> out = new ArrayList<>();
    if (!off.contains(StaleCacheMonitor.NAME)) {
      out.add(new StaleCacheMonitor());
    }
    if (!off.contains(SingleMountMonitor.NAME)) {
      out.add(new SingleMountMonitor());
    }
    if (!off.contains(ReadOnlyDevices.NAME)) {
      out.add((readOnly != null ? new ReadOnlyDevices(readOnly) : new ReadOnlyDevices(semantics)).threads(threads));
    }
    if (!off.contains(SleepInAtomicMonitor.NAME)) {
      out.add(new SleepInAtomicMonitor());
    }
    if (!off.contains(DurabilityMonitor.NAME)) {
      out.add(new DurabilityMonitor(CALLS));
    }
    if (!off.contains(DetachMonitor.NAME)) {
      out.add(new DetachMonitor());
    }
    if (!off.contains(ErrnoConformance.NAME)) {
      out.add((start != null ? new ErrnoConformance(start) : new ErrnoConformance(semantics)).threads(threads));
    }
    if (!off.contains(FileContents.NAME)) {
      out.add((files != null ? new FileContents(files) : new FileContents()).threads(threads));
    }
    if (clients) {
      if (!off.contains(ClientOwnershipMonitor.NAME)) {
        out.add(new ClientOwnershipMonitor());
      }
      if (!off.contains(ClientTerminationMonitor.NAME)) {
        out.add(new ClientTerminationMonitor());
      }
      if (!off.contains(ClientDataMonitor.NAME)) {
        out.add(new ClientDataMonitor());
      }
    }
    // After client-data: a client's lost write is reported by the oracle that names the client.
    if (!off.contains(SilentLoss.NAME) && semantics.linux()) {
      out.add(new SilentLoss());
    }
    if (!off.contains(Expectations.NAME) && !checks.isEmpty()) {
      out.add(new Expectations(checks));
    }
    if (!off.contains(ErrSeq.NAME)) {
      out.add(new ErrSeq());
    }
    return out;
  }

  /**
   * The {@code power-loss} oracle for one world whose seed is {@code worldSeed}, unless {@code off} has it:
   * only in a world that can lose power (a fault plan's {@code power-loss}), the only one where it can fail.
   */
  public static java.util.Optional<Monitor> powerLoss(Set<String> off, long worldSeed) {
    return off.contains(DurabilityMonitor.POWER_LOSS) ? java.util.Optional.empty()
        : java.util.Optional.of(DurabilityMonitor.atPowerLoss(CALLS, worldSeed, kernsim.dev.file.FaultPlan.SECTOR));
  }

  /** How the durability oracles read the cpu's and fs's observations (tests build mutated oracles with it). */
  public static DurabilityMonitor.Calls durabilityCalls() {
    return CALLS;
  }

  /** {@code base} with the runtime's two oracles switched as {@code off} says. */
  public static RunOptions runOptions(RunOptions base, Set<String> off) {
    return base.withOracles(!off.contains(DEADLOCK), !off.contains(LIVELOCK));
  }

  /**
   * An umount2 that promises to persist: not MNT_DETACH, whose path in sys_umount2 returns right after
   * {@code detach_mount()} without the write-back callback (the filesystem is dropped later, by the last
   * close of an fd on it, and no write-back runs then either).
   */
  private static boolean promisingUmount(kernsim.cpu.call.Call c) {
    return c instanceof Syscall.Umount2 u && (u.flags() & kernsim.fs.vfs.Flags.MNT_DETACH) == 0;
  }

  /** The durability oracle reads the harts' call observations through this. */
  private static final DurabilityMonitor.Calls CALLS = new DurabilityMonitor.Calls() {
    @Override
    public DurabilityMonitor.Started started(Object o) {
      return o instanceof Calls.Started s
          ? new DurabilityMonitor.Started(s.hart(), s.text(), promisingUmount(s.call())) : null;
    }

    @Override
    public Object[] returned(Object o) {
      return o instanceof Calls.Returned r ? new Object[] {r.hart(), r.text(), r.result()} : null;
    }

    @Override
    public Object[] fileWritten(Object o) {
      return o instanceof kernsim.fs.file.RamFile.Written w ? new Object[] {w.file(), w.offset(), w.data()} : null;
    }
  };
}
