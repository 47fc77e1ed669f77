package kernsim.dev.loop;

import static kernsim.dev.loop.LoopAbi.LO_FLAGS_READ_ONLY;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import kernsim.dev.file.BackingFile;
import kernsim.dev.loop.LoopAbi.HdGeometry;
import kernsim.dev.loop.LoopAbi.LoopConfig;
import kernsim.dev.loop.LoopAbi.LoopInfo;
import kernsim.dev.loop.LoopAbi.LoopInfo64;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The syscall side of {@code /dev/loopN} as {@link Code} a hart runs: every ioctl of the source,
 * {@code open}/{@code close}, {@code read_at}/{@code write_at}, {@code as_dyn_block_device},
 * {@code flush_cache_to_file} and {@code writeback_buffer}. Each lock region of the source is one
 * message to the owner of the data ({@link LoopDevice}, {@link CacheData}, a backing file); a mutex
 * held across regions is taken and released with Lock/Unlock messages, and released in the source's
 * drop order (the block_cache guard before the file guard) on every return. Backing-file I/O is sent
 * with {@link Code#sleepingCall}.
 *
 * <p>Results: {@code SysResult.Ok(0)} or {@code Err(errno)}; getters put what the source writes to the
 * user's pointer in {@code Ok.data} (a {@code Long}, a {@link LoopInfo}, {@link LoopInfo64} or
 * {@link HdGeometry}); {@link #asDynBlockDevice()} puts the {@link LoopBlockDevice}; {@link #readAt}
 * the bytes. {@link #writebackBuffer} ends in a {@code Boolean}, as the source's does.
 *
 * <p>Not modelled: faults copying from or to user memory (EFAULT), and {@code mmap}.
 */
public final class LoopIoctls {
  /** The calls that promise persistence ({@link LoopEvents.PersistReturned#call}). */
  public static final String CALL_BLKFLSBUF = "BLKFLSBUF";
  public static final String CALL_CLR_FD = "LOOP_CLR_FD";
  public static final String CALL_UMOUNT = "umount-writeback";

  private static final int SECTOR = 512;

  private final World world;
  private final ActorRef<LoopDevice.Command> dev;
  private final int number;
  private final String name;
  private final Semantics semantics;
  /** The linux profile's code (null under starry): every entry point below hands over to it. */
  private final LinuxLoop linux;
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
    this.uevents = uevents;
    this.world = Objects.requireNonNull(world, "world");
    this.dev = Objects.requireNonNull(dev, "dev");
    this.number = number;
    this.name = LoopDevice.deviceName(number);
    this.semantics = Objects.requireNonNull(semantics, "semantics");
    this.linux = semantics.linux() ? new LinuxLoop(world, dev, number, this) : null;
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

  /** {@code ioctl(fd, number, arg)}: numbers the source does not handle end in ENOTTY. */
  public Code ioctl(int command, IoctlArg arg) {
    return ioctl(command, arg, false);
  }

  /**
   * {@code ioctl} on an fd opened with O_EXCL or not ({@code exclusiveFd}: under linux, LOOP_SET_FD and
   * LOOP_CONFIGURE then skip the exclusive-claim check, as loop_configure does). Under linux numbers
   * neither the block layer nor the loop driver handles are EINVAL.
   */
  public Code ioctl(int command, IoctlArg arg, boolean exclusiveFd) {
    LoopIoctl c = LoopIoctl.byNumber(command);
    if (linux != null) {
      Code code = linux.ioctl(command, arg, exclusiveFd);
      return c == null ? code : published(c, code);
    }
    return c == null ? Code.err(Errno.ENOTTY) : published(c, ioctl(c, arg));
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

  /**
   * {@code ioctl} by name. {@code arg} is what the command reads from the user: an
   * {@link IoctlArg.File} (LOOP_SET_FD), an {@link IoctlArg.Config}, an {@link IoctlArg.Status} /
   * {@link IoctlArg.Status64} (SET_STATUS[64]), an {@link IoctlArg.Int} (BLKROSET, BLKRASET);
   * {@link IoctlArg.None} otherwise.
   */
  public Code ioctl(LoopIoctl command, IoctlArg arg) {
    if (linux != null) {
      return linux.ioctl(command, arg, false);
    }
    return switch (command) {
      case LOOP_SET_FD -> setFd(arg(arg, IoctlArg.File.class, command).fd());
      case LOOP_CLR_FD -> clrFd();
      case LOOP_GET_STATUS -> getStatus();
      case LOOP_SET_STATUS -> setStatus(arg(arg, IoctlArg.Status.class, command).info());
      case LOOP_GET_STATUS64 -> getStatus64();
      case LOOP_SET_STATUS64 -> setStatus64(arg(arg, IoctlArg.Status64.class, command).info());
      case LOOP_CONFIGURE -> {
        IoctlArg.Config a = arg(arg, IoctlArg.Config.class, command);
        yield configure(a.config(), a.fd());
      }
      case BLKGETSIZE -> blkGetSize(false);
      case BLKGETSIZE64 -> blkGetSize(true);
      case BLKSSZGET, BLKPBSZGET, BLKIOMIN, BLKIOOPT -> Code.done(SysResult.ok(0, (long) SECTOR));
      case BLKROGET -> blkRoGet();
      case BLKROSET -> blkRoSet(intArg(arg, command));
      case BLKRAGET -> blkRaGet();
      case BLKRASET -> blkRaSet(intArg(arg, command));
      case BLKRRPART -> Code.ok(0); // no partition table: a no-op
      case BLKPG -> Code.err(Errno.ENOTTY); // partitions are not supported
      case BLKFLSBUF -> blkFlsBuf();
      case HDIO_GETGEO -> hdioGetGeo();
      case LOOP_CHANGE_FD, LOOP_SET_CAPACITY, LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE -> Code.err(Errno.ENOTTY);
    };
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

  // ==== LOOP_SET_FD, LOOP_CLR_FD, LOOP_CONFIGURE ====

  /** LOOP_SET_FD: EBUSY if bound; the device becomes read-only iff the fd was opened O_RDONLY. */
  public Code setFd(FdArg fd) {
    if (fd instanceof FdArg.Bad bad) {
      return Code.err(bad.errno()); // fd < 0, get_file_like, downcast: all before the lock
    }
    BoundFile file = ((FdArg.Resolved) fd).file();
    return lockFile(cur -> {
      if (cur != null) {
        return unlockFile(() -> Code.err(Errno.EBUSY));
      }
      // Under the file lock: set_lo_flags (two stores), then *guard = Some(file), then the guard drops.
      return setLoFlags(file.readOnlyOpen() ? LO_FLAGS_READ_ONLY : 0,
          () -> setFile(file, () -> unlockFile(() -> Code.ok(0))));
    });
  }

  /**
   * LOOP_CLR_FD: holds the file lock throughout; under the block_cache lock refuses a mounted cache
   * (EBUSY), refuses a dirty cache on a read-only device (EIO), writes a dirty cache back (EIO on
   * failure); then takes the block_cache lock again to empty the slot, and clears file, name and flags
   * (not {@code ro}).
   */
  public Code clrFd() {
    return lockFile(file -> {
      if (file == null) {
        return unlockFile(() -> Code.err(Errno.ENXIO));
      }
      return lockCache(cd -> {
        if (cd == null) {
          return clrFdFinish(file, null, false);
        }
        return loadMounted(cd, mounted -> {
          if (mounted) {
            return unlockCache(() -> unlockFile(() -> Code.err(Errno.EBUSY)));
          }
          return loadDirty(cd, dirty -> {
            if (!dirty) {
              return clrFdFinish(file, cd, false);
            }
            return loadRo(ro -> {
              if (ro) {
                return unlockCache(() -> unlockFile(() -> Code.err(Errno.EIO)));
              }
              return Code.bind(writebackBuffer(file, cd), ok -> {
                if (!(Boolean) ok) {
                  return unlockCache(() -> unlockFile(() -> Code.err(Errno.EIO)));
                }
                return storeDirty(cd, false, () -> clrFdFinish(file, cd, true));
              });
            });
          });
        });
      });
    });
  }

  /** From {@code drop(cache)} on: the slot is emptied under a second block_cache region. */
  private Code clrFdFinish(BoundFile file, CacheRef cd, boolean wroteBack) {
    return unlockCache(() -> lockCache(again -> clearCache(again, () -> unlockCache(
        () -> setFile(null, () -> storeName(new byte[LoopAbi.LO_NAME_SIZE], () -> storeFlags(0,
            () -> unlockFile(() -> persisted(CALL_CLR_FD, cd, file, wroteBack)))))))));
  }

  /**
   * LOOP_CONFIGURE: EBUSY if bound; binds under the file lock, then (unlocked) stores the name and the
   * flags, adding LO_FLAGS_READ_ONLY when the fd was opened O_RDONLY.
   */
  public Code configure(LoopConfig config, FdArg fd) {
    if (fd instanceof FdArg.Bad bad) {
      return Code.err(bad.errno());
    }
    BoundFile file = ((FdArg.Resolved) fd).file();
    int flags = config.info().flags() | (file.readOnlyOpen() ? LO_FLAGS_READ_ONLY : 0);
    return lockFile(cur -> {
      if (cur != null) {
        return unlockFile(() -> Code.err(Errno.EBUSY));
      }
      if (semantics.has(Fix.CONFIGURE_FLAGS_FIRST)) {
        // As LOOP_SET_FD does: the flags (and ro) are stored before the file is published.
        return setLoFlags(flags, () -> setFile(file, () -> unlockFile(() -> storeName(config.info().fileName(),
            () -> Code.ok(0)))));
      }
      return setFile(file, () -> unlockFile(() -> storeName(config.info().fileName(),
          () -> setLoFlags(flags, () -> Code.ok(0)))));
    });
  }

  // ==== status ====

  /** LOOP_GET_STATUS ({@code get_info}): ENXIO unbound; the name up to its first NUL. */
  public Code getStatus() {
    return requireBound(() -> loadFlags(flags -> readName(name -> {
      byte[] out = new byte[LoopAbi.LO_NAME_SIZE];
      for (int i = 0; i < name.length; i++) {
        out[i] = name[i];
        if (name[i] == 0) {
          break;
        }
      }
      return Code.done(SysResult.ok(0,
          new LoopInfo(number, 0, 0, LoopDevice.devId(number), 0, 0, flags, out)));
    })));
  }

  /**
   * LOOP_SET_STATUS: {@code set_info} is a no-op; under the file_name lock the name is overwritten up
   * to and including the new name's first NUL (the bytes after it stay), and the guard is still held
   * while set_lo_flags stores flags and ro. No bound check.
   */
  public Code setStatus(LoopInfo info) {
    byte[] src = info.name();
    return lockName(name -> {
      byte[] merged = name.clone();
      for (int i = 0; i < src.length; i++) {
        merged[i] = src[i];
        if (src[i] == 0) {
          break;
        }
      }
      return setLoFlags(info.flags(), () -> unlockName(merged, () -> Code.ok(0)));
    });
  }

  /** LOOP_GET_STATUS64 ({@code get_info64}): ENXIO unbound; all 64 name bytes, then the flags. */
  public Code getStatus64() {
    return requireBound(() -> readName(name -> loadFlags(flags -> Code.done(SysResult.ok(0,
        new LoopInfo64(0, 0, LoopDevice.devId(number), 0, 0, number, 0, flags, name, null))))));
  }

  /** LOOP_SET_STATUS64: stores the whole name, then the flags. No bound check. */
  public Code setStatus64(LoopInfo64 info) {
    return storeName(info.fileName(), () -> setLoFlags(info.flags(), () -> Code.ok(0)));
  }

  /** {@code if self.file.lock().is_none() { ENXIO }}: one file-lock region. */
  private Code requireBound(Supplier<Code> next) {
    return lockFile(f -> unlockFile(() -> f == null ? Code.err(Errno.ENXIO) : next.get()));
  }

  // ==== BLK* and HDIO_GETGEO ====

  /** BLKGETSIZE (sectors, as u32) / BLKGETSIZE64 (bytes, rounded down to a sector): ENXIO unbound. */
  public Code blkGetSize(boolean bytes) {
    return cloneFile(f -> {
      if (f == null) {
        return Code.err(Errno.ENXIO);
      }
      return length(f, len -> {
        if (len instanceof SysResult.Err e) {
          return Code.done(e);
        }
        long sectors = ((SysResult.Ok) len).value() / SECTOR;
        return Code.done(SysResult.ok(0, bytes ? sectors * SECTOR : sectors & 0xFFFF_FFFFL));
      });
    });
  }

  public Code blkRoGet() {
    return loadRo(ro -> Code.done(SysResult.ok(0, ro ? 1L : 0L)));
  }

  /** BLKROSET: EINVAL unless 0 or 1; then a load of flags and set_lo_flags (not atomic as a whole). */
  public Code blkRoSet(int ro) {
    if (ro != 0 && ro != 1) {
      return Code.err(Errno.EINVAL);
    }
    return loadFlags(flags -> setLoFlags(
        ro != 0 ? flags | LO_FLAGS_READ_ONLY : flags & ~LO_FLAGS_READ_ONLY, () -> Code.ok(0)));
  }

  public Code blkRaGet() {
    return LoopDevice.loadRa(dev, ra -> Code.done(SysResult.ok(0, (long) ra & 0xFFFF_FFFFL)));
  }

  public Code blkRaSet(int ra) {
    return Code.call(dev, r -> new LoopDevice.StoreRa(ra, r), "ra.store", v -> Code.ok(0));
  }

  /**
   * BLKFLSBUF: the file is cloned under its lock and the lock released; then under the block_cache
   * lock, if there are a cache and a file: EIO on a read-only device, nothing to do unless
   * {@code dirty.swap(false)} was true, else write back (on failure dirty is restored and EIO).
   */
  public Code blkFlsBuf() {
    return cloneFile(file -> lockCache(cd -> {
      if (cd == null || file == null) {
        return unlockCache(() -> persisted(CALL_BLKFLSBUF, cd, file, false));
      }
      return loadRo(ro -> {
        if (ro) {
          return unlockCache(() -> Code.err(Errno.EIO));
        }
        return swapDirty(cd, was -> {
          if (!was) {
            return unlockCache(() -> persisted(CALL_BLKFLSBUF, cd, file, false));
          }
          return Code.bind(writebackBuffer(file, cd), ok -> (Boolean) ok
              ? unlockCache(() -> persisted(CALL_BLKFLSBUF, cd, file, true))
              : storeDirty(cd, true, () -> unlockCache(() -> Code.err(Errno.EIO))));
        });
      });
    }));
  }

  /**
   * HDIO_GETGEO: 64 heads, 32 sectors, cylinders from the file's size (0 unbound). The file lock is a
   * temporary of the {@code match} scrutinee, so it stays held while the size is read.
   */
  public Code hdioGetGeo() {
    return lockFile(f -> {
      if (f == null) {
        return unlockFile(() -> geometry(0));
      }
      return length(f, len -> unlockFile(() -> geometry(len instanceof SysResult.Ok ok ? ok.value() : 0)));
    });
  }

  private static Code geometry(long size) {
    int heads = 64;
    int sectors = 32;
    int cyl = size > 0 ? (int) ((size / ((long) heads * sectors * SECTOR)) & 0xFFFF) : 0;
    return Code.done(SysResult.ok(0, new HdGeometry(heads, sectors, cyl, 0)));
  }

  // ==== open, close, read, write ====

  /** {@code open(exclusive)}: EBUSY if the device is held exclusively (or, exclusive, already). */
  public Code open(boolean exclusive) {
    if (linux != null) {
      return linux.open(exclusive);
    }
    return Code.call(dev, r -> new LoopDevice.Open(exclusive, r), "open", Code::done);
  }

  public Code close(boolean exclusive) {
    if (linux != null) {
      return linux.close(exclusive);
    }
    return Code.call(dev, r -> new LoopDevice.Close(exclusive, r), "close", Code::done);
  }

  /** {@code read_at}: EPERM unbound; reads through the backing file. Ends in {@code Ok(n, bytes)}. */
  public Code readAt(long offset, int length) {
    if (linux != null) {
      return linux.readAt(offset, length);
    }
    return cloneFile(f -> f == null
        ? Code.err(Errno.EPERM)
        : Code.sleepingCall(f.ref(), r -> new BackingFile.ReadAt(offset, length, r), "read_at", Code::done));
  }

  /**
   * {@code write_at}: EROFS on a read-only device (checked before the file), EPERM unbound. With
   * {@link Fix#WRITE_AT_FILE_FIRST} the file is cloned first and {@code ro} read after it, so a file
   * published after its flags (LOOP_SET_FD) is never written with a stale {@code ro}.
   */
  public Code writeAt(long offset, byte[] data) {
    if (linux != null) {
      return linux.writeAt(offset, data);
    }
    byte[] copy = data.clone();
    if (semantics.has(Fix.WRITE_AT_FILE_FIRST)) {
      return cloneFile(f -> f == null ? Code.err(Errno.EPERM)
          : loadRo(ro -> ro ? Code.err(Errno.EROFS) : backingWrite(f, offset, copy, "write_at", Code::done)));
    }
    return loadRo(ro -> ro
        ? Code.err(Errno.EROFS)
        : cloneFile(f -> f == null ? Code.err(Errno.EPERM) : backingWrite(f, offset, copy, "write_at", Code::done)));
  }

  /**
   * A userspace mkfs through {@code /dev/loopN}: the image (made from the backing file's length by
   * {@code image}; null means the device is too small: ENOSPC) written with one {@code write_at} at
   * offset 0, then the backing file synced (fsync of the device file). EROFS on a read-only device,
   * EPERM unbound, as {@link #writeAt}. The block cache is not involved, as in the source.
   */
  public Code format(java.util.function.LongFunction<byte[]> image) {
    if (linux != null) {
      return linux.format(image);
    }
    return loadRo(ro -> ro ? Code.err(Errno.EROFS) : cloneFile(f -> f == null ? Code.err(Errno.EPERM)
        : length(f, len -> {
          byte[] img = len instanceof SysResult.Ok ok ? image.apply(ok.value()) : null;
          if (img == null) {
            return Code.err(Errno.ENOSPC);
          }
          return backingWrite(f, 0, img, "write_at", w -> w instanceof SysResult.Err ? Code.done(w)
              : Code.bind(sync(f), synced -> (Boolean) synced ? Code.ok(0) : Code.err(Errno.EIO)));
        })));
  }

  /**
   * fsync/fdatasync of the device file. starry's device has no fsync of its own: nothing to do, 0.
   * Under linux {@code blkdev_fsync}: the page cache written back, EIO if that fails.
   */
  /**
   * Reading {@code /sys/block/loopN/loop/backing_file} ({@code loop_attr_backing_file_show}): the bound
   * file's path and a newline, {@code Ok(length, String)}; ENOENT when no file is bound (the attribute's
   * group is not there).
   */
  public Code backingFilePath() {
    return LoopDevice.loadBackingPath(dev,
        path -> path == null ? Code.err(Errno.ENOENT) : Code.done(SysResult.ok(path.length() + 1, path + "\n")));
  }

  public Code fsync() {
    return linux != null ? linux.fsync() : Code.ok(0);
  }

  // ==== the ext4 block adapter ====

  /**
   * {@code as_dyn_block_device}, in the source's three steps: (1) under the block_cache lock, EBUSY if
   * the current cache is mounted, write it back if dirty (EIO, dirty restored, on a read-only device or
   * a failed write-back), empty the slot; (2) unlocked, read the whole backing file chunk by chunk; (3)
   * under the lock again, install a new cache; then the adapter stores {@code mounted}. Ends in
   * {@code Ok(0, LoopBlockDevice)}.
   */
  public Code asDynBlockDevice() {
    if (linux != null) {
      return linux.asDynBlockDevice();
    }
    return cloneFile(file -> {
      if (file == null) {
        return Code.err(Errno.ENXIO);
      }
      return length(file, lenResult -> {
        int len = lenResult instanceof SysResult.Ok ok ? (int) ok.value() : 0; // unwrap_or(0)
        return lockCache(cd -> {
          Supplier<Code> readAndInstall = () -> readChunks(file, len, 0, new ArrayList<>(),
              chunks -> installStep(file, chunks, len));
          Supplier<Code> clear = () -> clearCache(cd, () -> unlockCache(readAndInstall));
          if (cd == null) {
            return clear.get();
          }
          return loadMounted(cd, mounted -> {
            if (mounted) {
              return unlockCache(() -> Code.err(Errno.EBUSY));
            }
            return swapDirty(cd, was -> {
              if (!was) {
                return clear.get();
              }
              return loadRo(ro -> {
                if (ro) {
                  return storeDirty(cd, true, () -> unlockCache(() -> Code.err(Errno.EIO)));
                }
                return Code.bind(writebackBuffer(file, cd), ok -> (Boolean) ok
                    ? clear.get()
                    : storeDirty(cd, true, () -> unlockCache(() -> Code.err(Errno.EIO))));
              });
            });
          });
        });
      });
    });
  }

  /**
   * Step (3): under the block_cache lock, install a fresh cache; then (unlocked) read {@code ro} and make
   * the adapter, which stores {@code mounted = true}. The fixes change this step:
   * {@link Fix#MOUNT_RECHECK_FILE} takes the file lock first (the same order as LOOP_CLR_FD) and refuses
   * with ENXIO if the file read in step (2) is no longer bound; {@link Fix#MOUNT_RECHECK_SLOT} refuses
   * with EBUSY if another cache was installed since step (1); {@link Fix#MARK_MOUNTED_AT_INSTALL} stores
   * {@code mounted = true} before the cache lock is released.
   */
  private Code installStep(BoundFile file, List<byte[]> chunks, int len) {
    Supplier<Code> install = () -> lockCache(x -> {
      if (x != null && semantics.has(Fix.MOUNT_RECHECK_SLOT)) {
        Supplier<Code> busy = () -> Code.err(Errno.EBUSY);
        return unlockCache(semantics.has(Fix.MOUNT_RECHECK_FILE) ? () -> unlockFile(busy) : busy);
      }
      return installCache(chunks, len, fresh -> {
        Supplier<Code> rest = () -> unlockCache(() -> {
          Supplier<Code> adapter = () -> loadRo(ro -> LoopBlockDevice.create(world, name, fresh, ro));
          return semantics.has(Fix.MOUNT_RECHECK_FILE) ? unlockFile(adapter) : adapter.get();
        });
        if (semantics.has(Fix.MARK_MOUNTED_AT_INSTALL)) {
          return Code.call(fresh.ref(), r -> new CacheData.StoreMounted(true, r), "mounted.store(true)", v -> rest.get());
        }
        return rest.get();
      });
    });
    if (!semantics.has(Fix.MOUNT_RECHECK_FILE)) {
      return install.get();
    }
    return lockFile(now -> now == null || !now.equals(file)
        ? unlockFile(() -> Code.err(Errno.ENXIO))
        : install.get());
  }

  /** Step (2): chunk {@code index} of the file read into a zero-padded 4 KiB chunk; a short read is EIO. */
  private Code readChunks(BoundFile file, int len, int offset, List<byte[]> chunks, Function<List<byte[]>, Code> then) {
    if (offset >= len) {
      return then.apply(chunks);
    }
    int toRead = Math.min(CacheData.CACHE_BLK, len - offset);
    return Code.sleepingCall(file.ref(), r -> new BackingFile.ReadAt(offset, toRead, r), "read_at", v -> {
      if (v instanceof SysResult.Err e) {
        return Code.done(e);
      }
      SysResult.Ok ok = (SysResult.Ok) v;
      if (ok.value() != toRead) {
        return Code.err(Errno.EIO);
      }
      List<byte[]> next = new ArrayList<>(chunks);
      next.add(Arrays.copyOf((byte[]) ok.data(), CacheData.CACHE_BLK));
      return readChunks(file, len, offset + toRead, next, then);
    });
  }

  /**
   * {@code flush_cache_to_file}, the write-back after umount: clones the file, then under the
   * block_cache lock, if there is a cache: claims {@code dirty}; if it was dirty and there is a file,
   * writes back unless the device is read-only (either failure restores dirty and ends in EIO); then
   * stores {@code mounted = false} on whatever cache is current. A dirty cache with no file loses its
   * dirty flag and succeeds, as in the source.
   */
  public Code flushCacheToFile() {
    if (linux != null) {
      return Code.ok(0); // the adapter's drop already synced and released the device (LinuxLoop#umountWriteback)
    }
    return cloneFile(file -> lockCache(cd -> {
      if (cd == null) {
        return unlockCache(() -> persisted(CALL_UMOUNT, null, file, false));
      }
      return swapDirty(cd, was -> {
        if (!was || file == null) {
          return umountFinish(cd, file, false, false);
        }
        return loadRo(ro -> Code.bind(ro ? Code.done(false) : writebackBuffer(file, cd), ok -> (Boolean) ok
            ? umountFinish(cd, file, false, true)
            : storeDirty(cd, true, () -> umountFinish(cd, file, true, false))));
      });
    }));
  }

  private Code umountFinish(CacheRef cd, BoundFile file, boolean failed, boolean wroteBack) {
    Supplier<Code> finish = () -> unlockCache(() -> failed ? Code.err(Errno.EIO) : persisted(CALL_UMOUNT, cd, file, wroteBack));
    if (semantics.has(Fix.FLUSH_OWN_CACHE)) {
      return finish.get(); // the unmounted adapter's drop already cleared mounted on its own cache
    }
    return Code.call(cd.ref(), r -> new CacheData.StoreMounted(false, r), "mounted.store(false)", v -> finish.get());
  }

  /**
   * {@code writeback_buffer}: the chunk count in one blocks-lock region, then per chunk one region
   * copying {@code min(4096, total_len - offset)} bytes and (unlocked) writes of them until all are
   * written; then a sync. Ends in {@code Boolean}: false on a failed or zero-length write or a failed
   * sync.
   */
  public Code writebackBuffer(BoundFile file, CacheRef cd) {
    return CacheData.chunkCount(cd, n -> writebackChunk(file, cd, 0, n, 0));
  }

  private Code writebackChunk(BoundFile file, CacheRef cd, int i, int nchunks, long offset) {
    if (i >= nchunks) {
      return sync(file);
    }
    return CacheData.copyChunk(cd, i, offset, chunk -> {
      if (!chunk.present() || chunk.bytes().length == 0) {
        return sync(file); // break: no such chunk, or nothing left to write
      }
      byte[] buf = chunk.bytes();
      return writeAll(file, buf, 0, offset, () -> writebackChunk(file, cd, i + 1, nchunks, offset + buf.length));
    });
  }

  private Code writeAll(BoundFile file, byte[] buf, int written, long offset, Supplier<Code> next) {
    if (written >= buf.length) {
      return next.get();
    }
    byte[] part = Arrays.copyOfRange(buf, written, buf.length);
    return backingWrite(file, offset + written, part, "writeback", v -> {
      if (v instanceof SysResult.Ok ok && ok.value() > 0) {
        return writeAll(file, buf, written + (int) ok.value(), offset, next);
      }
      return Code.done(false); // Ok(0): stalled; Err: failed
    });
  }

  private Code sync(BoundFile file) {
    return Code.sleepingCall(file.ref(), BackingFile.Sync::new, "sync", v -> Code.done(v.isOk()));
  }

  // ==== regions at the device ====

  private Code lockFile(Function<BoundFile, Code> then) {
    return LoopDevice.lockFile(dev, slot -> then.apply(slot.file()));
  }

  private Code unlockFile(Supplier<Code> then) {
    return Code.call(dev, LoopDevice.UnlockFile::new, "file.unlock", v -> then.get());
  }

  private Code setFile(BoundFile file, Supplier<Code> then) {
    return Code.call(dev, r -> new LoopDevice.SetFile(file, r), "file.set", v -> then.get());
  }

  /** {@code self.file.lock().clone()}: one file-lock region. */
  private Code cloneFile(Function<BoundFile, Code> then) {
    return lockFile(f -> unlockFile(() -> then.apply(f)));
  }

  private Code lockCache(Function<CacheRef, Code> then) {
    return LoopDevice.lockCache(dev, slot -> then.apply(slot.cache()));
  }

  private Code unlockCache(Supplier<Code> then) {
    return Code.call(dev, LoopDevice.UnlockCache::new, "block_cache.unlock", v -> then.get());
  }

  /** {@code cache.data = None}; nothing to send when the slot (as granted) is already empty. */
  private Code clearCache(CacheRef granted, Supplier<Code> then) {
    if (granted == null) {
      return then.get();
    }
    return Code.call(dev, LoopDevice.ClearCache::new, "block_cache.clear", v -> then.get());
  }

  private Code installCache(List<byte[]> chunks, int len, Function<CacheRef, Code> then) {
    return LoopDevice.installCache(dev, chunks, len, then);
  }

  private Code loadRo(Function<Boolean, Code> then) {
    return LoopDevice.loadRo(dev, then);
  }

  private Code loadFlags(IntFunction<Code> then) {
    return LoopDevice.loadFlags(dev, then::apply);
  }

  private Code storeFlags(int flags, Supplier<Code> then) {
    return Code.call(dev, r -> new LoopDevice.StoreFlags(flags, r), "flags.store", v -> then.get());
  }

  /** {@code set_lo_flags}: two separate atomic stores, flags then ro. */
  private Code setLoFlags(int flags, Supplier<Code> then) {
    return storeFlags(flags, () -> Code.call(dev, r -> new LoopDevice.StoreRo((flags & LO_FLAGS_READ_ONLY) != 0, r),
        "ro.store", v -> then.get()));
  }

  private Code lockName(Function<byte[], Code> then) {
    return LoopDevice.lockName(dev, slot -> then.apply(slot.name()));
  }

  /** Releases file_name, storing {@code name} first unless it is null. */
  private Code unlockName(byte[] name, Supplier<Code> then) {
    byte[] copy = name == null ? null : name.clone();
    return Code.call(dev, r -> new LoopDevice.UnlockName(copy, r), "file_name.unlock", v -> then.get());
  }

  /** {@code *self.file_name.lock()} read: a file_name region. */
  private Code readName(Function<byte[], Code> then) {
    return lockName(name -> unlockName(null, () -> then.apply(name)));
  }

  /** {@code *self.file_name.lock() = name}: a file_name region. */
  private Code storeName(byte[] name, Supplier<Code> then) {
    return lockName(old -> unlockName(name, then));
  }

  // ==== regions at a cache and a file ====

  private static Code loadMounted(CacheRef cd, Function<Boolean, Code> then) {
    return CacheData.loadMounted(cd, then);
  }

  private static Code loadDirty(CacheRef cd, Function<Boolean, Code> then) {
    return CacheData.loadDirty(cd, then);
  }

  /** {@code dirty.swap(false)}. */
  private static Code swapDirty(CacheRef cd, Function<Boolean, Code> then) {
    return CacheData.swapDirty(cd, then);
  }

  private static Code storeDirty(CacheRef cd, boolean value, Supplier<Code> then) {
    return Code.call(cd.ref(), r -> new CacheData.StoreDirty(value, r), "dirty.store", v -> then.get());
  }

  private static Code length(BoundFile f, Function<Object, Code> then) {
    return Code.sleepingCall(f.ref(), BackingFile.Length::new, "len", then);
  }

  /** A write to the backing file; once it has reached the file, a {@link LoopEvents.BackingWrite}. */
  private Code backingWrite(BoundFile f, long offset, byte[] data, String via, Function<Object, Code> then) {
    return Code.sleepingCall(f.ref(), r -> new BackingFile.WriteAt(offset, data, r), via, v -> {
      if (v instanceof SysResult.Ok) {
        world.emit(new LoopEvents.BackingWrite(name, world.keyOf(f.ref()), offset, data.length, f.readOnlyOpen(), via));
      }
      return then.apply(v);
    });
  }

  /**
   * Success of a call that promises persistence, with a {@link LoopEvents.PersistReturned}. Emits when
   * built, so call it only from a continuation (when the hart reaches the return).
   */
  private Code persisted(String call, CacheRef cd, BoundFile file, boolean wroteBack) {
    world.emit(new LoopEvents.PersistReturned(name, call, cd == null ? null : cd.id(),
        file == null ? null : world.keyOf(file.ref()), wroteBack));
    return Code.ok(0);
  }

  @Override
  public String toString() {
    return "LoopIoctls(" + name + ")";
  }
}
