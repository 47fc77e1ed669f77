package kernsim.conform;

import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;
import kernsim.conform.NameMap.Target;
import kernsim.conform.RealSandbox.OpenFd;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.file.Uapi;

/**
 * One scenario process (a hart) on the real kernel: its calls in the scenario's names, each returning a
 * {@link RealResult}. Its fds are its own numbers (lowest free first, as the model's fd table), mapped to
 * the real fds the sandbox holds; a number it has not opened reaches the kernel as -1, so a bad fd gets
 * the kernel's own EBADF and never names one of the JVM's fds.
 *
 * <p>Refused (never sent to the kernel): creating or mounting on a path outside the sandbox (the host's
 * {@code /dev}), an ioctl pointer argument given as a raw number, mount data with paths (except
 * overlay's, which are mapped), reads over {@link Sys#MAX_IO}, and a flock that would wait.
 */
public final class RealProcess {
  private static final int EWOULDBLOCK = 11; // EAGAIN

  private final RealSandbox sb;
  private final String name;
  private final int firstFd;
  private final TreeMap<Integer, OpenFd> fds = new TreeMap<>();

  RealProcess(RealSandbox sb, String name, int firstFd) {
    this.sb = sb;
    this.name = name;
    this.firstFd = firstFd;
  }

  public String name() {
    return name;
  }

  /** The real fd behind one of this process's, or -1 (which the kernel answers with EBADF). */
  private int real(int fd) {
    OpenFd f = fds.get(fd);
    return f == null ? -1 : f.realFd();
  }

  void forget(int fd) {
    fds.remove(fd);
  }

  private int lowestFree() {
    int fd = firstFd;
    while (fds.containsKey(fd)) {
      fd++;
    }
    return fd;
  }

  private RealResult install(RealResult res, String scenarioPath, Target target) {
    if (!res.isOk()) {
      return res;
    }
    int fd = lowestFree();
    OpenFd f = new OpenFd(this, fd, (int) res.value(), scenarioPath, target);
    fds.put(fd, f);
    sb.opened(f);
    return RealResult.ok(fd);
  }

  /** The real path of a target the scenario may only look at: devices it does not own become a path that does not exist. */
  private String existingPath(Target t) {
    if (t instanceof Target.Device d && !sb.names.owned(d.realIndex())) {
      return sb.absent("loop" + d.scenarioIndex());
    }
    if (t instanceof Target.Sysfs s && !sb.names.owned(s.realIndex())) {
      return sb.absent("sys-loop" + s.scenarioIndex());
    }
    return NameMap.realPath(t);
  }

  // ==== files ====

  public RealResult open(String path, int flags) {
    synchronized (sb.lock) {
      sb.checkOpen();
      Target t = sb.names.map(path);
      String real = existingPath(t);
      if ((flags & Uapi.O_CREAT) != 0 && !(t instanceof Target.Inside) && !Sys.exists(real)) {
        return RealResult.refused("O_CREAT would create " + path + " outside the sandbox (" + NameMap.realPath(t) + ")");
      }
      return install(Sys.open(real, flags), path, t);
    }
  }

  public RealResult close(int fd) {
    synchronized (sb.lock) {
      sb.checkOpen();
      int real = real(fd);
      RealResult res = Sys.close(real);
      if (real >= 0) {
        fds.remove(fd); // the fd is gone even when close reports an error
        sb.closedFd(real);
      }
      return res;
    }
  }

  public RealResult dup(int fd) {
    synchronized (sb.lock) {
      sb.checkOpen();
      OpenFd f = fds.get(fd);
      RealResult res = Sys.dup(real(fd));
      return f == null ? res : install(res, f.scenarioPath(), f.target());
    }
  }

  public RealResult read(int fd, int count) {
    synchronized (sb.lock) {
      sb.checkOpen();
      RealResult bad = checkCount(count);
      return bad != null ? bad : translated(fd, Sys.read(real(fd), count));
    }
  }

  public RealResult pread(int fd, int count, long offset) {
    synchronized (sb.lock) {
      sb.checkOpen();
      RealResult bad = checkCount(count);
      return bad != null ? bad : translated(fd, Sys.pread(real(fd), count, offset));
    }
  }

