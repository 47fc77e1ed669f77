package kernsim.fs.file;

import static kernsim.dev.Errno.EBADF;
import static kernsim.dev.Errno.EFBIG;
import static kernsim.dev.Errno.EINVAL;
import static kernsim.dev.Errno.EISDIR;
import static kernsim.dev.Errno.EMFILE;
import static kernsim.dev.Errno.ENOENT;
import static kernsim.dev.Errno.EOPNOTSUPP;
import static kernsim.dev.Errno.EPERM;
import static kernsim.dev.Errno.ESPIPE;

import java.util.List;
import java.util.function.Function;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The file syscalls of starry-kernel 0.5.10 ({@code shared/seeds/starry-file-io.rs}) as {@link Code}
 * run by the calling hart, check by check in the source's order, so a call with several faults
 * returns the errno the source returns. Results: {@code Ok(n)} for counts and positions,
 * {@code Ok(n, byte[])} for reads, {@code Err(errno)}.
 *
 * <p>Lock scopes: fd lookups touch only the caller's {@link FdTable} (no message). Each object access
 * is one region at the object's owner; read, write and lseek hold the open file's position lock across
 * their I/O ({@link OpenFile}). Where the source takes a lock twice (fallocate reads the length, then
 * sets it; do_send reads one 4 KiB chunk, then writes it, then reads the next) those are separate steps
 * and other harts run between them.
 *
 * <p>Helpers the seed calls but does not contain follow starry's behaviour as far as the seed shows it:
 * {@code get_file_like} fails with EBADF; {@code File::from_fd} accepts regular files, device nodes and
 * memfds (unwrapped), answers EISDIR for a directory and EINVAL for anything else (the seed converts
 * that "type mismatch" to ESPIPE or EINVAL where it matters); {@code File::read_at}/{@code write_at}/
 * {@code set_len} check the open mode and answer EBADF.
 */
public final class FileSyscalls {
  private FileSyscalls() {}

  /** The source's chunk size for sendfile, copy_file_range and splice. */
  public static final int SEND_CHUNK = 0x1000;

  // ---- fd lookups (the caller's table; no lock region) ----

  /** An open file, or the errno a lookup ends with. */
  private record Got(OpenFile file, Errno err) {
    static Got of(OpenFile f) {
      return new Got(f, null);
    }

    static Got fail(Errno e) {
      return new Got(null, e);
    }

    boolean failed() {
      return err != null;
    }
  }

  private static Got fileLike(FdTable t, int fd) {
    OpenFile f = t.get(fd);
    return f == null ? Got.fail(EBADF) : Got.of(f);
  }

  /** {@code File::from_fd}. */
  private static Got fileFromFd(FdTable t, int fd) {
    Got g = fileLike(t, fd);
    if (g.failed() || g.file().kind().isFile()) {
      return g;
    }
    return Got.fail(g.file().kind() == FileKind.DIRECTORY ? EISDIR : EINVAL);
  }

  /** {@code file_or_espipe}: type mismatches become ESPIPE. */
  private static Got fileOrEspipe(FdTable t, int fd) {
    Got g = fileFromFd(t, fd);
    return g.failed() && g.err() != EISDIR && g.err() != EBADF ? Got.fail(ESPIPE) : g;
  }

  /** {@code file_or_espipe_write}: a directory is EBADF, and the fd must be open for writing. */
  private static Got fileOrEspipeWrite(FdTable t, int fd) {
    Got g = fileOrEspipe(t, fd);
    if (g.failed()) {
      return g.err() == EISDIR ? Got.fail(EBADF) : g;
    }
    return g.file().writable() ? g : Got.fail(EBADF);
  }

  /** {@code Memfd::from_fd}: the memfd behind {@code fd}, or null. */
  private static Memfd.Ops memfd(FdTable t, int fd) {
    OpenFile f = t.get(fd);
    return f != null && f.ops() instanceof Memfd.Ops m ? m : null;
  }

  private static Code readAt(OpenFile f, long offset, int length) {
    return f.readable() ? f.ops().readAt(offset, length) : Code.err(EBADF);
  }

