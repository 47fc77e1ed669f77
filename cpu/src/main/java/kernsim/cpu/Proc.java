package kernsim.cpu;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import kernsim.actors.World;
import kernsim.fs.file.FdTable;
import kernsim.fs.file.Flocks;
import kernsim.fs.file.OpenFile;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A process as one of its harts runs it: the fd table, where each fd's file lives (for the umount busy
 * check) and the libraries' objects ({@link Files}, shared by the process's threads), the hart's program
 * variables, and the kernel's actors. Only the process's own harts touch it, so it is a plain object;
 * other processes ask its leader hart (one region per task, as the source's per-task FD_TABLE lock).
 */
public final class Proc {
  private final String name;
  private final World world;
  private final ActorContext<?> ctx;
  /** Where the process's nanosleep goes: its hart (null for the prober, which never sleeps). */
  private final ActorRef<Hart.Sleep> sleeper;
  private final Kernel.Refs kernel;
  /** The process's fd table and what goes with it: its own, or shared with its other threads. */
  private final Files files;
  /** This thread's program variables (a thread starts with a copy of its process block's). */
  private final TreeMap<String, Long> vars = new TreeMap<>();
  private int opened;
  private int calls;

  /**
   * What a process's threads share, as Linux's CLONE_FILES threads share one {@code files_struct}: the fd
   * table, where each fd's file lives, the flock owners of its open file descriptions, and the userspace
   * libraries' objects in its memory. A hart of its own process has one of its own. All of it is touched
   * only by the process's harts, one step at a time (each touch is one step, as the source's FD_TABLE lock
   * region), so it is a plain object.
   */
  public static final class Files {
    private final FdTable fds = new FdTable();
    /** fd → id of the mount its file is on (absent for pipes, memfds and other anonymous files). */
    private final TreeMap<Integer, Integer> fdMounts = new TreeMap<>();
    /** fd → the path it was opened by (a loop device reports its backing file by it). */
    private final TreeMap<Integer, String> fdPaths = new TreeMap<>();
    /** Detached mounts this process holds fds on ({@link #holdMount}). */
    private final java.util.TreeSet<Integer> held = new java.util.TreeSet<>();
    /**
     * What userspace libraries keep in the process's memory: a loop client's device handle by the
     * program's variable, a library's globals by a hidden name ({@code monogon#ctl}).
     */
    private final TreeMap<String, Object> handles = new TreeMap<>();
    /**
     * The open file descriptions this process has flocked, and their lock-owner names, in the order they
     * were first flocked; found by identity (an OpenFile is a record, two opens of a device may be equal).
     */
    private final List<OpenFile> flocked = new ArrayList<>();
    private final List<Flocks.Owner> owners = new ArrayList<>();
    private int ownersMade;
    /** The variables of the process's first hart (its process block), which later threads start with. */
    private TreeMap<String, Long> leaderVars;
  }

  /** A process of its own (its own fd table). */
  Proc(String name, World world, ActorContext<?> ctx, Kernel.Refs kernel, ActorRef<Hart.Sleep> sleeper) {
    this(name, world, ctx, kernel, sleeper, new Files());
  }

  /**
   * A thread of the process whose {@link Files} these are: the first hart made with them is the process's
   * leader; a later one starts with a copy of the leader's variables as they are when it is made.
   */
  Proc(String name, World world, ActorContext<?> ctx, Kernel.Refs kernel, ActorRef<Hart.Sleep> sleeper, Files files) {
    this.files = files;
    if (files.leaderVars == null) {
      files.leaderVars = vars;
    } else {
      vars.putAll(files.leaderVars);
    }
    this.name = name;
    this.sleeper = sleeper;
    this.world = world;
    this.ctx = ctx;
    this.kernel = kernel;
  }

  public String name() {
    return name;
  }

  public World world() {
    return world;
  }

  /** The hart's context: kernel code running on the hart may spawn (an open file's position actor). */
  public ActorContext<?> ctx() {
    return ctx;
  }

  /** The hart that sleeps for this process's nanosleep; null for a process that never sleeps (the prober). */
  ActorRef<Hart.Sleep> sleeper() {
    return sleeper;
  }

  public Kernel.Refs kernel() {
    return kernel;
  }

  public FdTable fds() {
    return files.fds;
  }

  /** A fresh, stable name for an actor this process spawns (an open file's position). */
  public String nextName(String prefix) {
    return prefix + "-" + opened++;
  }

  /** Records a file opened by path on mount {@code mountId} at {@code fd}. */
  public void opened(int fd, int mountId, String path) {
    files.fdMounts.put(fd, mountId);
    files.fdPaths.put(fd, path);
  }

  /** Records {@code newFd}, a dup of {@code fd}, on the same mount and path (none for an anonymous file). */
  public void duplicated(int fd, int newFd) {
    closed(newFd);
    Integer mount = files.fdMounts.get(fd);
    if (mount != null) {
      opened(newFd, mount, path(fd));
    }
  }

  public void closed(int fd) {
    files.fdMounts.remove(fd);
    files.fdPaths.remove(fd);
  }

  /** {@code file}'s name as a flock owner, made the first time it is asked for ({@code world/hart-1:ofd0}). */
  public Flocks.Owner flockOwner(OpenFile file) {
    int i = flockedIndex(file);
    if (i >= 0) {
      return files.owners.get(i);
    }
    Flocks.Owner o = new Flocks.Owner(name + ":ofd" + files.ownersMade++);
    files.flocked.add(file);
    files.owners.add(o);
    return o;
  }

  /** Forgets {@code file} (its last fd closed): its flock owner, or null when it never flocked. */
  public Flocks.Owner dropFlockOwner(OpenFile file) {
    int i = flockedIndex(file);
    if (i < 0) {
      return null;
    }
    files.flocked.remove(i);
    return files.owners.remove(i);
  }

  private int flockedIndex(OpenFile file) {
    for (int i = 0; i < files.flocked.size(); i++) {
      if (files.flocked.get(i) == file) {
        return i;
      }
    }
    return -1;
  }

  /** The path {@code fd} was opened by, or "" for an anonymous file. */
  public String path(int fd) {
    return files.fdPaths.getOrDefault(fd, "");
  }

  /**
   * {@code is_mount_busy} for this task: an fd on the mount. The cwd and root are the one FS_CONTEXT's
   * that all harts share (see docs/model.md); the mount table checks those itself.
   */
  boolean usesMount(int mountId) {
    return files.fdMounts.containsValue(mountId);
  }

  /**
   * After MNT_DETACH of mount {@code mountId}: whether this process has an fd on it; if so the mount is
   * marked held, and the close of the process's last fd on it reports that ({@link #letGo}).
   */
  boolean holdMount(int mountId) {
    if (!usesMount(mountId)) {
      return false;
    }
    files.held.add(mountId);
    return true;
  }

  /**
   * After fd {@code fd} on mount {@code mountId} (null: on none) left the table: whether it was the
   * process's last fd on a detached mount it holds; if so the mount is no longer held.
   */
  public boolean letGo(Integer mountId) {
    return mountId != null && !usesMount(mountId) && files.held.remove(mountId);
  }

  /** The mount fd {@code fd} is on, or null. */
  public Integer mountOf(int fd) {
    return files.fdMounts.get(fd);
  }

  /** A program variable's value (an fd, a size); an unknown name is the scenario's mistake. */
  public long var(String variable) {
    Long v = vars.get(variable);
    if (v == null) {
      throw new IllegalArgumentException(name + ": variable '" + variable + "' is not set");
    }
    return v;
  }

  /** The variable's value as an fd; -1 (EBADF from the syscall) when it was never set. */
  public int fd(String variable) {
    Long v = vars.get(variable);
    return v == null ? -1 : (int) (long) v;
  }

  /**
   * Binds {@code variable}. Statements that stand for a userspace library's code (the loop clients) keep
   * their fds in hidden variables, named so no scenario statement can write them ({@code monogon#ctl}).
   */
  public void set(String variable, long value) {
    vars.put(variable, value);
  }

  /** The number of this process's next call ({@code Calls.Started.index}): 0, 1, … in the order they start. */
  int nextCall() {
    return calls++;
  }

  /** A library's object for {@code variable} (a loop client's device handle, or a global by its hidden name), or null. */
  public Object handle(String variable) {
    return files.handles.get(variable);
  }

  /** Keeps {@code handle} for {@code variable}; null forgets it. */
  public void setHandle(String variable, Object handle) {
    if (handle == null) {
      files.handles.remove(variable);
    } else {
      files.handles.put(variable, handle);
    }
  }
}
