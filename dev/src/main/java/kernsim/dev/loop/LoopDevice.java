package kernsim.dev.loop;

import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Mutex;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * {@code /dev/loopN}: the state of the source's {@code struct LoopDevice}, one message per region in
 * which the source touches it. The code that sends those messages (the ioctls, {@code as_dyn_block_device},
 * …) is in {@link LoopIoctls}; a hart runs it.
 *
 * <pre>
 * source field                       here                      how it is reached
 * number, dev_id                     number, devId             immutable, no message
 * file: Mutex&lt;Option&lt;FileBackend&gt;&gt;  file + fileLock (Mutex)    LockFile (grant = FileSlot), SetFile
 *                                                              (holder only), UnlockFile (grants the next)
 * ro: AtomicBool                     ro                        LoadRo, StoreRo
 * ra: AtomicU32 (512)                ra                        LoadRa, StoreRa
 * file_name: Mutex&lt;[u8; 64]&gt;        fileName + nameLock       LockName (grant = NameSlot), UnlockName
 *                                      (Mutex)                 (stores what the holder wrote)
 * flags: AtomicU32                   flags                     LoadFlags, StoreFlags
 * exclusive: AtomicBool              exclusive                 Open (swap or load), Close (store)
 * block_cache: Mutex&lt;BlockCache&gt;    cache + cacheLock (Mutex) LockCache (grant = CacheSlot), ClearCache,
 *                                                              InstallCache (holder only), UnlockCache
 * </pre>
 *
 * {@code file} and {@code block_cache} are sleeping mutexes the source holds across regions at other
 * owners (LOOP_CLR_FD holds both while it writes back through the cache and the file), and
 * LOOP_SET_STATUS holds {@code file_name} across set_lo_flags' two stores, so all three are
 * {@link Mutex}es: a held lock queues other harts' Lock requests, with wait-for edges. Beyond the
 * source, for Linux's {@code /dev/loop-control}: {@code openers} (counted by Open/Close) and
 * {@code deleting} (set by {@link MarkDeleting}; an open then fails with ENXIO, until loop-control
 * revives the index with {@link Revive}).
 */
public final class LoopDevice extends AbstractBehavior<LoopDevice.Command> {
  /** Linux's loop major number; {@code dev_id} is {@code makedev(7, N)}. */
  public static final int LOOP_MAJOR = 7;

  /**
   * Everything the device answers, grouped by who sends it: {@link Source}, the regions of the source's
   * {@code struct LoopDevice} (both profiles' procedures send them: starry's for every ioctl, linux's for
   * the read-ahead and the file); {@link Control}, the paths beside the driver (loop-control, sysfs);
   * {@link Linux}, the linux profile's locks and state changes (never sent under starry).
   */
  public sealed interface Command permits Source, Control, Linux {}

  /** The source's regions: its fields' Mutexes and atomics. */
  public sealed interface Source extends Command {}

  /** {@code /dev/loop-control} and sysfs: Linux's paths beside the driver. */
  public sealed interface Control extends Command {}

  /** The linux profile only: {@code lo_mutex}, {@code disk->open_mutex}, the page cache's writeback. */
  public sealed interface Linux extends Command {}

  // ---- file: Mutex<Option<FileBackend>> ----

  /** {@code self.file.lock()}: granted with a {@link FileSlot} once the lock is free. */
  public record LockFile(ActorRef<Reply<FileSlot>> replyTo) implements Source {}

  /** {@code *guard = file} (null: None), by the holder of the file lock. Replies {@code Ok(0)}. */
  public record SetFile(BoundFile file, ActorRef<Reply<SysResult>> replyTo) implements Source {}

  /** Drops the file guard. Replies {@code Ok(0)}. */
  public record UnlockFile(ActorRef<Reply<SysResult>> replyTo) implements Source {}

  // ---- block_cache: Mutex<BlockCache> ----

  /** {@code self.block_cache.lock()}: granted with a {@link CacheSlot} once the lock is free. */
  public record LockCache(ActorRef<Reply<CacheSlot>> replyTo) implements Source {}

  /** {@code cache.data = None}, by the holder. Replies {@code Ok(0)}. */
  public record ClearCache(ActorRef<Reply<SysResult>> replyTo) implements Source {}

  /**
   * {@code cache.data = Some(Arc::new(CacheData::new(chunks, len)))}, by the holder: spawns the cache
   * actor and replies its {@link CacheRef}.
   */
  public record InstallCache(List<byte[]> chunks, int totalLen, ActorRef<Reply<CacheRef>> replyTo) implements Source {
    /** The chunks are handed over: the new CacheData copies them into arrays of its own. */
    public InstallCache {
      chunks = List.copyOf(chunks);
    }
  }

  /** Drops the block_cache guard. Replies {@code Ok(0)}. */
  public record UnlockCache(ActorRef<Reply<SysResult>> replyTo) implements Source {}

  // ---- atomics ----

  public record LoadRo(ActorRef<Reply<Boolean>> replyTo) implements Source {}

