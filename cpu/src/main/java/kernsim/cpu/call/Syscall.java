package kernsim.cpu.call;

import static kernsim.cpu.call.Text.fcntlCmd;
import static kernsim.cpu.call.Text.ioctlName;
import static kernsim.cpu.call.Text.lockOps;
import static kernsim.cpu.call.Text.openFlags;
import static kernsim.cpu.call.Text.ptr;
import static kernsim.cpu.call.Text.q;
import static kernsim.cpu.call.Text.qn;
import static kernsim.cpu.call.Text.quoted;

import java.util.List;
import java.util.Objects;
import kernsim.dev.loop.LoopAbi.LoopInfo;
import kernsim.dev.loop.LoopAbi.LoopInfo64;

/**
 * The model's syscalls, one record each, with C's arguments typed: paths and data as strings, flags as
 * ints, fd arguments as {@link Fd}s (program variables, resolved when the call starts:
 * {@link #resolve}). {@code cpu.Syscalls#code} is each one's kernel code; {@link #text()} is how C
 * writes it. Adding a syscall adds a record here (see docs/extending.md).
 */
public sealed interface Syscall extends Call {
  /** The same call with its fd variables resolved as {@code vars} holds them now (no fds: itself). */
  default Syscall resolve(Fd.Vars vars) {
    return this;
  }

  /**
   * Something done with each kind of syscall: its kernel code ({@code cpu.Syscalls}), what the errno
   * oracle's specification allows. A new record needs a method here, so every visitor must say what it
   * does with it: no call is silently left out.
   */
  interface Visitor<R> {
    R mkdir(Mkdir c);

    R mknod(Mknod c);

    R mount(Mount c);

    R umount2(Umount2 c);

    R pivotRoot(PivotRoot c);

    R mkfsExt4(MkfsExt4 c);

    R open(Open c);

    R close(Close c);

    R flock(Flock c);

    R dup(Dup c);

    R fstat(Fstat c);

    R sync(Sync c);

    R chdir(Chdir c);

    R fcntl(Fcntl c);

    R nanosleep(Nanosleep c);

    R usleep(Usleep c);

    R write(Write c);

    R pwrite64(Pwrite64 c);

    R read(Read c);

    R pread64(Pread64 c);

    R lseek(Lseek c);

    R fsync(Fsync c);

    R fdatasync(Fdatasync c);

    R ftruncate(Ftruncate c);

    R truncate(Truncate c);

    R readv(Readv c);

    R writev(Writev c);

    R preadv(Preadv c);

    R pwritev(Pwritev c);

    R preadv2(Preadv2 c);

    R pwritev2(Pwritev2 c);

    R fallocate(Fallocate c);

    R syncFileRange(SyncFileRange c);

    R fadvise64(Fadvise64 c);

    R sendfile(Sendfile c);

    R copyFileRange(CopyFileRange c);

    R splice(Splice c);

    R memfdCreate(MemfdCreate c);

    R pipe2(Pipe2 c);

    R ioctl(Ioctl c);
  }

  /** {@code v}'s method for this call's kind. */
  <R> R accept(Visitor<R> v);

  // ==== paths and mounts ====

