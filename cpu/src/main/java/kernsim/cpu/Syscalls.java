package kernsim.cpu;

import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_DIRECTORY;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_TRUNC;

import java.nio.charset.StandardCharsets;
import java.util.List;
import kernsim.cpu.call.Fd;
import kernsim.cpu.call.Syscall;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDeviceNode;
import kernsim.dev.code.Code;
import kernsim.dev.file.FileBackend;
import kernsim.dev.loop.BoundFile;
import kernsim.dev.loop.FdArg;
import kernsim.dev.loop.IoctlArg;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.ext4.Ext4FileSystem;
import kernsim.fs.ext4.Ext4Lite;
import kernsim.fs.file.Directory;
import kernsim.fs.file.FileKind;
import kernsim.fs.file.FileBackends;
import kernsim.fs.file.FileOps;
import kernsim.fs.file.FileSyscalls;
import kernsim.fs.file.Flocks;
import kernsim.fs.file.OpenFile;
import kernsim.fs.file.RamFile;
import kernsim.fs.file.UserOffset;
import kernsim.fs.vfs.FileSystem;
import kernsim.fs.vfs.Location;
import kernsim.fs.vfs.Overlay;
import kernsim.fs.vfs.Vfs;

/**
 * The syscall table: each {@link Syscall} record's kernel code ({@link #code}), which routes to the
 * module that owns the object ({@code fs.vfs} for paths and mounts, {@code fs.file} for open files,
 * {@code dev.loop} for loop devices), and a builder per call for the {@link Stmt} a program writes.
 * fd arguments are program variables ("fd", "ld"), resolved when the call starts ({@link Hart#call}).
 */
public final class Syscalls {
  private Syscalls() {}

  /** The kernel code of {@code call}, whose fds are resolved, run by process {@code p}. */
  public static Code code(Proc p, Syscall call) {
    return call.accept(new Kernel(p));
  }

  /** Each syscall's kernel code, on the process {@code p}. */
  private record Kernel(Proc p) implements Syscall.Visitor<Code> {
    // ==== paths and mounts ====

    /** mkdir(2) returns 0 on success (the directory's inode stays the filesystem's). */
    public Code mkdir(Syscall.Mkdir c) {
      return Code.then(p.kernel().vfs().mkdir(c.path()), made -> Code.ok(0));
    }

    /** Userspace makes no device nodes in the model (the kernel makes its own at boot and on LOOP_CTL_ADD). */
    public Code mknod(Syscall.Mknod c) {
      return Code.err(Errno.EPERM);
    }

    public Code mount(Syscall.Mount c) {
      return p.kernel().vfs().mount(c.source(), c.target(), c.type(), c.flags(), c.data());
    }

    public Code umount2(Syscall.Umount2 c) {
      return p.kernel().vfs().umount2(c.target(), c.flags());
    }

    public Code pivotRoot(Syscall.PivotRoot c) {
      return p.kernel().vfs().pivotRoot(c.newRoot(), c.putOld());
    }

    /**
     * {@code mkfs.ext4 DEVICE} as userspace runs it: a fresh ext4-lite image (sized to the backing file)
     * written through the device file with {@code write_at} and synced, not through the block cache.
     * Ends in {@code Ok(0)}, or the device's errno (EPERM unbound, EROFS read-only, ENOSPC too small).
     */
    public Code mkfsExt4(Syscall.MkfsExt4 c) {
      return Vfs.located(p.kernel().vfs().open(c.device()), loc -> {
        BlockDeviceNode block = loc.node().device() == null ? null : loc.node().device().block();
        return block != null ? block.format(Ext4Lite::image) : Code.err(Errno.ENOTBLK);
      });
    }

    // ==== open and close, flock, dup ====

    /** open(2): {@code Ok(fd)}. Creates with O_CREAT (EEXIST only with O_EXCL), truncates with O_TRUNC. */
    public Code open(Syscall.Open c) {
      return Syscalls.open(p, c.path(), c.flags());
    }

