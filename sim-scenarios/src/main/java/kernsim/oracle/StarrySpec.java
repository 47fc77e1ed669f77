package kernsim.oracle;

import static kernsim.dev.loop.LoopAbi.LO_FLAGS_READ_ONLY;
import static kernsim.fs.file.Uapi.F_DUPFD;
import static kernsim.fs.file.Uapi.LOCK_EX;
import static kernsim.fs.file.Uapi.LOCK_NB;
import static kernsim.fs.file.Uapi.LOCK_SH;
import static kernsim.fs.file.Uapi.LOCK_UN;
import static kernsim.fs.file.Uapi.O_ACCMODE;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_DIRECTORY;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_PATH;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_TRUNC;
import static kernsim.fs.vfs.Flags.MNT_DETACH;
import static kernsim.fs.vfs.Flags.MNT_EXPIRE;
import static kernsim.fs.vfs.Flags.MNT_FORCE;
import static kernsim.fs.vfs.Flags.MS_BIND;
import static kernsim.fs.vfs.Flags.MS_MOVE;
import static kernsim.fs.vfs.Flags.MS_RDONLY;
import static kernsim.fs.vfs.Flags.MS_REC;
import static kernsim.fs.vfs.Flags.MS_REMOUNT;
import static kernsim.fs.vfs.Flags.MS_SILENT;
import static kernsim.fs.vfs.Flags.PROPAGATION_FLAGS;
import static kernsim.fs.vfs.Flags.VALID_UMOUNT_FLAGS;
import static kernsim.oracle.Outcomes.ANY;
import static kernsim.oracle.Outcomes.ANY_ERR;
import static kernsim.oracle.Outcomes.OK;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import kernsim.cpu.call.Syscall;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.dev.Errno;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.file.FdTable;

/**
 * starry-kernel's sequential semantics, as the model's code has it when each call runs alone:
 * {@code dev.loop.LoopIoctls} (every ioctl, open/close of a loop device, as_dyn_block_device,
 * flush_cache_to_file), {@code fs.vfs.Vfs} (mount, umount2 with its busy check: the root, a child mount,
 * or an fd of any hart on the mount), {@code fs.ext4.LoopExt4Driver} and the syscall table's open,
 * close, dup and ioctl routing ({@code cpu.Syscalls}), with the same errno precedence; and flock
 * ({@code fs.file.Flocks}, Linux's semantics, which every profile shares: {@link #flock} is here for a
 * future LinuxSpec to inherit unchanged).
 *
 * <p>Tracked: see {@link SpecState}. Not tracked, so allowed either way: ext4's contents (any result for
 * a path below an ext4 mount root), whether a write-back or a superblock read fails (EIO allowed where
 * one can happen), mkfs's own errors, LOOP_SET_STATUS's flags. Unmodelled, so any result and, on success,
 * an unknown state from then on: MS_BIND, MS_MOVE, overlay, pivot_root, LOOP_CTL_REMOVE, and any
 * statement the oracle does not recognise.
 *
 * <p>Each call family is a package-private method, so that another profile's specification can extend
 * this one and override where its semantics differ.
 */
class StarrySpec implements SequentialSpec {
  private static final int EBADF = Outcomes.err(Errno.EBADF);
  private static final int EMFILE = Outcomes.err(Errno.EMFILE);
  private static final int EBUSY = Outcomes.err(Errno.EBUSY);
  private static final int EEXIST = Outcomes.err(Errno.EEXIST);
  private static final int EINVAL = Outcomes.err(Errno.EINVAL);
  private static final int EISDIR = Outcomes.err(Errno.EISDIR);
  private static final int ENODEV = Outcomes.err(Errno.ENODEV);
  private static final int EFAULT = Outcomes.err(Errno.EFAULT);
  private static final int ENOTBLK = Outcomes.err(Errno.ENOTBLK);
  private static final int ENOTDIR = Outcomes.err(Errno.ENOTDIR);
  private static final int ENOTTY = Outcomes.err(Errno.ENOTTY);
  private static final int ENXIO = Outcomes.err(Errno.ENXIO);
  private static final int EROFS = Outcomes.err(Errno.EROFS);
  private static final int EAGAIN = Outcomes.err(Errno.EAGAIN);
  private static final int EIO = Outcomes.err(Errno.EIO);
  private static final int ESPIPE = Outcomes.err(Errno.ESPIPE);
  /** fcntl's F_DUPFD_CLOEXEC (the model's table names only F_DUPFD). */
  private static final int F_DUPFD_CLOEXEC = 1030;

  /** {@code write-at-file-first}: a device's write_at takes the file before it reads {@code ro}. */
  private final boolean writeAtFileFirst;

  /** starry without fixes. */
  StarrySpec() {
    this(false);
  }

  /** starry, with {@code write-at-file-first} on or off (no other fix changes a sequential result). */
  StarrySpec(boolean writeAtFileFirst) {
    this.writeAtFileFirst = writeAtFileFirst;
  }

  @Override
  public String profile() {
    return "starry";
  }

  @Override
  public SpecState initial() {
    return SpecState.boot();
  }

  @Override
  public void step(SpecState s, Call c, Outcomes out) {
    if (s.wild) {
      out.allow(ANY, s);
      return;
    }
    if (c.outcomeUnknown()) {
      out.allow(ANY, s.asWild(), "its result is unknown");
      return;
    }
    if (c.call instanceof Syscall sys) {
      sys.accept(new Step(s, c, out));
    } else {
      unmodelled(s, out); // a library call made as one call of the process: its effect is not followed
    }
  }

  /**
   * Whether the specification follows {@code call}'s effect: every syscall but pivot_root, and no library
   * call made as one call of the process (a Monogon operation).
   */
  static boolean modelled(kernsim.cpu.call.Call call) {
    return call instanceof Syscall && !(call instanceof Syscall.PivotRoot);
  }

  private static void unmodelled(SpecState s, Outcomes out) {
    out.allow(ANY_ERR, s, "not modelled");
    out.allow(OK, s.asWild(), "not modelled");
  }

  /** A call that changes nothing the oracle tracks (reads, writes, seeks, syncs, sleeps, …): any outcome. */
  private static Void noEffect(SpecState s, Outcomes out) {
    out.allow(ANY, s);
    return null;
  }

  /** What each syscall may return from {@code s}, and the states it leaves. */
  private final class Step implements Syscall.Visitor<Void> {
    private final SpecState s;
    private final Call c;
    private final Outcomes out;

    Step(SpecState s, Call c, Outcomes out) {
      this.s = s;
      this.c = c;
      this.out = out;
    }

    public Void mkdir(Syscall.Mkdir m) {
      create(s, m.path(), Nodes.DIR, out);
      return null;
    }

    public Void mknod(Syscall.Mknod m) {
      create(s, m.path(), Nodes.of(m.path()), out);
      return null;
    }

    public Void mount(Syscall.Mount m) {
      StarrySpec.this.mount(s, c, m, out);
      return null;
    }

    public Void umount2(Syscall.Umount2 u) {
      umount(s, u, out);
      return null;
    }