  private static Code writeAt(OpenFile f, long offset, byte[] data) {
    return f.writable() ? f.ops().writeAt(offset, data) : Code.err(EBADF);
  }

  private static Code ok0(Code c) {
    return Code.then(c, ok -> Code.ok(0));
  }

  // ---- read / write ----

  /** read(fd, buf, len): {@code Ok(n, byte[])}. */
  public static Code read(FdTable t, int fd, int len) {
    Got g = fileLike(t, fd);
    return g.failed() ? Code.err(g.err()) : g.file().read(len);
  }

  /** readv(fd, iov, iovcnt), {@code iov} as the buffer lengths: {@code Ok(n, byte[])}, the bytes in order. */
  public static Code readv(FdTable t, int fd, int[] iov) {
    Got g = fileLike(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    long total = iovTotal(iov);
    return total < 0 ? Code.err(EINVAL) : g.file().read((int) total);
  }

  /** write(fd, buf, len): {@code Ok(n)}. */
  public static Code write(FdTable t, int fd, byte[] data) {
    byte[] copy = data.clone(); // copy_user_read_buf comes first
    Got g = fileLike(t, fd);
    return g.failed() ? Code.err(g.err()) : g.file().write(copy);
  }

  /** writev(fd, iov, iovcnt): the iovecs are copied in before the fd is looked up. */
  public static Code writev(FdTable t, int fd, byte[][] iov) {
    byte[] data = concat(iov);
    if (data == null) {
      return Code.err(EINVAL);
    }
    Got g = fileLike(t, fd);
    return g.failed() ? Code.err(g.err()) : g.file().write(data);
  }

  /** The total of an iovec array's lengths, or -1 when {@code IoVectorBuf::new} refuses it. */
  private static long iovTotal(int[] iov) {
    if (iov.length > Uapi.IOV_MAX) {
      return -1;
    }
    long total = 0;
    for (int len : iov) {
      if (len < 0) {
        return -1;
      }
      total += len;
    }
    return total > Integer.MAX_VALUE ? -1 : total;
  }

  private static byte[] concat(byte[][] iov) {
    int[] lens = new int[iov.length];
    for (int i = 0; i < iov.length; i++) {
      lens[i] = iov[i].length;
    }
    long total = iovTotal(lens);
    if (total < 0) {
      return null;
    }
    byte[] out = new byte[(int) total];
    int at = 0;
    for (byte[] b : iov) {
      System.arraycopy(b, 0, out, at, b.length);
      at += b.length;
    }
    return out;
  }

  // ---- lseek ----

  /** lseek(fd, offset, whence): {@code Ok(new position)}. */
  public static Code lseek(FdTable t, int fd, long offset, int whence) {
    if (whence == Uapi.SEEK_SET && offset < 0) {
      return Code.err(EINVAL);
    }
    if (whence != Uapi.SEEK_SET && whence != Uapi.SEEK_CUR && whence != Uapi.SEEK_END) {
      return Code.err(EINVAL);
    }
    Got g = fileLike(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    FileKind k = g.file().kind();
    if (k.isFile() || k == FileKind.DIRECTORY) {
      return g.file().seek(whence, offset);
    }
    return Code.err(ESPIPE);
  }

  // ---- sizes ----

  /** Resolves a path for truncate(2); the VFS provides it. */
  public interface PathResolver {
    /** Opens {@code path} with {@code flags}: {@code Ok(0, Resolved)} or the open's errno. */
    Code open(String path, int flags);

    /** {@link #open}, then {@code then} of what it resolved; a failure ends the whole as it is. */
    default Code open(String path, int flags, Function<Resolved, Code> then) {
      return Code.then(open(path, flags), ok -> {
        if (!(ok.data() instanceof Resolved r)) {
          throw new IllegalStateException("open resolved nothing: " + ok);
        }
        return then.apply(r);
      });
    }
  }

  /** What a path resolved to: the object and its owner and mode bits. */
  public record Resolved(FileOps ops, int uid, int gid, int mode) {}

  /** The caller's filesystem credentials. */
  public record Cred(int fsuid, int fsgid, List<Integer> groups) {
    public static final Cred ROOT = new Cred(0, 0, List.of());

    public Cred {
      groups = List.copyOf(groups);
    }
  }

  /** truncate(path, length): {@code Ok(0)}. */
  public static Code truncate(PathResolver resolver, Cred cred, String path, long length) {
    if (path.isEmpty()) {
      return Code.err(ENOENT);
    }
    if (length < 0) {
      return Code.err(EINVAL);
    }
    return resolver.open(path, Uapi.O_WRONLY, r -> {
      FileKind k = r.ops().kind();
      if (!k.isFile()) { // into_file
        return Code.err(k == FileKind.DIRECTORY ? EISDIR : EINVAL);
      }
      if (length > Uapi.MAX_FILE_SIZE) {
        return Code.err(EFBIG);
      }
      if (cred.fsuid() != 0) {
        int bit;
        if (cred.fsuid() == r.uid()) {
          bit = 0200;
        } else if (cred.fsgid() == r.gid() || cred.groups().contains(r.gid())) {
          bit = 020;
        } else {
          bit = 02;
        }
        if ((r.mode() & bit) == 0) {
          return Code.err(Errno.EACCES);
        }
      }
      return ok0(r.ops().truncate(length));
    });
  }

  /** ftruncate(fd, length): {@code Ok(0)}; a memfd's seals apply. */
  public static Code ftruncate(FdTable t, int fd, long length) {
    if (length < 0) {
      return Code.err(EINVAL);
    }
    Memfd.Ops m = memfd(t, fd);
    if (m != null) {
      return ok0(m.setLenSealed(length));
    }
    Got g = fileFromFd(t, fd);
    if (g.failed()) {
      return Code.err(g.err() == EISDIR ? EINVAL : g.err());
    }
    if (length > Uapi.MAX_FILE_SIZE) {
      return Code.err(EFBIG);
    }
    if (!g.file().writable()) {
      return Code.err(EBADF);
    }
    return ok0(g.file().ops().truncate(length));
  }

  /**
   * fallocate(fd, mode, offset, len): {@code Ok(0)}. Like the source, it reads the length and then sets
   * it to {@code max(length, offset + len)} in two regions, so a write that extends the file in between
   * is cut back; a memfd's seals are read in regions of their own before that.
   */
  public static Code fallocate(FdTable t, int fd, int mode, long offset, long len) {
    Got g = fileOrEspipeWrite(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    if (mode != 0) {
      return Code.err(EOPNOTSUPP);
    }
    if (offset < 0 || len <= 0) {
      return Code.err(EINVAL);
    }
    long end = offset + len;
    if (end < 0 || end > Uapi.MAX_FILE_SIZE) { // u64 overflow cannot happen from two positive i64s
      return Code.err(EFBIG);
    }
    FileOps ops = g.file().ops();
    Code sealCheck = Code.ok(0);
    Memfd.Ops m = memfd(t, fd);
    if (m != null) {
      sealCheck = Code.then(m.getSeals(), seals -> {
        if ((seals.value() & Uapi.F_SEAL_WRITE) != 0) {
          return Code.err(EPERM);
        }
        return Code.then(ops.length(), cur -> end > cur.value() && (seals.value() & Uapi.F_SEAL_GROW) != 0
            ? Code.err(EPERM) : Code.ok(0));
      });
    }
    return Code.then(sealCheck, ok -> Code.then(ops.length(),
        cur -> ok0(ops.truncate(Math.max(cur.value(), end)))));
  }

  // ---- sync and advice ----

  /** fsync(fd): {@code Ok(0)}; EINVAL for pipes and other non-files. */
  public static Code fsync(FdTable t, int fd) {
    return sync(t, fd, false);
  }

  /** fdatasync(fd): {@code Ok(0)}. */
  public static Code fdatasync(FdTable t, int fd) {
    return sync(t, fd, true);
  }

  private static Code sync(FdTable t, int fd, boolean dataOnly) {
    Got g = fileLike(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    FileKind k = g.file().kind();
    if (k.isFile() || k == FileKind.DIRECTORY) {
      return ok0(g.file().ops().sync(dataOnly));
    }
    return Code.err(EINVAL);
  }

  /** sync_file_range(fd, offset, nbytes, flags): advisory; only the fd is checked. */
  public static Code syncFileRange(FdTable t, int fd, long offset, long nbytes, int flags) {
    Got g = fileFromFd(t, fd);
    return !g.failed() || g.err() == EISDIR ? Code.ok(0) : Code.err(g.err());
  }

  /** fadvise64(fd, offset, len, advice): advisory; checks fd, then len, then advice. */
  public static Code fadvise64(FdTable t, int fd, long offset, long len, int advice) {
    Got g = fileLike(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    FileKind k = g.file().kind();
    if (!k.isFile() && k != FileKind.DIRECTORY) {
      return Code.err(ESPIPE);
    }
    if (len < 0) {
      return Code.err(EINVAL);
    }
    if (Integer.compareUnsigned(advice, Uapi.POSIX_FADV_NOREUSE) > 0) {
      return Code.err(EINVAL);
    }
    return Code.ok(0);
  }

  // ---- positioned I/O ----

  /** pread64(fd, buf, len, offset): {@code Ok(n, byte[])}; ESPIPE on a pipe. */
  public static Code pread64(FdTable t, int fd, int len, long offset) {
    Got g = fileOrEspipe(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    if (offset < 0) {
      return Code.err(EINVAL);
    }
    return readAt(g.file(), offset, len);
  }

  /** pwrite64(fd, buf, len, offset): {@code Ok(n)}; seal-aware on a memfd. */
  public static Code pwrite64(FdTable t, int fd, byte[] data, long offset) {
    if (offset < 0) {
      return Code.err(EINVAL);
    }
    Memfd.Ops m = memfd(t, fd);
    if (m != null) {
      return data.length == 0 ? Code.ok(0) : m.writeAt(offset, data);
    }
    Got g = fileOrEspipeWrite(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    return data.length == 0 ? Code.ok(0) : g.file().ops().writeAt(offset, data);
  }

  /** preadv(fd, iov, iovcnt, offset): no -1 here. */
  public static Code preadv(FdTable t, int fd, int[] iov, long offset) {
    return offset < 0 ? Code.err(EINVAL) : preadv2(t, fd, iov, offset, 0);
  }

  /** pwritev(fd, iov, iovcnt, offset): no -1 here. */
  public static Code pwritev(FdTable t, int fd, byte[][] iov, long offset) {
    return offset < 0 ? Code.err(EINVAL) : pwritev2(t, fd, iov, offset, 0);
  }

  /** preadv2: flags are not supported (EOPNOTSUPP); offset -1 reads at the file position. */
  public static Code preadv2(FdTable t, int fd, int[] iov, long offset, int flags) {
    if (flags != 0) {
      return Code.err(EOPNOTSUPP);
    }
    if (offset < -1) {
      return Code.err(EINVAL);
    }
    long total = iovTotal(iov);
    if (total < 0) {
      return Code.err(EINVAL);
    }
    if (offset == -1) {
      return read(t, fd, (int) total);
    }
    Got g = fileOrEspipe(t, fd);
    return g.failed() ? Code.err(g.err()) : readAt(g.file(), offset, (int) total);
  }

  /**
   * pwritev2: flags are not supported; offset -1 writes at the file position. Unlike pwrite64, a
   * directory gives EISDIR here (file_or_espipe, not its write variant), and the iovecs are copied
   * in before the fd is checked.
   */
  public static Code pwritev2(FdTable t, int fd, byte[][] iov, long offset, int flags) {
    if (flags != 0) {
      return Code.err(EOPNOTSUPP);
    }
    if (offset < -1) {
      return Code.err(EINVAL);
    }
    byte[] data = concat(iov);
    if (data == null) {
      return Code.err(EINVAL);
    }
    if (offset == -1) {
      Got g = fileLike(t, fd);
      return g.failed() ? Code.err(g.err()) : g.file().write(data);
    }
    Memfd.Ops m = memfd(t, fd);
    if (m != null) {
      return m.writeAt(offset, data);
    }
    Got g = fileOrEspipe(t, fd);
    return g.failed() ? Code.err(g.err()) : writeAt(g.file(), offset, data);
  }

  // ---- sendfile, copy_file_range, splice ----

  /** One end of a transfer: the source's {@code SendFile}. */
  private sealed interface End {
    Code hasData();

    Code read(int len);

    Code write(byte[] data);
  }

  /** Through the open file: its position, its pipe. */
  private record Direct(OpenFile file) implements End {
    public Code hasData() {
      return file.ops().pollIn();
    }

    public Code read(int len) {
      return file.read(len);
    }

    public Code write(byte[] data) {
      return file.write(data);
    }
  }

  /** At a user offset, written back after every chunk; writes to a memfd stay seal-aware. */
  private record AtOffset(OpenFile file, UserOffset offset) implements End {
    public Code hasData() {
      return Code.ok(1); // a file always polls readable
    }

    public Code read(int len) {
      long off = offset.get();
      return Code.then(readAt(file, off, len), ok -> {
        offset.set(off + ok.value());
        return Code.done(ok);
      });
    }

    public Code write(byte[] data) {
      long off = offset.get();
      Code w = file.ops() instanceof Memfd.Ops m ? m.writeAt(off, data) : writeAt(file, off, data);
      return Code.then(w, ok -> {
        offset.set(off + ok.value());
        return Code.done(ok);
      });
    }
  }

  /** do_send: 4 KiB chunks, each a read then a write, until len, EOF, a short write or no more data. */
  private static Code doSend(End src, End dst, long remaining, long total) {
    if (remaining <= 0) {
      return Code.ok(total);
    }
    Code poll = total > 0 ? src.hasData() : Code.ok(1);
    return Code.bind(poll, has -> {
      if (total > 0 && !(has instanceof SysResult.Ok p && p.value() != 0)) {
        return Code.ok(total);
      }
      int toRead = (int) Math.min(SEND_CHUNK, remaining);
      return FileOps.readBytes(src.read(toRead),
          e -> e.errno() == Errno.EAGAIN && total > 0 ? Code.ok(total) : Code.done(e),
          chunk -> {
            if (chunk.length == 0) {
              return Code.ok(total);
            }
            return Code.then(dst.write(chunk), w -> {
              long n = w.value();
              if (n < chunk.length) {
                return Code.ok(total); // as the source: the short chunk is not counted
              }
              return doSend(src, dst, remaining - n, total + n);
            });
          });
    });
  }

  /** sendfile(out_fd, in_fd, offset, count): {@code Ok(bytes)}; {@code offset} may be null. */
  public static Code sendfile(FdTable t, int outFd, int inFd, UserOffset offset, long count) {
    End src;
    if (offset != null) {
      if (Long.compareUnsigned(offset.get(), 0xFFFF_FFFFL) > 0) {
        return Code.err(EINVAL);
      }
      Got in = fileFromFd(t, inFd);
      if (in.failed()) {
        return Code.err(in.err());
      }
      src = new AtOffset(in.file(), offset);
    } else {
      Got in = fileLike(t, inFd);
      if (in.failed()) {
        return Code.err(in.err());
      }
      src = new Direct(in.file());
    }
    Got out = fileLike(t, outFd);
    if (out.failed()) {
      return Code.err(out.err());
    }
    return doSend(src, new Direct(out.file()), count, 0);
  }

  /** copy_file_range(fd_in, off_in, fd_out, off_out, len, flags): {@code Ok(bytes)}; offsets may be null. */
  public static Code copyFileRange(FdTable t, int fdIn, UserOffset offIn, int fdOut, UserOffset offOut,
      long len, int flags) {
    if (flags != 0) {
      return Code.err(EINVAL);
    }
    Got in = remap(fileFromFd(t, fdIn));
    if (in.failed()) {
      return Code.err(in.err());
    }
    Got out = remap(fileFromFd(t, fdOut));
    if (out.failed()) {
      return Code.err(out.err());
    }
    if (!in.file().kind().isRegularNode() || !out.file().kind().isRegularNode()) {
      return Code.err(EINVAL);
    }
    if (out.file().append()) {
      return Code.err(EBADF);
    }
    Code overlap = Code.ok(0);
    if (len > 0 && in.file().ops().id().equals(out.file().ops().id())) {
      Code posIn = offIn == null ? in.file().seek(Uapi.SEEK_CUR, 0) : Code.ok(offIn.get());
      overlap = Code.then(posIn, pi -> {
        Code posOut = offOut == null ? out.file().seek(Uapi.SEEK_CUR, 0) : Code.ok(offOut.get());
        return Code.then(posOut, po -> {
          long copyEnd = len - 1;
          long inEnd = pi.value() + copyEnd;
          long outEnd = po.value() + copyEnd;
          if (Long.compareUnsigned(inEnd, pi.value()) < 0 || Long.compareUnsigned(outEnd, po.value()) < 0) {
            return Code.err(EINVAL);
          }
          boolean overlaps = Long.compareUnsigned(inEnd, po.value()) >= 0
              && Long.compareUnsigned(pi.value(), outEnd) <= 0;
          return overlaps ? Code.err(EINVAL) : Code.ok(0);
        });
      });
    }
    End src = offIn != null ? new AtOffset(in.file(), offIn) : new Direct(in.file());
    return Code.then(overlap, ok -> {
      End dst;
      if (offOut != null) {
        dst = new AtOffset(out.file(), offOut); // send_offset_out: seal-aware for a memfd
      } else {
        Got o = fileLike(t, fdOut);
        if (o.failed()) {
          return Code.err(o.err());
        }
        dst = new Direct(o.file());
      }
      return doSend(src, dst, len, 0);
    });
  }

  private static Got remap(Got g) {
    return g.failed() && g.err() != EBADF && g.err() != EISDIR ? Got.fail(EINVAL) : g;
  }

  /**
   * splice(fd_in, off_in, fd_out, off_out, len, flags): {@code Ok(bytes)}; one side must be a pipe.
   * Flags are ignored, as in the source. Before moving anything it writes zero bytes to the output
   * (the source's probe), which fails on a file not open for writing.
   */
  public static Code splice(FdTable t, int fdIn, UserOffset offIn, int fdOut, UserOffset offOut, long len,
      int flags) {
    OpenFile rawIn = t.get(fdIn);
    OpenFile rawOut = t.get(fdOut);
    if ((rawIn != null && rawIn.kind() == FileKind.ANON) || (rawOut != null && rawOut.kind() == FileKind.ANON)) {
      return Code.err(EBADF);
    }
    boolean hasPipe = false;
    End src;
    if (offIn != null) {
      if (offIn.get() < 0) {
        return Code.err(EINVAL);
      }
      Got in = fileFromFd(t, fdIn);
      if (in.failed()) {
        return Code.err(in.err());
      }
      src = new AtOffset(in.file(), offIn);
    } else {
      if (rawIn != null && rawIn.kind() == FileKind.PIPE) {
        if (!rawIn.ops().readEnd()) {
          return Code.err(EBADF);
        }
        hasPipe = true;
      }
      if (rawIn != null && rawIn.kind().isFile() && rawIn.isPath()) {
        return Code.err(EINVAL);
      }
      Got in = fileLike(t, fdIn);
      if (in.failed()) {
        return Code.err(in.err());
      }
      src = new Direct(in.file());
    }
    Code probe = Code.ok(0);
    End dst;
    if (offOut != null) {
      if (offOut.get() < 0) {
        return Code.err(EINVAL);
      }
      Got out = fileLike(t, fdOut);
      if (out.failed()) {
        return Code.err(out.err());
      }
      if (!(out.file().ops() instanceof Memfd.Ops)) {
        out = fileFromFd(t, fdOut);
        if (out.failed()) {
          return Code.err(out.err());
        }
      }
      dst = new AtOffset(out.file(), offOut);
    } else {
      if (rawOut != null && rawOut.kind() == FileKind.PIPE) {
        if (!rawOut.ops().writeEnd()) {
          return Code.err(EBADF);
        }
        hasPipe = true;
      }
      if (rawOut != null && rawOut.kind().isFile() && rawOut.append()) {
        return Code.err(EINVAL);
      }
      Got out = fileLike(t, fdOut);
      if (out.failed()) {
        return Code.err(out.err());
      }
      probe = out.file().write(new byte[0]);
      dst = new Direct(out.file());
    }
    boolean pipe = hasPipe;
    return Code.then(probe, ok -> pipe ? doSend(src, dst, len, 0) : Code.err(EINVAL));
  }

  // ---- memfd, pipes, fds ----

  private static final int MFD_ALL =
      Uapi.MFD_CLOEXEC | Uapi.MFD_ALLOW_SEALING | Uapi.MFD_HUGETLB | Uapi.MFD_NOEXEC_SEAL | Uapi.MFD_EXEC;
  private static final int SEALS_ALL =
      Uapi.F_SEAL_SEAL | Uapi.F_SEAL_SHRINK | Uapi.F_SEAL_GROW | Uapi.F_SEAL_WRITE | Uapi.F_SEAL_FUTURE_WRITE;

  /** memfd_create(name, flags): {@code Ok(fd)}; the memfd comes from {@code anon}. Linux's order of checks. */
  public static Code memfdCreate(FdTable t, ActorRef<AnonFs.Command> anon, String name, int flags) {
    if ((flags & ~MFD_ALL) != 0) {
      return Code.err(EINVAL);
    }
    if (name.length() > Uapi.MFD_NAME_MAX_LEN) {
      return Code.err(EINVAL);
    }
    if (t.size() >= t.limit()) {
      return Code.err(EMFILE);
    }
    boolean sealing = (flags & Uapi.MFD_ALLOW_SEALING) != 0;
    return AnonFs.createMemfd(anon, sealing, f -> Code.ok(t.install(f)));
  }

  /** pipe2(flags): {@code Ok(0, List.of(readFd, writeFd))}. */
  public static Code pipe2(FdTable t, ActorRef<AnonFs.Command> anon, int flags) {
    if ((flags & ~(Uapi.O_CLOEXEC | Uapi.O_NONBLOCK | Uapi.O_DIRECT)) != 0) {
      return Code.err(EINVAL);
    }
    if (t.size() + 2 > t.limit()) {
      return Code.err(EMFILE);
    }
    return AnonFs.createPipe(anon, flags, (rd, wr) -> {
      int r = t.install(rd);
      int w = t.install(wr);
      return Code.done(SysResult.ok(0, List.of(r, w)));
    });
  }

  /** The read and write fds a {@link #pipe2} result holds; {@code {-1, -1}} for a failure (as C leaves them). */
  public static int[] pipeEnds(Object result) {
    if (result instanceof SysResult.Ok ok && ok.data() instanceof List<?> ends && ends.size() == 2
        && ends.get(0) instanceof Integer r && ends.get(1) instanceof Integer w) {
      return new int[] {r, w};
    }
    return new int[] {-1, -1};
  }

  /** fcntl(fd, cmd, arg) for F_GETFL, F_ADD_SEALS and F_GET_SEALS; other commands are EINVAL. */
  public static Code fcntl(FdTable t, int fd, int cmd, int arg) {
    Got g = fileLike(t, fd);
    if (g.failed()) {
      return Code.err(g.err());
    }
    OpenFile f = g.file();
    switch (cmd) {
      case Uapi.F_GETFL:
        return Code.ok(f.flags());
      case Uapi.F_GET_SEALS:
        return f.ops() instanceof Memfd.Ops m ? m.getSeals() : Code.err(EINVAL);
      case Uapi.F_ADD_SEALS:
        if (!(f.ops() instanceof Memfd.Ops m)) {
          return Code.err(EINVAL);
        }
        if (!f.writable()) {
          return Code.err(EPERM);
        }
        if ((arg & ~SEALS_ALL) != 0) {
          return Code.err(EINVAL);
        }
        return m.addSeals(arg);
      default:
        return Code.err(EINVAL);
    }
  }

  /** The source's sys_dummy_fd: an {@code anon_inode:[dummy]} fd. */
  public static Code dummyFd(FdTable t) {
    int fd = t.install(new OpenFile(new AnonFd("anon_inode:[dummy]"), Uapi.O_RDWR, null));
    return fd < 0 ? Code.err(EMFILE) : Code.ok(fd);
  }

  public static Code close(FdTable t, int fd) {
    return t.close(fd);
  }

  public static Code dup(FdTable t, int fd) {
    return t.dup(fd);
  }
}
