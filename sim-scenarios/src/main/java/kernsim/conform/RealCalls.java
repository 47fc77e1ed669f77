package kernsim.conform;

import java.nio.charset.StandardCharsets;
import kernsim.cpu.call.Syscall;
import kernsim.cpu.call.Syscall.Ioctl;
import kernsim.dev.loop.LoopAbi;

/**
 * How {@code kernsim conform} runs each kind of model syscall on the real kernel: one {@link
 * RealProcess} (or {@link RealSandbox}) method per call, or a refusal that says why. It is a {@link
 * Syscall.Visitor}, so a syscall added to the model does not compile until this class says how it runs
 * or that it is refused. The call must be resolved (its fd variables hold the process's fd numbers).
 */
final class RealCalls implements Syscall.Visitor<RealResult> {
  private final RealSandbox sb;
  private final RealProcess p;

  RealCalls(RealSandbox sb, RealProcess p) {
    this.sb = sb;
    this.p = p;
  }

  private static RealResult refused(Syscall c) {
    return RealResult.refused(c.name() + " is not run on the real kernel by conform");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public RealResult mkdir(Syscall.Mkdir c) {
    return p.mkdir(c.path());
  }

  @Override
  public RealResult mknod(Syscall.Mknod c) {
    return RealResult.refused("mknod: the kernel makes its device nodes itself");
  }

  @Override
  public RealResult mount(Syscall.Mount c) {
    if (c.target() == null) {
      return RealResult.refused("mount with a NULL target: the sandbox maps target paths");
    }
    return p.mount(c.source(), c.target(), c.type(), c.flags() & 0xFFFF_FFFFL, c.data());
  }

  @Override
  public RealResult umount2(Syscall.Umount2 c) {
    return p.umount2(c.target(), c.flags());
  }

  @Override
  public RealResult pivotRoot(Syscall.PivotRoot c) {
    return RealResult.refused("pivot_root would change the JVM's root");
  }

  @Override
  public RealResult mkfsExt4(Syscall.MkfsExt4 c) {
    return sb.mkfsExt4(c.device());
  }

  @Override
  public RealResult open(Syscall.Open c) {
    return p.open(c.path(), c.flags());
  }

  @Override
  public RealResult close(Syscall.Close c) {
    return p.close(c.fd().value());
  }

  @Override
  public RealResult flock(Syscall.Flock c) {
    return p.flock(c.fd().value(), c.cmd());
  }

  @Override
  public RealResult dup(Syscall.Dup c) {
    return p.dup(c.fd().value());
  }

  @Override
  public RealResult fstat(Syscall.Fstat c) {
    return refused(c);
  }

  /** sync() would flush the whole machine's filesystems, not the sandbox's. */
  @Override
  public RealResult sync(Syscall.Sync c) {
    return refused(c);
  }

  /** chdir would move the conformance runner's own cwd, which the sandbox's path mapping does not follow. */
  @Override
  public RealResult chdir(Syscall.Chdir c) {
    return refused(c);
  }

  @Override
  public RealResult fcntl(Syscall.Fcntl c) {
    return refused(c);
  }

  /** A sleep has no effect a sequential run can see: it is not made, and gives 0 as the model's does. */
  @Override
  public RealResult nanosleep(Syscall.Nanosleep c) {
    return c.nanos() < 0 ? RealResult.err(22) : RealResult.ok(0);
  }

  @Override
  public RealResult usleep(Syscall.Usleep c) {
    return c.micros() < 0 ? RealResult.err(22) : RealResult.ok(0);
  }

  @Override
  public RealResult write(Syscall.Write c) {
    return p.write(c.fd().value(), bytes(c.data()));
  }

  @Override
  public RealResult pwrite64(Syscall.Pwrite64 c) {
    return p.pwrite(c.fd().value(), bytes(c.data()), c.offset());
  }

  @Override
  public RealResult read(Syscall.Read c) {
    return p.read(c.fd().value(), c.count());
  }

  @Override
  public RealResult pread64(Syscall.Pread64 c) {
    return p.pread(c.fd().value(), c.count(), c.offset());
  }

  @Override
  public RealResult lseek(Syscall.Lseek c) {
    return p.lseek(c.fd().value(), c.offset(), c.whence());
  }

  @Override
  public RealResult fsync(Syscall.Fsync c) {
    return p.fsync(c.fd().value());
  }

  @Override
  public RealResult fdatasync(Syscall.Fdatasync c) {
    return p.fdatasync(c.fd().value());
  }

  @Override
  public RealResult ftruncate(Syscall.Ftruncate c) {
    return p.ftruncate(c.fd().value(), c.length());
  }

  @Override
  public RealResult truncate(Syscall.Truncate c) {
    return refused(c);
  }

  @Override
  public RealResult readv(Syscall.Readv c) {
    return refused(c);
  }

  @Override
  public RealResult writev(Syscall.Writev c) {
    return refused(c);
  }

  @Override
  public RealResult preadv(Syscall.Preadv c) {
    return refused(c);
  }

  @Override
  public RealResult pwritev(Syscall.Pwritev c) {
    return refused(c);
  }

  @Override
  public RealResult preadv2(Syscall.Preadv2 c) {
    return refused(c);
  }

  @Override
  public RealResult pwritev2(Syscall.Pwritev2 c) {
    return refused(c);
  }

  @Override
  public RealResult fallocate(Syscall.Fallocate c) {
    return p.fallocate(c.fd().value(), c.mode(), c.offset(), c.len());
  }

  @Override
  public RealResult syncFileRange(Syscall.SyncFileRange c) {
    return refused(c);
  }

  @Override
  public RealResult fadvise64(Syscall.Fadvise64 c) {
    return refused(c);
  }

  @Override
  public RealResult sendfile(Syscall.Sendfile c) {
    return refused(c);
  }

  @Override
  public RealResult copyFileRange(Syscall.CopyFileRange c) {
    return refused(c);
  }

  @Override
  public RealResult splice(Syscall.Splice c) {
    return refused(c);
  }

  @Override
  public RealResult memfdCreate(Syscall.MemfdCreate c) {
    return refused(c);
  }

  @Override
  public RealResult pipe2(Syscall.Pipe2 c) {
    return refused(c);
  }

  @Override
  public RealResult ioctl(Ioctl c) {
    return p.ioctl(c.fd().value(), c.cmd(), arg(c.arg()));
  }

  /** The model's ioctl argument as the sandbox lays it out. */
  static IoctlIn arg(Ioctl.Arg a) {
    if (a instanceof Ioctl.Int i) {
      return IoctlIn.value(i.value());
    }
    if (a instanceof Ioctl.File f) {
      return IoctlIn.fd(f.fd().value());
    }
    if (a instanceof Ioctl.Status s) {
      return new IoctlIn.Status(s.info());
    }
    if (a instanceof Ioctl.Status64 s) {
      return new IoctlIn.Status64(s.info());
    }
    if (a instanceof Ioctl.Config c) {
      return new IoctlIn.Config(new LoopAbi.LoopConfig(c.fd().value(), c.blockSize(), c.info()));
    }
    return IoctlIn.none();
  }
}