    /**
     * close(2). The fd leaves the table first; when it was the description's last fd and the description
     * ever flocked, its lock is released ({@code locks_remove_file}, one region at the flock owner) before
     * the object's own release, as Linux's {@code __fput} orders them.
     */
    public Code close(Syscall.Close c) {
      int n = c.fd().value();
      OpenFile f = p.fds().get(n);
      Integer mount = p.mountOf(n);
      p.closed(n);
      Code closed = p.fds().close(n);
      Flocks.Owner owner = f == null || p.fds().refersTo(f) ? null : p.dropFlockOwner(f);
      Code unlocked = owner == null ? closed
          : Code.bind(Flocks.unlock(p.kernel().flocks(), f.ops().id(), owner), x -> closed);
      if (!p.letGo(mount)) {
        return unlocked;
      }
      // The process's last fd on a detached mount: its last reference goes, and with the mount's last
      // reference the filesystem is dropped here, on the closer (MNT_DETACH's lazy unmount).
      return Code.bind(unlocked, v -> Code.bind(p.kernel().vfs().putDetached(mount), x -> Code.done(v)));
    }

    /**
     * flock(fd, cmd): LOCK_SH or LOCK_EX (with LOCK_NB: EAGAIN instead of waiting), or LOCK_UN, on the
     * open file description {@code fd} refers to. See {@link Flocks#flock}.
     */
    public Code flock(Syscall.Flock c) {
      OpenFile f = p.fds().get(c.fd().value());
      return Flocks.flock(p.kernel().flocks(), f, () -> p.flockOwner(f), c.cmd());
    }

    /** dup(fd): {@code Ok(new fd)}, which is on the same mount (and path) as {@code fd}. */
    public Code dup(Syscall.Dup c) {
      int old = c.fd().value();
      return Code.then(FileSyscalls.dup(p.fds(), old), ok -> {
        p.duplicated(old, (int) ok.value());
        return Code.done(ok);
      });
    }

    /**
     * fstat(fd): {@code Ok(0, FileKind)}, the type {@code st_mode} reports (S_ISREG, S_ISBLK, …: what
     * systemd's loop_device_make asks of its fd), or EBADF. The fd table is the process's own: no region.
     */
    /**
     * sync: 0. Nothing is written back: no seed has a sys_sync, starry's block flush is a no-op (as its
     * fsync's), and the model's page caches are written back by the calls that do so (BLKFLSBUF,
     * LOOP_CLR_FD, umount), so the durability oracle takes no promise from it.
     */
    public Code sync(Syscall.Sync c) {
      return Code.ok(0);
    }

    /** chdir: the path resolved, a directory, becomes the cwd (ENOENT, ENOTDIR, EINVAL for ".."). */
    public Code chdir(Syscall.Chdir c) {
      return p.kernel().vfs().chdir(c.path());
    }

    public Code fstat(Syscall.Fstat c) {
      OpenFile f = p.fds().get(c.fd().value());
      return f == null ? Code.err(Errno.EBADF) : Code.done(SysResult.ok(0, f.ops().kind()));
    }

    public Code fcntl(Syscall.Fcntl c) {
      return FileSyscalls.fcntl(p.fds(), c.fd().value(), c.cmd(), c.arg());
    }

    // ==== sleeping (virtual time) ====

    /**
     * nanosleep(ns): the hart sleeps {@code nanos} of virtual time ({@link Hart.Sleep}); it wakes when the
     * controller advances the clock to it, so other harts run meanwhile and the wake-up is a recorded
     * choice. {@code Ok(0)}; EINVAL for a negative time. Only harts sleep (the prober never does).
     */
    public Code nanosleep(Syscall.Nanosleep c) {
      return sleep(p, c.nanos());
    }

    /**
     * usleep(us): nanosleep of {@code micros} × 1000 ns, as glibc's usleep does; a product past the
     * largest time saturates to it, as the kernel's timespec-to-ktime conversion does.
     */
    public Code usleep(Syscall.Usleep c) {
      long micros = c.micros();
      return sleep(p, micros < 0 ? -1 : micros > Long.MAX_VALUE / 1000L ? Long.MAX_VALUE : micros * 1000L);
    }