  private static RealResult checkCount(int count) {
    if (count < 0 || count > Sys.MAX_IO) {
      return RealResult.refused("read count " + count + " outside 0.." + Sys.MAX_IO);
    }
    return null;
  }

  /**
   * A read of a sysfs {@code loop/backing_file} names the backing file by its real path; it is given
   * back in the scenario's (the count with it), as the model shows its own path.
   */
  private RealResult translated(int fd, RealResult res) {
    OpenFd f = fds.get(fd);
    if (!(res instanceof RealResult.Ok ok) || f == null || !(f.target() instanceof Target.Sysfs s)
        || !s.rest().equals("/loop/backing_file") || !(ok.data() instanceof byte[] b)) {
      return res;
    }
    String text = new String(b, StandardCharsets.UTF_8);
    String line = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    String mapped = sb.names.unmap(line) + (text.endsWith("\n") ? "\n" : "");
    byte[] out = mapped.getBytes(StandardCharsets.UTF_8);
    return RealResult.ok(out.length, out);
  }

  public RealResult write(int fd, byte[] data) {
    synchronized (sb.lock) {
      sb.checkOpen();
      return Sys.write(real(fd), data);
    }
  }

  public RealResult pwrite(int fd, byte[] data, long offset) {
    synchronized (sb.lock) {
      sb.checkOpen();
      return Sys.pwrite(real(fd), data, offset);
    }
  }

  public RealResult lseek(int fd, long offset, int whence) {
    synchronized (sb.lock) {
      sb.checkOpen();
      return Sys.lseek(real(fd), offset, whence);
    }
  }

  public RealResult fsync(int fd) {
    synchronized (sb.lock) {
      sb.checkOpen();
      return Sys.fsync(real(fd));
    }
  }

  public RealResult fdatasync(int fd) {
    synchronized (sb.lock) {
      sb.checkOpen();
      return Sys.fdatasync(real(fd));
    }
  }

  /**
   * flock(2), except that it never waits: a lock that would wait is tried with LOCK_NB, and if it
   * would block the call is {@link RealResult.Refused} (calls run one after another, so the holder,
   * another fd of the same run, could never let go). The caller decides what a wait means.
   */
  public RealResult flock(int fd, int operation) {
    synchronized (sb.lock) {
      sb.checkOpen();
      boolean waits = (operation & Uapi.LOCK_NB) == 0 && (operation & (Uapi.LOCK_SH | Uapi.LOCK_EX)) != 0;
      RealResult res = Sys.flock(real(fd), waits ? operation | Uapi.LOCK_NB : operation);
      if (waits && res instanceof RealResult.Err e && e.errno() == EWOULDBLOCK) {
        return RealResult.refused("flock would wait for another holder");
      }
      return res;
    }
  }

  public RealResult ftruncate(int fd, long length) {
    synchronized (sb.lock) {
      sb.checkOpen();
      return Sys.ftruncate(real(fd), length);
    }
  }

  public RealResult fallocate(int fd, int mode, long offset, long len) {
    synchronized (sb.lock) {
      sb.checkOpen();
      return Sys.fallocate(real(fd), mode, offset, len);
    }
  }

  // ==== mounts and directories ====

  /**
   * mount(2): the target must be under the sandbox; a source that is a path is mapped (a loop device
   * of the sandbox, a file or directory under it); a source that is not a path ({@code "tmpfs"},
   * {@code "none"}) is passed as is. Data with paths is refused except overlay's
   * {@code lowerdir}/{@code upperdir}/{@code workdir}, which are mapped.
   */
  public RealResult mount(String source, String target, String fstype, long flags, String data) {
    synchronized (sb.lock) {
      sb.checkOpen();
      Target t = sb.names.map(target);
      if (!(t instanceof Target.Inside in)) {
        return RealResult.refused("mount on " + target + ", outside the sandbox (" + NameMap.realPath(t) + ")");
      }
      String src = source == null || !source.startsWith("/") ? source : existingPath(sb.names.map(source));
      String realData = data;
      if (data != null && "overlay".equals(fstype)) {
        realData = overlayData(data);
      } else if (data != null && data.contains("/")) {
        return RealResult.refused("mount data with a path is not mapped: " + data);
      }
      RealResult res = Sys.mount(src, in.real(), fstype, flags, realData);
      if (res.isOk()) {
        sb.note("mounted " + src + " on " + in.real() + " (" + fstype + ")");
      }
      return res;
    }
  }

