package kernsim.conform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import kernsim.dev.Errno;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.file.Uapi;
import kernsim.fs.vfs.Flags;

/**
 * A place on the real kernel where a scenario's calls can run without touching anything that is not
 * the sandbox's: a fresh temporary directory for its files and mount points, loop devices it added
 * itself, and a registry of every fd it opened, every mount it made and every device it added, which
 * {@link #close()} undoes. See the package documentation for the name mapping and the cleanup order.
 *
 * <p>Calls run through a {@link RealProcess} ({@link #process(String)}), one per scenario process (a
 * hart), each with its own fd numbering. Every method holds the sandbox's lock, so the shutdown hook's
 * {@link #close()} never runs in the middle of a call (no call blocks: {@link RealProcess#flock} does
 * not wait).
 */
public final class RealSandbox implements AutoCloseable {
  /**
   * @param loops how many loop devices exist at start, the scenario's {@code /dev/loop0} … {@code loop(N-1)}
   * @param firstFd the lowest fd a process hands out (the model's fd tables start at 0)
   * @param firstIndex where the search for real loop indexes starts (far above the machine's own)
   * @param parent where the temporary directory is made
   */
  public record Options(int loops, int firstFd, int firstIndex, Path parent) {
    public Options {
      if (loops < 0 || loops > 64) {
        throw new IllegalArgumentException("loops must be 0 to 64, got " + loops);
      }
      if (firstFd < 0) {
        throw new IllegalArgumentException("firstFd must be >= 0, got " + firstFd);
      }
      if (firstIndex < 0 || firstIndex > LoopControl.MAX_INDEX - 100_000) {
        throw new IllegalArgumentException("firstIndex out of range: " + firstIndex);
      }
      Objects.requireNonNull(parent, "parent");
    }

    /**
     * {@code loops} devices, fds from 0, real indexes from 1000 plus a step chosen by this JVM's pid
     * (so two JVMs rarely search the same range), in {@code java.io.tmpdir}.
     */
    public static Options loops(int loops) {
      int spread = (int) (ProcessHandle.current().pid() % 90) * 100;
      return new Options(loops, 0, 1000 + spread, Path.of(System.getProperty("java.io.tmpdir")));
    }

    public Options withFirstIndex(int first) {
      return new Options(loops, firstFd, first, parent);
    }
  }

  /** One fd the sandbox holds: the process's number for it, the real one, and what it was opened on. */
  record OpenFd(RealProcess process, int fd, int realFd, String scenarioPath, NameMap.Target target) {}

  final Object lock = new Object();
  private final Options options;
  final NameMap names;
  private final String root;
  private final Map<String, RealProcess> processes = new LinkedHashMap<>();
  /** Every open fd by real number, in open order (closed newest first). */
  private final LinkedHashMap<Integer, OpenFd> open = new LinkedHashMap<>();
  private final List<String> journal = new ArrayList<>();
  private int controlFd = -1;
  private boolean closed;
  private List<String> cleanupProblems = List.of();

  private RealSandbox(Options options, String root) {
    this.options = options;
    this.root = root;
    this.names = new NameMap(root, HostState::loopExists, options.firstIndex());
  }

  // ==== start ====

  /**
   * Why a sandbox cannot run on this machine, or empty: it needs x86-64 Linux, root, and
   * {@code /dev/loop-control}. The message says which is missing (for a test's assumption or the
   * CLI's exit-2 message).
   */
  public static Optional<String> unavailableReason() {
    Optional<String> platform = Sys.unsupported();
    if (platform.isPresent()) {
      return platform;
    }
    if (Sys.euid() != 0) {
      return Optional.of("not root (euid " + Sys.euid() + "): loop devices need CAP_SYS_ADMIN");
    }
    if (!Files.exists(Path.of(NameMap.CONTROL))) {
      return Optional.of("no " + NameMap.CONTROL + " (the loop driver is not loaded)");
    }
    return Optional.empty();
  }

  public static RealSandbox open(int loops) {
    return open(Options.loops(loops));
  }