  record Mkdir(String path) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.mkdir(this);
    }

    public String name() {
      return "mkdir";
    }

    public String text() {
      return "mkdir(" + q(path) + ")";
    }
  }

  /**
   * A device node the kernel makes itself (loop-control, a loop device, a sysfs attribute): only in
   * the boot state the oracles start from ({@code Kernel.bootCalls}); userspace makes none in the model.
   */
  record Mknod(String path) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.mknod(this);
    }

    public String name() {
      return "mknod";
    }

    public String text() {
      return "mknod(" + q(path) + ")";
    }
  }

  /** mount(2); {@code data} (may be null) is not shown. */
  record Mount(String source, String target, String type, int flags, String data) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.mount(this);
    }

    public String name() {
      return "mount";
    }

    public String text() {
      return "mount(" + qn(source) + ", " + qn(target) + ", " + qn(type) + ", " + flags + ")";
    }
  }

  record Umount2(String target, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.umount2(this);
    }

    public String name() {
      return "umount2";
    }

    public String text() {
      return "umount2(" + q(target) + ", " + flags + ")";
    }
  }

  record PivotRoot(String newRoot, String putOld) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.pivotRoot(this);
    }

    public String name() {
      return "pivot_root";
    }

    public String text() {
      return "pivot_root(" + q(newRoot) + ", " + q(putOld) + ")";
    }
  }

  /** {@code mkfs.ext4 DEVICE} as userspace runs it (see {@code cpu.Syscalls}). */
  record MkfsExt4(String device) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.mkfsExt4(this);
    }

    public String name() {
      return "mkfs.ext4";
    }

    public String text() {
      return "mkfs.ext4(" + q(device) + ")";
    }
  }

  // ==== open and close, flock, dup ====

  record Open(String path, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.open(this);
    }

    public String name() {
      return "open";
    }

    public String text() {
      return "open(" + q(path) + ", " + openFlags(flags) + ")";
    }
  }

  record Close(Fd fd) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.close(this);
    }

    public String name() {
      return "close";
    }

    public String text() {
      return "close(" + fd + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Close(fd.resolve(v));
    }
  }

  record Flock(Fd fd, int cmd) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.flock(this);
    }

    public String name() {
      return "flock";
    }

    public String text() {
      return "flock(" + fd + ", " + lockOps(cmd) + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Flock(fd.resolve(v), cmd);
    }
  }

  record Dup(Fd fd) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.dup(this);
    }

    public String name() {
      return "dup";
    }

    public String text() {
      return "dup(" + fd + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Dup(fd.resolve(v));
    }
  }

  /** sync(): flush every filesystem; it cannot fail (its C type is void; the model says 0). */
  record Sync() implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.sync(this);
    }

    public String name() {
      return "sync";
    }

    public String text() {
      return "sync()";
    }
  }

  /** chdir(path): the cwd relative paths resolve from (the model's one FS_CONTEXT: every process's). */
  record Chdir(String path) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.chdir(this);
    }

    public String name() {
      return "chdir";
    }

    public String text() {
      return "chdir(" + q(path) + ")";
    }
  }

  /** fstat(fd): the file type of its {@code st_mode} (the model's stat has no other field). */
  record Fstat(Fd fd) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.fstat(this);
    }

    public String name() {
      return "fstat";
    }

    public String text() {
      return "fstat(" + fd + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Fstat(fd.resolve(v));
    }
  }

  record Fcntl(Fd fd, int cmd, int arg) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.fcntl(this);
    }

    public String name() {
      return "fcntl";
    }

    public String text() {
      return "fcntl(" + fd + ", " + fcntlCmd(cmd) + ", " + arg + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Fcntl(fd.resolve(v), cmd, arg);
    }
  }

  // ==== sleeping (virtual time) ====

  record Nanosleep(long nanos) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.nanosleep(this);
    }

    public String name() {
      return "nanosleep";
    }

    public String text() {
      return "nanosleep(" + nanos + ")";
    }
  }

  record Usleep(long micros) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.usleep(this);
    }

    public String name() {
      return "usleep";
    }

    public String text() {
      return "usleep(" + micros + ")";
    }
  }

  // ==== I/O on open files ====

  record Write(Fd fd, String data) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.write(this);
    }

    public String name() {
      return "write";
    }

    public String text() {
      return "write(" + fd + ", " + q(data) + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Write(fd.resolve(v), data);
    }
  }

  record Pwrite64(Fd fd, String data, long offset) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.pwrite64(this);
    }

    public String name() {
      return "pwrite64";
    }

    public String text() {
      return "pwrite64(" + fd + ", " + q(data) + ", " + offset + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Pwrite64(fd.resolve(v), data, offset);
    }
  }

  record Read(Fd fd, int count) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.read(this);
    }

    public String name() {
      return "read";
    }

    public String text() {
      return "read(" + fd + ", " + count + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Read(fd.resolve(v), count);
    }
  }

  record Pread64(Fd fd, int count, long offset) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.pread64(this);
    }

    public String name() {
      return "pread64";
    }

    public String text() {
      return "pread64(" + fd + ", " + count + ", " + offset + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Pread64(fd.resolve(v), count, offset);
    }
  }

  record Lseek(Fd fd, long offset, int whence) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.lseek(this);
    }

    public String name() {
      return "lseek";
    }

    public String text() {
      return "lseek(" + fd + ", " + offset + ", " + whence + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Lseek(fd.resolve(v), offset, whence);
    }
  }

  record Fsync(Fd fd) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.fsync(this);
    }

    public String name() {
      return "fsync";
    }

    public String text() {
      return "fsync(" + fd + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Fsync(fd.resolve(v));
    }
  }

  record Fdatasync(Fd fd) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.fdatasync(this);
    }

    public String name() {
      return "fdatasync";
    }

    public String text() {
      return "fdatasync(" + fd + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Fdatasync(fd.resolve(v));
    }
  }

  record Ftruncate(Fd fd, long length) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.ftruncate(this);
    }

    public String name() {
      return "ftruncate";
    }

    public String text() {
      return "ftruncate(" + fd + ", " + length + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Ftruncate(fd.resolve(v), length);
    }
  }

  /** truncate(path, length) as root. */
  record Truncate(String path, long length) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.truncate(this);
    }

    public String name() {
      return "truncate";
    }

    public String text() {
      return "truncate(" + q(path) + ", " + length + ")";
    }
  }

  record Readv(Fd fd, List<Integer> iov) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.readv(this);
    }

    public Readv {
      iov = List.copyOf(iov);
    }

    public String name() {
      return "readv";
    }

    public String text() {
      return "readv(" + fd + ", " + iov + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Readv(fd.resolve(v), iov);
    }
  }

  record Writev(Fd fd, List<String> iov) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.writev(this);
    }

    public Writev {
      iov = List.copyOf(iov);
    }

    public String name() {
      return "writev";
    }

    public String text() {
      return "writev(" + fd + ", " + quoted(iov) + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Writev(fd.resolve(v), iov);
    }
  }

  record Preadv(Fd fd, List<Integer> iov, long offset) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.preadv(this);
    }

    public Preadv {
      iov = List.copyOf(iov);
    }

    public String name() {
      return "preadv";
    }

    public String text() {
      return "preadv(" + fd + ", " + iov + ", " + offset + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Preadv(fd.resolve(v), iov, offset);
    }
  }

  record Pwritev(Fd fd, List<String> iov, long offset) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.pwritev(this);
    }

    public Pwritev {
      iov = List.copyOf(iov);
    }

    public String name() {
      return "pwritev";
    }

    public String text() {
      return "pwritev(" + fd + ", " + quoted(iov) + ", " + offset + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Pwritev(fd.resolve(v), iov, offset);
    }
  }

  record Preadv2(Fd fd, List<Integer> iov, long offset, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.preadv2(this);
    }

    public Preadv2 {
      iov = List.copyOf(iov);
    }

    public String name() {
      return "preadv2";
    }

    public String text() {
      return "preadv2(" + fd + ", " + iov + ", " + offset + ", " + flags + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Preadv2(fd.resolve(v), iov, offset, flags);
    }
  }

  record Pwritev2(Fd fd, List<String> iov, long offset, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.pwritev2(this);
    }

    public Pwritev2 {
      iov = List.copyOf(iov);
    }

    public String name() {
      return "pwritev2";
    }

    public String text() {
      return "pwritev2(" + fd + ", " + quoted(iov) + ", " + offset + ", " + flags + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Pwritev2(fd.resolve(v), iov, offset, flags);
    }
  }

  record Fallocate(Fd fd, int mode, long offset, long len) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.fallocate(this);
    }

    public String name() {
      return "fallocate";
    }

    public String text() {
      return "fallocate(" + fd + ", " + mode + ", " + offset + ", " + len + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Fallocate(fd.resolve(v), mode, offset, len);
    }
  }

  record SyncFileRange(Fd fd, long offset, long nbytes, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.syncFileRange(this);
    }

    public String name() {
      return "sync_file_range";
    }

    public String text() {
      return "sync_file_range(" + fd + ", " + offset + ", " + nbytes + ", " + flags + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new SyncFileRange(fd.resolve(v), offset, nbytes, flags);
    }
  }

  record Fadvise64(Fd fd, long offset, long len, int advice) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.fadvise64(this);
    }

    public String name() {
      return "fadvise64";
    }

    public String text() {
      return "fadvise64(" + fd + ", " + offset + ", " + len + ", " + advice + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Fadvise64(fd.resolve(v), offset, len, advice);
    }
  }

  // ==== transfers between fds (an offset: null is a NULL pointer, else a fresh cell per run) ====

  record Sendfile(Fd out, Fd in, Long offset, long count) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.sendfile(this);
    }

    public String name() {
      return "sendfile";
    }

    public String text() {
      return "sendfile(" + out + ", " + in + ", " + ptr(offset) + ", " + count + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Sendfile(out.resolve(v), in.resolve(v), offset, count);
    }
  }

  record CopyFileRange(Fd in, Long offIn, Fd out, Long offOut, long len, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.copyFileRange(this);
    }

    public String name() {
      return "copy_file_range";
    }

    public String text() {
      return "copy_file_range(" + in + ", " + ptr(offIn) + ", " + out + ", " + ptr(offOut) + ", " + len + ", "
          + flags + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new CopyFileRange(in.resolve(v), offIn, out.resolve(v), offOut, len, flags);
    }
  }

  record Splice(Fd in, Long offIn, Fd out, Long offOut, long len, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.splice(this);
    }

    public String name() {
      return "splice";
    }

    public String text() {
      return "splice(" + in + ", " + ptr(offIn) + ", " + out + ", " + ptr(offOut) + ", " + len + ", " + flags + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Splice(in.resolve(v), offIn, out.resolve(v), offOut, len, flags);
    }
  }

  // ==== anonymous files (on no mount) ====

  record MemfdCreate(String memfdName, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.memfdCreate(this);
    }

    public String name() {
      return "memfd_create";
    }

    public String text() {
      return "memfd_create(" + q(memfdName) + ", " + flags + ")";
    }
  }

  /** pipe2([readVar, writeVar], flags): sets both variables (-1 both when it fails). */
  record Pipe2(String readVar, String writeVar, int flags) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.pipe2(this);
    }

    public String name() {
      return "pipe2";
    }

    public String text() {
      return "pipe2([" + readVar + ", " + writeVar + "], " + flags + ")";
    }
  }

  // ==== ioctl ====

  /** ioctl(fd, cmd[, arg]): {@code cmd} by number, {@code arg} what the command reads. */
  record Ioctl(Fd fd, int cmd, Arg arg) implements Syscall {
    public <R> R accept(Visitor<R> v) {
      return v.ioctl(this);
    }

    public Ioctl {
      Objects.requireNonNull(arg, "arg");
    }

    /** The third argument as the program passes it (fds in it are variables too). */
    public sealed interface Arg {
      default Arg resolve(Fd.Vars v) {
        return this;
      }
    }

    /** No third argument. */
    public enum None implements Arg { INSTANCE }

    /** An integer (BLKROSET, BLKRASET, loop-control's index, …). */
    public record Int(long value) implements Arg {}

    /** An fd variable (LOOP_SET_FD, LOOP_CHANGE_FD). */
    public record File(Fd fd) implements Arg {
      public Arg resolve(Fd.Vars v) {
        return new File(fd.resolve(v));
      }
    }

    /** LOOP_SET_STATUS's {@code struct loop_info}. */
    public record Status(LoopInfo info) implements Arg {}

    /** LOOP_SET_STATUS64's {@code struct loop_info64}. */
    public record Status64(LoopInfo64 info) implements Arg {}

    /** LOOP_CONFIGURE's {@code struct loop_config}: the backing fd, the block size, a loop_info64. */
    public record Config(Fd fd, int blockSize, LoopInfo64 info) implements Arg {
      public Arg resolve(Fd.Vars v) {
        return new Config(fd.resolve(v), blockSize, info);
      }
    }

    public String name() {
      return "ioctl";
    }

    /** The command's name ({@code LOOP_SET_FD}, {@code LOOP_CTL_ADD}), or its number in hex. */
    public String cmdName() {
      return ioctlName(cmd);
    }

    public String text() {
      String head = "ioctl(" + fd + ", " + cmdName();
      if (arg instanceof Int i) {
        return head + ", " + i.value() + ")";
      }
      if (arg instanceof File f) {
        return head + ", " + f.fd() + ")";
      }
      if (arg instanceof Status s) {
        return head + ", {flags: " + s.info().flags() + ", name: " + q(s.info().nameString()) + "})";
      }
      if (arg instanceof Status64 s) {
        return head + ", {flags: " + s.info().flags() + placement(s.info()) + ", file_name: "
            + q(s.info().fileNameString()) + "})";
      }
      if (arg instanceof Config c) {
        return head + ", {fd: " + c.fd() + ", block_size: " + c.blockSize() + ", flags: " + c.info().flags()
            + placement(c.info()) + ", file_name: " + q(c.info().fileNameString()) + "})";
      }
      return head + ")";
    }

    public Syscall resolve(Fd.Vars v) {
      return new Ioctl(fd.resolve(v), cmd, arg.resolve(v));
    }

    /** A loop_info64's lo_offset and lo_sizelimit, shown only when set (", offset: N, size_limit: M"). */
    private static String placement(LoopInfo64 info) {
      return (info.offset() != 0 ? ", offset: " + info.offset() : "")
          + (info.sizeLimit() != 0 ? ", size_limit: " + info.sizeLimit() : "");
    }
  }
}