    // ==== I/O on open files (fs.file) ====

    public Code write(Syscall.Write c) {
      return FileSyscalls.write(p.fds(), c.fd().value(), bytes(c.data()));
    }

    public Code pwrite64(Syscall.Pwrite64 c) {
      return FileSyscalls.pwrite64(p.fds(), c.fd().value(), bytes(c.data()), c.offset());
    }

    public Code read(Syscall.Read c) {
      return FileSyscalls.read(p.fds(), c.fd().value(), c.count());
    }

    public Code pread64(Syscall.Pread64 c) {
      return FileSyscalls.pread64(p.fds(), c.fd().value(), c.count(), c.offset());
    }

    public Code lseek(Syscall.Lseek c) {
      return FileSyscalls.lseek(p.fds(), c.fd().value(), c.offset(), c.whence());
    }

    public Code fsync(Syscall.Fsync c) {
      return FileSyscalls.fsync(p.fds(), c.fd().value());
    }

    public Code fdatasync(Syscall.Fdatasync c) {
      return FileSyscalls.fdatasync(p.fds(), c.fd().value());
    }

    public Code ftruncate(Syscall.Ftruncate c) {
      return FileSyscalls.ftruncate(p.fds(), c.fd().value(), c.length());
    }

    /**
     * truncate(path, length) as root: the path resolves as open(2) resolves it (the same open-file object),
     * without starting an open file (FileSyscalls.truncate never releases one).
     */
    public Code truncate(Syscall.Truncate c) {
      return FileSyscalls.truncate((at, flags) -> Vfs.located(p.kernel().vfs().open(at), loc -> {
        FileOps ops = fileOps(loc, at, flags);
        return ops == null ? Code.err(Errno.ENXIO)
            : Code.done(SysResult.ok(0, new FileSyscalls.Resolved(ops, 0, 0, 0644)));
      }), FileSyscalls.Cred.ROOT, c.path(), c.length());
    }

    public Code readv(Syscall.Readv c) {
      return FileSyscalls.readv(p.fds(), c.fd().value(), lens(c.iov()));
    }

    public Code writev(Syscall.Writev c) {
      return FileSyscalls.writev(p.fds(), c.fd().value(), iov(c.iov()));
    }

    public Code preadv(Syscall.Preadv c) {
      return FileSyscalls.preadv(p.fds(), c.fd().value(), lens(c.iov()), c.offset());
    }

    public Code pwritev(Syscall.Pwritev c) {
      return FileSyscalls.pwritev(p.fds(), c.fd().value(), iov(c.iov()), c.offset());
    }

    public Code preadv2(Syscall.Preadv2 c) {
      return FileSyscalls.preadv2(p.fds(), c.fd().value(), lens(c.iov()), c.offset(), c.flags());
    }

    public Code pwritev2(Syscall.Pwritev2 c) {
      return FileSyscalls.pwritev2(p.fds(), c.fd().value(), iov(c.iov()), c.offset(), c.flags());
    }

    public Code fallocate(Syscall.Fallocate c) {
      return FileSyscalls.fallocate(p.fds(), c.fd().value(), c.mode(), c.offset(), c.len());
    }

    public Code syncFileRange(Syscall.SyncFileRange c) {
      return FileSyscalls.syncFileRange(p.fds(), c.fd().value(), c.offset(), c.nbytes(), c.flags());
    }

    public Code fadvise64(Syscall.Fadvise64 c) {
      return FileSyscalls.fadvise64(p.fds(), c.fd().value(), c.offset(), c.len(), c.advice());
    }

    // ==== transfers between fds ====

    public Code sendfile(Syscall.Sendfile c) {
      return FileSyscalls.sendfile(p.fds(), c.out().value(), c.in().value(), cell(c.offset()), c.count());
    }

    public Code copyFileRange(Syscall.CopyFileRange c) {
      return FileSyscalls.copyFileRange(p.fds(), c.in().value(), cell(c.offIn()), c.out().value(), cell(c.offOut()),
          c.len(), c.flags());
    }

