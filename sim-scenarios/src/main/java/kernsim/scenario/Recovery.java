package kernsim.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import kernsim.cpu.Boot;
import kernsim.cpu.Stmt;
import kernsim.cpu.call.Syscall;
import kernsim.dev.loop.DurabilityMonitor;

/**
 * The recovery program a kernel rebooted after a power loss runs (docs/faults.md, "The reboot"), one hart,
 * statement by statement, derived from the scenario and from what the first boot promised:
 *
 * <ol>
 *   <li>each loop device the setup bound is bound again at boot (its {@link Boot.Binding});
 *   <li>for each device with a block promised durable: open it read-only and {@code pread64} each such
 *       block (512 bytes at its offset), then close it;
 *   <li>each ext4 filesystem a statement of the first boot mounted from such a device is mounted again at
 *       the same place; each file a statement opened under it, when that open returned before a call
 *       promised the device durable, is opened read-only and read.
 * </ol>
 *
 * @param program the statements, as the scenario language parses them
 * @param blockReads each {@code pread64}'s text → the promised blocks it reads back
 * @param needed each call that must succeed (the mounts, opens and reads of what was promised) → why
 */
record Recovery(List<Stmt> program, Map<String, List<DurabilityMonitor.PromisedBlock>> blockReads,
    Map<String, String> needed) {
  /** How many bytes a recovery read of a file asks for. */
  static final int READ = 4096;

  /** The recovery program after {@code lost}'s power loss; null when nothing was promised durable. */
  static Recovery of(Scenario scenario, Boot boot, DurabilityMonitor lost) {
    List<DurabilityMonitor.PromisedBlock> promised = lost.blocksPromised();
    TreeMap<String, TreeMap<Long, List<DurabilityMonitor.PromisedBlock>>> byDevice = new TreeMap<>();
    for (DurabilityMonitor.PromisedBlock b : promised) {
      byDevice.computeIfAbsent(node(b.device()), k -> new TreeMap<>())
          .computeIfAbsent(b.block(), k -> new ArrayList<>()).add(b);
    }
    List<String> lines = new ArrayList<>();
    Map<String, List<DurabilityMonitor.PromisedBlock>> blockReads = new TreeMap<>();
    Map<String, String> needed = new LinkedHashMap<>();
    int d = 0;
    for (var dev : byDevice.entrySet()) {
      String fd = "rd" + d++;
      String open = fd + " = open(\"" + dev.getKey() + "\", O_RDONLY)";
      lines.add(open);
      needed.put(open, "reading back the blocks promised durable on " + dev.getKey());
      for (var blk : dev.getValue().entrySet()) {
        String read = "pread64(" + fd + ", 512, " + blk.getKey() * 512 + ")";
        lines.add(read);
        blockReads.put(read, blk.getValue());
      }
      lines.add("close(" + fd + ")");
    }
    // the first boot's statements, in program order: setup, processes, harts
    List<Stmt> all = new ArrayList<>(scenario.setup());
    scenario.processes().forEach(p -> all.addAll(p.program()));
    scenario.harts().forEach(all::addAll);
    TreeMap<String, String> mounted = new TreeMap<>(); // target → device node
    int f = 0;
    for (Stmt s : all) {
      if (s.call() instanceof Syscall.Mount m && "ext4".equals(m.type()) && byDevice.containsKey(m.source())
          && !mounted.containsKey(m.target())) {
        mounted.put(m.target(), m.source());
        String mount = "mount(\"" + m.source() + "\", \"" + m.target() + "\", \"ext4\", 0)";
        lines.add(mount);
        needed.put(mount, "the first boot promised blocks of " + m.source() + " durable");
      }
    }
    java.util.TreeSet<String> read = new java.util.TreeSet<>();
    for (Stmt s : all) {
      if (!(s.call() instanceof Syscall.Open o) || !read.add(o.path())) {
        continue;
      }
      for (var mt : mounted.entrySet()) {
        String device = mt.getValue().substring("/dev/".length());
        if (o.path().startsWith(mt.getKey() + "/") && lost.promisedOn(s.text(), device)) {
          String fd = "rf" + f++;
          String open = fd + " = open(\"" + o.path() + "\", O_RDONLY)";
          String r = "read(" + fd + ", " + READ + ")";
          String why = "the first boot's " + s.text() + " returned before a call promised " + mt.getValue()
              + " durable";
          lines.add(open);
          lines.add(r);
          lines.add("close(" + fd + ")");
          needed.put(open, why);
          needed.put(r, why);
          break;
        }
      }
    }
    if (lines.isEmpty()) {
      return null; // nothing promised: nothing to read back
    }
    // parsed as a hart of another name: the parser keeps REBOOT_HART for the kernel's own use
    StringBuilder text = new StringBuilder("scenario " + scenario.name() + "-reboot\n\nhart recovery:\n");
    lines.forEach(l -> text.append("  ").append(l).append('\n'));
    try {
      Scenario parsed = Scenarios.parse(text.toString(), scenario.name() + "-reboot.ksim");
      return new Recovery(parsed.harts().get(0), blockReads, needed);
    } catch (ScenarioException e) {
      throw new IllegalStateException("the recovery program does not parse: " + e.getMessage() + "\n" + text, e);
    }
  }

  /** A loop device's node: {@code loop0} → {@code /dev/loop0}. */
  private static String node(String device) {
    return device.startsWith("/") ? device : "/dev/" + device;
  }
}
