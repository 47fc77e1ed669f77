package kernsim.oracle;

import static kernsim.dev.loop.LoopAbi.LO_FLAGS_AUTOCLEAR;
import static kernsim.dev.loop.LoopAbi.LO_FLAGS_PARTSCAN;
import static kernsim.dev.loop.LoopAbi.LO_FLAGS_READ_ONLY;
import static kernsim.oracle.Outcomes.ANY;
import static kernsim.oracle.Outcomes.ANY_ERR;
import static kernsim.oracle.Outcomes.OK;

import kernsim.cpu.call.Syscall;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.dev.Errno;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;

/**
 * The linux profile's sequential semantics for the errno oracle. It shares paths, tmpfs contents, the
 * mount table with umount2's busy check, fds, pipes, memfds and flock with {@link StarrySpec}; a loop
 * device is Linux 6.18's {@code drivers/block/loop.c} with the block layer around it, as
 * {@code dev.loop.LinuxLoop} models it and {@code kernsim conform} found it on the real kernel.
 *
 * <p>A device's state is its {@link SpecState} word's bits from {@link #SHIFT} on (the low bits are
 * {@link Loops}' fields, which the starry profile uses; here they stay as at boot): {@code lo_state}
 * (unbound, bound or rundown), LO_FLAGS_AUTOCLEAR, LO_FLAGS_PARTSCAN, LO_FLAGS_READ_ONLY, the disk's
 * read-only flag (set from LO_FLAGS_READ_ONLY at each bind, kept at the detach, as the model keeps it),
 * BLKROSET's {@code BD_READ_ONLY}, whether {@code lo_offset} is beyond an int (LOOP_GET_STATUS's
 * EOVERFLOW) and {@link #UNSURE}. Who holds it open is read from the fds and the mounts: the open file
 * descriptions on it (dups share one, as in Linux) and whether one is O_EXCL, the ext4 mounts on it and the
 * mounts whose claim is taken ({@link StarrySpec#claimsFirst}): {@code disk_openers} and the exclusive
 * claim. A removed device's nodes leave the tree (LOOP_CTL_REMOVE), so an open is the walk's ENOENT, and
 * LOOP_CTL_ADD makes them again with the device as new.
 *
 * <p>Four calls are taken in two parts ({@link #claimsFirst}), because Linux makes part of their effect
 * visible before the rest: an ext4 mount (its claim), an open of {@code /dev/loopN} (the checks, then the
 * opener counted), LOOP_CTL_REMOVE (the device marked deleting, then its nodes gone) and close (the
 * description's flock released, then the opener).
 *
 * <p>Not decided, so allowed either way (each is a row of {@code docs/profiles.md}): the device's size
 * (a write may be ENOSPC), whether a page is cached in rundown (I/O there may be EIO), whether
 * LOOP_CHANGE_FD's file has the same size (EINVAL), whether an image is too small for mkfs (ENOSPC) or
 * holds a readable superblock (a mount's EIO); a device whose users the oracle lost track of
 * ({@link #UNSURE}: a lazily detached ext4 mount with fds on it, an O_PATH open, an fd shared through
 * fcntl's F_DUPFD) allows anything from then on. A loop device, an ext4 file or a sysfs attribute as a
 * backing file binds as well, and leaves the state unknown, as under starry.
 */
final class LinuxSpec extends StarrySpec {
  /** Where a device word's Linux bits start (below are {@link Loops}' fields). */
  static final int SHIFT = 12;
  static final int STATE = 3 << SHIFT;
  static final int UNBOUND = 0;
  static final int BOUND = 1 << SHIFT;
  static final int RUNDOWN = 2 << SHIFT;
  static final int AUTOCLEAR = 1 << (SHIFT + 2);
  static final int PARTSCAN = 1 << (SHIFT + 3);
  /** LO_FLAGS_READ_ONLY in {@code lo_flags} (LOOP_CHANGE_FD asks for it; cleared at the detach). */
  static final int FLAG_RO = 1 << (SHIFT + 4);
  /** The disk's read-only flag, {@code get_disk_ro} (set from LO_FLAGS_READ_ONLY at each bind). */
  static final int DISK_RO = 1 << (SHIFT + 5);
  /** {@code BD_READ_ONLY}, as BLKROSET sets it. */
  static final int BD_RO = 1 << (SHIFT + 6);
  /** {@code lo_offset} does not fit an int: LOOP_GET_STATUS is EOVERFLOW. */
  static final int BIG_OFFSET = 1 << (SHIFT + 7);
  /** Who holds the device is not known any more: every call on it may have any result. */
  static final int UNSURE = 1 << (SHIFT + 8);
  /** LOOP_CTL_REMOVE took the device away (until LOOP_CTL_ADD makes it again). */
  static final int REMOVED = 1 << (SHIFT + 9);
  /** LOOP_CTL_REMOVE's first part marked it Lo_deleting; its nodes are still there until the second. */
  static final int DELETING = 1 << (SHIFT + 10);
  /** What {@code __loop_clr_fd} clears ({@code lo_flags = 0}, the offset). */
  private static final int CLEARED = STATE | AUTOCLEAR | PARTSCAN | FLAG_RO | BIG_OFFSET;

