package kernsim.dev.loop;

import static kernsim.dev.loop.LoopAbi.LO_FLAGS_AUTOCLEAR;
import static kernsim.dev.loop.LoopAbi.LO_FLAGS_PARTSCAN;
import static kernsim.dev.loop.LoopAbi.LO_FLAGS_READ_ONLY;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.Regress;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.FileBackend;
import kernsim.dev.loop.LoopAbi.LoopInfo;
import kernsim.dev.loop.LoopAbi.LoopInfo64;
import kernsim.dev.loop.LoopDevice.LinuxView;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * {@code /dev/loopN} as Linux 6.x has it (the {@code linux} profile): {@code drivers/block/loop.c}, with
 * the block layer around it ({@code block/bdev.c}, {@code block/fops.c}, {@code block/ioctl.c}).
 * It is the {@link LoopDriver} {@link LoopIoctls} picks when its semantics' profile is {@code linux}.
 *
 * <p>Locks. Linux serialises the loop ioctls with {@code lo->lo_mutex}, held for the whole of each
 * (loop_configure, loop_clr_fd, loop_set_status, loop_get_status up to the name copy, the simple
 * ioctls), and opens and closes with {@code disk->open_mutex} (bdev_open, bdev_release); lo_open and
 * lo_release take lo_mutex inside it. Both are {@link kernsim.dev.code.Mutex}es at the
 * {@link LoopDevice}: {@code LoLock}/{@code LoUnlock}, {@code OpenLock}/{@code OpenUnlock}, and the
 * changes are holder-only messages in between. What runs outside both: the block ioctls of
 * {@code blkdev_common_ioctl} (BLKGETSIZE64, BLKROGET/BLKROSET, BLKFLSBUF, read-ahead), reads and
 * writes of the device file (the page cache), and {@code sync_blockdev}.
 *
 * <p>The page cache. The bdev's page cache is a lazy {@link CacheData} made empty when a file is bound.
 * A read fills the pages it misses (and the read-ahead window after them) from the backing file, a write
 * the pages it covers in part, through the loop queue ({@link #fillPages}), which refuses every request
 * unless the device is {@code Lo_bound} ({@code loop_queue_rq}): so in rundown I/O of a page not cached
 * is EIO. Writes to the device file and a mounted ext4's {@code write_block} land in it;
 * {@code sync_blockdev} (fsync, fdatasync, BLKFLSBUF, umount, the last close) writes its dirty pages back
 * through the loop queue at {@code lo_offset}: in rundown the write-back fails, and at the last close the
 * pages are dropped ({@code kill_bdev}) and close still returns 0. BLKFLSBUF and a geometry change drop
 * the clean pages ({@code invalidate_bdev}).
 *
 * <p>The geometry: {@code lo_offset}, {@code lo_sizelimit}, the logical block size and the capacity
 * ({@code get_size}) are the device's ({@link LinuxView}); LOOP_SET_STATUS(64), LOOP_SET_BLOCK_SIZE and
 * LOOP_SET_CAPACITY change them as Linux 6.18 does (found with {@code kernsim conform}: no EAGAIN).
 *
 * <p>Not modelled: the temporary claim loop_configure holds ({@code bd_prepare_to_claim} is a check here,
 * and an O_EXCL open does not wait for it), partition scanning (BLKRRPART succeeds with
 * LO_FLAGS_PARTSCAN and does nothing), direct I/O, and a loop device as another's backing file.
 *
 * <p>Regress toggles ({@link Regress}, {@code docs/linux-races.md}) bring back what the kernel did before
 * a patch, each where that patch changed the code: {@code concurrent-open-release} and
 * {@code async-autoclear} in {@link #release}, {@code clr-fd-sync} in {@link #clrFd} and {@link #claim},
 * {@code remove-open-abba} in {@link #claim} (and {@link LoopControlCalls#remove}),
 * {@code reread-partitions-locked} in {@link #rereadPartitions}.
 */
final class LinuxLoop implements LoopDriver {
  static final String CALL_FSYNC = "fsync";

  /** {@code LOOP_SET_STATUS_SETTABLE_FLAGS} and {@code _CLEARABLE_FLAGS} ({@link LoopAbi}). */
  static final int SETTABLE = LoopAbi.LOOP_SET_STATUS_SETTABLE_FLAGS;
  static final int CLEARABLE = LoopAbi.LOOP_SET_STATUS_CLEARABLE_FLAGS;

  /** {@code LOOP_CONFIGURE_SETTABLE_FLAGS} ({@link LoopAbi}). */
  static final int CONFIGURE_SETTABLE = LoopAbi.LOOP_CONFIGURE_SETTABLE_FLAGS;

  private static final int SECTOR = 512;

  /** {@code blk_validate_block_size} ({@link LoopAbi#validBlockSize}). */
  static boolean validBlockSize(int bs) {
    return LoopAbi.validBlockSize(bs);
  }

  private final World world;
  private final ActorRef<LoopDevice.Command> dev;
  private final int number;
  private final String name;
  private final Writeback writeback;
  private final Semantics semantics;
  /**
   * loop-control, whose {@code loop_ctl_mutex} lo_open takes under {@code remove-open-abba} (null in tests
   * that make a device without loop-control: then lo_open takes lo_mutex, as patched).
   */
  private final ActorRef<LoopControl.Command> ctl;

  LinuxLoop(World world, ActorRef<LoopDevice.Command> dev, int number, Semantics semantics,
      ActorRef<LoopControl.Command> ctl) {
    this.world = world;
    this.dev = dev;
    this.number = number;
    this.name = LoopDevice.deviceName(number);
    this.writeback = new Writeback(world, name);
    this.semantics = semantics;
    this.ctl = ctl;
  }

  private boolean regress(Regress r) {
    return semantics.has(r);
  }

  // ==== ioctl ====

  /** {@code blkdev_ioctl}, then {@code lo_ioctl}: a number neither knows is EINVAL (lo_simple_ioctl). */
  @Override
  public Code unknownIoctl() {
    return Code.err(Errno.EINVAL);
  }

  @Override
  public Code ioctl(LoopIoctl command, IoctlArg arg, boolean exclusiveFd) {
    return switch (command) {
      case LOOP_SET_FD -> configure(LoopIoctls.arg(arg, IoctlArg.File.class, command).fd(), 0, 0, null, 0, 0, 0,
          exclusiveFd);
      case LOOP_CONFIGURE -> {
        IoctlArg.Config a = LoopIoctls.arg(arg, IoctlArg.Config.class, command);
        int bs = a.config().blockSize();
        if (bs != 0 && !validBlockSize(bs)) {
          yield Code.err(Errno.EINVAL); // blk_validate_block_size, before the lock
        }
        if ((a.config().info().flags() & ~CONFIGURE_SETTABLE) != 0) {
          yield Code.err(Errno.EINVAL); // LOOP_CONFIGURE_SETTABLE_FLAGS, before the lock
        }
        LoopInfo64 i = a.config().info();
        yield configure(a.fd(), i.flags(), i.encryptType(), i.fileName(), i.offset(), i.sizeLimit(), bs, exclusiveFd);
      }
      case LOOP_CLR_FD -> clrFd();
      case LOOP_GET_STATUS -> getStatus(false);
      case LOOP_GET_STATUS64 -> getStatus(true);
      case LOOP_SET_STATUS -> {
        LoopInfo i = LoopIoctls.arg(arg, IoctlArg.Status.class, command).info();
        // loop_info_to_info64: the int lo_offset sign-extended, no size limit
        yield setStatus(i.flags(), i.encryptType(), i.name(), i.offset(), 0, false);
      }
      case LOOP_SET_STATUS64 -> {
        LoopInfo64 i = LoopIoctls.arg(arg, IoctlArg.Status64.class, command).info();
        yield setStatus(i.flags(), i.encryptType(), i.fileName(), i.offset(), i.sizeLimit(), true);
      }
      case LOOP_CHANGE_FD -> changeFd(arg);
      case LOOP_SET_CAPACITY -> setCapacity();
      case LOOP_SET_DIRECT_IO -> requireBound(v -> Code.ok(0));
      case LOOP_SET_BLOCK_SIZE -> {
        Long bs = arg instanceof IoctlArg.Int i ? (Long) i.value() : null;
        // loop_set_block_size: bd_prepare_to_claim unless the fd is O_EXCL (EBUSY while an O_EXCL open
        // or a mount holds the device, bound or not), then under lo_mutex.
        Supplier<Code> set = () -> setBlockSize(bs);
        yield exclusiveFd ? set.get() : peek(v -> v.exclusive() || v.mounts() > 0 ? Code.err(Errno.EBUSY) : set.get());
      }
      case BLKGETSIZE -> peek(v -> Code.done(SysResult.ok(0, v.size() / SECTOR)));
      case BLKGETSIZE64 -> peek(v -> Code.done(SysResult.ok(0, v.size())));
      // the queue limits loop_update_limits sets: logical and physical block size and io_min alike
      case BLKSSZGET, BLKPBSZGET, BLKIOMIN -> peek(v -> Code.done(SysResult.ok(0, (long) v.blockSize())));
      case BLKIOOPT -> Code.done(SysResult.ok(0, 0L)); // the loop queue sets no io_opt
      case BLKROGET -> peek(v -> Code.done(SysResult.ok(0, v.readOnly() ? 1L : 0L)));
      case BLKROSET -> {
        int n = LoopIoctls.intArg(arg, command);
        yield LoopDevice.storeBdRo(dev, n != 0, () -> Code.ok(0));
      }
      case BLKRAGET -> StarryLoop.blkRaGet(dev);
      case BLKRASET -> StarryLoop.blkRaSet(dev, LoopIoctls.intArg(arg, command));
      case BLKRRPART -> peek(v -> (v.flags() & LO_FLAGS_PARTSCAN) != 0 ? Code.ok(0) : Code.err(Errno.EINVAL));
      case BLKPG -> Code.err(Errno.EFAULT); // blkpg_ioctl copies its struct from the NULL the language passes
      // blkdev_flushbuf: sync_blockdev, then invalidate_bdev (the clean pages dropped)
      case BLKFLSBUF -> peek(v -> syncBlockdev(v, LoopIoctls.CALL_BLKFLSBUF, ok -> invalidate(v, false, () -> Code.ok(0))));
      case HDIO_GETGEO -> Code.err(Errno.ENOTTY); // loop's block_device_operations have no getgeo
    };
  }

  // ==== LOOP_SET_FD / LOOP_CONFIGURE, LOOP_CHANGE_FD ====

  /**
   * loop_configure: the fd (EBADF; EINVAL not a regular file), then, unless the ioctl's fd was opened
   * O_EXCL, {@code bd_prepare_to_claim} (EBUSY while an O_EXCL open or a mount holds the device); then
   * under lo_mutex: EBUSY unless Lo_unbound, EINVAL for an encryption type; the file read into a fresh
   * page cache; file, flags (with
   * LO_FLAGS_READ_ONLY when the backing fd is read-only) and name stored; Lo_bound.
   */
  private Code configure(FdArg fd, int infoFlags, int encryptType, byte[] fileName, long offset, long sizelimit,
      int blockSize, boolean exclusiveFd) {
    if (!(fd instanceof FdArg.Resolved resolved)) {
      return Code.err(((FdArg.Bad) fd).errno());
    }
    BoundFile file = resolved.file();
    int flags = (infoFlags & ~LO_FLAGS_READ_ONLY & (SETTABLE | LoopAbi.LO_FLAGS_DIRECT_IO))
        | ((infoFlags & LO_FLAGS_READ_ONLY) != 0 || file.readOnlyOpen() ? LO_FLAGS_READ_ONLY : 0);
    Supplier<Code> locked = () -> loLock(v -> {
      if (!v.unbound()) {
        return loUnlock(() -> Code.err(Errno.EBUSY));
      }
      return validateFile(file.ref(), file.ref(), invalid -> loUnlock(() -> Code.err(invalid)), () -> {
      if (encryptType != 0) {
        return loUnlock(() -> Code.err(Errno.EINVAL)); // loop_set_status_from_info: no encryption since cryptoloop went
      }
      if (offset < 0 || sizelimit < 0) {
        return loUnlock(() -> Code.err(Errno.EOVERFLOW)); // loop_set_status_from_info: above LLONG_MAX
      }
      // The capacity from the file's length (get_size); the page cache starts empty and fills on access.
      return Writeback.lengthOrZero(file, len -> LoopDevice.linuxBind(dev, file, flags, offset, sizelimit,
          blockSize == 0 ? SECTOR : blockSize, LoopDevice.capacity(len, offset, sizelimit), "loop_configure",
          c -> storeName(fileName, () -> rereadPartitions((flags & LO_FLAGS_PARTSCAN) != 0, () -> Code.ok(0)))));
      });
    });
    if (exclusiveFd) {
      return locked.get();
    }
    return peek(v -> v.exclusive() || v.mounts() > 0 ? Code.err(Errno.EBUSY) : locked.get());
  }

  /**
   * {@code loop_validate_file}: down the chain of loop devices from {@code f} (each one's state read in a
   * region of its own), EBADF when it reaches this device, EINVAL at a device that is not Lo_bound; then
   * the file ({@code original}) must be a regular file or a block device (EINVAL).
   */
  private Code validateFile(FileBackend f, FileBackend original, Function<Errno, Code> bad, Supplier<Code> ok) {
    if (f.loopDevice() == number) {
      return bad.apply(Errno.EBADF);
    }
    if (f.loopDeviceRef() != null) {
      return LoopDevice.peek(f.loopDeviceRef(), v -> !v.bound() ? bad.apply(Errno.EINVAL)
          : validateFile(v.file().ref(), original, bad, ok));
    }
    FileBackend.Kind kind = original.kind();
    return kind == FileBackend.Kind.REGULAR || kind == FileBackend.Kind.BLOCK_DEVICE ? ok.get() : bad.apply(Errno.EINVAL);
  }

  /**
   * LOOP_CHANGE_FD (loop_change_fd): under lo_mutex, ENXIO unless Lo_bound, EINVAL unless read-only;
   * the new file must be a regular file of the same size (EINVAL); then it replaces the old one, with a
   * page cache read from it.
   */
  private Code changeFd(IoctlArg arg) {
    if (!(arg instanceof IoctlArg.File f)) {
      return Code.err(Errno.EBADF);
    }
    FdArg fd = f.fd();
    if (fd instanceof FdArg.Bad b && b.errno() == Errno.EBADF) {
      return Code.err(Errno.EBADF); // fget(arg), before the lock
    }
    return loLock(v -> {
      if (!v.bound()) {
        return loUnlock(() -> Code.err(Errno.ENXIO));
      }
      if ((v.flags() & LO_FLAGS_READ_ONLY) == 0) {
        return loUnlock(() -> Code.err(Errno.EINVAL));
      }
      if (!(fd instanceof FdArg.Resolved resolved)) {
        return loUnlock(() -> Code.err(((FdArg.Bad) fd).errno()));
      }
      BoundFile file = resolved.file();
      return v.file().ref().length(oldLen -> file.ref().length(newLen -> {
        if (!(oldLen instanceof SysResult.Ok a) || !(newLen instanceof SysResult.Ok b)
            || LoopDevice.capacity(a.value(), v.offset(), v.sizelimit())
                != LoopDevice.capacity(b.value(), v.offset(), v.sizelimit())) {
          return loUnlock(() -> Code.err(Errno.EINVAL)); // get_loop_size of both must agree
        }
        // The new file, and a fresh page cache (disk_force_media_change drops the old one's pages).
        return LoopDevice.linuxBind(dev, file, v.flags(), v.offset(), v.sizelimit(), v.blockSize(), v.capacity(),
            "loop_change_fd", c -> loUnlock(() -> Code.ok(0)));
      }));
    });
  }

  // ==== LOOP_CLR_FD, status ====

  /**
   * loop_clr_fd: under lo_mutex, ENXIO unless Lo_bound; sets LO_FLAGS_AUTOCLEAR, and if the caller is
   * the only opener ({@code disk_openers == 1}) switches to Lo_rundown; returns 0. The detach itself
   * happens at the last close ({@link #close}) or umount.
   */
  Code clrFd() {
    return loLock(v -> {
      if (!v.bound()) {
        return loUnlock(() -> Code.err(Errno.ENXIO));
      }
      boolean only = v.diskOpeners() == 1;
      if (only && regress(Regress.CLR_FD_SYNC)) {
        // before 18048c1af783: the only opener detaches at once. Lo_rundown, lo_mutex dropped, then
        // __loop_clr_fd (which takes lo_mutex again for the state change), the caller's own fd still open.
        return LoopDevice.linuxSetFlags(dev, v.flags(), true, "loop_clr_fd",
            () -> loUnlock(() -> loLock(lv -> LoopDevice.linuxUnbind(dev, 1, () -> loUnlock(() -> Code.ok(0))))));
      }
      return LoopDevice.linuxSetFlags(dev, v.flags() | LO_FLAGS_AUTOCLEAR, only, "loop_clr_fd",
          () -> loUnlock(() -> Code.ok(0)));
    });
  }

  /** loop_get_status: under lo_mutex, ENXIO unless Lo_bound; the number, flags and name. */
  private Code getStatus(boolean wide) {
    return loLock(v -> {
      if (!v.bound()) {
        return loUnlock(() -> Code.err(Errno.ENXIO));
      }
      if (!wide && v.offset() > Integer.MAX_VALUE) {
        return loUnlock(() -> Code.err(Errno.EOVERFLOW)); // loop_info64_to_old: lo_offset does not fit an int
      }
      return readName(nm -> loUnlock(() -> Code.done(SysResult.ok(0, wide
          ? new LoopInfo64(0, 0, LoopDevice.devId(number), v.offset(), v.sizelimit(), number, 0, v.flags(), nm, null)
          : new LoopInfo(number, 0, 0, LoopDevice.devId(number), (int) v.offset(), 0, v.flags(), nm)))));
    });
  }

  /**
   * loop_set_status: under lo_mutex, ENXIO unless Lo_bound, EINVAL for an encryption type; only LO_FLAGS_AUTOCLEAR and
   * LO_FLAGS_PARTSCAN come from the caller (PARTSCAN cannot be cleared, READ_ONLY not changed); the
   * name is stored.
   */
  private Code setStatus(int infoFlags, int encryptType, byte[] fileName, long offset, long sizelimit, boolean wide) {
    return loLock(v -> {
      if (!v.bound()) {
        return loUnlock(() -> Code.err(Errno.ENXIO));
      }
      boolean sizeChanged = offset != v.offset() || sizelimit != v.sizelimit();
      // A new offset or size limit: sync_blockdev and invalidate_bdev first, whatever follows.
      Supplier<Code> checked = () -> {
        if (encryptType != 0) {
          return loUnlock(() -> Code.err(Errno.EINVAL)); // loop_set_status_from_info
        }
        if (offset < 0 || sizelimit < 0) {
          return loUnlock(() -> Code.err(Errno.EOVERFLOW)); // loop_set_status_from_info: above LLONG_MAX
        }
        int prev = v.flags();
        int flags = (infoFlags & SETTABLE) | (prev & ~SETTABLE) | (prev & ~CLEARABLE & SETTABLE);
        boolean partscan = (flags & LO_FLAGS_PARTSCAN) != 0 && (prev & LO_FLAGS_PARTSCAN) == 0;
        Supplier<Code> rest = () -> LoopDevice.linuxSetFlags(dev, flags, false, "loop_set_status",
            () -> storeName(fileName, () -> rereadPartitions(partscan, () -> Code.ok(0))));
        if (!sizeChanged) {
          return rest.get();
        }
        return Writeback.lengthOrZero(v.file(), len -> resized(v, offset, sizelimit, v.blockSize(),
            LoopDevice.capacity(len, offset, sizelimit), "loop_set_status", rest));
      };
      return sizeChanged ? syncBlockdev(v, null, ok -> invalidate(v, false, checked)) : checked.get();
    });
  }

  /** The geometry stored (by the lo_mutex holder), then the page cache's length: {@code loop_set_size}. */
  private Code resized(LinuxView v, long offset, long sizelimit, int blockSize, long capacity, String what,
      Supplier<Code> then) {
    return LoopDevice.linuxSetGeometry(dev, offset, sizelimit, blockSize, capacity, what,
        () -> v.cache() == null || capacity == v.capacity() ? then.get()
            : CacheData.resize(v.cache(), (int) capacity, then));
  }

  /** loop_set_capacity under lo_mutex: ENXIO unless Lo_bound; the capacity read again from the file (get_size). */
  private Code setCapacity() {
    return loLock(v -> {
      if (!v.bound()) {
        return loUnlock(() -> Code.err(Errno.ENXIO));
      }
      return Writeback.lengthOrZero(v.file(), len -> resized(v, v.offset(), v.sizelimit(), v.blockSize(),
          LoopDevice.capacity(len, v.offset(), v.sizelimit()), "loop_set_capacity", () -> loUnlock(() -> Code.ok(0))));
    });
  }

  /**
   * loop_set_block_size under lo_mutex: ENXIO unless Lo_bound; the same size is 0 at once; otherwise
   * sync_blockdev and invalidate_bdev, then the queue limits' commit refuses a size that is not a power of
   * two from 512 to 64K (EINVAL) or stores it.
   */
  private Code setBlockSize(Long bs) {
    return loLock(v -> {
      if (!v.bound()) {
        return loUnlock(() -> Code.err(Errno.ENXIO));
      }
      if (bs != null && bs == v.blockSize()) {
        return loUnlock(() -> Code.ok(0));
      }
      return syncBlockdev(v, null, ok -> invalidate(v, false, () -> {
        if (bs == null || bs > Integer.MAX_VALUE || !validBlockSize((int) (long) bs)) {
          return loUnlock(() -> Code.err(Errno.EINVAL));
        }
        return LoopDevice.linuxSetGeometry(dev, v.offset(), v.sizelimit(), (int) (long) bs, v.capacity(),
            "loop_set_block_size", () -> loUnlock(() -> Code.ok(0)));
      }));
    });
  }

  /** {@code invalidate_bdev} (clean pages dropped) or {@code kill_bdev} ({@code all}) of the page cache, if any. */
  private Code invalidate(LinuxView v, boolean all, Supplier<Code> then) {
    return v.cache() == null ? then.get() : CacheData.invalidate(v.cache(), all, then);
  }

  /**
   * The end of loop_configure and loop_set_status, called with lo_mutex held: lo_mutex is dropped and,
   * when LO_FLAGS_PARTSCAN was just set, {@code loop_reread_partitions} runs ({@code bdev_disk_changed}
   * under {@code disk->open_mutex}; the model has no partitions, so it only takes and drops the lock).
   * Under {@code reread-partitions-locked} the re-read runs before lo_mutex is dropped, as it did before
   * 85b0a54a82e4: open_mutex inside lo_mutex, the reverse of bdev_open's order.
   */
  private Code rereadPartitions(boolean partscan, Supplier<Code> then) {
    if (!partscan) {
      return loUnlock(then);
    }
    Supplier<Code> reread = () -> openLock(v -> openUnlock(() -> Code.ok(0)));
    if (regress(Regress.REREAD_PARTITIONS_LOCKED)) {
      return Code.bind(reread.get(), x -> loUnlock(then));
    }
    return loUnlock(() -> Code.bind(reread.get(), x -> then.get()));
  }

  private Code requireBound(Function<LinuxView, Code> then) {
    return loLock(v -> v.bound() ? loUnlock(() -> then.apply(v)) : loUnlock(() -> Code.err(Errno.ENXIO)));
  }

  // ==== open, close ====

  /**
   * bdev_open under disk->open_mutex: the claim (EBUSY) for an O_EXCL open, then lo_open under
   * lo_mutex (ENXIO in rundown or while being deleted), then the opener is counted.
   */
  @Override
  public Code open(boolean exclusive) {
    return claim(exclusive, false);
  }

  private Code claim(boolean exclusive, boolean mount) {
    return openLock(v -> {
      if ((exclusive || mount) && (v.exclusive() || v.mounts() > 0)) {
        return openUnlock(() -> Code.err(Errno.EBUSY));
      }
      // lo_open: Lo_rundown is refused since 18048c1af783 (clr-fd-sync: only Lo_deleting was).
      boolean rundownRefused = !regress(Regress.CLR_FD_SYNC);
      java.util.function.Predicate<LinuxView> refused = lv -> lv.deleting() || (rundownRefused && lv.rundown());
      if (regress(Regress.REMOVE_OPEN_ABBA) && ctl != null) {
        // before 990e78116d38: lo_open takes the global loop_ctl_mutex (inside open_mutex), which
        // LOOP_CTL_REMOVE holds across del_gendisk.
        return LoopControl.lock(ctl, devices -> peek(lv -> {
          boolean no = refused.test(lv);
          return LoopControl.unlock(ctl, () -> opened(no, exclusive, mount));
        }));
      }
      return loLock(lv -> {
        boolean no = refused.test(lv);
        return loUnlock(() -> opened(no, exclusive, mount));
      });
    });
  }

  /** After lo_open's check (refused: ENXIO), with open_mutex held: the opener counted, open_mutex dropped. */
  private Code opened(boolean refused, boolean exclusive, boolean mount) {
    return refused
        ? openUnlock(() -> Code.err(Errno.ENXIO))
        : LoopDevice.linuxOpened(dev, exclusive, mount, res -> openUnlock(() -> Code.done(res)));
  }

  /**
   * bdev_release under disk->open_mutex: the opener and its claim go; at the last one the page cache
   * is written back ({@code blkdev_flush_mapping}: fails in rundown, and the data is dropped), then
   * lo_release under lo_mutex: a bound device with LO_FLAGS_AUTOCLEAR goes to rundown, and a device in
   * rundown is torn down ({@code __loop_clr_fd}). Always 0.
   */
  @Override
  public Code close(boolean exclusive) {
    return release(exclusive, false);
  }

  private Code release(boolean exclusive, boolean mount) {
    String call = mount ? LoopIoctls.CALL_UMOUNT : "close";
    return openLock(v0 -> LoopDevice.linuxReleased(dev, exclusive, mount,
        v -> {
          if (v.diskOpeners() > 0) {
            return openUnlock(() -> Code.ok(0));
          }
          if (regress(Regress.CONCURRENT_OPEN_RELEASE)) {
            // before ae6650163c66: the count dropped to 0 under a lock lo_open does not share, and the
            // teardown runs under lo_mutex alone: an open can get in between and find the device bound.
            return syncBlockdev(v, null, synced -> invalidate(v, true,
                () -> openUnlock(() -> loRelease(call, () -> Code.ok(0)))));
          }
          // blkdev_flush_mapping: sync_blockdev, then kill_bdev (every page dropped, dirty or not)
          return syncBlockdev(v, null, synced -> invalidate(v, true,
              () -> loRelease(call, () -> openUnlock(() -> Code.ok(0)))));
        }));
  }

  /**
   * lo_release under lo_mutex: a bound device with LO_FLAGS_AUTOCLEAR goes to rundown and a device in
   * rundown is torn down ({@code __loop_clr_fd}); then {@code then}. Under {@code async-autoclear} the
   * teardown is queued to the device's work queue instead (322c4293ecc5) and may run after the close
   * has returned. When it decided to detach, the call's return is reported ({@link LoopEvents.DetachReturned}).
   */
  private Code loRelease(String call, Supplier<Code> then) {
    return loLock(lv -> {
      boolean clear = lv.rundown() || (lv.bound() && (lv.flags() & LO_FLAGS_AUTOCLEAR) != 0);
      if (!clear) {
        return loUnlock(then);
      }
      Supplier<Code> returned = () -> Code.bind(then.get(), x -> {
        world.emit(new LoopEvents.DetachReturned(name, call));
        return Code.done(x);
      });
      if (regress(Regress.ASYNC_AUTOCLEAR)) {
        return LoopDevice.linuxSetFlags(dev, lv.flags(), true, "lo_release", () -> LoopDevice.queueWork(dev,
            "loop_rundown_workfn", () -> loLock(w -> w.rundown()
                ? LoopDevice.linuxUnbind(dev, 0, () -> loUnlock(() -> Code.ok(0)))
                : loUnlock(() -> Code.ok(0))),
            () -> loUnlock(returned)));
      }
      return LoopDevice.linuxUnbind(dev, 0, () -> loUnlock(returned));
    });
  }

  // ==== the device file's I/O ====

  /** blkdev_read_iter: 0 at or after the end (0 unbound); otherwise from the page cache. */
  @Override
  public Code readAt(long offset, int length) {
    return peek(v -> {
      long size = v.size();
      if (offset >= size || length <= 0) {
        return Code.done(SysResult.ok(0, new byte[0]));
      }
      int n = (int) Math.min(length, size - offset);
      return cacheRead(v.cache(), offset, n, "read_iter");
    });
  }

  /**
   * {@code filemap_read}: the pages from the page cache; a page not cached is read first, with the
   * read-ahead window after it, through the loop queue ({@link #fillPages}), and a failed read is EIO.
   */
  @Override
  public Code cacheRead(CacheRef cd, long byteOffset, int length, String what) {
    return CacheData.readPages(cd, byteOffset, length, what, p -> {
      if (p.missing() < 0) {
        return Code.done(p.result());
      }
      int wanted = (int) ((byteOffset + length - 1) / CacheData.CACHE_BLK) - p.missing() + 1;
      return LoopDevice.loadRa(dev, ra -> fillPages(cd, p.missing(), initialReadahead(wanted, ra / 8),
          ok -> ok ? cacheRead(cd, byteOffset, length, what) : Code.err(Errno.EIO)));
    });
  }

  /**
   * {@code get_init_ra_size}: the pages a first read of {@code wanted} pages reads ahead, with at most
   * {@code max} (the read-ahead setting in pages): the request rounded up to a power of two, times 4 when
   * it is small against the maximum, times 2 when middling, else the maximum (at least the request).
   * Found with {@code kernsim conform}: a read of page 0 caches pages 1 to 3 as well.
   */
  static int initialReadahead(int wanted, int max) {
    int n = wanted <= 1 ? 1 : Integer.highestOneBit(wanted - 1) << 1; // roundup_pow_of_two
    if (n <= max / 32) {
      n *= 4;
    } else if (n <= max / 4) {
      n *= 2;
    } else {
      n = Math.max(max, wanted);
    }
    return n;
  }

  /**
   * {@code block_write_begin}: a page the write covers only in part is read first ({@link #fillPages}; EIO if
   * that fails), then the bytes are copied into the page cache.
   */
  @Override
  public Code cacheWrite(CacheRef cd, long blockId, long byteOffset, byte[] data, String what,
      Function<SysResult, Code> then) {
    return CacheData.writePages(cd, blockId, byteOffset, data, what, p -> p.missing() < 0 ? then.apply(p.result())
        : fillPages(cd, p.missing(), 1, ok -> ok ? cacheWrite(cd, blockId, byteOffset, data, what, then)
            : then.apply(SysResult.err(Errno.EIO))));
  }

  /**
   * {@code pages} pages from {@code page} on read into the page cache through the loop queue (one
   * request; within the capacity): {@code loop_queue_rq} refuses it unless the device is Lo_bound;
   * {@code lo_rw_aio} reads the backing file at {@code lo_offset} plus the page's offset (a short read is
   * zero-filled). Continues with whether the pages are cached.
   */
  private Code fillPages(CacheRef cd, int page, int pages, Function<Boolean, Code> then) {
    return peek(v -> {
      if (!v.bound()) {
        return then.apply(false);
      }
      long at = (long) page * CacheData.CACHE_BLK;
      int len = (int) Math.max(0, Math.min((long) pages * CacheData.CACHE_BLK, v.size() - at));
      if (len == 0) {
        return CacheData.fillPage(cd, page, new byte[0], () -> then.apply(true));
      }
      return v.file().ref().readAt(v.offset() + at, len, r -> {
        if (!(r instanceof SysResult.Ok ok)) {
          return then.apply(false);
        }
        byte[] bytes = ok.data() instanceof byte[] b ? b : new byte[0];
        return CacheData.fillPage(cd, page, bytes, () -> then.apply(true));
      });
    });
  }

  /** blkdev_write_iter: EPERM read-only, ENOSPC at or after the end (every offset unbound); into the page cache. */
  @Override
  public Code writeAt(long offset, byte[] data) {
    byte[] copy = data.clone();
    return peek(v -> {
      if (v.readOnly()) {
        return Code.err(Errno.EPERM);
      }
      if (copy.length == 0) {
        return Code.ok(0);
      }
      long size = v.size();
      if (offset >= size) {
        return Code.err(Errno.ENOSPC);
      }
      int n = (int) Math.min(copy.length, size - offset);
      byte[] part = Arrays.copyOf(copy, n);
      return cacheWrite(v.cache(), offset / SECTOR, offset, part, "write_iter", w -> {
        if (!(w instanceof SysResult.Ok)) {
          return Code.done(w);
        }
        world.emit(new LoopEvents.DeviceWritten(name, offset, part));
        return Code.ok(n);
      });
    });
  }

  /**
   * blkdev_fsync: the page cache written back, then {@code blkdev_issue_flush}; EIO if either fails. The
   * write-back fails in rundown or on the backing file's error; the flush reaches {@code loop_queue_rq}
   * while a file is attached (the queue has a write cache then) and fails unless Lo_bound, so in rundown
   * fsync is EIO even with nothing dirty (found by {@code kernsim conform}); unbound it is 0.
   */
  @Override
  public Code fsync() {
    return peek(v -> syncBlockdev(v, CALL_FSYNC, ok -> peek(after -> {
      if (ok && (after.file() == null || after.bound())) {
        return Code.ok(0);
      }
      world.emit(new LoopEvents.WritebackErrorReported(name, CALL_FSYNC));
      return Code.err(Errno.EIO);
    })));
  }

  /** Userspace mkfs through the device file: write the image, then fsync. */
  @Override
  public Code format(LongFunction<byte[]> image) {
    return peek(v -> {
      if (v.readOnly()) {
        return Code.err(Errno.EPERM);
      }
      byte[] img = v.size() == 0 ? null : image.apply(v.size());
      if (img == null) {
        return Code.err(Errno.ENOSPC);
      }
      return Code.then(writeAt(0, img), w -> fsync());
    });
  }

  // ==== ext4 on the device ====

  /**
   * mount_bdev: the device opened with the filesystem as its exclusive holder (EBUSY while an O_EXCL
   * open or another mount holds it; ENXIO in rundown), then a block adapter over the page cache. With
   * no file bound the device has size 0 and the superblock cannot be read: the claim is released, EIO.
   * The page cache is filled whole once the adapter has marked it mounted (one read through the loop
   * queue; if it fails the adapter is dropped, which releases the claim, and the mount is EIO):
   * the model's ext4-lite reads its blocks under spin locks, where a page fill, which sleeps, may not
   * run; Linux's ext4 reads them as it needs them, into the same pages.
   */
  @Override
  public Code asDynBlockDevice() {
    return Code.then(claim(false, true), claimed -> peek(v -> {
      if (v.file() == null || v.cache() == null) {
        return Code.bind(release(false, true), x -> Code.err(Errno.EIO));
      }
      int pages = (int) ((v.size() + CacheData.CACHE_BLK - 1) / CacheData.CACHE_BLK);
      // The adapter first: it marks the cache mounted, so no BLKFLSBUF drops the pages once filled.
      return Code.bind(LoopBlockDevice.create(world, name, v.cache(), v.readOnly(), this),
          made -> fillPages(v.cache(), 0, pages, ok -> ok ? Code.done(made)
              : Code.bind(((LoopBlockDevice) ((SysResult.Ok) made).data()).drop(), x -> Code.err(Errno.EIO))));
    }));
  }

  /**
   * What a filesystem's fsync adds under linux: {@code sync_blockdev} of its device (ext4 on loop
   * writes its buffers through the bdev's page cache). Ends in {@code Ok(0)} or EIO.
   */
  @Override
  public Code persistFromFs() {
    return fsync();
  }

  /**
   * The umount's write-back: {@code sync_filesystem} writes the page cache back, then the filesystem's
   * claim and opener are released ({@code bdev_release}: at the last opener, autoclear detaches). 0.
   */
  @Override
  public Code afterAdapterDrop() {
    return peek(v -> syncBlockdev(v, LoopIoctls.CALL_UMOUNT, ok -> release(false, true)));
  }

  /** Nothing left to do: the adapter's drop already synced and released the device ({@link #afterAdapterDrop}). */
  @Override
  public Code flushCacheToFile() {
    return Code.ok(0);
  }

  // ==== sync_blockdev ====

  /**
   * {@code sync_blockdev}: if the page cache is dirty, write it back through the loop queue, which
   * only serves a Lo_bound device: in rundown (or unbound) the write-back fails, and the pages are
   * cleaned with the error (the data is gone). On success, when {@code call} is not null, a
   * {@link LoopEvents.PersistReturned}. Continues with whether all data reached the file.
   */
  private Code syncBlockdev(LinuxView v, String call, Function<Boolean, Code> then) {
    CacheRef cd = v.cache();
    BoundFile file = v.file();
    if (cd == null || file == null) {
      return then.apply(true);
    }
    // filemap_fdatawait: a sync returns only once writeback another sync started has finished.
    return LoopDevice.wbLock(dev, () -> writeBack(v, cd, file, call,
        ok -> LoopDevice.wbUnlock(dev, () -> then.apply(ok))));
  }

  private Code writeBack(LinuxView v, CacheRef cd, BoundFile file, String call, Function<Boolean, Code> then) {
    return CacheData.swapDirty(cd, was -> {
      if (!was) {
        return persisted(call, cd, file, false, then);
      }
      if (!v.bound()) {
        return then.apply(false); // loop_queue_rq: BLK_STS_IOERR unless Lo_bound
      }
      return writeback.writebackPages(file, cd, v.offset(), ok -> ok
          ? persisted(call, cd, file, true, then)
          : CacheData.storeDirty(cd, true, () -> then.apply(false)));
    });
  }

  /** Emits when built, so call it only from a continuation (when the hart reaches the return). */
  private Code persisted(String call, CacheRef cd, BoundFile file, boolean wroteBack, Function<Boolean, Code> then) {
    if (call != null) {
      world.emit(new LoopEvents.PersistReturned(name, call, cd.id(), file.key(), wroteBack));
    }
    return then.apply(true);
  }

  // ==== regions ====

  private Code loLock(Function<LinuxView, Code> then) {
    return LoopDevice.loLock(dev, then);
  }

  private Code loUnlock(Supplier<Code> then) {
    return LoopDevice.loUnlock(dev, then);
  }

  private Code openLock(Function<LinuxView, Code> then) {
    return LoopDevice.openLock(dev, then);
  }

  private Code openUnlock(Supplier<Code> then) {
    return LoopDevice.openUnlock(dev, then);
  }

  private Code peek(Function<LinuxView, Code> then) {
    return LoopDevice.peek(dev, then);
  }

  private Code readName(Function<byte[], Code> then) {
    return LoopDevice.lockName(dev, slot -> {
      byte[] nm = slot.name();
      return LoopDevice.unlockName(dev, null, () -> then.apply(nm));
    });
  }

  private Code storeName(byte[] fileName, Supplier<Code> then) {
    if (fileName == null) {
      return then.get();
    }
    return LoopDevice.lockName(dev, slot -> LoopDevice.unlockName(dev, fileName, then));
  }

  @Override
  public String toString() {
    return "LinuxLoop(" + name + ")";
  }
}