    public Code splice(Syscall.Splice c) {
      return FileSyscalls.splice(p.fds(), c.in().value(), cell(c.offIn()), c.out().value(), cell(c.offOut()),
          c.len(), c.flags());
    }

    // ==== anonymous files and fds (memfds and pipes are on no mount) ====

    public Code memfdCreate(Syscall.MemfdCreate c) {
      return FileSyscalls.memfdCreate(p.fds(), p.kernel().anon(), c.memfdName(), c.flags());
    }

    public Code pipe2(Syscall.Pipe2 c) {
      return Code.bind(FileSyscalls.pipe2(p.fds(), p.kernel().anon(), c.flags()), r -> {
        int[] ends = FileSyscalls.pipeEnds(r);
        p.set(c.readVar(), ends[0]);
        p.set(c.writeVar(), ends[1]);
        return Code.done(r);
      });
    }

    // ==== ioctl ====

    public Code ioctl(Ioctl c) {
      int fd = c.fd().value();
      Ioctl.Arg a = c.arg();
      if (a == Ioctl.None.INSTANCE) {
        return ioctlTo(p, fd, c.cmd(), IoctlArg::none);
      }
      if (a instanceof Ioctl.Int i) {
        return ioctlTo(p, fd, c.cmd(), () -> IoctlArg.of(i.value()));
      }
      if (a instanceof Ioctl.File f) {
        return ioctlTo(p, fd, c.cmd(), () -> new IoctlArg.File(fdArg(p, f.fd().value())));
      }
      if (a instanceof Ioctl.Status s) {
        return ioctlTo(p, fd, c.cmd(), () -> new IoctlArg.Status(s.info()));
      }
      if (a instanceof Ioctl.Status64 s) {
        return ioctlTo(p, fd, c.cmd(), () -> new IoctlArg.Status64(s.info()));
      }
      if (a instanceof Ioctl.Config k) {
        return ioctlTo(p, fd, c.cmd(), () -> new IoctlArg.Config(
            new LoopAbi.LoopConfig(k.fd().value(), k.blockSize(), k.info()), fdArg(p, k.fd().value())));
      }
      throw new IllegalStateException("an ioctl argument of no kind: " + a);
    }
  }

  // ==== statements ====

  public static Stmt mkdir(String path) {
    return Stmt.of(new Syscall.Mkdir(path));
  }

  public static Stmt mount(String source, String target, String type, int flags, String data) {
    return Stmt.of(new Syscall.Mount(source, target, type, flags, data));
  }

  public static Stmt umount2(String target, int flags) {
    return Stmt.of(new Syscall.Umount2(target, flags));
  }

  public static Stmt pivotRoot(String newRoot, String putOld) {
    return Stmt.of(new Syscall.PivotRoot(newRoot, putOld));
  }

  public static Stmt mkfsExt4(String device) {
    return Stmt.of(new Syscall.MkfsExt4(device));
  }

  public static Stmt open(String path, int flags) {
    return Stmt.of(new Syscall.Open(path, flags));
  }

  public static Stmt close(String fd) {
    return Stmt.of(new Syscall.Close(Fd.of(fd)));
  }

  public static Stmt flock(String fd, int cmd) {
    return Stmt.of(new Syscall.Flock(Fd.of(fd), cmd));
  }

  public static Stmt nanosleep(long nanos) {
    return Stmt.of(new Syscall.Nanosleep(nanos));
  }

  public static Stmt usleep(long micros) {
    return Stmt.of(new Syscall.Usleep(micros));
  }

  public static Stmt write(String fd, String text) {
    return Stmt.of(new Syscall.Write(Fd.of(fd), text));
  }

  public static Stmt pwrite(String fd, String text, long offset) {
    return Stmt.of(new Syscall.Pwrite64(Fd.of(fd), text, offset));
  }

  public static Stmt read(String fd, int length) {
    return Stmt.of(new Syscall.Read(Fd.of(fd), length));
  }