  private static final int EBADF = Outcomes.err(Errno.EBADF);
  private static final int EBUSY = Outcomes.err(Errno.EBUSY);
  private static final int EEXIST = Outcomes.err(Errno.EEXIST);
  private static final int EFAULT = Outcomes.err(Errno.EFAULT);
  private static final int EINVAL = Outcomes.err(Errno.EINVAL);
  private static final int EIO = Outcomes.err(Errno.EIO);
  private static final int ENODEV = Outcomes.err(Errno.ENODEV);
  private static final int ENOSPC = Outcomes.err(Errno.ENOSPC);
  private static final int ENOSYS = Outcomes.err(Errno.ENOSYS);
  private static final int ENOTTY = Outcomes.err(Errno.ENOTTY);
  private static final int ENXIO = Outcomes.err(Errno.ENXIO);
  private static final int EOVERFLOW = Outcomes.err(Errno.EOVERFLOW);
  private static final int EPERM = Outcomes.err(Errno.EPERM);

  @Override
  public String profile() {
    return "linux";
  }

  /** {@code loop_control_ioctl}'s default (found by {@code kernsim conform}). */
  @Override
  int notAControlIoctl() {
    return ENOSYS;
  }

  // ==== a device's state ====

  private static int state(int w) {
    return w & STATE;
  }

  private static boolean unsure(int w) {
    return (w & UNSURE) != 0;
  }

  private static boolean readOnly(int w) {
    return (w & (DISK_RO | BD_RO)) != 0;
  }

  private static int set(int w, int bit, boolean on) {
    return on ? w | bit : w & ~bit;
  }

  /** {@code disk_openers}: device {@code n}'s open file descriptions, ext4 mounts and mount claims. */
  private static int openers(SpecState s, int n) {
    return (s.loopUse(n) & ~SpecState.EXCL_HELD) + s.mountsOn(n) + s.claimsOn(n);
  }

  /** {@code bd_prepare_to_claim}'s refusal: an O_EXCL open or a mount (or a mount's claim) holds the device. */
  private static boolean claimed(SpecState s, int n) {
    return (s.loopUse(n) & SpecState.EXCL_HELD) != 0 || s.mountsOn(n) > 0 || s.claimsOn(n) > 0;
  }

  /** "loop0 is in rundown" and the like, when explaining. */
  private static String why(Outcomes out, int n, String what) {
    return out.explaining() ? "loop" + n + " " + what : null;
  }

  private static String stateName(int w) {
    return switch (state(w)) {
      case BOUND -> "is bound";
      case RUNDOWN -> "is in rundown";
      default -> "is unbound";
    };
  }

  /**
   * A holder of device {@code n} went ({@code bdev_release}): at the last one, lo_release detaches a
   * bound device with LO_FLAGS_AUTOCLEAR and tears down one in rundown ({@code __loop_clr_fd}).
   */
  private static SpecState released(SpecState s, int n) {
    int w = s.dev(n);
    if (unsure(w) || openers(s, n) > 0) {
      return s;
    }
    if (state(w) == RUNDOWN || state(w) == BOUND && (w & AUTOCLEAR) != 0) {
      return s.withDev(n, w & ~CLEARED);
    }
    return s;
  }

  private static void anything(SpecState s, int n, Outcomes out) {
    out.allow(ANY, s, why(out, n, "has holders the oracle does not follow"));
  }

  // ==== open, close, dup ====

  /** The pseudo-fd an open of a loop device keeps between its two parts (no real fd is this large). */
  static final int PENDING_FD = Integer.MAX_VALUE - 1;

  /** The node a pending open of device {@code n} is recorded on: none the oracle counts as a holder. */
  private static int pendingNode(int n) {
    return -1000 - n;
  }

  /**
   * Linux's open of a loop device is not one atomic step: bdev_open checks the claim and lo_open refuses
   * rundown (under lo_mutex, which it then drops), and only after that counts the opener
   * ({@code bd_openers}, under disk->open_mutex alone). A LOOP_CLR_FD in between sees one opener fewer (and
   * may start the rundown the new opener then finds), a LOOP_CTL_REMOVE sees none (and removes the device
   * under it). So an open of {@code /dev/loopN} is taken in two parts, as an ext4 mount is: the walk and
   * the checks, then the count. (A LOOP_CTL_REMOVE after the walk and before lo_open makes the open ENXIO:
   * the second part allows that when the device was removed after the first.) Other opens, and what
   * {@link StarrySpec#claimsFirst} splits, as there.
   */
  @Override
  public boolean claimsFirst(kernsim.cpu.call.Call call) {
    return super.claimsFirst(call) || call instanceof Syscall.Open o && Nodes.isLoop(Nodes.of(o.path()))
        && (o.flags() & kernsim.fs.file.Uapi.O_PATH) == 0
        || call instanceof Ioctl i && i.cmd() == LoopControl.LOOP_CTL_REMOVE
        || call instanceof Syscall.Close;
  }