    public Void pivotRoot(Syscall.PivotRoot x) {
      unmodelled(s, out);
      return null;
    }

    public Void mkfsExt4(Syscall.MkfsExt4 m) {
      mkfs(s, m, out);
      return null;
    }

    public Void open(Syscall.Open o) {
      StarrySpec.this.open(s, c, o, out);
      return null;
    }

    public Void close(Syscall.Close x) {
      StarrySpec.this.close(s, c, x.fd().value(), out);
      return null;
    }

    public Void flock(Syscall.Flock f) {
      StarrySpec.this.flock(s, c, f, out);
      return null;
    }

    public Void dup(Syscall.Dup d) {
      StarrySpec.this.dup(s, c, d.fd().value(), out);
      return null;
    }

    /** fstat: EBADF for an fd that is not open, else success; it changes nothing. */
    /** sync cannot fail, and writes back nothing the oracle tracks. */
    public Void sync(Syscall.Sync x) {
      out.allow(OK, s, "sync returns 0");
      return null;
    }

    /**
     * chdir: the walk's ENOENT, ENOTDIR or EINVAL exactly; success only to a directory. The oracle's walks
     * start at the root, so a cwd elsewhere leaves the state unknown (relative paths would walk from it).
     */
    public Void chdir(Syscall.Chdir x) {
      Walk w = Walk.of(s, x.path());
      if (!walked(s, w, out)) {
        return null;
      }
      if (w.unsure()) {
        out.allow(ANY_ERR, s, out.explaining() ? w.why(s) : null);
        out.allow(OK, s.asWild(), "a cwd the oracle does not follow");
      } else if (w.node() != Nodes.DIR) {
        out.allow(ENOTDIR, s, out.explaining() ? w.shown() + " is not a directory" : null);
      } else if (w.abs().isEmpty()) {
        out.allow(OK, s, "the cwd stays the root");
      } else {
        out.allow(OK, s.asWild(), out.explaining() ? "the cwd is now " + w.shown() + ", which the oracle does not follow"
            : null);
      }
      return null;
    }

    public Void fstat(Syscall.Fstat x) {
      int fd = x.fd().value();
      if (fd < 0 || s.fd(c.proc, fd) == null) {
        badFd(s, fd, out);
      } else {
        out.allow(OK, s);
      }
      return null;
    }

    /** F_DUPFD and F_DUPFD_CLOEXEC make a new fd the oracle knows nothing about; other commands change nothing. */
    public Void fcntl(Syscall.Fcntl f) {
      if (f.cmd() != F_DUPFD && f.cmd() != F_DUPFD_CLOEXEC) {
        return noEffect(s, out);
      }
      out.allow(ANY_ERR, s);
      out.allow(OK, out.actualOk() ? s.withFd(c.proc, c.value(), unknownFd()) : null);
      return null;
    }

    public Void nanosleep(Syscall.Nanosleep x) {
      return noEffect(s, out);
    }

    public Void usleep(Syscall.Usleep x) {
      return noEffect(s, out);
    }

    public Void write(Syscall.Write x) {
      StarrySpec.this.write(s, c, x.fd().value(), x.data().isEmpty(), null, out);
      return null;
    }

    public Void pwrite64(Syscall.Pwrite64 x) {
      StarrySpec.this.write(s, c, x.fd().value(), x.data().isEmpty(), x.offset(), out);
      return null;
    }

    public Void read(Syscall.Read x) {
      StarrySpec.this.read(s, c, x.fd().value(), null, out);
      return null;
    }

    public Void pread64(Syscall.Pread64 x) {
      StarrySpec.this.read(s, c, x.fd().value(), x.offset(), out);
      return null;
    }

    public Void lseek(Syscall.Lseek x) {
      return noEffect(s, out);
    }

    public Void fsync(Syscall.Fsync x) {
      StarrySpec.this.fsync(s, c, x.fd().value(), out);
      return null;
    }

    public Void fdatasync(Syscall.Fdatasync x) {
      StarrySpec.this.fsync(s, c, x.fd().value(), out);
      return null;
    }

    public Void ftruncate(Syscall.Ftruncate x) {
      return noEffect(s, out);
    }

    public Void truncate(Syscall.Truncate x) {
      return noEffect(s, out);
    }

    public Void readv(Syscall.Readv x) {
      return noEffect(s, out);
    }

    public Void writev(Syscall.Writev x) {
      return noEffect(s, out);
    }

    public Void preadv(Syscall.Preadv x) {
      return noEffect(s, out);
    }

    public Void pwritev(Syscall.Pwritev x) {
      return noEffect(s, out);
    }

    public Void preadv2(Syscall.Preadv2 x) {
      return noEffect(s, out);
    }

    public Void pwritev2(Syscall.Pwritev2 x) {
      return noEffect(s, out);
    }

    public Void fallocate(Syscall.Fallocate x) {
      return noEffect(s, out);
    }

    public Void syncFileRange(Syscall.SyncFileRange x) {
      return noEffect(s, out);
    }

    public Void fadvise64(Syscall.Fadvise64 x) {
      return noEffect(s, out);
    }

    public Void sendfile(Syscall.Sendfile x) {
      return noEffect(s, out);
    }

    public Void copyFileRange(Syscall.CopyFileRange x) {
      return noEffect(s, out);
    }

    public Void splice(Syscall.Splice x) {
      return noEffect(s, out);
    }

    /** A new fd (the result) on no mount. */
    public Void memfdCreate(Syscall.MemfdCreate x) {
      out.allow(ANY_ERR, s);
      out.allow(OK, out.actualOk() ? s.withFd(c.proc, c.value(), anon()) : null);
      return null;
    }

    /** Two new fds (the result's data) on no mount. */
    public Void pipe2(Syscall.Pipe2 x) {
      out.allow(ANY_ERR, s);
      int[] ends = c.pair();
      out.allow(OK, out.actualOk() && ends != null
          ? s.withFd(c.proc, ends[0], anon()).withFd(c.proc, ends[1], anon()) : s);
      return null;
    }

    public Void ioctl(Ioctl i) {
      StarrySpec.this.ioctl(s, c, i, out);
      return null;
    }
  }

  private static SpecState.Fd anon() {
    return new SpecState.Fd(SpecState.ANON, -1, false, false);
  }

  /** Runs a loop-device operation; on success the state is also changed by {@code onOk} (may be null). */
  private static void device(SpecState s, int n, Loops.Op op, Outcomes out, UnaryOperator<SpecState> onOk) {
    int w = Loops.run(s.dev(n), n, op, out);
    if (w != 0) {
      SpecState next = s.withDev(n, w);
      out.add(onOk != null && out.actualOk() ? onOk.apply(next) : next);
    }
  }

  // ==== paths ====

  /** Allows a failed walk's errno and returns false; true when the walk did not fail (it may be unsure). */
  private static boolean walked(SpecState s, Walk w, Outcomes out) {
    if (w.failed()) {
      out.allow(w.outcome(), s, out.explaining() ? w.why(s) : null);
      return false;
    }
    return true;
  }