  public static Stmt pread(String fd, int length, long offset) {
    return Stmt.of(new Syscall.Pread64(Fd.of(fd), length, offset));
  }

  public static Stmt lseek(String fd, long offset, int whence) {
    return Stmt.of(new Syscall.Lseek(Fd.of(fd), offset, whence));
  }

  public static Stmt fsync(String fd) {
    return Stmt.of(new Syscall.Fsync(Fd.of(fd)));
  }

  public static Stmt ftruncate(String fd, long length) {
    return Stmt.of(new Syscall.Ftruncate(Fd.of(fd), length));
  }

  public static Stmt readv(String fd, int... lens) {
    return Stmt.of(new Syscall.Readv(Fd.of(fd), boxed(lens)));
  }

  public static Stmt writev(String fd, String... parts) {
    return Stmt.of(new Syscall.Writev(Fd.of(fd), List.of(parts)));
  }

  public static Stmt preadv(String fd, int[] lens, long offset) {
    return Stmt.of(new Syscall.Preadv(Fd.of(fd), boxed(lens), offset));
  }

  public static Stmt pwritev(String fd, String[] parts, long offset) {
    return Stmt.of(new Syscall.Pwritev(Fd.of(fd), List.of(parts), offset));
  }

  public static Stmt preadv2(String fd, int[] lens, long offset, int flags) {
    return Stmt.of(new Syscall.Preadv2(Fd.of(fd), boxed(lens), offset, flags));
  }

  public static Stmt pwritev2(String fd, String[] parts, long offset, int flags) {
    return Stmt.of(new Syscall.Pwritev2(Fd.of(fd), List.of(parts), offset, flags));
  }

  public static Stmt truncate(String path, long length) {
    return Stmt.of(new Syscall.Truncate(path, length));
  }

  public static Stmt fallocate(String fd, int mode, long offset, long len) {
    return Stmt.of(new Syscall.Fallocate(Fd.of(fd), mode, offset, len));
  }

  public static Stmt fdatasync(String fd) {
    return Stmt.of(new Syscall.Fdatasync(Fd.of(fd)));
  }

  public static Stmt syncFileRange(String fd, long offset, long nbytes, int flags) {
    return Stmt.of(new Syscall.SyncFileRange(Fd.of(fd), offset, nbytes, flags));
  }

  public static Stmt fadvise64(String fd, long offset, long len, int advice) {
    return Stmt.of(new Syscall.Fadvise64(Fd.of(fd), offset, len, advice));
  }

  public static Stmt sendfile(String outFd, String inFd, Long offset, long count) {
    return Stmt.of(new Syscall.Sendfile(Fd.of(outFd), Fd.of(inFd), offset, count));
  }

  public static Stmt copyFileRange(String fdIn, Long offIn, String fdOut, Long offOut, long len, int flags) {
    return Stmt.of(new Syscall.CopyFileRange(Fd.of(fdIn), offIn, Fd.of(fdOut), offOut, len, flags));
  }

  public static Stmt splice(String fdIn, Long offIn, String fdOut, Long offOut, long len, int flags) {
    return Stmt.of(new Syscall.Splice(Fd.of(fdIn), offIn, Fd.of(fdOut), offOut, len, flags));
  }

  /** memfd_create(name, flags): {@code Ok(fd)}, bound with {@code .as("var")}. */
  public static Stmt memfdCreate(String name, int flags) {
    return Stmt.of(new Syscall.MemfdCreate(name, flags));
  }

  /** pipe2([readVar, writeVar], flags): sets both variables (-1 both when it fails); {@code Ok(0)}. */
  public static Stmt pipe2(String readVar, String writeVar, int flags) {
    return Stmt.of(new Syscall.Pipe2(readVar, writeVar, flags));
  }

  public static Stmt fcntl(String fd, int cmd, int arg) {
    return Stmt.of(new Syscall.Fcntl(Fd.of(fd), cmd, arg));
  }

  public static Stmt sync() {
    return Stmt.of(new Syscall.Sync());
  }

  public static Stmt chdir(String path) {
    return Stmt.of(new Syscall.Chdir(path));
  }