  /** The pseudo-fd a close of a loop device's last fd of a description keeps between its two parts. */
  static final int CLOSING_FD = Integer.MAX_VALUE - 3;

  /**
   * close(2) in two parts, as Linux's {@code __fput} runs it: the fd goes and the description's flock is
   * released ({@code locks_remove_file}), then the device lets the opener go ({@code bdev_release}); in
   * between, another process may take the lock and find the device still held. Any other fd's close is
   * whole in its first part.
   */
  @Override
  void close(SpecState s, Call c, int fd, Outcomes out) {
    if (c.claim) {
      super.close(s, c, fd, out);
      return;
    }
    SpecState.Fd p = s.fd(c.proc, CLOSING_FD);
    if (p == null) {
      out.allow(ANY, s, "the close's first part decided its result");
    } else {
      out.allow(OK, released(s.withoutFd(c.proc, CLOSING_FD), p.node()));
    }
  }

  /** Whether lo_open refuses the device: in rundown, or being deleted. */
  private static boolean refusesOpen(int w) {
    return state(w) == RUNDOWN || (w & DELETING) != 0;
  }

  /** An open's second part (after {@link #claimsFirst}'s first): the opener counted and the fd installed. */
  @Override
  void open(SpecState s, Call c, Syscall.Open o, Outcomes out) {
    if (c.claim || !claimsFirst(c.call)) {
      super.open(s, c, o, out);
      return;
    }
    SpecState.Fd p = s.fd(c.proc, PENDING_FD);
    if (p == null) {
      out.allow(ANY, s, "the open's first part decided its result");
      return;
    }
    int n = pendingNode(0) - p.node();
    SpecState x = s.withoutFd(c.proc, PENDING_FD);
    if ((x.dev(n) & (REMOVED | DELETING)) != 0) {
      // LOOP_CTL_REMOVE ran in between: after the walk and before lo_open (ENXIO, the device is deleting),
      // or after lo_open and before the count (the open succeeds, on a device that is gone)
      out.allow(ENXIO, x, why(out, n, "was removed after the walk found its node"));
      x = x.withDev(n, x.dev(n) | UNSURE);
    }
    SpecState.Fd fd = new SpecState.Fd(n, p.mount(), p.excl(), p.roOpen(), p.desc(), p.access());
    out.allow(OK, out.actualOk() ? x.withFd(c.proc, c.value(), fd) : null);
  }

  /**
   * bdev_open: an O_EXCL open is EBUSY while another O_EXCL open or a mount holds the device
   * ({@code bd_prepare_to_claim}); then lo_open refuses a device in rundown (ENXIO); else the opener is
   * counted. An O_PATH open is counted too, but has no description the oracle follows: the device's
   * holders are unknown from then on.
   */
  @Override
  void loopOpen(SpecState after, Call c, int node, SpecState.Fd fd, Outcomes out) {
    int w = after.dev(node);
    if (fd.desc() < 0 && !unsure(w)) {
      after = after.withDev(node, w | UNSURE);
      w = after.dev(node);
    }
    if (unsure(w)) {
      out.allow(ANY_ERR, after, why(out, node, "has holders the oracle does not follow"));
      opened(after, c, node, fd, out);
      return;
    }
    if (fd.excl() && claimed(after, node)) {
      out.allow(EBUSY, after, why(out, node, "is held by an O_EXCL open or a mount"));
    } else if (refusesOpen(w)) {
      out.allow(ENXIO, after, why(out, node, (w & DELETING) != 0 ? "is being removed (lo_open)" : "is in rundown (lo_open)"));
    } else {
      opened(after, c, node, fd, out);
    }
  }

  /** The open's checks passed: its first part leaves it pending (its result is the second part's), or the fd. */
  private static void opened(SpecState after, Call c, int node, SpecState.Fd fd, Outcomes out) {
    if (c.claim) {
      out.allow(ANY, after.withFd(c.proc, PENDING_FD, new SpecState.Fd(pendingNode(node), fd.mount(), fd.excl(),
          fd.roOpen(), fd.desc(), fd.access())));
    } else {
      out.allow(OK, out.actualOk() ? after.withFd(c.proc, c.value(), fd) : null);
    }
  }

  /**
   * close: 0 always (bdev_release and lo_release return nothing). When it was its description's last fd,
   * the opener goes ({@link #released}); when the process has an F_DUPFD copy the oracle does not follow,
   * which may still hold the description, the device's holders are unknown from then on.
   */
  @Override
  void loopRelease(SpecState s, Call c, int fd, Outcomes out) {
    SpecState.Fd f = s.fd(c.proc, fd);
    SpecState x = closed(s, c.proc, fd, f);
    int n = f.node();
    if (f.desc() >= 0 && s.otherFdOf(c.proc, fd, f.desc())) {
      out.allow(OK, x, "another fd shares the description");
    } else if (s.hasUnknownFd(c.proc)) {
      out.allow(OK, x.withDev(n, x.dev(n) | UNSURE), "an F_DUPFD copy may share the description");
    } else if (c.claim) {
      out.allow(OK, x.withFd(c.proc, CLOSING_FD, new SpecState.Fd(n, -1, f.excl(), f.roOpen(), f.desc(), f.access())));
    } else {
      out.allow(OK, released(x, n));
    }
  }