  /**
   * Makes the directory (with the model's boot directories {@code /dev} and {@code /mnt} in it) and adds
   * the boot loop devices. If that fails midway, what was made is undone before the exception leaves.
   */
  public static RealSandbox open(Options options) {
    Optional<String> why = unavailableReason();
    if (why.isPresent()) {
      throw new IllegalStateException("cannot run on the real kernel: " + why.get());
    }
    String root;
    try {
      root = Files.createTempDirectory(options.parent(), "kernsim-conform-").toRealPath().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the sandbox's directory in " + options.parent(), e);
    }
    RealSandbox sb = new RealSandbox(options, root);
    Live.add(sb);
    try {
      synchronized (sb.lock) {
        sb.note("directory " + root);
        for (String dir : List.of("/dev", "/mnt")) {
          Files.createDirectory(Path.of(root + dir));
        }
        RealResult ctl = Sys.open(NameMap.CONTROL, Uapi.O_RDWR | Uapi.O_CLOEXEC);
        if (!ctl.isOk()) {
          throw new IllegalStateException("cannot open " + NameMap.CONTROL + ": " + ctl);
        }
        sb.controlFd = (int) ctl.value();
        for (int k = 0; k < options.loops(); k++) {
          sb.addBootDevice(k);
        }
      }
      return sb;
    } catch (IOException e) {
      throw sb.abandon(new UncheckedIOException("cannot prepare the sandbox's directory", e));
    } catch (RuntimeException e) {
      throw sb.abandon(e);
    } catch (Error e) {
      sb.abandon(e);
      throw e;
    }
  }

  /** Undoes a sandbox that failed to start; returns the cause with any cleanup failure attached. */
  private <T extends Throwable> T abandon(T cause) {
    try {
      close();
    } catch (RuntimeException leak) {
      cause.addSuppressed(leak);
    }
    return cause;
  }