  /** mkdir and mknod ({@code Vfs.inParent}): the parent, a directory, writable; EEXIST if the name exists. */
  void create(SpecState s, String path, int node, Outcomes out) {
    String[] pn = Walk.split(path);
    if (pn == null) {
      out.allow(EEXIST, s, out.explaining() ? path + " has no last name" : null);
      return;
    }
    Walk d = parentWalk(s, pn[0], out);
    if (d == null) {
      return;
    }
    if (d.unsure()) {
      out.allow(ANY, s, out.explaining() ? d.why(s) : null);
      return;
    }
    int found = d.child(s, pn[1]);
    if (found == Walk.ABSENT) {
      SpecState.Mount m = s.mount(d.mount());
      out.allow(OK, s.withMount(d.mount(), m.withFile(d.childRel(pn[1]), node)));
    } else if (found == Nodes.UNKNOWN) {
      out.allow(ANY, s, out.explaining() ? d.why(s) : null);
    } else {
      out.allow(EEXIST, s, out.explaining() ? d.childAbs(pn[1]) + " exists" : null);
    }
  }

  /** The parent's walk, checked to be a writable directory; null when that already decided the outcome. */
  private static Walk parentWalk(SpecState s, String parent, Outcomes out) {
    Walk d = Walk.of(s, parent);
    if (!walked(s, d, out)) {
      return null;
    }
    if (d.ok() && d.node() != Nodes.DIR) {
      out.allow(ENOTDIR, s, out.explaining() ? d.shown() + " is not a directory" : null);
      return null;
    }
    if (d.ok() && s.mount(d.mount()).readonly()) {
      out.allow(EROFS, s, out.explaining() ? s.mount(d.mount()).describe() + " is read-only" : null);
      return null;
    }
    return d;
  }

  // ==== open, close, dup ====

  void open(SpecState s, Call c, Syscall.Open o, Outcomes out) {
    int flags = o.flags();
    boolean roOpen = (flags & O_ACCMODE) == O_RDONLY;
    SpecState after = s;
    Walk at;
    if ((flags & O_CREAT) != 0) {
      String[] pn = Walk.split(o.path());
      if (pn == null) {
        out.allow(EEXIST, s, out.explaining() ? o.path() + " has no last name" : null);
        return;
      }
      Walk d = parentWalk(s, pn[0], out);
      if (d == null) {
        return;
      }
      if (d.unsure()) {
        openUnsure(s, c, d, flags, out);
        return;
      }
      int found = d.child(s, pn[1]);
      if (found == Nodes.UNKNOWN) {
        openUnsure(s, c, d, flags, out);
        return;
      }
      if (found == Walk.ABSENT) {
        SpecState.Mount m = s.mount(d.mount());
        after = s.withMount(d.mount(), m.withFile(d.childRel(pn[1]), Nodes.FILE));
        at = new Walk(OK, d.mount(), d.childAbs(pn[1]), d.childRel(pn[1]), Nodes.FILE, false);
      } else if ((flags & O_EXCL) != 0) {
        out.allow(EEXIST, s, out.explaining() ? d.childAbs(pn[1]) + " exists" : null);
        return;
      } else {
        at = Walk.of(s, o.path());
      }
    } else {
      at = Walk.of(s, o.path());
    }
    if (!walked(s, at, out)) {
      return;
    }
    if (at.unsure()) {
      openUnsure(s, c, at, flags, out);
      return;
    }
    // From here on a file O_CREAT made stays made, whatever the open returns.
    int node = at.node();
    if (node == Nodes.DIR && !roOpen) {
      out.allow(EISDIR, after, out.explaining() ? at.shown() + " is a directory" : null);
      return;
    }
    if (node != Nodes.DIR && (flags & O_DIRECTORY) != 0) {
      out.allow(ENOTDIR, after, out.explaining() ? at.shown() + " is not a directory" : null);
      return;
    }
    int mountId = after.mount(at.mount()).id();
    long desc = (flags & O_PATH) != 0 ? -1 : SpecState.desc(c.hart, c.index);
    if (node == Nodes.OTHER_DEVICE) {
      out.allow(ENXIO, after, out.explaining() ? at.shown() + " is no device the kernel has" : null);
      return;
    }
    // The file is opened, then installed (cpu.Syscalls.open): a full table releases it again, EMFILE.
    fullTable(s, c, after, 1, out);
    if (node == Nodes.SYSFS) {
      // whether the attribute's group exists follows the device's binding, which races: any outcome
      out.allow(ANY_ERR, after);
      out.allow(OK, out.actualOk()
          ? after.withFd(c.proc, c.value(), new SpecState.Fd(node, mountId, false, roOpen, desc)) : null);
    } else if (Nodes.isLoop(node)) {
      boolean excl = (flags & O_EXCL) != 0;
      loopOpen(after, c, node, new SpecState.Fd(node, mountId, excl, roOpen, desc, SpecState.access(flags)), out);
    } else {
      out.allow(OK, out.actualOk()
          ? after.withFd(c.proc, c.value(), new SpecState.Fd(node, mountId, false, roOpen, desc)) : null);
    }
  }