  public static Stmt fstat(String fd) {
    return Stmt.of(new Syscall.Fstat(Fd.of(fd)));
  }

  public static Stmt dup(String fd) {
    return Stmt.of(new Syscall.Dup(Fd.of(fd)));
  }

  /** ioctl(fd, cmd) with no argument. */
  public static Stmt ioctl(String fd, LoopIoctl cmd) {
    return ioctl(fd, cmd.number(), Ioctl.None.INSTANCE);
  }

  /** ioctl(fd, cmd, arg) with an integer argument (BLKROSET, BLKRASET, …). */
  public static Stmt ioctl(String fd, LoopIoctl cmd, int arg) {
    return ioctl(fd, cmd.number(), new Ioctl.Int(arg));
  }

  /** LOOP_SET_FD or LOOP_CHANGE_FD: the argument is another fd variable, resolved when the call runs. */
  public static Stmt ioctlFd(String fd, LoopIoctl cmd, String argFd) {
    return ioctl(fd, cmd.number(), new Ioctl.File(Fd.of(argFd)));
  }

  /** Any ioctl by number (a loop-control one: LOOP_CTL_GET_FREE, LOOP_CTL_ADD, LOOP_CTL_REMOVE). */
  public static Stmt ioctl(String fd, int number, Ioctl.Arg arg) {
    return Stmt.of(new Ioctl(Fd.of(fd), number, arg));
  }

  /**
   * LOOP_CONFIGURE: a {@code loop_config} of {@code backingFd} (resolved when the call runs, as
   * {@code LOOP_SET_FD}'s), {@code blockSize} and {@code info} (its flags and file name).
   */
  public static Stmt ioctlConfigure(String fd, String backingFd, int blockSize, LoopAbi.LoopInfo64 info) {
    return ioctl(fd, LoopIoctl.LOOP_CONFIGURE.number(), new Ioctl.Config(Fd.of(backingFd), blockSize, info));
  }

  /** LOOP_SET_STATUS with a {@code loop_info} (the source reads its name and flags). */
  public static Stmt ioctlSetStatus(String fd, LoopAbi.LoopInfo info) {
    return ioctl(fd, LoopIoctl.LOOP_SET_STATUS.number(), new Ioctl.Status(info));
  }

  /** LOOP_SET_STATUS64 with a {@code loop_info64} (the source reads its file name and flags). */
  public static Stmt ioctlSetStatus64(String fd, LoopAbi.LoopInfo64 info) {
    return ioctl(fd, LoopIoctl.LOOP_SET_STATUS64.number(), new Ioctl.Status64(info));
  }

  // ==== kernel code shared by several calls ====

  private static Code open(Proc p, String path, int flags) {
    var vfs = p.kernel().vfs();
    Code found = (flags & O_CREAT) == 0 ? vfs.open(path)
        : (flags & O_EXCL) != 0 ? vfs.create(path)
        : vfs.createOrOpen(path);
    return Vfs.located(found, loc -> {
      boolean writes = (flags & O_ACCMODE) != O_RDONLY;
      if (loc.node().isDir() && writes) {
        return Code.err(Errno.EISDIR);
      }
      if (!loc.node().isDir() && (flags & O_DIRECTORY) != 0) {
        return Code.err(Errno.ENOTDIR);
      }
      if ((writes || (flags & O_TRUNC) != 0) && loc.fs() instanceof Overlay.Fs o && o.lowerFile(loc.node())) {
        return Vfs.located(vfs.copyUp(path, loc.node()), up -> openAt(p, path, flags, up)); // an overlay's copy-up
      }
      return openAt(p, path, flags, loc);
    });
  }