  /** LOOP_CTL_ADD of fresh real indexes until one is added (EEXIST: someone took it meanwhile). */
  private void addBootDevice(int k) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int r = names.fresh();
      RealResult res = Sys.ioctl(controlFd, LoopControl.LOOP_CTL_ADD, r);
      if (res.isOk()) {
        names.added(k, r);
        note("added /dev/loop" + r + " as the scenario's /dev/loop" + k);
        return;
      }
      if (!"EEXIST".equals(res.errnoName())) {
        throw new IllegalStateException("LOOP_CTL_ADD " + r + " failed: " + res);
      }
    }
    throw new IllegalStateException("LOOP_CTL_ADD found no free index in 100 tries");
  }

  // ==== what the sandbox is ====

  /** The scenario process {@code name}'s view (made on first use), with its own fd numbers. */
  public RealProcess process(String name) {
    synchronized (lock) {
      checkOpen();
      return processes.computeIfAbsent(name, n -> new RealProcess(this, n, options.firstFd()));
    }
  }

  /** The temporary directory the scenario's other paths live under. */
  public String root() {
    return root;
  }

  /** The real device the scenario's {@code /dev/loopK} is now (picking a fresh index if none yet). */
  public String realDevice(int k) {
    synchronized (lock) {
      return "/dev/loop" + names.realIndex(k);
    }
  }

  /** A real path in the scenario's names (a path that is none of the sandbox's comes back unchanged). */
  public String scenarioPath(String real) {
    synchronized (lock) {
      return names.unmap(real);
    }
  }

  /** The real loop indexes the sandbox owns now. */
  public SortedSet<Integer> ownedIndexes() {
    synchronized (lock) {
      return names.owned();
    }
  }

  /** What the sandbox did, in order: directories, devices added, mounts, cleanup steps. */
  public List<String> journal() {
    synchronized (lock) {
      return List.copyOf(journal);
    }
  }

  /** Problems the cleanup met (empty when it undid everything). */
  public List<String> cleanupProblems() {
    synchronized (lock) {
      return cleanupProblems;
    }
  }

  /** What of this sandbox exists on the machine now (while it runs: what {@link #close()} will undo). */
  public HostState.Leftovers leftovers() {
    synchronized (lock) {
      return HostState.read().leftoversOf(root, names.everOwned());
    }
  }

  void note(String what) {
    journal.add(what);
  }

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the sandbox " + root + " is closed");
    }
  }

  // ==== the registry (RealProcess calls these under the lock) ====

  void opened(OpenFd f) {
    open.put(f.realFd(), f);
  }

  void closedFd(int realFd) {
    open.remove(realFd);
  }

  /** A path guaranteed not to exist, outside the scenario's reach: what a device the sandbox does not own is. */
  String absent(String what) {
    return root + ".absent/" + what.replace('/', '_');
  }

  // ==== mkfs.ext4 ====

  /** The mkfs.ext4 binary, or empty when e2fsprogs is not installed. */
  public static Optional<Path> mkfsExt4() {
    List<Path> dirs = new ArrayList<>(List.of(Path.of("/usr/sbin"), Path.of("/sbin")));
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty()) {
        dirs.add(Path.of(d));
      }
    }
    return dirs.stream().map(d -> d.resolve("mkfs.ext4")).filter(Files::isExecutable).findFirst();
  }

  /**
   * Runs the real {@code mkfs.ext4 -q -F} on one of the sandbox's devices (the setup command
   * {@code mkfs.ext4 DEV}): {@code Ok(0)} when it exits 0, {@link RealResult.Refused} with its output
   * otherwise, or when the path is not a device the sandbox owns, or when mkfs.ext4 is missing.
   */
  public RealResult mkfsExt4(String scenarioDevice) {
    synchronized (lock) {
      checkOpen();
      NameMap.Target t = names.map(scenarioDevice);
      if (!(t instanceof NameMap.Target.Device d) || !names.owned(d.realIndex())) {
        return RealResult.refused("mkfs.ext4 only on a loop device of the sandbox: " + scenarioDevice);
      }
      Optional<Path> mkfs = mkfsExt4();
      if (mkfs.isEmpty()) {
        return RealResult.refused("mkfs.ext4 is not installed (e2fsprogs)");
      }
      String dev = NameMap.realPath(t);
      try {
        Process p = new ProcessBuilder(mkfs.get().toString(), "-q", "-F", dev).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return RealResult.refused("mkfs.ext4 " + dev + " did not finish in 120 s");
        }
        note("mkfs.ext4 " + dev);
        return p.exitValue() == 0 ? RealResult.ok(0)
            : RealResult.refused("mkfs.ext4 " + dev + " exited " + p.exitValue() + ": " + out);
      } catch (IOException e) {
        return RealResult.refused("mkfs.ext4 could not run: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return RealResult.refused("interrupted while mkfs.ext4 ran");
      }
    }
  }

  // ==== loop-control ====

  /**
   * An ioctl on a {@code /dev/loop-control} fd of a process: the index argument is the scenario's and
   * is mapped to the sandbox's real index (the kernel takes it as an {@code int}, so that is what is
   * mapped); the index the kernel returns is mapped back.
   */
  RealResult controlIoctl(int realFd, int cmd, IoctlIn arg) {
    boolean add = cmd == LoopControl.LOOP_CTL_ADD;
    if (add || cmd == LoopControl.LOOP_CTL_REMOVE) {
      long v;
      if (arg instanceof IoctlIn.Value val) {
        v = val.value();
      } else if (arg instanceof IoctlIn.None || arg instanceof IoctlIn.Null) {
        v = 0;
      } else {
        return RealResult.refused("loop-control takes an index, not " + arg);
      }
      int k = (int) v;
      if (k >= 0 && k <= LoopControl.MAX_INDEX) {
        int r = names.realIndex(k);
        if (!add && !names.owned(r) && HostState.loopExists(r)) {
          return RealResult.refused("index " + k + " is /dev/loop" + r + ", which another user added meanwhile");
        }
        RealResult res = Sys.ioctl(realFd, cmd, r);
        if (res.isOk()) {
          if (add) {
            names.added(k, r);
            note("LOOP_CTL_ADD " + r + " (scenario " + k + ")");
          } else {
            names.removed(r);
            note("LOOP_CTL_REMOVE " + r + " (scenario " + k + ")");
          }
          return res.value() == r ? RealResult.ok(k) : res;
        }
        return res;
      }
      if (!add && k > LoopControl.MAX_INDEX && HostState.loopExists(k)) {
        return RealResult.refused("index " + k + " is a device the sandbox does not own");
      }
      // out of range: no device has it; the kernel answers (ADD of a negative index picks any free one)
      RealResult res = Sys.ioctl(realFd, cmd, v);
      if (add && res.isOk()) {
        int r = (int) res.value();
        int mapped = names.adopt(r);
        note("LOOP_CTL_ADD " + v + " added " + r + " (scenario " + mapped + ")");
        return RealResult.ok(mapped);
      }
      return res;
    }
    if (cmd == LoopControl.LOOP_CTL_GET_FREE) {
      Set<Integer> before = HostState.readLoops().keySet();
      long v = arg instanceof IoctlIn.Value val ? val.value() : 0;
      RealResult res = Sys.ioctl(realFd, cmd, v);
      if (!res.isOk()) {
        return res;
      }
      int r = (int) res.value();
      if (names.owned(r)) {
        return RealResult.ok(names.scenarioIndex(r));
      }
      if (!before.contains(r)) {
        int mapped = names.adopt(r);
        note("LOOP_CTL_GET_FREE added " + r + " (scenario " + mapped + ")");
        return RealResult.ok(mapped);
      }
      return new RealResult.Foreign(r, "LOOP_CTL_GET_FREE returned /dev/loop" + r + ", a free device the sandbox does not own");
    }
    return null; // not a loop-control command: the caller sends it as any other ioctl
  }

  // ==== cleanup ====

  /**
   * Undoes everything, in this order: close every fd still open (newest first), umount every mount
   * under the root (newest first; MNT_DETACH where a plain umount is busy), LOOP_CLR_FD every owned
   * device, LOOP_CTL_REMOVE every owned device, close loop-control, delete the directory (only when
   * nothing is mounted under it). Each step runs even when an earlier one failed. Idempotent.
   *
   * @throws IllegalStateException when something of the sandbox is still there afterwards (the message
   *     lists it); the cleanup has still done all it could
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      List<String> problems = new ArrayList<>();
      step(problems, "close fds", this::closeAll);
      step(problems, "umount", () -> umountAll(problems));
      step(problems, "LOOP_CLR_FD", () -> clearAll(problems));
      step(problems, "LOOP_CTL_REMOVE", () -> removeAll(problems));
      step(problems, "close loop-control", () -> {
        if (controlFd >= 0) {
          Sys.close(controlFd);
          controlFd = -1;
        }
      });
      step(problems, "delete directory", () -> deleteRoot(problems));
      HostState.Leftovers left = HostState.read().leftoversOf(root, names.everOwned());
      if (!left.isEmpty()) {
        problems.add("left: " + left);
      }
      names.release();
      cleanupProblems = List.copyOf(problems);
      note(problems.isEmpty() ? "cleaned up" : "cleanup problems: " + problems);
      Live.remove(this);
      if (!left.isEmpty()) {
        throw new IllegalStateException("the sandbox " + root + " could not undo everything: " + problems);
      }
    }
  }

  private static void step(List<String> problems, String name, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException | Error e) {
      problems.add(name + ": " + e);
    }
  }

  private void closeAll() {
    List<OpenFd> fds = new ArrayList<>(open.values());
    Collections.reverse(fds);
    for (OpenFd f : fds) {
      Sys.close(f.realFd()); // Linux frees the fd even when close reports an error
      f.process().forget(f.fd());
      open.remove(f.realFd());
      note("closed " + f.scenarioPath() + " (" + f.process().name() + " fd " + f.fd() + ")");
    }
  }

  /** Umounts what is mounted under the root, newest first, until nothing is (bounded passes). */
  private void umountAll(List<String> problems) {
    for (int pass = 0; pass < 20; pass++) {
      List<HostState.Mount> ours = mountsUnderRoot();
      if (ours.isEmpty()) {
        return;
      }
      HostState.Mount m = ours.get(ours.size() - 1);
      RealResult r = Sys.umount2(m.mountPoint(), 0);
      if (!r.isOk()) {
        RealResult lazy = Sys.umount2(m.mountPoint(), Flags.MNT_DETACH);
        note("umount2 " + m.mountPoint() + ": " + r + ", MNT_DETACH: " + lazy);
        if (!lazy.isOk()) {
          problems.add("umount2 " + m.mountPoint() + ": " + r + ", with MNT_DETACH: " + lazy);
          return;
        }
      } else {
        note("umounted " + m.mountPoint());
      }
    }
    problems.add("still mounted after 20 umounts: " + mountsUnderRoot());
  }

  private List<HostState.Mount> mountsUnderRoot() {
    List<HostState.Mount> out = new ArrayList<>();
    for (HostState.Mount m : HostState.readMounts()) {
      if (m.mountPoint().equals(root) || m.mountPoint().startsWith(root + "/")) {
        out.add(m);
      }
    }
    return out;
  }

  /** LOOP_CLR_FD on each owned device through an fd of the sandbox's own (closed at once: the detach happens there). */
  private void clearAll(List<String> problems) {
    for (int r : names.owned()) {
      String dev = "/dev/loop" + r;
      RealResult fd = Sys.open(dev, Uapi.O_RDWR | Uapi.O_CLOEXEC);
      if (!fd.isOk() && ("EACCES".equals(fd.errnoName()) || "EROFS".equals(fd.errnoName()))) {
        fd = Sys.open(dev, Uapi.O_RDONLY | Uapi.O_CLOEXEC); // a read-only device
      }
      if (!fd.isOk()) {
        if (!"ENXIO".equals(fd.errnoName()) && !"ENOENT".equals(fd.errnoName())) {
          problems.add("open " + dev + ": " + fd); // ENXIO: already in rundown or deleted
        }
        continue;
      }
      RealResult clr = Sys.ioctl((int) fd.value(), LoopIoctl.LOOP_CLR_FD.number(), 0);
      Sys.close((int) fd.value());
      if (clr.isOk()) {
        note("LOOP_CLR_FD " + dev);
      } else if (!"ENXIO".equals(clr.errnoName())) { // ENXIO: it was not bound
        problems.add("LOOP_CLR_FD " + dev + ": " + clr);
      }
    }
  }

  /** LOOP_CTL_REMOVE each owned device; EBUSY is retried for a while (another opener, e.g. udev, may be probing it). */
  private void removeAll(List<String> problems) {
    if (controlFd < 0) {
      RealResult ctl = Sys.open(NameMap.CONTROL, Uapi.O_RDWR | Uapi.O_CLOEXEC);
      if (!ctl.isOk()) {
        problems.add("open " + NameMap.CONTROL + ": " + ctl);
        return;
      }
      controlFd = (int) ctl.value();
    }
    for (int r : names.owned()) {
      RealResult res = null;
      for (int attempt = 0; attempt < 100; attempt++) {
        res = Sys.ioctl(controlFd, LoopControl.LOOP_CTL_REMOVE, r);
        if (!"EBUSY".equals(res.errnoName())) {
          break;
        }
        sleepQuietly(50);
      }
      if (res.isOk() || Errno.ENODEV.name().equals(res.errnoName())) {
        names.removed(r);
        note("LOOP_CTL_REMOVE " + r + ": " + res);
      } else {
        problems.add("LOOP_CTL_REMOVE " + r + ": " + res);
      }
    }
  }

  private void deleteRoot(List<String> problems) {
    List<HostState.Mount> still = mountsUnderRoot();
    if (!still.isEmpty()) {
      problems.add("not deleting " + root + ": still mounted " + still);
      return;
    }
    Path top = Path.of(root);
    if (!Files.exists(top)) {
      return;
    }
    try {
      Files.walkFileTree(top, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.delete(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
          if (e != null) {
            throw e;
          }
          Files.delete(dir);
          return FileVisitResult.CONTINUE;
        }
      });
      note("deleted " + root);
    } catch (IOException e) {
      problems.add("delete " + root + ": " + e);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ==== JVM shutdown ====

  /**
   * The sandboxes still open, closed by one shutdown hook when the JVM exits or is interrupted (SIGINT,
   * SIGTERM, SIGHUP). Only SIGKILL and a crash of the JVM itself escape it.
   */
  private static final class Live {
    private static final Set<RealSandbox> OPEN = new LinkedHashSet<>();
    private static boolean hooked;

    static synchronized void add(RealSandbox sb) {
      if (!hooked) {
        Runtime.getRuntime().addShutdownHook(new Thread(Live::closeAll, "kernsim-conform-cleanup"));
        hooked = true;
      }
      OPEN.add(sb);
    }

    static synchronized void remove(RealSandbox sb) {
      OPEN.remove(sb);
    }

    private static void closeAll() {
      List<RealSandbox> all;
      synchronized (Live.class) {
        all = new ArrayList<>(OPEN);
      }
      for (RealSandbox sb : all) {
        try {
          sb.close();
          System.err.println("kernsim conform: cleaned up " + sb.root() + " at exit");
        } catch (RuntimeException e) {
          System.err.println("kernsim conform: " + e.getMessage());
        }
      }
    }
  }
}