  /** dup(2) shares the open file description: no second open (no EBUSY), the claim goes with it. */
  @Override
  void dup(SpecState s, Call c, int fd, Outcomes out) {
    SpecState.Fd f = fd < 0 ? null : s.fd(c.proc, fd);
    if (f == null || !Nodes.isLoop(f.node())) {
      super.dup(s, c, fd, out);
      return;
    }
    if (s.fdCount(c.proc) + 1 > kernsim.fs.file.FdTable.DEFAULT_LIMIT) {
      out.allow(Outcomes.err(Errno.EMFILE), s, "the process's table is full");
    }
    out.allow(OK, out.actualOk()
        ? s.withFd(c.proc, c.value(), new SpecState.Fd(f.node(), f.mount(), f.excl(), f.roOpen(), f.desc(), f.access()))
        : null);
  }

  // ==== the device file's I/O ====

  /**
   * blkdev_write_iter: EPERM read-only (before anything else), nothing written is 0, ENOSPC at or past
   * the end (every offset when unbound: the size is 0); bound, the page cache takes it (the size is not
   * tracked: ENOSPC allowed); in rundown a page not cached cannot be read in first (EIO).
   */
  @Override
  void loopWrite(SpecState s, int n, boolean empty, Outcomes out) {
    int w = s.dev(n);
    if (unsure(w)) {
      anything(s, n, out);
    } else if (readOnly(w)) {
      out.allow(EPERM, s, why(out, n, "is read-only"));
    } else if (empty) {
      out.allow(OK, s, "nothing to write");
    } else if (state(w) == UNBOUND) {
      out.allow(ENOSPC, s, why(out, n, "is unbound: its size is 0"));
    } else {
      out.allow(OK, s);
      out.allow(ENOSPC, s, why(out, n, "may be smaller than the offset"));
      if (state(w) == RUNDOWN) {
        out.allow(EIO, s, why(out, n, "is in rundown: a page not cached cannot be read"));
      }
    }
  }

  @Override
  void loopWrite(SpecState s, int n, Outcomes out) {
    loopWrite(s, n, false, out);
  }

  /** blkdev_read_iter: 0 bytes unbound, the page cache bound; in rundown a page not cached is EIO. */
  @Override
  void loopRead(SpecState s, int n, Outcomes out) {
    int w = s.dev(n);
    if (unsure(w)) {
      anything(s, n, out);
      return;
    }
    out.allow(OK, s);
    if (state(w) == RUNDOWN) {
      out.allow(EIO, s, why(out, n, "is in rundown: a page not cached cannot be read"));
    }
  }

  /**
   * fsync of a loop device ({@code blkdev_fsync}): 0 unbound or bound (the page cache reaches the
   * file), EIO in rundown (the flush reaches loop_queue_rq, which refuses it). Other fds: any outcome.
   */
  @Override
  void fsync(SpecState s, Call c, int fd, Outcomes out) {
    SpecState.Fd f = fd < 0 ? null : s.fd(c.proc, fd);
    if (f == null || !Nodes.isLoop(f.node())) {
      super.fsync(s, c, fd, out);
      return;
    }
    int n = f.node();
    int w = s.dev(n);
    if (unsure(w)) {
      anything(s, n, out);
    } else if (state(w) == RUNDOWN) {
      out.allow(EIO, s, why(out, n, "is in rundown: loop_queue_rq refuses the flush"));
    } else {
      out.allow(OK, s);
    }
  }

  // ==== ioctls ====

