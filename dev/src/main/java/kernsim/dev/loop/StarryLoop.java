package kernsim.dev.loop;

import static kernsim.dev.loop.LoopAbi.LO_FLAGS_READ_ONLY;

import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.loop.LoopAbi.HdGeometry;
import kernsim.dev.loop.LoopAbi.LoopConfig;
import kernsim.dev.loop.LoopAbi.LoopInfo;
import kernsim.dev.loop.LoopAbi.LoopInfo64;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * {@code /dev/loopN} as starry-kernel has it ({@code shared/seeds/starry-loop-device.rs}, the
 * {@code starry} profile): every ioctl of the source, {@code open}/{@code close},
 * {@code read_at}/{@code write_at}, {@code as_dyn_block_device} and {@code flush_cache_to_file}. Each
 * lock region of the source is one message to the owner of the data ({@link LoopDevice},
 * {@link CacheData}, a backing file); a mutex held across regions is taken and released with
 * Lock/Unlock messages, and released in the source's drop order (the block_cache guard before the file
 * guard) on every return. Backing-file I/O is sleeping; {@code writeback_buffer} is {@link Writeback}'s.
 * The {@link Fix}es of the semantics change the steps they name.
 *
 * <p>Not modelled: faults copying from or to user memory (EFAULT), and {@code mmap}.
 */
final class StarryLoop implements LoopDriver {
  private static final int SECTOR = 512;

  private final World world;
  private final ActorRef<LoopDevice.Command> dev;
  private final int number;
  private final String name;
  private final Semantics semantics;
  private final Writeback writeback;

  StarryLoop(World world, ActorRef<LoopDevice.Command> dev, int number, Semantics semantics) {
    this.world = world;
    this.dev = dev;
    this.number = number;
    this.name = LoopDevice.deviceName(number);
    this.semantics = semantics;
    this.writeback = new Writeback(world, name);
  }

  // ==== the ioctl entry point ====

  @Override
  public Code unknownIoctl() {
    return Code.err(Errno.ENOTTY);
  }

  /** The source ignores how the ioctl's fd was opened. */
  @Override
  public Code ioctl(LoopIoctl command, IoctlArg arg, boolean exclusiveFd) {
    return switch (command) {
      case LOOP_SET_FD -> setFd(LoopIoctls.arg(arg, IoctlArg.File.class, command).fd());
      case LOOP_CLR_FD -> clrFd();
      case LOOP_GET_STATUS -> getStatus();
      case LOOP_SET_STATUS -> setStatus(LoopIoctls.arg(arg, IoctlArg.Status.class, command).info());
      case LOOP_GET_STATUS64 -> getStatus64();
      case LOOP_SET_STATUS64 -> setStatus64(LoopIoctls.arg(arg, IoctlArg.Status64.class, command).info());
      case LOOP_CONFIGURE -> {
        IoctlArg.Config a = LoopIoctls.arg(arg, IoctlArg.Config.class, command);
        yield configure(a.config(), a.fd());
      }
      case BLKGETSIZE -> blkGetSize(false);
      case BLKGETSIZE64 -> blkGetSize(true);
      case BLKSSZGET, BLKPBSZGET, BLKIOMIN, BLKIOOPT -> Code.done(SysResult.ok(0, (long) SECTOR));
      case BLKROGET -> blkRoGet();
      case BLKROSET -> blkRoSet(LoopIoctls.intArg(arg, command));
      case BLKRAGET -> blkRaGet(dev);
      case BLKRASET -> blkRaSet(dev, LoopIoctls.intArg(arg, command));
      case BLKRRPART -> Code.ok(0); // no partition table: a no-op
      case BLKPG -> Code.err(Errno.ENOTTY); // partitions are not supported
      case BLKFLSBUF -> blkFlsBuf();
      case HDIO_GETGEO -> hdioGetGeo();
      case LOOP_CHANGE_FD, LOOP_SET_CAPACITY, LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE -> Code.err(Errno.ENOTTY);
    };
  }

  // ==== LOOP_SET_FD, LOOP_CLR_FD, LOOP_CONFIGURE ====