  private String overlayData(String data) {
    StringBuilder out = new StringBuilder();
    for (String opt : data.split(",")) {
      int eq = opt.indexOf('=');
      String key = eq < 0 ? opt : opt.substring(0, eq);
      if (eq >= 0 && (key.equals("lowerdir") || key.equals("upperdir") || key.equals("workdir"))) {
        StringBuilder dirs = new StringBuilder();
        for (String dir : opt.substring(eq + 1).split(":")) {
          dirs.append(dirs.length() == 0 ? "" : ":").append(existingPath(sb.names.map(dir)));
        }
        opt = key + "=" + dirs;
      }
      out.append(out.length() == 0 ? "" : ",").append(opt);
    }
    return out.toString();
  }

  /** umount2(2) of a mapped path (a device node or sysfs file is not a mount point: the kernel says EINVAL). */
  public RealResult umount2(String target, int flags) {
    synchronized (sb.lock) {
      sb.checkOpen();
      String real = existingPath(sb.names.map(target));
      RealResult res = Sys.umount2(real, flags);
      if (res.isOk()) {
        sb.note("umounted " + real);
      }
      return res;
    }
  }

  /** mkdir(2), mode 0755; refused outside the sandbox where the path does not exist (it would be made in the host's /dev). */
  public RealResult mkdir(String path) {
    synchronized (sb.lock) {
      sb.checkOpen();
      Target t = sb.names.map(path);
      String real = existingPath(t);
      if (!(t instanceof Target.Inside) && !Sys.exists(real)) {
        return RealResult.refused("mkdir would create " + path + " outside the sandbox (" + NameMap.realPath(t) + ")");
      }
      return Sys.mkdir(real, 0755);
    }
  }

  // ==== ioctl ====

  /**
   * ioctl(2) with the argument laid out as the command reads it ({@link IoctlShape}): values as a
   * 64-bit word, fds mapped, structures in a buffer larger than any of them, getters' results decoded
   * into the model's types ({@code Long}, {@code LoopAbi} records) with {@code lo_number} mapped back.
   * On a loop-control fd the index is mapped both ways ({@link RealSandbox#controlIoctl}).
   */
  public RealResult ioctl(int fd, int cmd, IoctlIn arg) {
    synchronized (sb.lock) {
      sb.checkOpen();
      OpenFd f = fds.get(fd);
      int real = real(fd);
      if (f != null && f.target() == Target.Control.INSTANCE) {
        RealResult res = sb.controlIoctl(real, cmd, arg);
        if (res != null) {
          return res;
        }
      }
      return ioctl(real, cmd, IoctlShape.ofNumber(cmd), arg);
    }
  }

  private RealResult ioctl(int real, int cmd, LoopIoctl.Arg shape, IoctlIn arg) {
    if (arg == IoctlIn.Null.INSTANCE) {
      return Sys.ioctlNull(real, cmd);
    }
    switch (shape) {
      case NONE:
        return Sys.ioctl(real, cmd, 0);
      case VALUE:
        if (arg instanceof IoctlIn.Value v) {
          return Sys.ioctl(real, cmd, v.value());
        }
        if (arg instanceof IoctlIn.Fd x) {
          return Sys.ioctl(real, cmd, real(x.fd()));
        }
        if (arg == IoctlIn.None.INSTANCE) {
          return Sys.ioctl(real, cmd, 0);
        }
        return RealResult.refused("a structure where the command takes a value: " + arg);
      case FD:
        if (arg instanceof IoctlIn.Fd x) {
          return Sys.ioctl(real, cmd, real(x.fd()));
        }
        if (arg instanceof IoctlIn.Value v) { // a number is an fd number of this process
          return Sys.ioctl(real, cmd, v.value() == (int) v.value() ? real((int) v.value()) : -1);
        }
        if (arg == IoctlIn.None.INSTANCE) {
          return Sys.ioctl(real, cmd, -1);
        }
        return RealResult.refused("a structure where the command takes an fd: " + arg);
      case UNKNOWN:
        return unknown(real, cmd, arg);
      default:
        return pointer(real, cmd, shape, arg);
    }
  }