  @Override
  void loopIoctl(SpecState s, Call c, Ioctl i, int n, Outcomes out) {
    int w = s.dev(n);
    if (unsure(w)) {
      anything(s, n, out);
      return;
    }
    LoopIoctl cmd = LoopIoctl.byNumber(i.cmd());
    if (cmd == null) {
      out.allow(EINVAL, s, out.explaining() ? i.cmdName() + " is no ioctl of a loop device (lo_simple_ioctl)" : null);
      return;
    }
    boolean exclFd = s.fd(c.proc, i.fd().value()).excl();
    Ioctl.Arg arg = i.arg();
    switch (cmd) {
      case LOOP_SET_FD -> {
        if (arg instanceof Ioctl.File f) {
          configure(s, c, n, exclFd, f.fd().value(), 0, 0, 0, 0, out);
        } else {
          out.allow(ANY, s);
        }
      }
      case LOOP_CONFIGURE -> {
        if (arg instanceof Ioctl.Config k) {
          LoopAbi.LoopInfo64 info = k.info();
          if (k.blockSize() != 0 && !LoopAbi.validBlockSize(k.blockSize())) {
            out.allow(EINVAL, s, "the block size is no power of two from 512 to 64K");
          } else if ((info.flags() & ~LoopAbi.LOOP_CONFIGURE_SETTABLE_FLAGS) != 0) {
            out.allow(EINVAL, s, "a flag LOOP_CONFIGURE does not take");
          } else {
            configure(s, c, n, exclFd, k.fd().value(), info.flags(), info.encryptType(), info.offset(),
                info.sizeLimit(), out);
          }
        } else if (arg instanceof Ioctl.File f) {
          configure(s, c, n, exclFd, f.fd().value(), 0, 0, 0, 0, out);
        } else {
          out.allow(ANY, s);
        }
      }
      case LOOP_CLR_FD -> {
        if (state(w) != BOUND) {
          out.allow(ENXIO, s, why(out, n, stateName(w)));
        } else {
          boolean only = openers(s, n) == 1;
          out.allow(OK, s.withDev(n, (only ? (w & ~STATE) | RUNDOWN : w) | AUTOCLEAR),
              only ? "the only opener: rundown" : "other openers: autoclear");
        }
      }
      case LOOP_GET_STATUS -> {
        if (state(w) != BOUND) {
          out.allow(ENXIO, s, why(out, n, stateName(w)));
        } else if ((w & BIG_OFFSET) != 0) {
          out.allow(EOVERFLOW, s, why(out, n, "has an offset beyond an int"));
        } else {
          out.allow(OK, s);
        }
      }
      case LOOP_GET_STATUS64, LOOP_SET_CAPACITY, LOOP_SET_DIRECT_IO -> requireBound(s, n, w, out);
      case LOOP_SET_STATUS, LOOP_SET_STATUS64 -> {
        int flags;
        int encrypt;
        long offset;
        long sizelimit;
        if (cmd == LoopIoctl.LOOP_SET_STATUS && arg instanceof Ioctl.Status st) {
          flags = st.info().flags();
          encrypt = st.info().encryptType();
          offset = st.info().offset();
          sizelimit = 0;
        } else if (cmd == LoopIoctl.LOOP_SET_STATUS64 && arg instanceof Ioctl.Status64 st) {
          flags = st.info().flags();
          encrypt = st.info().encryptType();
          offset = st.info().offset();
          sizelimit = st.info().sizeLimit();
        } else {
          out.allow(ANY, s);
          return;
        }
        if (state(w) != BOUND) {
          out.allow(ENXIO, s, why(out, n, stateName(w)));
        } else if (encrypt != 0) {
          out.allow(EINVAL, s, "no encryption type is supported");
        } else if (offset < 0 || sizelimit < 0) {
          out.allow(EOVERFLOW, s, "an offset or size limit above LLONG_MAX");
        } else {
          int x = set(w, AUTOCLEAR, (flags & LO_FLAGS_AUTOCLEAR) != 0);
          x = set(x, PARTSCAN, (w & PARTSCAN) != 0 || (flags & LO_FLAGS_PARTSCAN) != 0);
          out.allow(OK, s.withDev(n, set(x, BIG_OFFSET, offset > Integer.MAX_VALUE)));
        }
      }
      case LOOP_CHANGE_FD -> changeFd(s, c, n, w, arg, out);
      case LOOP_SET_BLOCK_SIZE -> {
        if (!exclFd && claimed(s, n)) {
          out.allow(EBUSY, s, why(out, n, "is held by an O_EXCL open or a mount (bd_prepare_to_claim)"));
        } else if (state(w) != BOUND) {
          out.allow(ENXIO, s, why(out, n, stateName(w)));
        } else if (arg instanceof Ioctl.Int v && LoopAbi.validBlockSize(v.value())) {
          out.allow(OK, s);
        } else {
          out.allow(EINVAL, s, "the block size is no power of two from 512 to 64K");
        }
      }
      case BLKROSET -> {
        if (arg instanceof Ioctl.Int v) {
          out.allow(OK, s.withDev(n, set(w, BD_RO, (int) v.value() != 0)));
        } else {
          out.allow(ANY, s);
        }
      }
      case BLKRRPART -> {
        if ((w & PARTSCAN) != 0) {
          out.allow(OK, s);
        } else {
          out.allow(EINVAL, s, why(out, n, "has no LO_FLAGS_PARTSCAN"));
        }
      }
      case BLKPG -> out.allow(EFAULT, s, "blkpg_ioctl copies its struct from NULL");
      case HDIO_GETGEO -> out.allow(ENOTTY, s, "loop has no getgeo");
      case BLKGETSIZE, BLKGETSIZE64, BLKSSZGET, BLKPBSZGET, BLKIOMIN, BLKIOOPT, BLKROGET, BLKRAGET, BLKRASET,
          BLKFLSBUF -> out.allow(OK, s);
      default -> out.allow(ANY, s);
    }
  }

  private static void requireBound(SpecState s, int n, int w, Outcomes out) {
    if (state(w) == BOUND) {
      out.allow(OK, s);
    } else {
      out.allow(ENXIO, s, why(out, n, stateName(w)));
    }
  }

