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
 * <p>The page cache. The bdev's page cache is a {@link CacheData} made when a file is bound (filled
 * from the backing file while loop_configure holds lo_mutex: Linux fills it lazily, page by page, which
 * gives the same bytes as long as nobody writes the backing file behind the device). Writes to the
 * device file and a mounted ext4's {@code write_block} land in it; {@code sync_blockdev} (fsync,
 * fdatasync, BLKFLSBUF, umount, the last close) writes it back through the loop queue, which refuses
 * every request unless the device is {@code Lo_bound} ({@code loop_queue_rq}): so in rundown the
 * write-back fails, the dirty data is dropped ({@code kill_bdev}) and close still returns 0.
 *
 * <p>Not modelled: {@code lo_offset}/{@code lo_sizelimit} (so LOOP_SET_STATUS's EAGAIN, which needs a
 * size change with pages still cached, never happens), the temporary claim loop_configure holds
 * ({@code bd_prepare_to_claim} is a check here, and an O_EXCL open does not wait for it), partition
 * scanning (BLKRRPART succeeds with LO_FLAGS_PARTSCAN and does nothing), direct I/O and block sizes
 * beyond their checks, and capacity changes (LOOP_SET_CAPACITY succeeds on a bound device and keeps
 * the size).
 *
 * <p>Regress toggles ({@link Regress}, {@code docs/linux-races.md}) bring back what the kernel did before
 * a patch, each where that patch changed the code: {@code concurrent-open-release} and
 * {@code async-autoclear} in {@link #release}, {@code clr-fd-sync} in {@link #clrFd} and {@link #claim},
 * {@code remove-open-abba} in {@link #claim} (and {@link LoopControlCalls#remove}),
 * {@code reread-partitions-locked} in {@link #rereadPartitions}.
 */
final class LinuxLoop implements LoopDriver {
  static final String CALL_FSYNC = "fsync";

  /** {@code LOOP_SET_STATUS_SETTABLE_FLAGS} and {@code _CLEARABLE_FLAGS} (include/uapi/linux/loop.h). */
  static final int SETTABLE = LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN;
  static final int CLEARABLE = LO_FLAGS_AUTOCLEAR;

  /** {@code LOOP_CONFIGURE_SETTABLE_FLAGS}: any other flag in a loop_config is EINVAL. */
  static final int CONFIGURE_SETTABLE = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_PARTSCAN
      | LoopAbi.LO_FLAGS_DIRECT_IO;

  private static final int SECTOR = 512;

  /** {@code blk_validate_block_size}: a power of two from 512 to {@code BLK_MAX_BLOCK_SIZE} (64K since 6.15). */
  static boolean validBlockSize(int bs) {
    return bs >= SECTOR && bs <= 65536 && Integer.bitCount(bs) == 1;
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
      case LOOP_SET_FD -> configure(LoopIoctls.arg(arg, IoctlArg.File.class, command).fd(), 0, 0, null, exclusiveFd);
      case LOOP_CONFIGURE -> {
        IoctlArg.Config a = LoopIoctls.arg(arg, IoctlArg.Config.class, command);
        int bs = a.config().blockSize();
        if (bs != 0 && !validBlockSize(bs)) {
          yield Code.err(Errno.EINVAL); // blk_validate_block_size, before the lock
        }
        if ((a.config().info().flags() & ~CONFIGURE_SETTABLE) != 0) {
          yield Code.err(Errno.EINVAL); // LOOP_CONFIGURE_SETTABLE_FLAGS, before the lock
        }
        yield configure(a.fd(), a.config().info().flags(), a.config().info().encryptType(),
            a.config().info().fileName(), exclusiveFd);
      }
      case LOOP_CLR_FD -> clrFd();
      case LOOP_GET_STATUS -> getStatus(false);
      case LOOP_GET_STATUS64 -> getStatus(true);
      case LOOP_SET_STATUS -> {
        LoopInfo i = LoopIoctls.arg(arg, IoctlArg.Status.class, command).info();
        yield setStatus(i.flags(), i.encryptType(), i.name(), false);
      }
      case LOOP_SET_STATUS64 -> {
        LoopInfo64 i = LoopIoctls.arg(arg, IoctlArg.Status64.class, command).info();
        yield setStatus(i.flags(), i.encryptType(), i.fileName(), true);
      }
      case LOOP_CHANGE_FD -> changeFd(arg);
      case LOOP_SET_CAPACITY, LOOP_SET_DIRECT_IO -> requireBound(v -> Code.ok(0));
      case LOOP_SET_BLOCK_SIZE -> {
        Integer bs = arg instanceof IoctlArg.Int i ? (Integer) (int) i.value() : null;
        // loop_set_block_size: bd_prepare_to_claim unless the fd is O_EXCL (EBUSY while an O_EXCL open
        // or a mount holds the device, bound or not), then under lo_mutex ENXIO unless bound.
        Supplier<Code> set = () -> requireBound(v -> bs == null || !validBlockSize(bs)
            ? Code.err(Errno.EINVAL) : Code.ok(0));
        yield exclusiveFd ? set.get() : peek(v -> v.exclusive() || v.mounts() > 0 ? Code.err(Errno.EBUSY) : set.get());
      }
      case BLKGETSIZE -> peek(v -> Code.done(SysResult.ok(0, v.size() / SECTOR)));
      case BLKGETSIZE64 -> peek(v -> Code.done(SysResult.ok(0, v.size())));
      case BLKSSZGET, BLKPBSZGET, BLKIOMIN -> Code.done(SysResult.ok(0, (long) SECTOR));
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
      case BLKFLSBUF -> peek(v -> syncBlockdev(v, LoopIoctls.CALL_BLKFLSBUF, ok -> Code.ok(0)));
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
  private Code configure(FdArg fd, int infoFlags, int encryptType, byte[] fileName, boolean exclusiveFd) {
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
      return Writeback.lengthOrZero(file, len -> {
        int n = (int) (long) len;
        return Writeback.readChunks(file, n, bad -> loUnlock(() -> Code.err(Errno.EIO)),
            chunks -> LoopDevice.linuxBind(dev, file, flags, chunks, n, "loop_configure",
                c -> storeName(fileName, () -> rereadPartitions((flags & LO_FLAGS_PARTSCAN) != 0,
                    () -> Code.ok(0)))));
      });
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
        if (!(oldLen instanceof SysResult.Ok a) || !(newLen instanceof SysResult.Ok b) || a.value() != b.value()) {
          return loUnlock(() -> Code.err(Errno.EINVAL));
        }
        int n = (int) b.value();
        return Writeback.readChunks(file, n, bad -> loUnlock(() -> Code.err(Errno.EIO)),
            chunks -> LoopDevice.linuxBind(dev, file, v.flags(), chunks, n, "loop_change_fd",
                c -> loUnlock(() -> Code.ok(0))));
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
      return readName(nm -> loUnlock(() -> Code.done(SysResult.ok(0, wide
          ? new LoopInfo64(0, 0, LoopDevice.devId(number), 0, 0, number, 0, v.flags(), nm, null)
          : new LoopInfo(number, 0, 0, LoopDevice.devId(number), 0, 0, v.flags(), nm)))));
    });
  }

  /**
   * loop_set_status: under lo_mutex, ENXIO unless Lo_bound, EINVAL for an encryption type; only LO_FLAGS_AUTOCLEAR and
   * LO_FLAGS_PARTSCAN come from the caller (PARTSCAN cannot be cleared, READ_ONLY not changed); the
   * name is stored.
   */
  private Code setStatus(int infoFlags, int encryptType, byte[] fileName, boolean wide) {
    return loLock(v -> {
      if (!v.bound()) {
        return loUnlock(() -> Code.err(Errno.ENXIO));
      }
      if (encryptType != 0) {
        return loUnlock(() -> Code.err(Errno.EINVAL)); // loop_set_status_from_info
      }
      int prev = v.flags();
      int flags = (infoFlags & SETTABLE) | (prev & ~SETTABLE) | (prev & ~CLEARABLE & SETTABLE);
      boolean partscan = (flags & LO_FLAGS_PARTSCAN) != 0 && (prev & LO_FLAGS_PARTSCAN) == 0;
      return LoopDevice.linuxSetFlags(dev, flags, false, "loop_set_status",
          () -> storeName(fileName, () -> rereadPartitions(partscan, () -> Code.ok(0))));
    });
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
            return syncBlockdev(v, null, synced -> openUnlock(() -> loRelease(call, () -> Code.ok(0))));
          }
          return syncBlockdev(v, null, synced -> loRelease(call, () -> openUnlock(() -> Code.ok(0))));
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
      return CacheData.readBlock(v.cache(), offset, n, "read_iter");
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
      return CacheData.writeBlock(v.cache(), offset / SECTOR, offset, part, "write_iter", w -> {
        if (!(w instanceof SysResult.Ok)) {
          return Code.done(w);
        }
        world.emit(new LoopEvents.DeviceWritten(name, offset, part));
        return Code.ok(n);
      });
    });
  }

  /** blkdev_fsync: the page cache written back; EIO if that fails (rundown, or the backing file's error). */
  @Override
  public Code fsync() {
    return peek(v -> syncBlockdev(v, CALL_FSYNC, ok -> {
      if (ok) {
        return Code.ok(0);
      }
      world.emit(new LoopEvents.WritebackErrorReported(name, CALL_FSYNC));
      return Code.err(Errno.EIO);
    }));
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
   */
  @Override
  public Code asDynBlockDevice() {
    return Code.then(claim(false, true), claimed -> peek(v -> {
      if (v.file() == null || v.cache() == null) {
        return Code.bind(release(false, true), x -> Code.err(Errno.EIO));
      }
      return LoopBlockDevice.create(world, name, v.cache(), v.readOnly(), this);
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
      return writeback.writebackBuffer(file, cd, ok -> ok
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