  /**
   * A command neither table knows: a value passes only where it cannot be an address in this JVM
   * (below the first page, or above user space), since the command might write through it.
   */
  private RealResult unknown(int real, int cmd, IoctlIn arg) {
    if (arg == IoctlIn.None.INSTANCE) {
      return Sys.ioctl(real, cmd, 0);
    }
    if (arg instanceof IoctlIn.Value v) {
      long x = v.value();
      if (Long.compareUnsigned(x, 4096) < 0 || Long.compareUnsigned(x, 1L << 47) >= 0) {
        return Sys.ioctl(real, cmd, x);
      }
      return RealResult.refused("ioctl 0x" + Integer.toHexString(cmd) + " with " + x + ": could be a pointer into the JVM");
    }
    if (arg instanceof IoctlIn.Fd x) {
      return Sys.ioctl(real, cmd, real(x.fd()));
    }
    return pointer(real, cmd, LoopIoctl.Arg.UNKNOWN, arg);
  }

  /** A command that reads or writes through its argument: one zeroed buffer, the given structure (if any) in it. */
  private RealResult pointer(int real, int cmd, LoopIoctl.Arg shape, IoctlIn arg) {
    if (arg instanceof IoctlIn.Value v && v.value() == 0 && shape != LoopIoctl.Arg.IN_INT) {
      return Sys.ioctlNull(real, cmd); // 0 where a pointer goes is NULL (BLKROSET's 0 is the int it points to)
    }
    Memory buf = Sys.ioctlBuffer();
    if (arg instanceof IoctlIn.Value v) {
      if (shape != LoopIoctl.Arg.IN_INT) {
        return RealResult.refused("a number where the command takes a pointer: " + v.value());
      }
      buf.setInt(0, (int) v.value());
    } else if (arg instanceof IoctlIn.Fd x) {
      return RealResult.refused("an fd where the command takes a pointer: fd " + x.fd());
    } else if (arg instanceof IoctlIn.Status s) {
      Structs.LoopInfo st = new Structs.LoopInfo(buf);
      st.set(s.info());
      st.write();
    } else if (arg instanceof IoctlIn.Status64 s) {
      Structs.LoopInfo64 st = new Structs.LoopInfo64(buf);
      st.set(s.info());
      st.write();
    } else if (arg instanceof IoctlIn.Config c) {
      Structs.LoopConfig st = new Structs.LoopConfig(buf);
      st.set(c.config(), real(c.config().fd()));
      st.write();
    } else if (arg == IoctlIn.None.INSTANCE && shape.name().startsWith("IN_")) {
      return Sys.ioctlNull(real, cmd); // a setter given nothing reads from NULL
    }
    RealResult res = Sys.ioctl(real, cmd, buf);
    if (!res.isOk()) {
      return res;
    }
    Object data = decode(shape, buf);
    return data == null ? res : RealResult.ok(res.value(), data);
  }

  /** What a getter wrote, as the model's {@code SysResult.Ok} carries it. */
  private Object decode(LoopIoctl.Arg shape, Memory buf) {
    switch (shape) {
      case OUT_INT:
        return (long) buf.getInt(0);
      case OUT_UINT:
        return buf.getInt(0) & 0xFFFF_FFFFL;
      case OUT_LONG:
      case OUT_ULONG:
      case OUT_U64:
        return buf.getLong(0);
      case OUT_GEOMETRY: {
        Structs.HdGeometry g = new Structs.HdGeometry(buf);
        g.read();
        return g.toAbi();
      }
      case OUT_LOOP_INFO: {
        Structs.LoopInfo i = new Structs.LoopInfo(buf);
        i.read();
        return i.toAbi(this::scenarioNumber);
      }
      case OUT_LOOP_INFO64: {
        Structs.LoopInfo64 i = new Structs.LoopInfo64(buf);
        i.read();
        return i.toAbi(this::scenarioNumber);
      }
      default:
        return null;
    }
  }

  /** {@code lo_number} back in the scenario's numbering (a number the sandbox does not know stays as it is). */
  private int scenarioNumber(int realIndex) {
    int k = sb.names.scenarioIndex(realIndex);
    return k >= 0 ? k : realIndex;
  }
}