  /**
   * loop_configure (LOOP_SET_FD, LOOP_CONFIGURE): the fd argument (EBADF not open; EINVAL a directory, a
   * pipe, a memfd), then unless the ioctl's own fd is O_EXCL {@code bd_prepare_to_claim} (EBUSY), then
   * under lo_mutex EBUSY unless unbound, {@code loop_validate_file} (EBADF the device's own fd, EINVAL an
   * unbound loop device or a character device), EINVAL an encryption type, EOVERFLOW a negative offset or
   * size limit; bound, read-only when the flags say so or the fd was opened O_RDONLY.
   */
  private void configure(SpecState s, Call c, int n, boolean exclFd, int argFd, int flags, int encrypt, long offset,
      long sizelimit, Outcomes out) {
    SpecState.Fd a = argFd < 0 ? null : s.fd(c.proc, argFd);
    if (a == null) {
      out.allow(EBADF, s, out.explaining() ? "fd " + argFd + " is not open" : null);
      return;
    }
    int node = a.node();
    if (node == Nodes.DIR || node == SpecState.ANON && a.mount() < 0) {
      out.allow(EINVAL, s, out.explaining() ? "fd " + argFd + " is no File (a directory, a pipe or a memfd)" : null);
      return;
    }
    int w = s.dev(n);
    if (!exclFd && claimed(s, n)) {
      out.allow(EBUSY, s, why(out, n, "is held by an O_EXCL open or a mount (bd_prepare_to_claim)"));
      return;
    }
    if (state(w) != UNBOUND) {
      out.allow(EBUSY, s, why(out, n, stateName(w)));
      return;
    }
    boolean followed = node == Nodes.FILE;
    if (node == n) {
      out.allow(EBADF, s, why(out, n, "cannot be its own backing file"));
      return;
    }
    if (node == Nodes.CONTROL) {
      out.allow(EINVAL, s, "loop-control is a character device");
      return;
    }
    if (Nodes.isLoop(node)) {
      int m = s.dev(node);
      if (unsure(m)) {
        out.allow(EINVAL, s, out.explaining() ? "loop" + node + " may be unbound" : null);
      } else if (state(m) != BOUND) {
        out.allow(EINVAL, s, out.explaining() ? "loop" + node + " " + stateName(m) : null);
        return;
      }
    } else if (!followed) {
      out.allow(EINVAL, s, out.explaining() ? "fd " + argFd + " may be a directory or a character device" : null);
    }
    if (encrypt != 0) {
      out.allow(EINVAL, s, "no encryption type is supported");
      return;
    }
    if (offset < 0 || sizelimit < 0) {
      out.allow(EOVERFLOW, s, "an offset or size limit above LLONG_MAX");
      return;
    }
    boolean ro = (flags & LO_FLAGS_READ_ONLY) != 0 || a.roOpen();
    int x = (w & ~(CLEARED | DISK_RO)) | BOUND;
    x = set(x, AUTOCLEAR, (flags & LO_FLAGS_AUTOCLEAR) != 0);
    x = set(x, PARTSCAN, (flags & LO_FLAGS_PARTSCAN) != 0);
    x = set(set(x, FLAG_RO, ro), DISK_RO, ro);
    x = set(x, BIG_OFFSET, offset > Integer.MAX_VALUE);
    SpecState after = s.withDev(n, x);
    if (node == SpecState.UNKNOWN_FD && !ro) {
      // what it was opened with is not known: maybe O_RDONLY
      out.allow(OK, followed ? after : after.asWild());
      x = set(set(x, FLAG_RO, true), DISK_RO, true);
      after = s.withDev(n, x);
    }
    out.allow(OK, followed ? after : after.asWild());
  }

  /**
   * loop_change_fd: EBADF for an fd that is not open (before the lock), then ENXIO unless bound, EINVAL
   * unless LO_FLAGS_READ_ONLY, EINVAL for what is no File, and EINVAL when the sizes differ (not tracked).
   */
  private static void changeFd(SpecState s, Call c, int n, int w, Ioctl.Arg arg, Outcomes out) {
    if (!(arg instanceof Ioctl.File f)) {
      out.allow(EBADF, s, "no fd argument");
      return;
    }
    int argFd = f.fd().value();
    SpecState.Fd a = argFd < 0 ? null : s.fd(c.proc, argFd);
    if (a == null) {
      out.allow(EBADF, s, out.explaining() ? "fd " + argFd + " is not open" : null);
    } else if (state(w) != BOUND) {
      out.allow(ENXIO, s, why(out, n, stateName(w)));
    } else if ((w & FLAG_RO) == 0) {
      out.allow(EINVAL, s, why(out, n, "is not LO_FLAGS_READ_ONLY"));
    } else if (a.node() == Nodes.DIR || a.node() == SpecState.ANON && a.mount() < 0) {
      out.allow(EINVAL, s, out.explaining() ? "fd " + argFd + " is no File" : null);
    } else {
      out.allow(EINVAL, s, "the files' sizes may differ");
      out.allow(OK, a.node() == Nodes.FILE ? s : s.asWild());
    }
  }

