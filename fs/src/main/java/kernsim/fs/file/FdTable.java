package kernsim.fs.file;

import java.util.TreeMap;
import kernsim.dev.Errno;
import kernsim.dev.code.Code;

/**
 * A process's file descriptor table: a plain object owned by the process's hart, which alone runs code
 * that touches it (so it needs no actor). fds are allocated lowest-first, as POSIX requires; several
 * fds (and several tables) may share one {@link OpenFile}.
 */
public final class FdTable {
  /** RLIMIT_NOFILE's usual soft limit. */
  public static final int DEFAULT_LIMIT = 1024;

  private final TreeMap<Integer, OpenFile> fds = new TreeMap<>();
  private final int limit;

  public FdTable() {
    this(DEFAULT_LIMIT);
  }

  public FdTable(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("fd limit must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /** Installs {@code file} at the lowest free fd; returns it, or -1 when the table is full (EMFILE). */
  public int install(OpenFile file) {
    int fd = 0;
    for (int used : fds.keySet()) {
      if (used != fd) {
        break;
      }
      fd++;
    }
    if (fd >= limit) {
      return -1;
    }
    fds.put(fd, file);
    return fd;
  }

  /** The open file at {@code fd}, or null (the source's {@code get_file_like} fails with EBADF). */
  public OpenFile get(int fd) {
    return fds.get(fd);
  }

  /**
   * Whether some fd still refers to the open file description {@code file} (the same object: dup and
   * F_DUPFD install it again). A description outlives its fds only through them, so when none is left
   * it is released (the flock it holds goes).
   */
  public boolean refersTo(OpenFile file) {
    for (OpenFile f : fds.values()) {
      if (f == file) {
        return true;
      }
    }
    return false;
  }

  public int limit() {
    return limit;
  }

  public int size() {
    return fds.size();
  }

  /**
   * close(2): {@code Ok(0)} or {@code EBADF}. The object is released when its open file description's
   * last fd goes (the table's reference is the description's: dup shares it), as the source's
   * {@code Arc} drop and Linux's {@code fput} do.
   */
  public Code close(int fd) {
    OpenFile f = fds.remove(fd);
    if (f == null) {
      return Code.err(Errno.EBADF);
    }
    return refersTo(f) ? Code.ok(0) : f.ops().release();
  }

  /**
   * dup(2): {@code Ok(new fd)}, {@code EBADF} or {@code EMFILE}. The new fd shares the open file
   * description; the object is not opened again (a dup of an O_EXCL device fd is no second claim).
   */
  public Code dup(int fd) {
    OpenFile f = fds.get(fd);
    if (f == null) {
      return Code.err(Errno.EBADF);
    }
    int nfd = install(f);
    return nfd < 0 ? Code.err(Errno.EMFILE) : Code.ok(nfd);
  }
}