  /** LOOP_SET_FD: EBUSY if bound; the device becomes read-only iff the fd was opened O_RDONLY. */
  Code setFd(FdArg fd) {
    if (!(fd instanceof FdArg.Resolved resolved)) {
      return Code.err(((FdArg.Bad) fd).errno()); // fd < 0, get_file_like, downcast: all before the lock
    }
    BoundFile file = resolved.file();
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
  Code clrFd() {
    return lockFile(file -> {
      if (file == null) {
        return unlockFile(() -> Code.err(Errno.ENXIO));
      }
      return lockCache(cd -> {
        if (cd == null) {
          return clrFdFinish(file, null, false);
        }
        return CacheData.loadMounted(cd, mounted -> {
          if (mounted) {
            return unlockCache(() -> unlockFile(() -> Code.err(Errno.EBUSY)));
          }
          return CacheData.loadDirty(cd, dirty -> {
            if (!dirty) {
              return clrFdFinish(file, cd, false);
            }
            return loadRo(ro -> {
              if (ro) {
                return unlockCache(() -> unlockFile(() -> Code.err(Errno.EIO)));
              }
              return writeback.writebackBuffer(file, cd, ok -> {
                if (!ok) {
                  return unlockCache(() -> unlockFile(() -> reportedEio(LoopIoctls.CALL_CLR_FD)));
                }
                return CacheData.storeDirty(cd, false, () -> clrFdFinish(file, cd, true));
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
            () -> unlockFile(() -> persisted(LoopIoctls.CALL_CLR_FD, cd, file, wroteBack)))))))));
  }

  /**
   * LOOP_CONFIGURE: EBUSY if bound; binds under the file lock, then (unlocked) stores the name and the
   * flags, adding LO_FLAGS_READ_ONLY when the fd was opened O_RDONLY.
   */
  Code configure(LoopConfig config, FdArg fd) {
    if (!(fd instanceof FdArg.Resolved resolved)) {
      return Code.err(((FdArg.Bad) fd).errno());
    }
    BoundFile file = resolved.file();
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
  Code getStatus() {
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
  Code setStatus(LoopInfo info) {
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
  Code getStatus64() {
    return requireBound(() -> readName(name -> loadFlags(flags -> Code.done(SysResult.ok(0,
        new LoopInfo64(0, 0, LoopDevice.devId(number), 0, 0, number, 0, flags, name, null))))));
  }

  /** LOOP_SET_STATUS64: stores the whole name, then the flags. No bound check. */
  Code setStatus64(LoopInfo64 info) {
    return storeName(info.fileName(), () -> setLoFlags(info.flags(), () -> Code.ok(0)));
  }

  /** {@code if self.file.lock().is_none() { ENXIO }}: one file-lock region. */
  private Code requireBound(Supplier<Code> next) {
    return lockFile(f -> unlockFile(() -> f == null ? Code.err(Errno.ENXIO) : next.get()));
  }

  // ==== BLK* and HDIO_GETGEO ====

  /** BLKGETSIZE (sectors, as u32) / BLKGETSIZE64 (bytes, rounded down to a sector): ENXIO unbound. */
  Code blkGetSize(boolean bytes) {
    return blkGetSize(dev, bytes);
  }

  /**
   * The same for device {@code dev}: the file cloned under its lock, then its length. Shared: the
   * device file's length is this under both profiles ({@link LoopIoctls#blkGetSize}).
   */
  static Code blkGetSize(ActorRef<LoopDevice.Command> dev, boolean bytes) {
    return LoopDevice.lockFile(dev, slot -> LoopDevice.unlockFile(dev, () -> {
      BoundFile f = slot.file();
      if (f == null) {
        return Code.err(Errno.ENXIO);
      }
      return f.ref().length(len -> {
        if (!(len instanceof SysResult.Ok ok)) {
          return Code.done(len);
        }
        long sectors = ok.value() / SECTOR;
        return Code.done(SysResult.ok(0, bytes ? sectors * SECTOR : sectors & 0xFFFF_FFFFL));
      });
    }));
  }

  Code blkRoGet() {
    return loadRo(ro -> Code.done(SysResult.ok(0, ro ? 1L : 0L)));
  }

  /** BLKROSET: EINVAL unless 0 or 1; then a load of flags and set_lo_flags (not atomic as a whole). */
  Code blkRoSet(int ro) {
    if (ro != 0 && ro != 1) {
      return Code.err(Errno.EINVAL);
    }
    return loadFlags(flags -> setLoFlags(
        ro != 0 ? flags | LO_FLAGS_READ_ONLY : flags & ~LO_FLAGS_READ_ONLY, () -> Code.ok(0)));
  }

  /** BLKRAGET: the read-ahead atomic (the linux profile's too: {@code blkdev_common_ioctl}). */
  static Code blkRaGet(ActorRef<LoopDevice.Command> dev) {
    return LoopDevice.loadRa(dev, ra -> Code.done(SysResult.ok(0, (long) ra & 0xFFFF_FFFFL)));
  }

  /** BLKRASET: the read-ahead atomic stored (both profiles). */
  static Code blkRaSet(ActorRef<LoopDevice.Command> dev, int ra) {
    return LoopDevice.storeRa(dev, ra, () -> Code.ok(0));
  }

  /**
   * BLKFLSBUF: the file is cloned under its lock and the lock released; then under the block_cache
   * lock, if there are a cache and a file: EIO on a read-only device, nothing to do unless
   * {@code dirty.swap(false)} was true, else write back (on failure dirty is restored and EIO).
   */
  Code blkFlsBuf() {
    return cloneFile(file -> lockCache(cd -> {
      if (cd == null || file == null) {
        return unlockCache(() -> persisted(LoopIoctls.CALL_BLKFLSBUF, cd, file, false));
      }
      return loadRo(ro -> {
        if (ro) {
          return unlockCache(() -> Code.err(Errno.EIO));
        }
        return CacheData.swapDirty(cd, was -> {
          if (!was) {
            return unlockCache(() -> persisted(LoopIoctls.CALL_BLKFLSBUF, cd, file, false));
          }
          return writeback.writebackBuffer(file, cd, ok -> ok
              ? unlockCache(() -> persisted(LoopIoctls.CALL_BLKFLSBUF, cd, file, true))
              : CacheData.storeDirty(cd, true, () -> unlockCache(() -> reportedEio(LoopIoctls.CALL_BLKFLSBUF))));
        });
      });
    }));
  }

  /**
   * The write-back's EIO returned to the caller of {@code call}, observed as a
   * {@link LoopEvents.WritebackErrorReported}. Emits when built: call it only from a continuation.
   */
  private Code reportedEio(String call) {
    world.emit(new LoopEvents.WritebackErrorReported(name, call));
    return Code.err(Errno.EIO);
  }

  /**
   * HDIO_GETGEO: 64 heads, 32 sectors, cylinders from the file's size (0 unbound). The file lock is a
   * temporary of the {@code match} scrutinee, so it stays held while the size is read.
   */
  Code hdioGetGeo() {
    return lockFile(f -> {
      if (f == null) {
        return unlockFile(() -> geometry(0));
      }
      return Writeback.lengthOrZero(f, len -> unlockFile(() -> geometry(len)));
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
  @Override
  public Code open(boolean exclusive) {
    return LoopDevice.open(dev, exclusive);
  }

  @Override
  public Code close(boolean exclusive) {
    return LoopDevice.close(dev, exclusive);
  }

  /** {@code read_at}: EPERM unbound; reads through the backing file. Ends in {@code Ok(n, bytes)}. */
  @Override
  public Code readAt(long offset, int length) {
    return cloneFile(f -> f == null
        ? Code.err(Errno.EPERM)
        : f.ref().readAt(offset, length, Code::done));
  }

  /**
   * {@code write_at}: EROFS on a read-only device (checked before the file), EPERM unbound. With
   * {@link Fix#WRITE_AT_FILE_FIRST} the file is cloned first and {@code ro} read after it, so a file
   * published after its flags (LOOP_SET_FD) is never written with a stale {@code ro}.
   */
  @Override
  public Code writeAt(long offset, byte[] data) {
    byte[] copy = data.clone();
    if (semantics.has(Fix.WRITE_AT_FILE_FIRST)) {
      return cloneFile(f -> f == null ? Code.err(Errno.EPERM)
          : loadRo(ro -> ro ? Code.err(Errno.EROFS) : writeback.backingWrite(f, offset, copy, "write_at", Code::done)));
    }
    return loadRo(ro -> ro
        ? Code.err(Errno.EROFS)
        : cloneFile(f -> f == null ? Code.err(Errno.EPERM)
            : writeback.backingWrite(f, offset, copy, "write_at", Code::done)));
  }

  /**
   * A userspace mkfs through {@code /dev/loopN}: the image written with one {@code write_at} at offset
   * 0, then the backing file synced. EROFS on a read-only device, EPERM unbound, as {@link #writeAt};
   * ENOSPC when the device is too small. The block cache is not involved, as in the source.
   */
  @Override
  public Code format(LongFunction<byte[]> image) {
    return loadRo(ro -> ro ? Code.err(Errno.EROFS) : cloneFile(f -> f == null ? Code.err(Errno.EPERM)
        : f.ref().length(len -> {
          byte[] img = len instanceof SysResult.Ok ok ? image.apply(ok.value()) : null;
          if (img == null) {
            return Code.err(Errno.ENOSPC);
          }
          return writeback.backingWrite(f, 0, img, "write_at", w -> w instanceof SysResult.Err ? Code.done(w)
              : writeback.sync(f, synced -> synced ? Code.ok(0) : Code.err(Errno.EIO)));
        })));
  }

  /** starry's device has no fsync of its own: nothing to do, 0. */
  @Override
  public Code fsync() {
    return Code.ok(0);
  }

  // ==== the ext4 block adapter ====

  /**
   * {@code as_dyn_block_device}, in the source's three steps: (1) under the block_cache lock, EBUSY if
   * the current cache is mounted, write it back if dirty (EIO, dirty restored, on a read-only device or
   * a failed write-back), empty the slot; (2) unlocked, read the whole backing file chunk by chunk; (3)
   * under the lock again, install a new cache; then the adapter stores {@code mounted}. Ends in
   * {@code Ok(0, LoopBlockDevice)}.
   */
  @Override
  public Code asDynBlockDevice() {
    return cloneFile(file -> {
      if (file == null) {
        return Code.err(Errno.ENXIO);
      }
      return Writeback.lengthOrZero(file, length -> {
        int len = (int) (long) length; // unwrap_or(0)
        return lockCache(cd -> {
          Supplier<Code> readAndInstall = () -> Writeback.readChunks(file, len,
              bad -> bad instanceof SysResult.Err e ? Code.done(e) : Code.err(Errno.EIO), // a short read is EIO
              chunks -> installStep(file, chunks, len));
          Supplier<Code> clear = () -> clearCache(cd, () -> unlockCache(readAndInstall));
          if (cd == null) {
            return clear.get();
          }
          return CacheData.loadMounted(cd, mounted -> {
            if (mounted) {
              return unlockCache(() -> Code.err(Errno.EBUSY));
            }
            return CacheData.swapDirty(cd, was -> {
              if (!was) {
                return clear.get();
              }
              return loadRo(ro -> {
                if (ro) {
                  return CacheData.storeDirty(cd, true, () -> unlockCache(() -> Code.err(Errno.EIO)));
                }
                return writeback.writebackBuffer(file, cd, ok -> ok
                    ? clear.get()
                    : CacheData.storeDirty(cd, true, () -> unlockCache(() -> reportedEio("mount"))));
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
      return LoopDevice.installCache(dev, chunks, len, fresh -> {
        Supplier<Code> rest = () -> unlockCache(() -> {
          Supplier<Code> adapter = () -> loadRo(ro -> LoopBlockDevice.create(world, name, fresh, ro, this));
          return semantics.has(Fix.MOUNT_RECHECK_FILE) ? unlockFile(adapter) : adapter.get();
        });
        if (semantics.has(Fix.MARK_MOUNTED_AT_INSTALL)) {
          return CacheData.storeMounted(fresh, true, rest);
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

  /**
   * {@code flush_cache_to_file}, the write-back after umount: clones the file, then under the
   * block_cache lock, if there is a cache: claims {@code dirty}; if it was dirty and there is a file,
   * writes back unless the device is read-only (either failure restores dirty and ends in EIO); then
   * stores {@code mounted = false} on whatever cache is current. A dirty cache with no file loses its
   * dirty flag and succeeds, as in the source.
   */
  @Override
  public Code flushCacheToFile() {
    return cloneFile(file -> lockCache(cd -> {
      if (cd == null) {
        return unlockCache(() -> persisted(LoopIoctls.CALL_UMOUNT, null, file, false));
      }
      return CacheData.swapDirty(cd, was -> {
        if (!was || file == null) {
          return umountFinish(cd, file, false, false);
        }
        Function<Boolean, Code> written = ok -> ok
            ? umountFinish(cd, file, false, true)
            : CacheData.storeDirty(cd, true, () -> umountFinish(cd, file, true, false));
        return loadRo(ro -> ro ? written.apply(false) : writeback.writebackBuffer(file, cd, written));
      });
    }));
  }

  private Code umountFinish(CacheRef cd, BoundFile file, boolean failed, boolean wroteBack) {
    Supplier<Code> finish = () -> unlockCache(
        () -> failed ? reportedEio(LoopIoctls.CALL_UMOUNT) : persisted(LoopIoctls.CALL_UMOUNT, cd, file, wroteBack));
    if (semantics.has(Fix.FLUSH_OWN_CACHE)) {
      return finish.get(); // the unmounted adapter's drop already cleared mounted on its own cache
    }
    return CacheData.storeMounted(cd, false, finish);
  }

  /** The adapter's drop ends with its {@code mounted = false}. */
  @Override
  public Code afterAdapterDrop() {
    return Code.ok(0);
  }

  /** Nothing: the adapter's {@code flush()} is a no-op and the device has no fsync. */
  @Override
  public Code persistFromFs() {
    return Code.ok(0);
  }

  // ==== regions at the device ====

  private Code lockFile(Function<BoundFile, Code> then) {
    return LoopDevice.lockFile(dev, slot -> then.apply(slot.file()));
  }

  private Code unlockFile(Supplier<Code> then) {
    return LoopDevice.unlockFile(dev, then);
  }

  private Code setFile(BoundFile file, Supplier<Code> then) {
    return LoopDevice.setFile(dev, file, then);
  }

  /** {@code self.file.lock().clone()}: one file-lock region. */
  private Code cloneFile(Function<BoundFile, Code> then) {
    return lockFile(f -> unlockFile(() -> then.apply(f)));
  }

  private Code lockCache(Function<CacheRef, Code> then) {
    return LoopDevice.lockCache(dev, slot -> then.apply(slot.cache()));
  }

  private Code unlockCache(Supplier<Code> then) {
    return LoopDevice.unlockCache(dev, then);
  }

  /** {@code cache.data = None}; nothing to send when the slot (as granted) is already empty. */
  private Code clearCache(CacheRef granted, Supplier<Code> then) {
    return granted == null ? then.get() : LoopDevice.clearCache(dev, then);
  }

  private Code loadRo(Function<Boolean, Code> then) {
    return LoopDevice.loadRo(dev, then);
  }

  private Code loadFlags(IntFunction<Code> then) {
    return LoopDevice.loadFlags(dev, then::apply);
  }

  private Code storeFlags(int flags, Supplier<Code> then) {
    return LoopDevice.storeFlags(dev, flags, then);
  }

  /** {@code set_lo_flags}: two separate atomic stores, flags then ro. */
  private Code setLoFlags(int flags, Supplier<Code> then) {
    return storeFlags(flags, () -> LoopDevice.storeRo(dev, (flags & LO_FLAGS_READ_ONLY) != 0, then));
  }

  private Code lockName(Function<byte[], Code> then) {
    return LoopDevice.lockName(dev, slot -> then.apply(slot.name()));
  }

  /** Releases file_name, storing {@code name} first unless it is null. */
  private Code unlockName(byte[] name, Supplier<Code> then) {
    return LoopDevice.unlockName(dev, name, then);
  }

  /** {@code *self.file_name.lock()} read: a file_name region. */
  private Code readName(Function<byte[], Code> then) {
    return lockName(name -> unlockName(null, () -> then.apply(name)));
  }

  /** {@code *self.file_name.lock() = name}: a file_name region. */
  private Code storeName(byte[] name, Supplier<Code> then) {
    return lockName(old -> unlockName(name, then));
  }

  /**
   * Success of a call that promises persistence, with a {@link LoopEvents.PersistReturned}. Emits when
   * built, so call it only from a continuation (when the hart reaches the return).
   */
  private Code persisted(String call, CacheRef cd, BoundFile file, boolean wroteBack) {
    world.emit(new LoopEvents.PersistReturned(name, call, cd == null ? null : cd.id(),
        file == null ? null : file.key(), wroteBack));
    return Code.ok(0);
  }

  @Override
  public String toString() {
    return "StarryLoop(" + name + ")";
  }
}