  // ==== loop-control ====

  /**
   * /dev/loop-control under linux ({@code loop_control_ioctl}): LOOP_CTL_ADD is EINVAL above index 2²⁰−1,
   * EEXIST for a device that exists, else a new device (its nodes made, as devtmpfs and sysfs do; a
   * negative index takes the lowest free one); LOOP_CTL_REMOVE is EINVAL for a negative index, ENODEV for a
   * device that does not exist, EBUSY while it is bound, in rundown, open or mounted, else the device and
   * its nodes go; LOOP_CTL_GET_FREE returns a device (a new one's nodes are made); anything else ENOSYS.
   */
  @Override
  void controlIoctl(SpecState s, Call c, Ioctl i, Outcomes out) {
    String name = i.cmdName();
    long arg = i.arg() instanceof Ioctl.Int v ? v.value() : 0;
    switch (name) {
      case "LOOP_CTL_GET_FREE" -> {
        out.allow(OK, out.actualOk() ? added(s, (int) c.value()) : s);
        return;
      }
      case "LOOP_CTL_ADD", "LOOP_CTL_REMOVE" -> { }
      default -> {
        out.allow(ENOSYS, s, out.explaining() ? name + " is not a loop-control ioctl" : null);
        return;
      }
    }
    if (!(i.arg() instanceof Ioctl.Int)) {
      out.allow(ANY, s);
      return;
    }
    boolean add = name.equals("LOOP_CTL_ADD");
    if (!add && !c.claim) {
      // LOOP_CTL_REMOVE's second part (loop_remove: del_gendisk takes the nodes away)
      SpecState.Fd marked = s.fd(c.proc, REMOVING_FD);
      if (marked == null) {
        out.allow(ANY, s, "its first part decided its result");
      } else {
        out.allow(OK, removed(s.withoutFd(c.proc, REMOVING_FD), (int) marked.desc()));
      }
      return;
    }
    if (add && arg > LoopControl.MAX_INDEX) {
      out.allow(EINVAL, s, "the index is above 2^20-1");
      return;
    }
    int index = (int) arg;
    if (index < 0) {
      if (add) {
        out.allow(OK, out.actualOk() ? added(s, (int) c.value()) : s, "the lowest free index");
      } else {
        out.allow(EINVAL, s, "a negative index");
      }
      return;
    }
    Walk node = Walk.of(s, "/dev/loop" + index);
    if (node.unsure() || node.ok() && node.node() != index) {
      out.allow(ANY_ERR, s, out.explaining() ? "/dev/loop" + index + " is not followed" : null);
      out.allow(OK, s.asWild(), out.explaining() ? "/dev/loop" + index + " is not followed" : null);
      return;
    }
    boolean exists = node.ok();
    if (add) {
      if (exists) {
        out.allow(EEXIST, s, out.explaining() ? "loop" + index + " exists" : null);
      } else {
        out.allow(OK, added(s, index));
      }
      return;
    }
    int w = s.dev(index);
    SpecState marked = s.withDev(index, w | DELETING)
        .withFd(c.proc, REMOVING_FD, new SpecState.Fd(REMOVING_NODE, -1, false, false, index));
    if (!exists || (w & DELETING) != 0) {
      out.allow(ENODEV, s, out.explaining() ? "loop" + index + " does not exist" : null);
    } else if (unsure(w)) {
      out.allow(ANY_ERR, s, why(out, index, "has holders the oracle does not follow"));
      out.allow(ANY, marked);
    } else if (state(w) != UNBOUND || openers(s, index) > 0) {
      out.allow(EBUSY, s, why(out, index, state(w) != UNBOUND ? stateName(w) : "is open or mounted"));
    } else {
      out.allow(ANY, marked);
    }
  }

  /**
   * The pseudo-fd LOOP_CTL_REMOVE keeps between its two parts, its description the device's number.
   * loop_control_remove checks the device and marks it Lo_deleting (an open then is ENXIO though its node
   * is still there), and only then does loop_remove's del_gendisk take the nodes away: a walk in between
   * finds the node and the open fails in lo_open.
   */
  static final int REMOVING_FD = Integer.MAX_VALUE - 2;
  private static final int REMOVING_NODE = -900;

  /** Device {@code n} as loop_add makes it, with its nodes where they are missing (a new device: as at boot). */
  private static SpecState added(SpecState s, int n) {
    if (n < 0) {
      return s;
    }
    Walk node = Walk.of(s, "/dev/loop" + n);
    SpecState x = node.ok() ? s : s.withDev(n, Loops.INITIAL);
    return withDevNode(x, n);
  }

  /** loop_remove: {@code /dev/loopN} and {@code /sys/block/loopN} go (del_gendisk); the device is gone. */
  private static SpecState removed(SpecState s, int n) {
    SpecState x = s.withDev(n, Loops.INITIAL | REMOVED);
    x = withoutNode(x, "/dev", "loop" + n);
    return withoutNode(x, "/sys/block", "loop" + n);
  }

