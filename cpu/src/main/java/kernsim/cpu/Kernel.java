package kernsim.cpu;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.World;
import kernsim.cpu.call.Syscall;
import kernsim.dev.Semantics;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.FaultPlan;
import kernsim.dev.loop.BoundFile;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopControlCalls;
import kernsim.dev.loop.LoopDevice;
import kernsim.dev.loop.LoopIoctls;
import kernsim.fs.ext4.LoopExt4Driver;
import kernsim.fs.file.AnonFs;
import kernsim.fs.file.Flocks;
import kernsim.fs.file.RamFile;
import kernsim.fs.memfs.MemFs;
import kernsim.fs.vfs.MountTable;
import kernsim.fs.vfs.TmpFs;
import kernsim.fs.vfs.Vfs;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A booted kernel: a tmpfs root with {@code /dev} (loop-control and {@code loops} loop devices),
 * {@code /mnt} and the spec's {@link Boot} state (files, directories, loop devices bound to files), all
 * built when the kernel starts; then a setup program, if the spec has one, run alone on the
 * {@code setup} hart (not raced: nothing else runs); then the racing harts (named by the spec,
 * {@code hart-1} … by default), all started together.
 *
 * <p>Boot order: {@code anon}, the boot files, {@code loop-control} (which spawns its devices, bound
 * as the boot says, and reports them), then, on that report, the mount table with the root tmpfs
 * holding every node, then the harts.
 *
 * <p>Actors: {@code world/anon} (pipes and memfds), {@code world/flocks} (every inode's BSD locks),
 * {@code world/file:NAME} (each boot file, e.g. {@code file:img} for {@code /img}),
 * {@code world/loop-control} with {@code loop0} … below it, {@code world/mounts} (the mount table and
 * its filesystems), {@code world/setup}, {@code world/hart-N}, and with {@link Spec#prober()} the
 * udev-like {@code world/prober}, which starts probing with the harts.
 */
public final class Kernel extends AbstractBehavior<Kernel.Command> {
  /**
   * What the kernel handles while it boots: loop-control's report that its devices exist (delivered as
   * the {@link LoopControl.Devices} it sends, see {@link #create}), and the setup hart's exit.
   */
  public sealed interface Command permits DevicesStarted, Hart.Exited {}

  /** loop-control has spawned its devices. */
  record DevicesStarted(LoopControl.Devices devices) implements Command {}

  /** The kernel's actors, as kernel code running on a hart reaches them. */
  public record Refs(World world, Vfs vfs, ActorRef<AnonFs.Command> anon, LoopControlCalls loopControl,
      ActorRef<Flocks.Command> flocks) {}

  /**
   * A process whose harts are threads sharing its fd table (as threads made with CLONE_FILES do): its
   * name, which is its leader hart's actor name ({@code world/NAME}), and the program the leader runs
   * alone, after the setup hart and before the racing harts start (empty: none). Its threads start with
   * the leader's variables as it left them.
   */
  public record Process(String name, List<Stmt> program) {
    public Process {
      java.util.Objects.requireNonNull(name, "name");
      program = List.copyOf(program);
    }
  }

  /**
   * What to boot: how many loop devices, the boot state (files, directories and bound loop devices
   * built at boot), a setup program run alone before the racing harts (empty: none), one program per
   * racing hart, the harts' names (their actors' names, e.g. {@code hart-1} or {@code mounter}), the
   * model's semantics, whether the udev-like {@link Prober} runs alongside the harts, and whether the
   * harts run one after another ({@code sequential}: each starts when the one before it exits, in the
   * order of {@code harts}; what {@code kernsim conform} compares with the real kernel) instead of
   * racing, and the processes whose harts are threads ({@link Process}; by default every hart is a
   * process of its own).
   */
  public record Spec(int loops, Boot boot, List<Stmt> setup, List<List<Stmt>> harts, List<String> names,
      Semantics semantics, boolean prober, boolean sequential, List<Process> processes, List<String> processOf,
      FaultPlan faults) {
    public Spec {
      processes = List.copyOf(processes);
      processOf = processOf.isEmpty() ? java.util.Collections.nCopies(harts.size(), "") : List.copyOf(processOf);
      if (processOf.size() != harts.size()) {
        throw new IllegalArgumentException(harts.size() + " harts but " + processOf.size() + " processes named");
      }
      List<String> processNames = processes.stream().map(Process::name).toList();
      for (String p : processOf) {
        if (!p.isEmpty() && !processNames.contains(p)) {
          throw new IllegalArgumentException("a hart of process '" + p + "', which is not one of " + processNames);
        }
      }
      java.util.Objects.requireNonNull(boot, "boot");
      java.util.Objects.requireNonNull(faults, "faults");
      setup = List.copyOf(setup);
      harts = harts.stream().map(List::copyOf).toList();
      names = List.copyOf(names);
      if (names.size() != harts.size()) {
        throw new IllegalArgumentException(harts.size() + " harts but " + names.size() + " names");
      }
      if (java.util.stream.Stream.concat(names.stream(), processes.stream().map(Process::name)).distinct().count()
          != names.size() + processes.size() || names.contains("setup") || processNames.contains("setup")) {
        throw new IllegalArgumentException("hart names must be distinct and not 'setup': " + names);
      }
      if (names.contains("flocks") || names.contains("prober")) {
        throw new IllegalArgumentException("'flocks' and 'prober' are the kernel's actors, not hart names: " + names);
      }
      java.util.Objects.requireNonNull(semantics, "semantics");
      for (Boot.Binding b : boot.bindings()) {
        if (b.loop() >= loops) {
          throw new IllegalArgumentException("loop" + b.loop() + " is bound at boot but there are " + loops + " loop devices");
        }
      }
    }

    /** Each hart a process of its own, no faults. */
    public Spec(int loops, Boot boot, List<Stmt> setup, List<List<Stmt>> harts, List<String> names,
        Semantics semantics, boolean prober, boolean sequential) {
      this(loops, boot, setup, harts, names, semantics, prober, sequential, List.of(), List.of(), FaultPlan.NONE);
    }

    /** Racing harts. */
    public Spec(int loops, Boot boot, List<Stmt> setup, List<List<Stmt>> harts, List<String> names,
        Semantics semantics, boolean prober) {
      this(loops, boot, setup, harts, names, semantics, prober, false);
    }

    /** No prober. */
    public Spec(int loops, Boot boot, List<Stmt> setup, List<List<Stmt>> harts, List<String> names,
        Semantics semantics) {
      this(loops, boot, setup, harts, names, semantics, false);
    }

    /** No boot state beyond the device nodes, no prober. */
    public Spec(int loops, List<Stmt> setup, List<List<Stmt>> harts, List<String> names, Semantics semantics) {
      this(loops, Boot.EMPTY, setup, harts, names, semantics);
    }

    /** The same kernel with the prober switched on or off. */
    public Spec withProber(boolean on) {
      return new Spec(loops, boot, setup, harts, names, semantics, on, sequential, processes, processOf, faults);
    }

    /** The same kernel with its harts run one after another, in order (none racing another). */
    public Spec oneAfterAnother() {
      return new Spec(loops, boot, setup, harts, names, semantics, prober, true, processes, processOf, faults);
    }

    /**
     * The same kernel with processes whose harts are threads: {@code processOf.get(i)} names hart
     * {@code i}'s process, or is "" for a process of its own.
     */
    public Spec withProcesses(List<Process> processes, List<String> processOf) {
      return new Spec(loops, boot, setup, harts, names, semantics, prober, sequential, processes, processOf, faults);
    }

    /** The same kernel with its boot files under {@code plan} (FaultPlan: docs/faults.md). */
    public Spec withFaults(FaultPlan plan) {
      return new Spec(loops, boot, setup, harts, names, semantics, prober, sequential, processes, processOf, plan);
    }

    /** Harts named {@code hart-1} … {@code hart-N}, in the starry profile with no fixes. */
    public Spec(int loops, List<Stmt> setup, List<List<Stmt>> harts) {
      this(loops, setup, harts, defaultNames(harts.size()), Semantics.STARRY);
    }

    public static List<String> defaultNames(int n) {
      List<String> out = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        out.add("hart-" + i);
      }
      return out;
    }
  }

  /**
   * The syscalls that would build what every kernel boots with, in the order its inodes are made:
   * {@code mkdir /dev}, {@code mkdir /mnt}, the loop-control node, then each loop device's node. The
   * errno oracle starts from the state they leave.
   */
  public static List<Stmt> bootCalls(int loops) {
    List<Stmt> out = new ArrayList<>(List.of(Syscalls.mkdir("/dev"), Syscalls.mkdir("/mnt"),
        Stmt.of(new Syscall.Mknod("/dev/loop-control"))));
    for (int i = 0; i < loops; i++) {
      out.add(Stmt.of(new Syscall.Mknod("/dev/loop" + i)));
    }
    out.add(Syscalls.mkdir("/sys"));
    out.add(Syscalls.mkdir("/sys/block"));
    for (int i = 0; i < loops; i++) {
      for (String p : sysfs(i)) {
        out.add(p.endsWith("backing_file") ? Stmt.of(new Syscall.Mknod(p)) : Syscalls.mkdir(p));
      }
    }
    return out;
  }

  /**
   * Device {@code n}'s sysfs nodes below {@code /sys/block}: its directory, its {@code loop/} group and
   * the group's {@code backing_file} attribute (the only attribute modelled).
   */
  static List<String> sysfs(int n) {
    String dir = "/sys/block/loop" + n;
    return List.of(dir, dir + "/loop", dir + "/loop/backing_file");
  }

  /** Device {@code n}'s sysfs nodes as the root tmpfs holds them. */
  private static List<MemFs.Initial> sysfsNodes(int n, LoopIoctls loop) {
    List<String> paths = sysfs(n);
    return List.of(MemFs.Initial.dir(paths.get(0)), MemFs.Initial.dir(paths.get(1)),
        MemFs.Initial.device(paths.get(2), new DeviceFiles.LoopBackingFileAttr(loop)));
  }

  /** The actor name of a boot file ({@code /img} → {@code file:img}, {@code /a/b} → {@code file:a:b}). */
  public static String fileActorName(String path) {
    return "file:" + path.substring(1).replace('/', ':');
  }

  private final World world;
  private final Spec spec;
  private final ActorRef<AnonFs.Command> anon;
  /** The boot files' owners by path. */
  private final java.util.TreeMap<String, ActorRef<BackingFile.Command>> files = new java.util.TreeMap<>();
  private final ActorRef<LoopControl.Command> control;
  private final ActorRef<Flocks.Command> flocks;
  private final HartTasks tasks = new HartTasks();
  /** The setup hart, while it runs (null: none). */
  private ActorRef<Object> setup;
  private Refs refs;
  private ActorRef<Object> prober;
  /** Each process's shared fd table by name, and the leader running its program now (null: none). */
  private final java.util.TreeMap<String, Proc.Files> processFiles = new java.util.TreeMap<>();
  private ActorRef<Object> leader;
  private int nextProcess;
  /** With {@link Spec#sequential()}: the hart running now and the index of the next to start. */
  private ActorRef<Object> current;
  private int next;

  /**
   * The kernel of {@code spec}. Its reference takes {@link Command}s and loop-control's report as
   * loop-control sends it: the kernel takes that into its protocol where it arrives ({@link DevicesStarted}).
   */
  public static Behavior<Object> create(World world, Spec spec) {
    return Behaviors.transformMessages(Object.class, Behaviors.<Command>setup(ctx -> new Kernel(ctx, world, spec)),
        pf -> pf.match(LoopControl.Devices.class, DevicesStarted::new).match(Command.class, c -> c));
  }

  private Kernel(ActorContext<Command> ctx, World world, Spec spec) {
    super(ctx);
    this.world = world;
    this.spec = spec;
    this.anon = ctx.spawn(AnonFs.create(world, 65536), "anon");
    // Boot files first: the loop devices bound at boot need their owners.
    for (Boot.File f : spec.boot().files()) {
      FaultPlan.Injector faults = spec.faults().isEmpty() ? FaultPlan.Injector.NONE
          : spec.faults().injector(f.path(), world.seed());
      files.put(f.path(), ctx.spawn(RamFile.create(world, new kernsim.dev.file.BackingImage(f.data(),
          kernsim.dev.file.BackingImage.Faults.NONE), faults), fileActorName(f.path())));
    }
    java.util.TreeMap<Integer, LoopDevice.AtBoot> bound = new java.util.TreeMap<>();
    for (Boot.Binding b : spec.boot().bindings()) {
      // Under linux, binding sizes the device and its page cache from the file (loop_configure).
      long pageCacheLength = spec.semantics().linux() ? spec.boot().file(b.path()).data().length : -1;
      bound.put(b.loop(), new LoopDevice.AtBoot(new BoundFile(files.get(b.path()), b.path(), b.readOnly()),
          pageCacheLength));
    }
    ActorRef<Object> self = ctx.getSelf().unsafeUpcast();
    this.control = ctx.spawn(LoopControl.create(world, spec.loops(), bound, self.narrow()), "loop-control");
    this.flocks = ctx.spawn(Flocks.create(world), "flocks");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(DevicesStarted.class, this::onDevicesStarted)
        .onMessage(Hart.Exited.class, this::onExited)
        .build();
  }

  private Behavior<Command> onDevicesStarted(DevicesStarted d) {
    ActorContext<Command> ctx = getContext();
    // loop-control has spawned its devices: the root tmpfs can hold their nodes. The table builds
    // its root filesystem when it starts (a later step), so the node list is filled in below,
    // once the prober the loop devices report to exists.
    LoopControlCalls controlCalls = new LoopControlCalls(control, spec.semantics());
    List<MemFs.Initial> tree = new ArrayList<>();
    TreeHandOff handOff = new TreeHandOff();
    ActorRef<MountTable.Command> table = ctx.spawn(MountTable.create(world,
        (c, w, name) -> new TmpFs("tmpfs", c.spawn(MemFs.create(w, handOff.get()), name))), "mounts");
    Vfs vfs = new Vfs(table, new LoopExt4Driver(), tasks, spec.semantics());
    // devtmpfs and sysfs: a device LOOP_CTL_ADD / GET_FREE creates gets its /dev/loopN node and its
    // /sys/block/loopN nodes (EEXIST: kept).
    java.util.function.Function<LoopControl.Added, Code> devtmpfs = a -> {
      LoopIoctls loop = new LoopIoctls(world, a.ref(), a.index(), spec.semantics(),
          prober == null ? null : prober.narrow(), control);
      List<String> sys = sysfs(a.index());
      return Code.bind(vfs.mknod("/dev/loop" + a.index(), new DeviceFiles.LoopNode(loop)), x -> Code.bind(vfs.mkdir(sys.get(0)),
          y -> Code.bind(vfs.mkdir(sys.get(1)), z -> Code.bind(
              vfs.mknod(sys.get(2), new DeviceFiles.LoopBackingFileAttr(loop)), w -> Code.ok(0)))));
    };
    // del_gendisk (linux): a removed device's /dev/loopN node and /sys/block/loopN nodes go, deepest first.
    java.util.function.IntFunction<Code> removed = n -> {
      List<String> sys = sysfs(n);
      return Code.bind(vfs.remove(sys.get(2), false), r1 -> Code.bind(vfs.remove(sys.get(1), true),
          r2 -> Code.bind(vfs.remove(sys.get(0), true), r3 -> Code.bind(vfs.remove("/dev/loop" + n, false),
              r4 -> Code.ok(0)))));
    };
    refs = new Refs(world, vfs, anon, controlCalls, flocks);
    prober = spec.prober() ? ctx.spawn(Prober.create(world, refs), "prober") : null;
    tree.addAll(List.of(MemFs.Initial.dir("/dev"), MemFs.Initial.dir("/mnt"),
        MemFs.Initial.device("/dev/loop-control", new DeviceFiles.LoopControlNode(controlCalls, devtmpfs, removed))));
    List<LoopIoctls> loops = new ArrayList<>();
    for (LoopControl.Device dev : d.devices().devices()) {
      LoopIoctls loop = new LoopIoctls(world, dev.ref(), dev.index(), spec.semantics(),
          prober == null ? null : prober.narrow(), control);
      loops.add(loop);
      tree.add(MemFs.Initial.device("/dev/loop" + dev.index(), new DeviceFiles.LoopNode(loop)));
    }
    tree.add(MemFs.Initial.dir("/sys"));
    tree.add(MemFs.Initial.dir("/sys/block"));
    for (LoopIoctls loop : loops) {
      tree.addAll(sysfsNodes(loop.number(), loop));
    }
    for (Boot.Entry e : spec.boot().entries()) {
      tree.add(e instanceof Boot.File f ? MemFs.Initial.file(f.path(), files.get(f.path()))
          : MemFs.Initial.dir(e.path()));
    }
    handOff.publish(tree);
    if (spec.setup().isEmpty()) {
      startProcesses();
    } else {
      setup = ctx.spawn(Hart.create(world, refs, spec.setup(), ctx.getSelf()), "setup");
      tasks.add(setup);
    }
    return this;
  }

  /**
   * The root tmpfs's node list, handed from this handler to the mount table's start. Under the
   * controlled dispatcher the table starts in a later step, after this handler has published the list,
   * so {@link #get} returns at once. On real threads (stress mode, docs/stress.md) the table may start
   * while this handler still runs on another thread: {@link #get} then spins until the list is
   * published, which this handler does before it returns.
   */
  private static final class TreeHandOff {
    private volatile List<MemFs.Initial> tree;

    void publish(List<MemFs.Initial> t) {
      tree = List.copyOf(t);
    }

    List<MemFs.Initial> get() {
      List<MemFs.Initial> t;
      while ((t = tree) == null) {
        Thread.onSpinWait();
      }
      return t;
    }
  }

  private Behavior<Command> onExited(Hart.Exited e) {
    if (e.hart().equals(setup)) {
      startProcesses();
    } else if (e.hart().equals(leader)) {
      startProcesses();
    } else if (spec.sequential() && e.hart().equals(current)) {
      startNext();
    }
    return this;
  }

  /**
   * The next process's leader, alone, told to report its exit so that the next one (or the racing harts)
   * can start; each leader is the one its process's fd-table questions go to.
   */
  private void startProcesses() {
    if (nextProcess == spec.processes().size()) {
      leader = null;
      startHarts();
      return;
    }
    Process p = spec.processes().get(nextProcess++);
    Proc.Files files = new Proc.Files();
    processFiles.put(p.name(), files);
    leader = getContext().spawn(Hart.create(world, refs, p.program(), getContext().getSelf(), files), p.name());
    tasks.add(leader);
  }

  /** Hart {@code i}: a thread of its process (not asked for the fd table: its leader is), or a process of its own. */
  private ActorRef<Object> spawnHart(int i, ActorRef<? super Hart.Exited> onExit) {
    String process = spec.processOf().get(i);
    if (process.isEmpty()) {
      ActorRef<Object> h = getContext().spawn(Hart.create(world, refs, spec.harts().get(i), onExit), spec.names().get(i));
      tasks.add(h);
      return h;
    }
    return getContext().spawn(Hart.create(world, refs, spec.harts().get(i), onExit, processFiles.get(process)),
        spec.names().get(i));
  }

  /** The racing harts, and the prober (if any) starts probing with them. */
  private void startHarts() {
    if (prober != null) {
      tasks.add(prober);
      prober.tell(Prober.Start.INSTANCE);
    }
    if (spec.sequential()) {
      startNext();
      return;
    }
    for (int i = 0; i < spec.harts().size(); i++) {
      spawnHart(i, null);
    }
  }

  /** The next hart of a sequential spec, told to report its exit so that the one after it can start. */
  private void startNext() {
    if (next >= spec.harts().size()) {
      current = null;
      return;
    }
    current = spawnHart(next, getContext().getSelf());
    next++;
  }
}
