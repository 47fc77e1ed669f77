package kernsim.dev.loop;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongFunction;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.block.BlockDeviceNode;
import kernsim.dev.code.Code;
import kernsim.dev.loop.LoopAbi.HdGeometry;
import kernsim.dev.loop.LoopAbi.LoopInfo;
import kernsim.dev.loop.LoopAbi.LoopInfo64;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The syscall side of {@code /dev/loopN} as {@link Code} a hart runs: every ioctl, {@code open}/{@code
 * close}, {@code read_at}/{@code write_at}, {@code as_dyn_block_device} and {@code flush_cache_to_file}.
 * The code is the {@link LoopDriver} of the semantics' profile, chosen once here ({@link StarryLoop}
 * or {@link LinuxLoop}); what is the same under both (the uevent a successful change sends, the sysfs
 * {@code backing_file} attribute, the device file's length) is here.
 *
 * <p>Results: {@code SysResult.Ok(0)} or {@code Err(errno)}; getters put what the kernel writes to the
 * user's pointer in {@code Ok.data} (a {@code Long}, a {@link LoopInfo}, {@link LoopInfo64} or
 * {@link HdGeometry}); {@link #asDynBlockDevice()} puts the {@link LoopBlockDevice}; {@link #readAt}
 * the bytes.
 */
public final class LoopIoctls implements BlockDeviceNode {
  /** The calls that promise persistence ({@link LoopEvents.PersistReturned#call}). */
  public static final String CALL_BLKFLSBUF = "BLKFLSBUF";
  public static final String CALL_CLR_FD = "LOOP_CLR_FD";
  public static final String CALL_UMOUNT = "umount-writeback";

  private final World world;
  private final ActorRef<LoopDevice.Command> dev;
  private final int number;
  private final String name;
  private final Semantics semantics;
  private final LoopDriver driver;
  private final ActorRef<Uevent> uevents;

  /** Code for device {@code /dev/loop<number>}, whose actor is {@code dev}, run in {@code world}. */
  public LoopIoctls(World world, ActorRef<LoopDevice.Command> dev, int number) {
    this(world, dev, number, Semantics.STARRY);
  }

  /** The ioctls of device {@code number} as {@code semantics} has them (its profile and fixes). */
  public LoopIoctls(World world, ActorRef<LoopDevice.Command> dev, int number, Semantics semantics) {
    this(world, dev, number, semantics, null);
  }

  /** The same, telling {@code uevents} (may be null) of every {@link Uevent} the device sends. */
  public LoopIoctls(World world, ActorRef<LoopDevice.Command> dev, int number, Semantics semantics,
      ActorRef<Uevent> uevents) {
    this(world, dev, number, semantics, uevents, null);
  }

  /**
   * The same, with loop-control {@code ctl} (may be null), whose {@code loop_ctl_mutex} the linux
   * driver's lo_open takes under the regress toggle {@code remove-open-abba}.
   */
  public LoopIoctls(World world, ActorRef<LoopDevice.Command> dev, int number, Semantics semantics,
      ActorRef<Uevent> uevents, ActorRef<LoopControl.Command> ctl) {
    this.uevents = uevents;
    this.world = Objects.requireNonNull(world, "world");
    this.dev = Objects.requireNonNull(dev, "dev");
    this.number = number;
    this.name = LoopDevice.deviceName(number);
    this.semantics = Objects.requireNonNull(semantics, "semantics");
    this.driver = semantics.linux()
        ? new LinuxLoop(world, dev, number, semantics, ctl)
        : new StarryLoop(world, dev, number, semantics);
  }

  public Semantics semantics() {
    return semantics;
  }

  public ActorRef<LoopDevice.Command> device() {
    return dev;
  }

  public int number() {
    return number;
  }

  // ==== the ioctl entry point ====

  /** {@code ioctl(fd, number, arg)}: numbers the driver does not handle end in ENOTTY (starry), EINVAL (linux). */
  public Code ioctl(int command, IoctlArg arg) {
    return ioctl(command, arg, false);
  }

  /**
   * {@code ioctl} on an fd opened with O_EXCL or not ({@code exclusiveFd}: under linux, LOOP_SET_FD and
   * LOOP_CONFIGURE then skip the exclusive-claim check, as loop_configure does).
   */
  public Code ioctl(int command, IoctlArg arg, boolean exclusiveFd) {
    LoopIoctl c = LoopIoctl.byNumber(command);
    return c == null ? driver.unknownIoctl() : published(c, Code.frame(c.name(), driver.ioctl(c, arg, exclusiveFd)));
  }

  /**
   * {@code ioctl} by name, as kernel code calls it (no uevent). {@code arg} is what the command reads
   * from the user: an {@link IoctlArg.File} (LOOP_SET_FD), an {@link IoctlArg.Config}, an
   * {@link IoctlArg.Status} / {@link IoctlArg.Status64} (SET_STATUS[64]), an {@link IoctlArg.Int}
   * (BLKROSET, BLKRASET); {@link IoctlArg.None} otherwise.
   */
  public Code ioctl(LoopIoctl command, IoctlArg arg) {
    return Code.frame(command.name(), driver.ioctl(command, arg, false));
  }

  /** {@code code}, then, if it is a change ({@link Uevent#CHANGES}) that succeeded, the device's uevent. */
  private Code published(LoopIoctl c, Code code) {
    if (!Uevent.CHANGES.contains(c)) {
      return code;
    }
    return Code.bind(code, r -> Code.defer(() -> {
      if (r instanceof SysResult.Ok) {
        Uevent e = new Uevent(name, number, c.name());
        world.emit(e);
        if (uevents != null) {
          uevents.tell(e);
        }
      }
      return Code.done(r);
    }));
  }

  /** The argument {@code command} reads; the syscall layer gives each command its own kind. */
  static <T extends IoctlArg> T arg(IoctlArg arg, Class<T> type, LoopIoctl command) {
    if (!type.isInstance(arg)) {
      throw new IllegalArgumentException(command + " takes an IoctlArg." + type.getSimpleName() + ", got " + arg);
    }
    return type.cast(arg);
  }

  /** An integer argument as the command's {@code int} reads it (the low 32 bits). */
  static int intArg(IoctlArg arg, LoopIoctl command) {
    return (int) arg(arg, IoctlArg.Int.class, command).value();
  }

  // ==== the device file ====

  /** {@code open(exclusive)}: EBUSY if the device is held exclusively (or, exclusive, already). */
  public Code open(boolean exclusive) {
    return Code.frame(fn("open", "bdev_open"), driver.open(exclusive));
  }

  public Code close(boolean exclusive) {
    return Code.frame(fn("close", "bdev_release"), driver.close(exclusive));
  }

  /** {@code read_at}: ends in {@code Ok(n, bytes)}. */
  public Code readAt(long offset, int length) {
    return Code.frame(fn("read_at", "blkdev_read_iter"), driver.readAt(offset, length));
  }

  public Code writeAt(long offset, byte[] data) {
    return Code.frame(fn("write_at", "blkdev_write_iter"), driver.writeAt(offset, data));
  }

  /**
   * A userspace mkfs through {@code /dev/loopN}: the image (made from the device's size by
   * {@code image}; null means the device is too small: ENOSPC) written at offset 0, then synced.
   */
  @Override
  public Code format(LongFunction<byte[]> image) {
    return driver.format(image);
  }

  /**
   * fsync/fdatasync of the device file. starry's device has no fsync of its own: nothing to do, 0.
   * Under linux {@code blkdev_fsync}: the page cache written back, EIO if that fails.
   */
  public Code fsync() {
    return driver.fsync();
  }

  /**
   * The device file's length (its {@code stat}, {@code SEEK_END}): BLKGETSIZE64's starry reading, the
   * bound file's length to a sector, under both profiles (ENXIO unbound).
   */
  public Code blkGetSize(boolean bytes) {
    return StarryLoop.blkGetSize(dev, bytes);
  }

  /**
   * Reading {@code /sys/block/loopN/loop/backing_file} ({@code loop_attr_backing_file_show}): the bound
   * file's path and a newline, {@code Ok(length, String)}; ENOENT when no file is bound (the attribute's
   * group is not there).
   */
  public Code backingFilePath() {
    return LoopDevice.loadBackingPath(dev,
        path -> path == null ? Code.err(Errno.ENOENT) : Code.done(SysResult.ok(path.length() + 1, path + "\n")));
  }

  // ==== a filesystem on the device ====

  /** {@code as_dyn_block_device} (linux: {@code mount_bdev}): ends in {@code Ok(0, LoopBlockDevice)}. */
  public Code asDynBlockDevice() {
    return Code.frame(fn("as_dyn_block_device", "mount_bdev"), driver.asDynBlockDevice());
  }

  /** {@code flush_cache_to_file}, the write-back the mount keeps for after umount (linux: nothing left, 0). */
  public Code flushCacheToFile() {
    return Code.frame("flush_cache_to_file", driver.flushCacheToFile());
  }

  @Override
  public Code openBlockDevice(Function<BlockDevice, Code> then) {
    return Code.then(asDynBlockDevice(), ok -> {
      if (!(ok.data() instanceof LoopBlockDevice adapter)) {
        throw new IllegalStateException("as_dyn_block_device gave no adapter: " + ok);
      }
      return then.apply(adapter);
    });
  }

  @Override
  public Code writeback() {
    return flushCacheToFile();
  }

  /** BLKFLSBUF as kernel code calls it (no uevent: it changes nothing userspace is told of). */
  @Override
  public Code flushBuffers() {
    return ioctl(LoopIoctl.BLKFLSBUF, IoctlArg.none());
  }

  /** The source function's name, for the step view ({@link Code#frame}): starry's, or Linux's under linux. */
  private String fn(String starry, String linux) {
    return semantics.linux() ? linux : starry;
  }

  @Override
  public String toString() {
    return "LoopIoctls(" + name + ")";
  }
}