  /** The rest of open once the path names {@code loc}: the open file, its fd, O_TRUNC. */
  private static Code openAt(Proc p, String path, int flags, Location loc) {
    boolean writes = (flags & O_ACCMODE) != O_RDONLY;
    FileOps ops = fileOps(loc, path, flags);
    if (ops == null) {
      return Code.err(Errno.ENXIO);
    }
    return Code.then(ops.open(), opened -> {
      OpenFile f = OpenFile.open(p.ctx(), p.world(), p.nextName("file"), ops, flags);
      int fd = p.fds().install(f);
      if (fd < 0) {
        return Code.bind(ops.release(), x -> Code.err(Errno.EMFILE));
      }
      p.opened(fd, loc.mountId(), path);
      if ((flags & O_TRUNC) != 0 && writes && ops.kind() == FileKind.REGULAR) {
        return Code.then(ops.truncate(0), t -> opened(p, fd, ops));
      }
      return opened(p, fd, ops);
    });
  }

  /** An open's success; a tmpfs file's open reports its file ({@link Calls.Opened}), in the step it returns. */
  private static Code opened(Proc p, int fd, FileOps ops) {
    if (ops instanceof RamFile.Ops r) {
      p.world().emit(new Calls.Opened(p.name(), fd, kernsim.actors.Keys.of(r.ref())));
    }
    return Code.ok(fd);
  }

  /** The open-file object for what a path names; null when nothing can be opened there. */
  private static FileOps fileOps(Location loc, String path, int flags) {
    FileSystem.Node node = loc.node();
    String id = loc.fs().type() + ":" + loc.mountId() + ":" + node.ino();
    return switch (node.kind()) {
      case DIR -> new Directory(id);
      case FILE -> {
        if (node.file() != null) {
          yield new RamFile.Ops(node.file(), FileKind.REGULAR, id);
        }
        yield loc.fs() instanceof Ext4FileSystem e ? e.fileOps(node.ino()) : null;
      }
      case DEVICE -> node.device() == null ? null : node.device().open(flags);
    };
  }

  private static Code sleep(Proc p, long nanos) {
    if (nanos < 0) {
      return Code.err(Errno.EINVAL);
    }
    return Code.call(p.sleeper(), r -> new Hart.Sleep(nanos, r), "nanosleep", Code::done);
  }


  /**
   * LOOP_SET_FD's fd as the source's {@code get_file_like} + {@code downcast_ref::<File>()} would find it:
   * EBADF not open; EINVAL for what is no {@code File} (a directory, a pipe, a memfd, an anon inode);
   * otherwise its backend ({@link FileBackends#of}): a tmpfs file, a regular file on ext4, a device node.
   */
  private static FdArg fdArg(Proc p, int n) {
    OpenFile f = n < 0 ? null : p.fds().get(n);
    if (f == null) {
      return FdArg.bad(Errno.EBADF);
    }
    DeviceFiles.Loop node = f.ops() instanceof DeviceFiles.Loop l ? l : null;
    FileBackend backend = FileBackends.of(f.ops(), node == null ? -1 : node.loop().number(),
        node == null ? null : node.loop().device());
    if (backend == null) {
      return FdArg.bad(Errno.EINVAL);
    }
    return FdArg.of(new BoundFile(backend, p.path(n), (f.flags() & O_ACCMODE) == O_RDONLY));
  }

  /**
   * The one ioctl routing: {@code ioctl(fd, number, arg)} goes to whatever the fd is open on
   * ({@link FileOps#ioctl}: a loop device's driver, loop-control, ENOTTY for anything else); EBADF
   * for an fd that is not open. {@code arg} is resolved only then (an fd argument when the call runs).
   */
  private static Code ioctlTo(Proc p, int fd, int number, java.util.function.Supplier<IoctlArg> arg) {
    OpenFile f = p.fds().get(fd);
    if (f == null) {
      return Code.err(Errno.EBADF);
    }
    return f.ops().ioctl(number, arg.get());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[][] iov(List<String> parts) {
    return parts.stream().map(Syscalls::bytes).toArray(byte[][]::new);
  }

  private static int[] lens(List<Integer> lens) {
    return lens.stream().mapToInt(Integer::intValue).toArray();
  }

  private static List<Integer> boxed(int[] lens) {
    return java.util.Arrays.stream(lens).boxed().toList();
  }

  private static UserOffset cell(Long offset) {
    return offset == null ? null : new UserOffset(offset);
  }
}