  /**
   * An open on a filesystem whose contents are not tracked: any result; an fd on that mount if it
   * succeeds. With O_TRUNC a failure may come from the truncate, after the fd was installed: the mount
   * may then be busy.
   */
  private static void openUnsure(SpecState s, Call c, Walk w, int flags, Outcomes out) {
    String why = out.explaining() ? w.why(s) : null;
    SpecState.Mount m = s.mount(w.mount());
    boolean truncates = (flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != O_RDONLY;
    out.allow(ANY_ERR, truncates ? s.withMount(w.mount(), m.withMaybeBusy()) : s, why);
    boolean roOpen = (flags & O_ACCMODE) == O_RDONLY;
    out.allow(OK, out.actualOk() ? s.withFd(c.proc, c.value(), new SpecState.Fd(Nodes.UNKNOWN, m.id(), false, roOpen)) : null, why);
  }

  void close(SpecState s0, Call c, int fd, Outcomes out) {
    SpecState.Fd f = fd < 0 ? null : s0.fd(c.proc, fd);
    SpecState s = f == null ? s0 : lazyDrop(s0, f);
    if (f == null) {
      badFd(s, fd, out);
    } else if (Nodes.isLoop(f.node())) {
      loopRelease(s, c, fd, out);
    } else {
      out.allow(OK, closed(s, c.proc, fd, f));
    }
  }

  /**
   * The close of an fd on a mount MNT_DETACH took away may be the last reference to it, which drops its
   * filesystem (the lazy detach): a device no attached mount uses, and which may still be mounted (only a
   * detached mount with fds on it leaves that), may be unmounted from then on.
   */
  private static SpecState lazyDrop(SpecState s, SpecState.Fd f) {
    if (f.mount() < 0 || s.mounts().stream().anyMatch(m -> m.id() == f.mount())) {
      return s;
    }
    SpecState after = s;
    for (int n = 0; n < s.devCount(); n++) {
      int dev = n;
      if (Loops.mayBe(s.dev(n), Loops.MOUNTED, true) && s.mounts().stream().noneMatch(m -> m.dev() == dev)) {
        after = after.withDev(n, Loops.normalize(Loops.unknown(after.dev(n), Loops.MOUNTED)));
      }
    }
    return after;
  }

  /** open of /dev/loopN once the path resolved to it: EBUSY while held exclusively. */
  void loopOpen(SpecState after, Call c, int node, SpecState.Fd fd, Outcomes out) {
    device(after, node, Loops.open(fd.excl()), out, x -> x.withFd(c.proc, c.value(), fd));
  }

  /** close of an fd on a loop device: an O_EXCL one releases the device. */
  void loopRelease(SpecState s, Call c, int fd, Outcomes out) {
    SpecState.Fd f = s.fd(c.proc, fd);
    if (f.excl()) {
      device(s, f.node(), Loops.RELEASE_EXCL, out, x -> closed(x, c.proc, fd, f));
    } else {
      out.allow(OK, closed(s, c.proc, fd, f));
    }
  }

  /**
   * {@code fd} gone: when it was its description's last fd, the description's flock goes with it; when no
   * followed fd is left on the inode, what was unsure about its flocks is forgotten.
   */
  static SpecState closed(SpecState s, int hart, int fd, SpecState.Fd f) {
    SpecState x = s.withoutFd(hart, fd);
    if (!flockFollowed(f) || x.flocks(f.node()).isEmpty()) {
      return x;
    }
    TreeMap<Long, Integer> locks = x.flocks(f.node());
    if (!x.otherFdOf(hart, fd, f.desc())) {
      locks = new TreeMap<>(locks);
      if (locks.containsKey(f.desc()) && x.hasUnknownFd(hart)) {
        // An F_DUPFD copy (not followed) may still refer to the description and keep its lock.
        locks.clear();
        locks.put(SpecState.FLOCK_UNSURE, 0);
      } else {
        locks.remove(f.desc());
      }
    }
    if (!x.anyFdOn(f.node())) {
      locks = new TreeMap<>();
    }
    return x.withFlocks(f.node(), locks);
  }

  /**
   * EMFILE, with {@code unchanged} as the state after, when {@code needed} more fds do not fit in the process's
   * table ({@code FdTable.DEFAULT_LIMIT}, RLIMIT_NOFILE's usual soft limit; the model's tables have that
   * limit). What the call made before it tried to install the fd (an O_CREAT file) stays in
   * {@code unchanged}; a device it opened is released again, so the device is as it was.
   */
  private static void fullTable(SpecState s, Call c, SpecState unchanged, int needed, Outcomes out) {
    if (s.fdCount(c.proc) + needed > FdTable.DEFAULT_LIMIT) {
      out.allow(EMFILE, unchanged, out.explaining() ? "the process has " + s.fdCount(c.proc) + " fds open, the most"
          + " its table holds is " + FdTable.DEFAULT_LIMIT : null);
    }
  }

  /**
   * EBADF: fd -1 (an unset or failed variable), or one not open (every call that makes an fd is
   * followed: open, dup, memfd_create, pipe2, fcntl's F_DUPFD; an unmodelled call that succeeds makes
   * the state unknown anyway).
   */
  private static void badFd(SpecState s, int fd, Outcomes out) {
    out.allow(EBADF, s, out.explaining() ? (fd < 0 ? "the variable holds -1" : "fd " + fd + " is not open") : null);
  }

  void dup(SpecState s, Call c, int fd, Outcomes out) {
    SpecState.Fd f = fd < 0 ? null : s.fd(c.proc, fd);
    if (f == null) {
      badFd(s, fd, out);
      return;
    }
    if (Nodes.isLoop(f.node())) {
      // dup opens the device again with the original open's exclusive flag: EBUSY after an O_EXCL open.
      out.allow(ANY_ERR, s);
    }
    fullTable(s, c, s, 1, out);
    out.allow(OK, out.actualOk()
        ? s.withFd(c.proc, c.value(), new SpecState.Fd(f.node(), f.mount(), false, f.roOpen(), f.desc(), f.access()))
        : null);
  }

  // ==== read, write, pread64, pwrite64 ====

  /**
   * write(2) ({@code offset} null) and pwrite64 as {@code fs.file.FileSyscalls} checks them: pwrite64's
   * negative offset (EINVAL, before the fd), an fd that is not open (EBADF), then on a loop device: not
   * open for writing (EBADF), O_APPEND (ESPIPE: a device has no append; write(2) only), pwrite64 of
   * nothing (0, before the device), then the device ({@link #loopWrite}). On any other fd: any result.
   */
  void write(SpecState s, Call c, int fd, boolean empty, Long offset, Outcomes out) {
    if (offset != null && offset < 0) {
      out.allow(EINVAL, s, "the offset is negative");
      return;
    }
    SpecState.Fd f = fd < 0 ? null : s.fd(c.proc, fd);
    if (f == null) {
      badFd(s, fd, out);
    } else if (!Nodes.isLoop(f.node())) {
      out.allow(ANY, s);
    } else if (!f.writable()) {
      out.allow(EBADF, s, out.explaining() ? "fd " + fd + " is not open for writing" : null);
    } else if (offset == null && f.append()) {
      out.allow(ESPIPE, s, out.explaining() ? "fd " + fd + " is O_APPEND and a device has no append" : null);
    } else if (offset != null && empty) {
      out.allow(OK, s, "nothing to write");
    } else {
      loopWrite(s, f.node(), empty, out);
    }
  }

  /** fsync(2) and fdatasync(2): they change nothing the oracle tracks, any outcome (starry's device has no fsync). */
  void fsync(SpecState s, Call c, int fd, Outcomes out) {
    noEffect(s, out);
  }

  /** The device's write of {@code empty} data or not: {@link #loopWrite(SpecState, int, Outcomes)}. */
  void loopWrite(SpecState s, int n, boolean empty, Outcomes out) {
    loopWrite(s, n, out);
  }

  /**
   * read(2) ({@code offset} null) and pread64: an fd that is not open (EBADF), then on a loop device
   * pread64's negative offset (EINVAL), not open for reading (EBADF), then the device
   * ({@link #loopRead}). On any other fd: any result.
   */
  void read(SpecState s, Call c, int fd, Long offset, Outcomes out) {
    SpecState.Fd f = fd < 0 ? null : s.fd(c.proc, fd);
    if (f == null) {
      badFd(s, fd, out);
    } else if (!Nodes.isLoop(f.node())) {
      out.allow(ANY, s);
    } else if (offset != null && offset < 0) {
      out.allow(EINVAL, s, "the offset is negative");
    } else if (!f.readable()) {
      out.allow(EBADF, s, out.explaining() ? "fd " + fd + " is not open for reading" : null);
    } else {
      loopRead(s, f.node(), out);
    }
  }

  /**
   * The device's {@code write_at}: {@link Loops#WRITE_AT}, or {@link Loops#WRITE_AT_FILE_FIRST} with that fix;
   * nothing the oracle tracks changes.
   */
  void loopWrite(SpecState s, int n, Outcomes out) {
    device(s, n, writeAtFileFirst ? Loops.WRITE_AT_FILE_FIRST : Loops.WRITE_AT, out, null);
  }

  /** The device's {@code read_at}: {@link Loops#READ_AT}. */
  void loopRead(SpecState s, int n, Outcomes out) {
    device(s, n, Loops.READ_AT, out, null);
  }

  // ==== flock (the same in every profile: Linux's fs/locks.c, as fs.file.Flocks has it) ====

  private static final int LOCK_MAND = 32;

  /** Whether the oracle follows {@code f}'s flocks: a loop device's or loop-control's description. */
  private static boolean flockFollowed(SpecState.Fd f) {
    return f.desc() >= 0 && (Nodes.isLoop(f.node()) || f.node() == Nodes.CONTROL);
  }

  /**
   * flock(fd, cmd): LOCK_MAND ignored (0); a bad operation EINVAL; a bad fd EBADF; then, on a loop device
   * or loop-control, exactly: an existing lock of the same kind is kept; one of the other kind is dropped
   * first (LOCK_NB: EAGAIN with it gone); a conflict with another description's lock is EAGAIN with LOCK_NB
   * and otherwise waits (so it can only return once the conflict is gone: its point in the order is its
   * grant). A blocking conversion that may have waited leaves the inode's locks unknown (others ran while
   * the old lock was gone), until no followed fd is left on it. On other files (whose identity the oracle
   * does not track) any lock result is allowed and nothing is recorded.
   */
  void flock(SpecState s, Call c, Syscall.Flock fl, Outcomes out) {
    int cmd = fl.cmd();
    int fd = fl.fd().value();
    if ((cmd & LOCK_MAND) != 0) {
      out.allow(OK, s, "LOCK_MAND is ignored");
      return;
    }
    int op = cmd & ~LOCK_NB;
    boolean nb = (cmd & LOCK_NB) != 0;
    if (op != LOCK_SH && op != LOCK_EX && op != LOCK_UN) {
      out.allow(EINVAL, s, out.explaining() ? "flock takes LOCK_SH, LOCK_EX or LOCK_UN" : null);
      return;
    }
    SpecState.Fd f = fd < 0 ? null : s.fd(c.proc, fd);
    if (f == null) {
      badFd(s, fd, out);
      return;
    }
    if (f.node() == SpecState.UNKNOWN_FD) {
      // fcntl's F_DUPFD copy of an fd the oracle no longer follows: it may be a loop device's description.
      out.allow(ANY_ERR, s);
      out.allow(OK, s.asWild(), "a lock through an fd the oracle does not follow");
      return;
    }
    if (!flockFollowed(f)) {
      out.allow(OK, s);
      if (op != LOCK_UN) {
        out.allow(EBADF, s, "an O_PATH fd takes no lock");
        if (nb) {
          out.allow(EAGAIN, s, "the oracle does not follow this file's locks");
        }
      }
      return;
    }
    TreeMap<Long, Integer> locks = s.flocks(f.node());
    if (locks.containsKey(SpecState.FLOCK_UNSURE)) {
      out.allow(OK, s, "this inode's locks are unknown after a conversion");
      if (nb && op != LOCK_UN) {
        out.allow(EAGAIN, s, "this inode's locks are unknown after a conversion");
      }
      return;
    }
    Integer mine = locks.get(f.desc());
    TreeMap<Long, Integer> rest = new TreeMap<>(locks);
    rest.remove(f.desc());
    if (op == LOCK_UN) {
      out.allow(OK, s.withFlocks(f.node(), rest));
      return;
    }
    if (mine != null && mine == op) {
      out.allow(OK, s, "the description holds that lock already");
      return;
    }
    Long other = null;
    for (var e : rest.entrySet()) {
      if (op == LOCK_EX || e.getValue() == LOCK_EX) {
        other = e.getKey();
        break;
      }
    }
    TreeMap<Long, Integer> granted = new TreeMap<>(rest);
    granted.put(f.desc(), op);
    String who = Nodes.describe(f.node());
    if (other == null) {
      out.allow(OK, s.withFlocks(f.node(), granted));
    } else if (nb) {
      out.allow(EAGAIN, s.withFlocks(f.node(), rest), out.explaining() ? who + " is locked by another open" : null);
    }
    if (other != null && !nb && mine != null) {
      // The old lock went at once; the new one came after a wait others may have seen.
      TreeMap<Long, Integer> unsure = new TreeMap<>();
      unsure.put(SpecState.FLOCK_UNSURE, 0);
      out.allow(OK, s.withFlocks(f.node(), unsure), "a conversion that waited");
    }
  }

  private static SpecState.Fd unknownFd() {
    return new SpecState.Fd(SpecState.UNKNOWN_FD, -1, false, false);
  }

  // ==== ioctl ====

  void ioctl(SpecState s, Call c, Ioctl i, Outcomes out) {
    int fd = i.fd().value();
    SpecState.Fd f = fd < 0 ? null : s.fd(c.proc, fd);
    if (f == null) {
      badFd(s, fd, out);
      return;
    }
    if (f.node() == Nodes.CONTROL) {
      controlIoctl(s, c, i, out);
    } else if (f.node() == SpecState.UNKNOWN_FD) {
      out.allow(ANY, s);
    } else if (!Nodes.isLoop(f.node())) {
      out.allow(ENOTTY, s, out.explaining() ? "fd " + fd + " is not a device" : null);
    } else {
      loopIoctl(s, c, i, f.node(), out);
    }
  }

  /** Loop ioctls by name; looked up only, never iterated. */
  private static final java.util.HashMap<String, LoopIoctl> COMMANDS = new java.util.HashMap<>();

  static {
    for (LoopIoctl l : LoopIoctl.values()) {
      COMMANDS.put(l.name(), l);
    }
  }

  private static LoopIoctl command(String name) {
    return COMMANDS.get(name);
  }

  /**
   * /dev/loop-control (Linux's): GET_FREE and ADD may return anything, and a success leaves a node
   * {@code /dev/loopN} for the index returned (devtmpfs makes the node of a device it adds); a REMOVE that
   * succeeds is not modelled.
   */
  void controlIoctl(SpecState s, Call c, Ioctl i, Outcomes out) {
    if (i.cmdName().equals("LOOP_CTL_REMOVE")) {
      out.allow(ANY_ERR, s);
      out.allow(OK, s.asWild(), "LOOP_CTL_REMOVE is not modelled");
    } else if (i.cmdName().equals("LOOP_CTL_ADD") || i.cmdName().equals("LOOP_CTL_GET_FREE")) {
      out.allow(ANY_ERR, s);
      out.allow(OK, out.actualOk() ? withDevNode(s, (int) c.value()) : s);
    } else if (command(i.cmdName()) != null) {
      out.allow(notAControlIoctl(), s, out.explaining() ? i.cmdName() + " is not a loop-control ioctl" : null);
    } else {
      out.allow(ANY, s);
    }
  }

  /** What loop-control answers a loop device's ioctl: ENOTTY here (Linux's is ENOSYS, {@code LinuxSpec}). */
  int notAControlIoctl() {
    return ENOTTY;
  }

  /**
   * {@code s} with device {@code n}'s nodes where they are missing: {@code /dev/loop<n>} (devtmpfs) and
   * {@code /sys/block/loop<n>/loop/backing_file} with its directories (sysfs), as cpu.Kernel makes them.
   */
  static SpecState withDevNode(SpecState s, int n) {
    if (n < 0) {
      return s;
    }
    SpecState x = withNode(s, "/dev", "loop" + n, n);
    x = withNode(x, "/sys/block", "loop" + n, Nodes.DIR);
    x = withNode(x, "/sys/block/loop" + n, "loop", Nodes.DIR);
    return withNode(x, "/sys/block/loop" + n + "/loop", "backing_file", Nodes.SYSFS);
  }

  /** {@code s} with {@code dir/name} as {@code node} if {@code dir} is a directory without that name. */
  private static SpecState withNode(SpecState s, String dir, String name, int node) {
    Walk d = Walk.of(s, dir);
    if (!d.ok() || d.unsure() || d.node() != Nodes.DIR || d.child(s, name) != Walk.ABSENT) {
      return s;
    }
    return s.withMount(d.mount(), s.mount(d.mount()).withFile(d.childRel(name), node));
  }

  void loopIoctl(SpecState s, Call c, Ioctl i, int n, Outcomes out) {
    LoopIoctl cmd = command(i.cmdName());
    if (cmd == null) {
      if (i.cmdName().startsWith("LOOP_CTL_")) {
        out.allow(ENOTTY, s, out.explaining() ? i.cmdName() + " is not a loop device ioctl" : null);
      } else {
        out.allow(ANY, s);
      }
      return;
    }
    Ioctl.Arg arg = i.arg();
    switch (cmd) {
      case LOOP_SET_FD -> {
        if (arg instanceof Ioctl.File f) {
          bind(s, c, n, f.fd().value(), false, false, out);
        } else {
          out.allow(ANY, s);
        }
      }
      case LOOP_CONFIGURE -> {
        // flags | LO_FLAGS_READ_ONLY for an O_RDONLY fd: exact when the structure's flags are known.
        if (arg instanceof Ioctl.Config k) {
          boolean ro = (k.info().flags() & LO_FLAGS_READ_ONLY) != 0;
          bind(s, c, n, k.fd().value(), ro, ro, out);
        } else if (arg instanceof Ioctl.File f) {
          bind(s, c, n, f.fd().value(), false, true, out);
        } else {
          out.allow(ANY_ERR, s, "its fd argument is not known");
          device(s, n, Loops.bind(false, true), out, null);
        }
      }
      case LOOP_CLR_FD -> device(s, n, Loops.CLR_FD, out, null);
      case LOOP_GET_STATUS, LOOP_GET_STATUS64, BLKGETSIZE, BLKGETSIZE64 -> device(s, n, Loops.REQUIRE_BOUND, out, null);
      case LOOP_SET_STATUS, LOOP_SET_STATUS64 -> {
        Integer flags = arg instanceof Ioctl.Status st ? (Integer) st.info().flags()
            : arg instanceof Ioctl.Status64 st ? (Integer) st.info().flags()
            : arg instanceof Ioctl.Config k ? (Integer) k.info().flags() : null;
        if (arg == Ioctl.None.INSTANCE) {
          out.allow(ANY, s); // no argument: the model cannot run it
        } else if (flags != null) {
          device(s, n, Loops.setRo((flags & LO_FLAGS_READ_ONLY) != 0), out, null);
        } else {
          device(s, n, Loops.setRo(false, true), out, null);
        }
      }
      case BLKROSET -> {
        if (!(arg instanceof Ioctl.Int v)) {
          out.allow(ANY, s);
        } else if (v.value() != 0 && v.value() != 1) {
          out.allow(EINVAL, s, "BLKROSET takes 0 or 1");
        } else {
          device(s, n, Loops.setRo(v.value() == 1), out, null);
        }
      }
      case BLKFLSBUF -> device(s, n, Loops.FLSBUF, out, null);
      case BLKSSZGET, BLKPBSZGET, BLKIOMIN, BLKIOOPT, BLKROGET, BLKRAGET, BLKRASET, BLKRRPART, HDIO_GETGEO ->
          out.allow(OK, s);
      case BLKPG, LOOP_CHANGE_FD, LOOP_SET_CAPACITY, LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE ->
          out.allow(ENOTTY, s, out.explaining() ? "starry does not handle " + cmd : null);
      default -> out.allow(ANY, s);
    }
  }

  /**
   * LOOP_SET_FD / LOOP_CONFIGURE: the fd argument first (EBADF not open, EINVAL for what does not
   * downcast to a {@code File}: a directory, a pipe, a memfd), then the device (EBUSY bound). The device
   * is read-only if the fd was opened O_RDONLY, or ({@code ro}) the call says so, or ({@code maybeRo}) it
   * may. A {@code File} other than a tmpfs file (a file on ext4, a device node, a sysfs attribute) binds
   * as well, but its I/O is that file's, which the specification does not follow: a success leaves the
   * state unknown.
   */
  void bind(SpecState s, Call c, int n, int argFd, boolean ro, boolean maybeRo, Outcomes out) {
    SpecState.Fd a = argFd < 0 ? null : s.fd(c.proc, argFd);
    if (a == null) {
      badFd(s, argFd, out);
      return;
    }
    if (a.node() == Nodes.DIR || a.node() == SpecState.ANON && a.mount() < 0) {
      out.allow(EINVAL, s, out.explaining() ? "fd " + argFd + " is no File (a directory, a pipe or a memfd)" : null);
      return;
    }
    boolean followed = a.node() == Nodes.FILE;
    if (!followed && (a.node() == SpecState.UNKNOWN_FD || a.node() == Nodes.UNKNOWN)) {
      out.allow(EINVAL, s, out.explaining() ? "fd " + argFd + " may be a directory" : null);
    }
    Loops.Op op = a.roOpen() || ro ? Loops.bind(true) : maybeRo || a.node() == SpecState.UNKNOWN_FD
        ? Loops.bind(false, true) : Loops.bind(false);
    device(s, n, op, out, followed ? null : SpecState::asWild);
  }

  // ==== mount, umount2, mkfs ====

  void mount(SpecState s, Call c, Syscall.Mount m, Outcomes out) {
    if (m.source() == null || m.target() == null) {
      out.allow(EFAULT, s, "a NULL source or target (vm_load_string)");
      return;
    }
    int flags = m.flags();
    int propagation = flags & PROPAGATION_FLAGS;
    if (Integer.bitCount(propagation) > 1) {
      out.allow(EINVAL, s, "more than one propagation flag");
      return;
    }
    if (propagation != 0) {
      if ((flags & ~(propagation | MS_REC | MS_SILENT)) != 0) {
        out.allow(EINVAL, s, "a propagation change takes no other flags");
        return;
      }
      mountRoot(s, m.target(), false, out);
      return;
    }
    if ((flags & MS_REMOUNT) != 0) {
      mountRoot(s, m.target(), (flags & MS_RDONLY) != 0, out);
      return;
    }
    if ((flags & (MS_MOVE | MS_BIND)) != 0) {
      out.allow(ANY_ERR, s, "MS_MOVE and MS_BIND are not modelled");
      out.allow(OK, s.asWild(), "MS_MOVE and MS_BIND are not modelled");
      return;
    }
    boolean ro = (flags & MS_RDONLY) != 0;
    switch (m.type() == null ? "" : m.type()) { // a NULL fstype is "", as the seed reads it
      case "proc", "sysfs", "devtmpfs", "devpts", "tmpfs" -> mountNew(s, c, m.target(), m.type(), ro, new TreeMap<>(), out);
      case "cgroup2" -> {
        TreeMap<String, Integer> files = new TreeMap<>();
        files.put("cgroup.controllers", Nodes.FILE);
        mountNew(s, c, m.target(), "cgroup2", ro, files, out);
      }
      case "ext4" -> mountExt4(s, c, m, ro, out);
      case "overlay" -> {
        out.allow(ANY_ERR, s, "overlay is not modelled");
        out.allow(OK, s.asWild(), "overlay is not modelled");
      }
      default -> out.allow(ENODEV, s, out.explaining() ? "no filesystem type " + (m.type() == null ? "(NULL)"
          : "'" + m.type() + "'") : null);
    }
  }

  /** MS_REMOUNT and propagation changes: the target must be a mount's root; a remount may make it read-only. */
  void mountRoot(SpecState s, String target, boolean makeReadonly, Outcomes out) {
    Walk t = Walk.of(s, target);
    if (!walked(s, t, out)) {
      return;
    }
    if (t.unsure()) {
      out.allow(ANY_ERR, s, out.explaining() ? t.why(s) : null);
      return;
    }
    if (!t.root()) {
      out.allow(EINVAL, s, out.explaining() ? t.shown() + " is not a mount point" : null);
      return;
    }
    if (makeReadonly) {
      out.allow(OK, s.withMount(t.mount(), s.mount(t.mount()).withReadonly(true)));
    } else {
      out.allow(OK, s);
    }
  }

  /** The pseudo filesystems: resolve the target, which must be a directory; a fresh filesystem on it. */
  void mountNew(SpecState s, Call c, String target, String type, boolean ro,
      TreeMap<String, Integer> files, Outcomes out) {
    Walk t = Walk.of(s, target);
    if (!walked(s, t, out)) {
      return;
    }
    if (t.ok() && t.node() != Nodes.DIR) {
      out.allow(ENOTDIR, s, out.explaining() ? t.shown() + " is not a directory" : null);
      return;
    }
    if (t.unsure()) {
      out.allow(ANY_ERR, s, out.explaining() ? t.why(s) : null);
    }
    out.allow(OK, s.withNewMount(
        new SpecState.Mount(c.id + 1, s.mount(t.mount()).id(), t.abs(), type, -1, ro, false, true, files)));
  }

  /**
   * mount_ext4: the source must be a loop device (ENODEV), then as_dyn_block_device and the superblock
   * ({@link Loops#mountExt4}), then the target: its walk's errno, EIO when it is not a directory.
   */
  /** The pseudo-fd a hart's claimed ext4 mount keeps between its two parts (no real fd is this large). */
  static final int CLAIM_FD = Integer.MAX_VALUE;

  /**
   * An ext4 mount (not a bind, move, remount or propagation change) is taken in two parts: its claim
   * (the source and the block handle, which marks the device mounted) and then the rest (the superblock,
   * the target, the attach). mount_ext4 holds only its own process's FS_CONTEXT between them, so another
   * process can see the device claimed and the target not yet mounted: a second mount or LOOP_CLR_FD is
   * EBUSY, umount2 of the target EINVAL.
   */
  @Override
  public boolean claimsFirst(kernsim.cpu.call.Call call) {
    return call instanceof Syscall.Mount m && "ext4".equals(m.type())
        && (m.flags() & (PROPAGATION_FLAGS | MS_REMOUNT | MS_MOVE | MS_BIND)) == 0;
  }

  void mountExt4(SpecState s, Call c, Syscall.Mount m, boolean ro, Outcomes out) {
    if (c.claim) {
      claimExt4(s, c, m, out);
      return;
    }
    if (claimsFirst(c.call)) {
      attachExt4(s, c, m, ro, out);
      return;
    }
    Walk src = Walk.of(s, m.source());
    if (!walked(s, src, out)) {
      return;
    }
    if (src.unsure()) {
      out.allow(ANY_ERR, s, out.explaining() ? src.why(s) : null);
      out.allow(OK, s.asWild(), out.explaining() ? src.why(s) : null);
      return;
    }
    int n = src.node();
    if (!Nodes.isLoop(n)) {
      out.allow(ENODEV, s, out.explaining() ? src.shown() + " is " + Nodes.describe(n) + ", not a loop device" : null);
      return;
    }
    Walk t = Walk.of(s, m.target());
    int target;
    String why = null;
    if (t.failed()) {
      target = t.outcome();
      why = out.explaining() ? t.why(s) : null;
    } else if (t.unsure()) {
      target = ANY;
      why = out.explaining() ? t.why(s) : null;
    } else if (t.node() != Nodes.DIR) {
      target = EIO;
      why = out.explaining() ? "the target " + t.shown() + " is not a directory" : null;
    } else {
      target = OK;
    }
    int parentId = s.mount(t.mount()).id();
    String point = t.abs();
    mountExt4Device(s, n, target, why,
        new SpecState.Mount(c.id + 1, parentId, point, "ext4", n, ro, false, false, new TreeMap<>()), out);
  }

  /**
   * The claim: the source must be a loop device (ENODEV), then its block handle. A failure is the mount's
   * result; a success leaves the device claimed and the hart's {@link #CLAIM_FD} naming it for the rest.
   */
  void claimExt4(SpecState s, Call c, Syscall.Mount m, Outcomes out) {
    Walk src = Walk.of(s, m.source());
    if (!walked(s, src, out)) {
      return;
    }
    if (src.unsure()) {
      out.allow(ANY_ERR, s, out.explaining() ? src.why(s) : null);
      out.allow(ANY, s.asWild(), out.explaining() ? src.why(s) : null);
      return;
    }
    int n = src.node();
    if (!Nodes.isLoop(n)) {
      out.allow(ENODEV, s, out.explaining() ? src.shown() + " is " + Nodes.describe(n) + ", not a loop device" : null);
      return;
    }
    device(s, n, Loops.claimExt4(false), out, null);
    int w = Loops.run(s.dev(n), n, Loops.claimExt4(true), out);
    if (w != 0) {
      out.add(s.withDev(n, w).withFd(c.proc, CLAIM_FD, new SpecState.Fd(SpecState.ANON, -1, false, false, n)));
    }
  }

  /**
   * The rest of a claimed ext4 mount: the superblock (EIO), the target as {@link #mountExt4} resolves it;
   * a failure drops the adapter (the device is no longer mounted), a success adds the mount. When the
   * claim failed, the mount ended there with the claim's errno.
   */
  void attachExt4(SpecState s, Call c, Syscall.Mount m, boolean ro, Outcomes out) {
    SpecState.Fd claimed = s.fd(c.proc, CLAIM_FD);
    if (claimed == null) {
      out.allow(ANY_ERR, s, "its block handle failed");
      return;
    }
    int n = (int) claimed.desc();
    SpecState after = s.withoutFd(c.proc, CLAIM_FD);
    SpecState dropped = after.withDev(n, Loops.normalize(Loops.set(after.dev(n), Loops.MOUNTED, false)));
    out.allow(EIO, dropped, out.explaining() ? "loop" + n + " may hold no readable superblock" : null);
    ext4Target(after, dropped, c, m, n, ro, out);
  }

  /**
   * The end of a claimed ext4 mount, after its superblock (both profiles): the target's walk fails it
   * ({@code dropped}: the device no longer mounted), a target that is not a directory fails it with EIO,
   * and a success adds the mount of loop{@code n} over {@code after}.
   */
  final void ext4Target(SpecState after, SpecState dropped, Call c, Syscall.Mount m, int n, boolean ro, Outcomes out) {
    Walk t = Walk.of(after, m.target());
    if (t.failed()) {
      out.allow(t.outcome(), dropped, out.explaining() ? t.why(after) : null);
      return;
    }
    if (t.unsure()) {
      out.allow(ANY_ERR, dropped, out.explaining() ? t.why(after) : null);
    } else if (t.node() != Nodes.DIR) {
      out.allow(EIO, dropped, out.explaining() ? "the target " + t.shown() + " is not a directory" : null);
      return;
    }
    out.allow(OK, after.withNewMount(new SpecState.Mount(c.id + 1, after.mount(t.mount()).id(), t.abs(), "ext4", n, ro,
        false, false, new TreeMap<>())));
  }

  /** mount_ext4's device part ({@link Loops#mountExt4}); on success {@code mount} is added. */
  void mountExt4Device(SpecState s, int n, int target, String why, SpecState.Mount mount, Outcomes out) {
    device(s, n, Loops.mountExt4(target, why), out, x -> x.withNewMount(mount));
  }

  void umount(SpecState s, Syscall.Umount2 u, Outcomes out) {
    int flags = u.flags();
    if ((flags & ~VALID_UMOUNT_FLAGS) != 0 || ((flags & MNT_EXPIRE) != 0 && (flags & (MNT_FORCE | MNT_DETACH)) != 0)) {
      out.allow(EINVAL, s, "invalid flags");
      return;
    }
    Walk t = Walk.of(s, u.target());
    if (!walked(s, t, out)) {
      return;
    }
    if (t.unsure()) {
      out.allow(ANY_ERR, s, out.explaining() ? t.why(s) : null);
      return;
    }
    if (!t.root()) {
      out.allow(EINVAL, s, out.explaining() ? t.shown() + " is not a mount point" : null);
      return;
    }
    int idx = t.mount();
    SpecState.Mount m = s.mount(idx);
    if ((flags & MNT_EXPIRE) != 0) {
      out.allow(EAGAIN, s, "the first MNT_EXPIRE only marks the mount");
    }
    if ((flags & MNT_DETACH) != 0) {
      if (m.id() == SpecState.ROOT) {
        out.allow(EINVAL, s, "the root cannot be detached");
        return;
      }
      out.allow(OK, detach(s, m));
      return;
    }
    String busy = busy(s, idx, out);
    if (busy != null) {
      out.allow(EBUSY, s, busy);
      return;
    }
    if (m.maybeBusy()) {
      out.allow(EBUSY, s, out.explaining() ? "a failed open may have left an fd on " + m.describe() : null);
    }
    SpecState after = s.withoutMounts(List.of(m.id()));
    if (m.dev() >= 0) {
      umountDevice(after, m.dev(), out);
    } else {
      out.allow(OK, after);
    }
  }

  /** umount2 of an ext4 mount on loop device {@code dev}, after the unmount: the write-back. */
  void umountDevice(SpecState after, int dev, Outcomes out) {
    device(after, dev, Loops.UMOUNT_WRITEBACK, out, null);
  }

  /**
   * {@code is_mount_busy}: the root (the shared root and cwd), a mount on it, or an fd of any hart on
   * it. The reason ("" unless explaining), or null when it is not busy.
   */
  private static String busy(SpecState s, int idx, Outcomes out) {
    SpecState.Mount m = s.mount(idx);
    if (m.id() == SpecState.ROOT) {
      return "/ is the root";
    }
    for (SpecState.Mount child : s.mounts()) {
      if (child.parent() == m.id()) {
        return out.explaining() ? child.describe() + " is mounted on " + m.describe() : "";
      }
    }
    int[] fd = s.fdOn(m.id());
    if (fd != null) {
      return out.explaining() ? out.hartName(fd[0]) + "'s fd " + fd[1] + " is on " + m.describe() : "";
    }
    return null;
  }

  /**
   * MNT_DETACH: the mount and every mount below it leave the namespace, nothing written back. An ext4
   * mount no fd is on has its adapter dropped; one an fd is on lives on until the last such fd is closed
   * (the lazy detach), which this specification does not follow: its device may be mounted or not from
   * then on.
   */
  private SpecState detach(SpecState s, SpecState.Mount top) {
    List<Integer> gone = new ArrayList<>(List.of(top.id()));
    for (SpecState.Mount m : s.mounts()) {
      if (gone.contains(m.parent()) && !gone.contains(m.id())) {
        gone.add(m.id());
      }
    }
    SpecState after = s.withoutMounts(gone);
    for (SpecState.Mount m : s.mounts()) {
      if (gone.contains(m.id()) && m.dev() >= 0) {
        after = detached(after, m.dev(), s.fdOn(m.id()) != null);
      }
    }
    return after;
  }

  /**
   * Device {@code dev} after MNT_DETACH took its ext4 mount away ({@code s} no longer has the mount):
   * unmounted, or, when {@code inUse} (an fd is on the mount, which lives on until it is closed), mounted
   * or not from then on.
   */
  SpecState detached(SpecState s, int dev, boolean inUse) {
    int w = s.dev(dev);
    return s.withDev(dev, Loops.normalize(inUse ? Loops.unknown(w, Loops.MOUNTED) : Loops.set(w, Loops.MOUNTED, false)));
  }

  /** mkfs.ext4: the path must name a loop device (ENOTBLK), then {@link Loops#MKFS}. */
  void mkfs(SpecState s, Syscall.MkfsExt4 m, Outcomes out) {
    Walk w = Walk.of(s, m.device());
    if (!walked(s, w, out)) {
      return;
    }
    if (w.unsure()) {
      out.allow(ANY_ERR, s, out.explaining() ? w.why(s) : null);
      out.allow(OK, s.asWild(), out.explaining() ? w.why(s) : null);
      return;
    }
    if (!Nodes.isLoop(w.node())) {
      out.allow(ENOTBLK, s, out.explaining() ? w.shown() + " is not a block device" : null);
      return;
    }
    mkfsDevice(s, w.node(), out);
  }

  /** mkfs.ext4 once the path named loop device {@code n}. */
  void mkfsDevice(SpecState s, int n, Outcomes out) {
    device(s, n, Loops.MKFS, out, null);
  }
}