  public record StoreRo(boolean ro, ActorRef<Reply<SysResult>> replyTo) implements Source {}

  public record LoadFlags(ActorRef<Reply<Integer>> replyTo) implements Source {}

  public record StoreFlags(int flags, ActorRef<Reply<SysResult>> replyTo) implements Source {}

  public record LoadRa(ActorRef<Reply<Integer>> replyTo) implements Source {}

  public record StoreRa(int ra, ActorRef<Reply<SysResult>> replyTo) implements Source {}

  // ---- file_name: Mutex<[u8; 64]> ----

  /** {@code self.file_name.lock()}: granted with a {@link NameSlot} (a copy of the 64 bytes) once free. */
  public record LockName(ActorRef<Reply<NameSlot>> replyTo) implements Source {}

  /**
   * Drops the file_name guard, by its holder, first storing {@code name} if not null (what the holder
   * wrote through the guard: nobody else can see the name until it is released). Replies {@code Ok(0)}.
   */
  public record UnlockName(byte[] name, ActorRef<Reply<SysResult>> replyTo) implements Source {
    public UnlockName {
      name = name == null ? null : LoopAbi.name64(name);
    }
  }

  // ---- open / close (exclusive) ----

  /**
   * {@code open(exclusive)}: {@code exclusive.swap(true)} or {@code exclusive.load()}; EBUSY if it was
   * set. Replies {@code Ok(0)}, EBUSY, or ENXIO once the device is being deleted.
   */
  public record Open(boolean exclusive, ActorRef<Reply<SysResult>> replyTo) implements Source {}

  /** {@code close(exclusive)}: {@code exclusive.store(false)} if exclusive. Replies {@code Ok(0)}. */
  public record Close(boolean exclusive, ActorRef<Reply<SysResult>> replyTo) implements Source {}

  // ---- for /dev/loop-control (Linux; not in the source) ----

  /**
   * LOOP_CTL_REMOVE's check under Linux's {@code lo_mutex}: EBUSY if a file is bound (or the file lock
   * is held: a bind or unbind is in progress) or the device is open; otherwise the device is marked
   * deleting and the reply is {@code Ok(0)}.
   */
  public record MarkDeleting(ActorRef<Reply<SysResult>> replyTo) implements Control {}

  /**
   * LOOP_CTL_ADD of a removed index (sent by loop-control, no reply): the device is new again —
   * unbound, not deleting, flags, read-only state, read-ahead and name as at creation.
   */
  public record Revive() implements Control {}

  /** LOOP_CTL_GET_FREE's racy ({@code data_race}) read of the state: replies Boolean "unbound". */
  public record QueryUnbound(ActorRef<Reply<Boolean>> replyTo) implements Control {}

  /**
   * Linux's sysfs {@code loop/backing_file} show, under {@code lo_lock} (a spinlock: one region): replies
   * the bound file's path, or null when no file is bound (the {@code loop/} group exists only while one
   * is: {@code loop_sysfs_init} at configure, {@code loop_sysfs_exit} at detach).
   */
  public record LoadBackingPath(ActorRef<Reply<String>> replyTo) implements Control {}

  // ---- the linux profile: Linux's lo_mutex and disk->open_mutex (drivers/block/loop.c, block/bdev.c) ----

  /**
   * What a Linux region sees: the state {@code lo_mutex} and {@code disk->open_mutex} protect. The
   * {@code lo_state} is derived: bound ({@code file} set, not in rundown), rundown, deleting, else unbound.
   *
   * @param openers opens of the device file ({@code bd_openers} without the mount's)
   * @param mounts 1 while a filesystem holds the device (its exclusive claim and its opener)
   * @param exclusive an O_EXCL open holds the claim
   * @param diskRo {@code get_disk_ro}: LO_FLAGS_READ_ONLY as LOOP_CONFIGURE/SET_FD set it
   * @param bdRo {@code BD_READ_ONLY}, as BLKROSET set it
   * @param offset {@code lo_offset}: where in the backing file the device starts
   * @param sizelimit {@code lo_sizelimit} (0: none)
   * @param blockSize the queue's {@code logical_block_size} (512 unless LOOP_SET_BLOCK_SIZE or
   *     LOOP_CONFIGURE's block_size changed it; 512 again when the file is detached)
   * @param capacity {@code bdev_nr_bytes}: as {@code get_size} computed it at the last bind, size change or
   *     LOOP_SET_CAPACITY (0 unbound)
   */
  public record LinuxView(BoundFile file, CacheRef cache, int flags, boolean diskRo, boolean bdRo, boolean rundown,
      boolean deleting, int openers, int mounts, boolean exclusive, long offset, long sizelimit, int blockSize,
      long capacity) {
    public boolean bound() {
      return file != null && !rundown && !deleting;
    }

    public boolean unbound() {
      return file == null && !rundown && !deleting;
    }

    /** {@code disk_openers(disk)}: the device file's opens and the mount's. */
    public int diskOpeners() {
      return openers + mounts;
    }

    /** {@code bdev_read_only}. */
    public boolean readOnly() {
      return diskRo || bdRo;
    }

    /** {@code bdev_nr_bytes}: the capacity while a file is bound, else 0. */
    public long size() {
      return file == null || cache == null ? 0 : capacity;
    }
  }