  /** {@code s} without {@code dir/name} (and what is below it) when {@code dir} is a directory the oracle follows. */
  private static SpecState withoutNode(SpecState s, String dir, String name) {
    Walk d = Walk.of(s, dir);
    if (!d.ok() || d.node() != Nodes.DIR || s.mountedOn(d.mount(), d.childAbs(name)) >= 0) {
      return s;
    }
    return s.withMount(d.mount(), s.mount(d.mount()).withoutFile(d.childRel(name)));
  }

  // ==== ext4 on the device, mkfs ====

  /**
   * An ext4 mount's claim ({@code mount_bdev}'s exclusive open): EBUSY while an O_EXCL open or a mount
   * holds the device, ENXIO in rundown; otherwise the mount holds it (an opener and the claim) until its
   * rest fails or the mount is unmounted.
   */
  @Override
  void claimExt4(SpecState s, Call c, Syscall.Mount m, Outcomes out) {
    Walk src = Walk.of(s, m.source());
    if (src.failed()) {
      out.allow(src.outcome(), s, out.explaining() ? src.why(s) : null);
      return;
    }
    if (src.unsure()) {
      out.allow(ANY_ERR, s, out.explaining() ? src.why(s) : null);
      out.allow(ANY, s.asWild(), out.explaining() ? src.why(s) : null);
      return;
    }
    int n = src.node();
    if (!Nodes.isLoop(n)) {
      out.allow(Outcomes.err(Errno.ENODEV), s, out.explaining() ? src.shown() + " is " + Nodes.describe(n)
          + ", not a loop device" : null);
      return;
    }
    int w = s.dev(n);
    SpecState claimedState = s.withFd(c.proc, CLAIM_FD, new SpecState.Fd(SpecState.ANON, -1, false, false, n));
    if (unsure(w)) {
      out.allow(ANY_ERR, s, why(out, n, "has holders the oracle does not follow"));
      out.allow(ANY, claimedState.withDev(n, w), null);
    } else if (claimed(s, n)) {
      out.allow(EBUSY, s, why(out, n, "is held by an O_EXCL open or a mount"));
    } else if (refusesOpen(w)) {
      out.allow(ENXIO, s, why(out, n, "is in rundown or being removed (lo_open)"));
    } else {
      out.allow(ANY, claimedState);
    }
  }

  /**
   * The rest of a claimed ext4 mount: unbound, the device has size 0 and no superblock (EIO); bound, the
   * superblock may be unreadable (EIO: the image's contents are not tracked), then the target as
   * {@link StarrySpec#mountExt4} resolves it. A failure releases the claim (at the last holder, autoclear
   * detaches); a success adds the mount, which holds the device.
   */
  @Override
  void attachExt4(SpecState s, Call c, Syscall.Mount m, boolean ro, Outcomes out) {
    SpecState.Fd claim = s.fd(c.proc, CLAIM_FD);
    if (claim == null) {
      out.allow(ANY_ERR, s, "its claim failed");
      return;
    }
    int n = (int) claim.desc();
    SpecState after = s.withoutFd(c.proc, CLAIM_FD);
    SpecState dropped = released(after, n);
    if (unsure(after.dev(n))) {
      out.allow(ANY_ERR, dropped);
    } else if (state(after.dev(n)) == UNBOUND) {
      out.allow(EIO, dropped, why(out, n, "is unbound: no superblock"));
      return;
    } else {
      out.allow(EIO, dropped, why(out, n, "may hold no readable superblock"));
    }
    ext4Target(after, dropped, c, m, n, ro, out);
  }

  /** umount2 of an ext4 mount: 0 (Linux's write-back failure does not fail it); the mount's hold goes. */
  @Override
  void umountDevice(SpecState after, int dev, Outcomes out) {
    out.allow(OK, released(after, dev));
  }

  /** MNT_DETACH: the mount's hold goes; one an fd is still on lives on, so who holds the device is unknown. */
  @Override
  SpecState detached(SpecState s, int dev, boolean inUse) {
    return inUse ? s.withDev(dev, s.dev(dev) | UNSURE) : released(s, dev);
  }

  /**
   * mkfs.ext4 through the device file: EPERM read-only, ENOSPC unbound (size 0) or when the image does not
   * fit, EIO in rundown (the write or the fsync); otherwise 0.
   */
  @Override
  void mkfsDevice(SpecState s, int n, Outcomes out) {
    int w = s.dev(n);
    if (unsure(w)) {
      anything(s, n, out);
    } else if (readOnly(w)) {
      out.allow(EPERM, s, why(out, n, "is read-only"));
    } else if (state(w) == UNBOUND) {
      out.allow(ENOSPC, s, why(out, n, "is unbound: its size is 0"));
    } else {
      out.allow(ENOSPC, s, why(out, n, "may be too small for the image"));
      if (state(w) == RUNDOWN) {
        out.allow(EIO, s, why(out, n, "is in rundown"));
      } else {
        out.allow(OK, s);
      }
    }
  }
}