  /**
   * {@code get_size}: the backing file's length less {@code offset} (0 if that is negative), capped by a
   * non-zero {@code sizelimit}, in whole 512-byte sectors.
   */
  public static long capacity(long fileLength, long offset, long sizelimit) {
    long n = fileLength - offset;
    if (n < 0) {
      n = 0;
    }
    if (sizelimit > 0 && sizelimit < n) {
      n = sizelimit;
    }
    return n / 512 * 512;
  }

  /** {@code mutex_lock(&lo->lo_mutex)}: granted with a {@link LinuxView}. */
  public record LoLock(ActorRef<Reply<LinuxView>> replyTo) implements Linux {}

  /** {@code mutex_unlock(&lo->lo_mutex)}. Replies {@code Ok(0)}. */
  public record LoUnlock(ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /** {@code mutex_lock(&disk->open_mutex)}: granted with a {@link LinuxView}. */
  public record OpenLock(ActorRef<Reply<LinuxView>> replyTo) implements Linux {}

  /** {@code mutex_unlock(&disk->open_mutex)}. Replies {@code Ok(0)}. */
  public record OpenUnlock(ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /**
   * loop_configure's bind, by the lo_mutex holder: the file, {@code lo_flags}, the disk's read-only
   * flag, {@code lo_offset}, {@code lo_sizelimit}, the block size, the capacity, and a fresh page cache of
   * that length with nothing cached yet. Replies the {@link CacheRef}.
   */
  public record LinuxBind(BoundFile file, int flags, long offset, long sizelimit, int blockSize, long capacity,
      ActorRef<Reply<CacheRef>> replyTo) implements Linux {}

  /**
   * By the lo_mutex holder: {@code lo_offset}, {@code lo_sizelimit} (loop_set_status_from_info), the
   * queue's logical block size (loop_set_block_size) and the capacity ({@code loop_set_size}). Replies {@code Ok(0)}.
   */
  public record LinuxSetGeometry(long offset, long sizelimit, int blockSize, long capacity,
      ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /** By the lo_mutex holder: {@code lo_flags = flags}, and {@code lo_state = Lo_rundown} if {@code rundown}. */
  public record LinuxSetFlags(int flags, boolean rundown, ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /**
   * {@code __loop_clr_fd}, by the lo_mutex holder: file, page cache, name and flags gone; Lo_unbound.
   * {@code callerOpens}: how many of the device's openers are the tearing-down call's own (0 from the last
   * close, 1 from a LOOP_CLR_FD that detaches at once); any other opener or mount at this step is
   * reported ({@link LoopEvents.TornDown}).
   */
  public record LinuxUnbind(int callerOpens, ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /**
   * {@code queue_work}: {@code work} runs later on the device's work queue (one worker, {@link LoopWorker},
   * spawned at the first work item), not on the hart that queued it. Replies {@code Ok(0)} at once.
   */
  public record QueueWork(String what, Supplier<Code> work, ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /**
   * bdev_open's claim and count, by the open_mutex holder: EBUSY if it claims ({@code exclusive} or a
   * {@code mount}) while an O_EXCL open or a mount holds the device; else counts the opener. Replies
   * {@code Ok(0)} or EBUSY.
   */
  public record LinuxOpened(boolean exclusive, boolean mount, ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /** bdev_release's count and claim, by the open_mutex holder: replies the {@link LinuxView} after it. */
  public record LinuxReleased(boolean exclusive, boolean mount, ActorRef<Reply<LinuxView>> replyTo) implements Linux {}

  /**
   * The page cache's writeback, as {@code filemap_write_and_wait} sees it: a sync that finds pages
   * under writeback waits for them, so one sync at a time is modelled as a lock. Granted with Ok(0).
   */
  public record WbLock(ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /** Releases {@link WbLock}. Replies {@code Ok(0)}. */
  public record WbUnlock(ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  /** An unlocked read (BLKGETSIZE64, BLKROGET, LOOP_CTL_GET_FREE's data_race): replies a {@link LinuxView}. */
  public record Peek(ActorRef<Reply<LinuxView>> replyTo) implements Linux {}

  /** BLKROSET: {@code BD_READ_ONLY} set or cleared (no lock). Replies {@code Ok(0)}. */
  public record StoreBdRo(boolean ro, ActorRef<Reply<SysResult>> replyTo) implements Linux {}

  // ---- grant values ----

  /** The file lock's guard: the bound file, or null. */
  public record FileSlot(BoundFile file) {}

  /** The block_cache lock's guard: the current cache, or null. */
  public record CacheSlot(CacheRef cache) {}

  /** The file_name lock's guard: the name (the device never writes the array it granted; a holder copies what it keeps). */
  public record NameSlot(byte[] name) {}

  // ---- code: one region each, typed by its reply (the procedures are StarryLoop's and LinuxLoop's) ----

  // Source

  static Code lockFile(ActorRef<Command> dev, Function<FileSlot, Code> then) {
    return Code.ask(dev, LockFile::new, "file.lock", then);
  }

  static Code setFile(ActorRef<Command> dev, BoundFile file, Supplier<Code> then) {
    return Code.call(dev, r -> new SetFile(file, r), "file.set", v -> then.get());
  }

  static Code unlockFile(ActorRef<Command> dev, Supplier<Code> then) {
    return Code.call(dev, UnlockFile::new, "file.unlock", v -> then.get());
  }

  static Code lockCache(ActorRef<Command> dev, Function<CacheSlot, Code> then) {
    return Code.ask(dev, LockCache::new, "block_cache.lock", then);
  }

  static Code clearCache(ActorRef<Command> dev, Supplier<Code> then) {
    return Code.call(dev, ClearCache::new, "block_cache.clear", v -> then.get());
  }

  static Code installCache(ActorRef<Command> dev, List<byte[]> chunks, int len, Function<CacheRef, Code> then) {
    return Code.ask(dev, r -> new InstallCache(chunks, len, r), "block_cache.install", then);
  }

  static Code unlockCache(ActorRef<Command> dev, Supplier<Code> then) {
    return Code.call(dev, UnlockCache::new, "block_cache.unlock", v -> then.get());
  }

  static Code loadRo(ActorRef<Command> dev, Function<Boolean, Code> then) {
    return Code.ask(dev, LoadRo::new, "ro.load", then);
  }

  static Code storeRo(ActorRef<Command> dev, boolean ro, Supplier<Code> then) {
    return Code.call(dev, r -> new StoreRo(ro, r), "ro.store", v -> then.get());
  }

  static Code loadFlags(ActorRef<Command> dev, Function<Integer, Code> then) {
    return Code.ask(dev, LoadFlags::new, "flags.load", then);
  }

  static Code storeFlags(ActorRef<Command> dev, int flags, Supplier<Code> then) {
    return Code.call(dev, r -> new StoreFlags(flags, r), "flags.store", v -> then.get());
  }

  static Code loadRa(ActorRef<Command> dev, Function<Integer, Code> then) {
    return Code.ask(dev, LoadRa::new, "ra.load", then);
  }

  static Code storeRa(ActorRef<Command> dev, int ra, Supplier<Code> then) {
    return Code.call(dev, r -> new StoreRa(ra, r), "ra.store", v -> then.get());
  }

  static Code lockName(ActorRef<Command> dev, Function<NameSlot, Code> then) {
    return Code.ask(dev, LockName::new, "file_name.lock", then);
  }

  /** Releases file_name, storing {@code name} first unless it is null (the record keeps its own copy). */
  static Code unlockName(ActorRef<Command> dev, byte[] name, Supplier<Code> then) {
    return Code.call(dev, r -> new UnlockName(name, r), "file_name.unlock", v -> then.get());
  }

  /** {@code open(exclusive)}: ends in {@code Ok(0)}, EBUSY or ENXIO. */
  static Code open(ActorRef<Command> dev, boolean exclusive) {
    return Code.call(dev, r -> new Open(exclusive, r), "open", Code::done);
  }

  static Code close(ActorRef<Command> dev, boolean exclusive) {
    return Code.call(dev, r -> new Close(exclusive, r), "close", Code::done);
  }

  // Control

  static Code markDeleting(ActorRef<Command> dev, Function<SysResult, Code> then) {
    return Code.call(dev, MarkDeleting::new, "lo_mutex", then);
  }

  static Code queryUnbound(ActorRef<Command> dev, Function<Boolean, Code> then) {
    return Code.ask(dev, QueryUnbound::new, "lo_state", then);
  }

  static Code loadBackingPath(ActorRef<Command> dev, Function<String, Code> then) {
    return Code.ask(dev, LoadBackingPath::new, "lo_lock", then);
  }

  // Linux

  static Code loLock(ActorRef<Command> dev, Function<LinuxView, Code> then) {
    return Code.ask(dev, LoLock::new, "lo_mutex.lock", then);
  }

  static Code loUnlock(ActorRef<Command> dev, Supplier<Code> then) {
    return Code.call(dev, LoUnlock::new, "lo_mutex.unlock", v -> then.get());
  }

  static Code openLock(ActorRef<Command> dev, Function<LinuxView, Code> then) {
    return Code.ask(dev, OpenLock::new, "open_mutex.lock", then);
  }

  static Code openUnlock(ActorRef<Command> dev, Supplier<Code> then) {
    return Code.call(dev, OpenUnlock::new, "open_mutex.unlock", v -> then.get());
  }

  /** LinuxBind, named for the call that binds ({@code loop_configure}, {@code loop_change_fd}). */
  static Code linuxBind(ActorRef<Command> dev, BoundFile file, int flags, long offset, long sizelimit, int blockSize,
      long capacity, String what, Function<CacheRef, Code> then) {
    return Code.ask(dev, r -> new LinuxBind(file, flags, offset, sizelimit, blockSize, capacity, r), what, then);
  }

  /** LinuxSetGeometry, named for the call that changes it. */
  static Code linuxSetGeometry(ActorRef<Command> dev, long offset, long sizelimit, int blockSize, long capacity,
      String what, Supplier<Code> then) {
    return Code.call(dev, r -> new LinuxSetGeometry(offset, sizelimit, blockSize, capacity, r), what, v -> then.get());
  }

  /** LinuxSetFlags, named for the call that sets them. */
  static Code linuxSetFlags(ActorRef<Command> dev, int flags, boolean rundown, String what, Supplier<Code> then) {
    return Code.call(dev, r -> new LinuxSetFlags(flags, rundown, r), what, v -> then.get());
  }

  static Code linuxUnbind(ActorRef<Command> dev, int callerOpens, Supplier<Code> then) {
    return Code.call(dev, r -> new LinuxUnbind(callerOpens, r), "__loop_clr_fd", v -> then.get());
  }

  /** QueueWork, named {@code what} in the worker's reports. */
  static Code queueWork(ActorRef<Command> dev, String what, Supplier<Code> work, Supplier<Code> then) {
    return Code.call(dev, r -> new QueueWork(what, work, r), "queue_work", v -> then.get());
  }

  /** bdev_open's claim and count: {@code Ok(0)} or EBUSY. */
  static Code linuxOpened(ActorRef<Command> dev, boolean exclusive, boolean mount, Function<SysResult, Code> then) {
    return Code.call(dev, r -> new LinuxOpened(exclusive, mount, r), "bdev_open", then);
  }

  static Code linuxReleased(ActorRef<Command> dev, boolean exclusive, boolean mount, Function<LinuxView, Code> then) {
    return Code.ask(dev, r -> new LinuxReleased(exclusive, mount, r), "bdev_release", then);
  }

  static Code wbLock(ActorRef<Command> dev, Supplier<Code> then) {
    return Code.call(dev, WbLock::new, "writeback.wait", v -> then.get());
  }

  static Code wbUnlock(ActorRef<Command> dev, Supplier<Code> then) {
    return Code.call(dev, WbUnlock::new, "writeback.done", v -> then.get());
  }

  static Code peek(ActorRef<Command> dev, Function<LinuxView, Code> then) {
    return Code.ask(dev, Peek::new, "peek", then);
  }

  static Code storeBdRo(ActorRef<Command> dev, boolean ro, Supplier<Code> then) {
    return Code.call(dev, r -> new StoreBdRo(ro, r), "bd_read_only.store", v -> then.get());
  }

  private final World world;
  private final int number;
  private final String name;
  private final Mutex<FileSlot> fileLock;
  private BoundFile file;
  private final Mutex<CacheSlot> cacheLock;
  private CacheRef cache;
  private int generation;
  private boolean ro;
  private int ra = 512;
  private final Mutex<NameSlot> nameLock;
  private byte[] fileName = new byte[LoopAbi.LO_NAME_SIZE];
  private int flags;
  // The linux profile's geometry (LinuxView): lo_offset, lo_sizelimit, the logical block size, the capacity.
  private long loOffset;
  private long loSizelimit;
  private int blockSize = 512;
  private long capacity;
  private boolean exclusive;
  private int openers;
  private boolean deleting;
  // The linux profile only (never set under starry):
  private boolean rundown;
  private int mounts;
  private boolean bdRo;
  private final Mutex<LinuxView> loMutex;
  private final Mutex<LinuxView> openMutex;
  private final Mutex<SysResult> wbLock;
  /** The device's work queue ({@code lo->workqueue}), spawned at the first {@link QueueWork}. */
  private ActorRef<LoopWorker.Command> worker;

  public static Behavior<Command> create(World world, int number) {
    return create(world, number, null);
  }

  /**
   * How a device is bound at boot: to {@code file}, as LOOP_SET_FD would leave it; under the linux
   * profile with {@code pageCacheLength} the file's length (its capacity, and a page cache with nothing
   * cached yet, as loop_configure leaves it), -1 under starry, whose cache is made at mount.
   */
  public record AtBoot(BoundFile file, long pageCacheLength) {
    public AtBoot {
      java.util.Objects.requireNonNull(file, "file");
    }
  }

  /**
   * {@code /dev/loopN}, bound at boot as {@code bound} says (null: unbound): the file set, {@code flags}
   * and {@code ro} read-only exactly when the file was opened read-only, and under linux the page cache
   * filled. The binding is observed ({@link LoopEvents.FileBound}, and {@link LoopEvents.CacheInstalled}
   * for a page cache) when the device starts.
   */
  public static Behavior<Command> create(World world, int number, AtBoot bound) {
    if (number < 0) {
      throw new IllegalArgumentException("a loop device number is not negative: " + number);
    }
    return Behaviors.setup(ctx -> {
      LoopDevice d = new LoopDevice(ctx, world, number);
      if (bound != null) {
        d.bootBind(bound);
      }
      return d;
    });
  }

  private void bootBind(AtBoot b) {
    BoundFile f = b.file();
    flags = f.readOnlyOpen() ? LoopAbi.LO_FLAGS_READ_ONLY : 0;
    ro = f.readOnlyOpen();
    if (b.pageCacheLength() >= 0) {
      capacity = capacity(b.pageCacheLength(), 0, 0);
      int len = (int) capacity;
      String id = CacheRef.id(number, ++generation);
      ActorRef<CacheData.Command> ref = getContext().spawn(
          CacheData.createLazy(world, name, id, len), "cache-" + generation);
      cache = new CacheRef(id, ref, len);
      world.emit(new LoopEvents.CacheInstalled(name, id, len));
      world.emit(new LoopEvents.RoStored(name, ro || bdRo));
    }
    file = f;
    world.emit(new LoopEvents.FileBound(name, f.key(), f.path(), f.readOnlyOpen()));
  }

  /** {@code dev_id} of {@code /dev/loopN}: {@code makedev(7, N)}. */
  public static long devId(int number) {
    return ((long) LOOP_MAJOR << 8) | (number & 0xff) | ((long) (number & ~0xff) << 12);
  }

  /** {@code loopN}, the name observations use. */
  public static String deviceName(int number) {
    return "loop" + number;
  }

  private LoopDevice(ActorContext<Command> ctx, World world, int number) {
    super(ctx);
    this.world = world;
    this.number = number;
    this.name = deviceName(number);
    this.fileLock = new Mutex<>(name + ".file", world, ctx.getSelf());
    this.cacheLock = new Mutex<>(name + ".block_cache", world, ctx.getSelf());
    this.nameLock = new Mutex<>(name + ".file_name", world, ctx.getSelf());
    this.loMutex = new Mutex<>(name + ".lo_mutex", world, ctx.getSelf());
    this.openMutex = new Mutex<>(name + ".open_mutex", world, ctx.getSelf());
    this.wbLock = new Mutex<>(name + ".writeback", world, ctx.getSelf());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LockFile.class, this::onLockFile)
        .onMessage(SetFile.class, this::onSetFile)
        .onMessage(UnlockFile.class, this::onUnlockFile)
        .onMessage(LockCache.class, this::onLockCache)
        .onMessage(ClearCache.class, this::onClearCache)
        .onMessage(InstallCache.class, this::onInstallCache)
        .onMessage(UnlockCache.class, this::onUnlockCache)
        .onMessage(LoadRo.class, this::onLoadRo)
        .onMessage(StoreRo.class, this::onStoreRo)
        .onMessage(LoadFlags.class, this::onLoadFlags)
        .onMessage(StoreFlags.class, this::onStoreFlags)
        .onMessage(LoadRa.class, this::onLoadRa)
        .onMessage(StoreRa.class, this::onStoreRa)
        .onMessage(LockName.class, this::onLockName)
        .onMessage(UnlockName.class, this::onUnlockName)
        .onMessage(Open.class, this::onOpen)
        .onMessage(Close.class, this::onClose)
        .onMessage(MarkDeleting.class, this::onMarkDeleting)
        .onMessage(Revive.class, this::onRevive)
        .onMessage(QueryUnbound.class, this::onQueryUnbound)
        .onMessage(LoadBackingPath.class, m -> {
          m.replyTo().tell(new Reply<>(file == null ? null : file.path()));
          return this;
        })
        .onMessage(LoLock.class, m -> {
          loMutex.lock(m.replyTo(), view());
          return this;
        })
        .onMessage(LoUnlock.class, m -> {
          loMutex.unlock(m.replyTo(), view());
          ack(m.replyTo());
          return this;
        })
        .onMessage(OpenLock.class, m -> {
          openMutex.lock(m.replyTo(), view());
          return this;
        })
        .onMessage(OpenUnlock.class, m -> {
          openMutex.unlock(m.replyTo(), view());
          ack(m.replyTo());
          return this;
        })
        .onMessage(WbLock.class, m -> {
          wbLock.lock(m.replyTo(), SysResult.ok(0));
          return this;
        })
        .onMessage(WbUnlock.class, m -> {
          wbLock.unlock(m.replyTo(), SysResult.ok(0));
          ack(m.replyTo());
          return this;
        })
        .onMessage(LinuxBind.class, this::onLinuxBind)
        .onMessage(LinuxSetFlags.class, this::onLinuxSetFlags)
        .onMessage(LinuxSetGeometry.class, this::onLinuxSetGeometry)
        .onMessage(LinuxUnbind.class, this::onLinuxUnbind)
        .onMessage(QueueWork.class, this::onQueueWork)
        .onMessage(LinuxOpened.class, this::onLinuxOpened)
        .onMessage(LinuxReleased.class, this::onLinuxReleased)
        .onMessage(Peek.class, m -> {
          m.replyTo().tell(new Reply<>(view()));
          return this;
        })
        .onMessage(StoreBdRo.class, m -> {
          bdRo = m.ro();
          world.emit(new LoopEvents.RoStored(name, ro || bdRo));
          ack(m.replyTo());
          return this;
        })
        .build();
  }

  private static void ack(ActorRef<Reply<SysResult>> to) {
    to.tell(new Reply<>(SysResult.ok(0)));
  }

  private void requireHolder(Mutex<?> lock, ActorRef<?> who, String what) {
    if (!lock.heldBy(who)) {
      throw new IllegalStateException(what + " on " + name + " by a hart that does not hold " + lock.name());
    }
  }

  // ---- file ----

  private Behavior<Command> onLockFile(LockFile m) {
    fileLock.lock(m.replyTo(), new FileSlot(file));
    return this;
  }

  private Behavior<Command> onSetFile(SetFile m) {
    requireHolder(fileLock, m.replyTo(), "SetFile");
    BoundFile old = file;
    file = m.file();
    if (old != null && (file == null || !old.equals(file))) {
      world.emit(new LoopEvents.FileUnbound(name, old.key()));
    }
    if (file != null && !file.equals(old)) {
      world.emit(new LoopEvents.FileBound(name, file.key(), file.path(), file.readOnlyOpen()));
    }
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onUnlockFile(UnlockFile m) {
    fileLock.unlock(m.replyTo(), new FileSlot(file));
    ack(m.replyTo());
    return this;
  }

  // ---- block_cache ----

  private Behavior<Command> onLockCache(LockCache m) {
    cacheLock.lock(m.replyTo(), new CacheSlot(cache));
    return this;
  }

  private Behavior<Command> onClearCache(ClearCache m) {
    requireHolder(cacheLock, m.replyTo(), "ClearCache");
    if (cache != null) {
      world.emit(new LoopEvents.CacheCleared(name, cache.id()));
    }
    cache = null;
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onInstallCache(InstallCache m) {
    requireHolder(cacheLock, m.replyTo(), "InstallCache");
    // The previous cache actor stays alive: an adapter may still hold it (the source's Arc).
    String id = CacheRef.id(number, ++generation);
    ActorRef<CacheData.Command> ref = getContext().spawn(
        CacheData.create(world, name, id, m.chunks(), m.totalLen()), "cache-" + generation);
    if (cache != null) {
      world.emit(new LoopEvents.CacheCleared(name, cache.id()));
    }
    cache = new CacheRef(id, ref, m.totalLen());
    world.emit(new LoopEvents.CacheInstalled(name, id, m.totalLen()));
    m.replyTo().tell(new Reply<>(cache));
    return this;
  }

  private Behavior<Command> onUnlockCache(UnlockCache m) {
    cacheLock.unlock(m.replyTo(), new CacheSlot(cache));
    ack(m.replyTo());
    return this;
  }

  // ---- atomics ----

  private Behavior<Command> onLoadRo(LoadRo m) {
    m.replyTo().tell(new Reply<>(ro));
    return this;
  }

  private Behavior<Command> onStoreRo(StoreRo m) {
    ro = m.ro();
    world.emit(new LoopEvents.RoStored(name, ro));
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onLoadFlags(LoadFlags m) {
    m.replyTo().tell(new Reply<>(flags));
    return this;
  }

  private Behavior<Command> onStoreFlags(StoreFlags m) {
    flags = m.flags();
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onLoadRa(LoadRa m) {
    m.replyTo().tell(new Reply<>(ra));
    return this;
  }

  private Behavior<Command> onStoreRa(StoreRa m) {
    ra = m.ra();
    ack(m.replyTo());
    return this;
  }

  // ---- file_name ----

  private Behavior<Command> onLockName(LockName m) {
    nameLock.lock(m.replyTo(), new NameSlot(fileName));
    return this;
  }

  private Behavior<Command> onUnlockName(UnlockName m) {
    requireHolder(nameLock, m.replyTo(), "UnlockName");
    if (m.name() != null) {
      fileName = m.name().clone();
    }
    nameLock.unlock(m.replyTo(), new NameSlot(fileName));
    ack(m.replyTo());
    return this;
  }

  // ---- open / close ----

  private Behavior<Command> onOpen(Open m) {
    if (deleting) {
      m.replyTo().tell(new Reply<>(SysResult.err(Errno.ENXIO)));
      return this;
    }
    boolean was = exclusive;
    if (m.exclusive()) {
      exclusive = true; // swap(true)
    }
    if (was) {
      m.replyTo().tell(new Reply<>(SysResult.err(Errno.EBUSY)));
      return this;
    }
    openers++;
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onClose(Close m) {
    if (m.exclusive()) {
      exclusive = false;
    }
    openers = Math.max(0, openers - 1);
    ack(m.replyTo());
    return this;
  }

  // ---- loop-control ----

  private Behavior<Command> onMarkDeleting(MarkDeleting m) {
    // rundown, mounts and lo_mutex are the linux profile's (loop_control_remove: lo_state != Lo_unbound
    // or disk_openers > 0); under starry they are never set.
    if (file != null || fileLock.isHeld() || openers > 0 || rundown || mounts > 0 || loMutex.isHeld()) {
      m.replyTo().tell(new Reply<>(SysResult.err(Errno.EBUSY)));
      return this;
    }
    deleting = true;
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onRevive(Revive m) {
    // MarkDeleting left it unbound, closed and unlocked; what else a new loop_add would start with:
    deleting = false;
    rundown = false;
    ro = false;
    bdRo = false;
    ra = 512;
    flags = 0;
    exclusive = false;
    openers = 0;
    mounts = 0;
    loOffset = 0;
    loSizelimit = 0;
    blockSize = 512;
    capacity = 0;
    fileName = new byte[LoopAbi.LO_NAME_SIZE];
    if (cache != null) {
      world.emit(new LoopEvents.CacheCleared(name, cache.id()));
      cache = null;
    }
    return this;
  }

  private Behavior<Command> onQueryUnbound(QueryUnbound m) {
    m.replyTo().tell(new Reply<>(file == null && !deleting && !rundown));
    return this;
  }

  // ---- the linux profile ----

  private LinuxView view() {
    return new LinuxView(file, cache, flags, ro, bdRo, rundown, deleting, openers, mounts, exclusive,
        loOffset, loSizelimit, blockSize, capacity);
  }

  private Behavior<Command> onLinuxBind(LinuxBind m) {
    requireHolder(loMutex, m.replyTo(), "LinuxBind");
    String id = CacheRef.id(number, ++generation);
    int len = (int) m.capacity();
    ActorRef<CacheData.Command> ref = getContext().spawn(
        CacheData.createLazy(world, name, id, len), "cache-" + generation);
    if (cache != null) {
      world.emit(new LoopEvents.CacheCleared(name, cache.id()));
    }
    cache = new CacheRef(id, ref, len);
    world.emit(new LoopEvents.CacheInstalled(name, id, len));
    loOffset = m.offset();
    loSizelimit = m.sizelimit();
    blockSize = m.blockSize();
    capacity = m.capacity();
    flags = m.flags();
    ro = (flags & LoopAbi.LO_FLAGS_READ_ONLY) != 0;
    world.emit(new LoopEvents.RoStored(name, ro || bdRo));
    file = m.file();
    world.emit(new LoopEvents.FileBound(name, file.key(), file.path(), file.readOnlyOpen()));
    m.replyTo().tell(new Reply<>(cache));
    return this;
  }

  private Behavior<Command> onLinuxSetFlags(LinuxSetFlags m) {
    requireHolder(loMutex, m.replyTo(), "LinuxSetFlags");
    flags = m.flags();
    rundown |= m.rundown();
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onLinuxSetGeometry(LinuxSetGeometry m) {
    requireHolder(loMutex, m.replyTo(), "LinuxSetGeometry");
    loOffset = m.offset();
    loSizelimit = m.sizelimit();
    blockSize = m.blockSize();
    capacity = m.capacity();
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onLinuxUnbind(LinuxUnbind m) {
    requireHolder(loMutex, m.replyTo(), "LinuxUnbind");
    world.emit(new LoopEvents.TornDown(name, openers + mounts - m.callerOpens()));
    if (cache != null) {
      world.emit(new LoopEvents.CacheCleared(name, cache.id()));
    }
    cache = null;
    if (file != null) {
      world.emit(new LoopEvents.FileUnbound(name, file.key()));
    }
    file = null;
    fileName = new byte[LoopAbi.LO_NAME_SIZE];
    flags = 0;
    rundown = false;
    loOffset = 0;
    loSizelimit = 0;
    blockSize = 512;
    capacity = 0;
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onQueueWork(QueueWork m) {
    if (worker == null) {
      worker = getContext().spawn(LoopWorker.create(world), "kworker");
    }
    worker.tell(new LoopWorker.Work(m.what(), m.work()));
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onLinuxOpened(LinuxOpened m) {
    requireHolder(openMutex, m.replyTo(), "LinuxOpened");
    if ((m.exclusive() || m.mount()) && (exclusive || mounts > 0)) {
      m.replyTo().tell(new Reply<>(SysResult.err(Errno.EBUSY)));
      return this;
    }
    if (m.mount()) {
      mounts++;
    } else {
      openers++;
      exclusive |= m.exclusive();
    }
    ack(m.replyTo());
    return this;
  }

  private Behavior<Command> onLinuxReleased(LinuxReleased m) {
    requireHolder(openMutex, m.replyTo(), "LinuxReleased");
    if (m.mount()) {
      mounts = Math.max(0, mounts - 1);
    } else {
      openers = Math.max(0, openers - 1);
      if (m.exclusive()) {
        exclusive = false;
      }
    }
    m.replyTo().tell(new Reply<>(view()));
    return this;
  }
}
