package kernsim.fs.file;

import static kernsim.fs.file.FileSyscalls.fadvise64;
import static kernsim.fs.file.FileSyscalls.fallocate;
import static kernsim.fs.file.FileSyscalls.fdatasync;
import static kernsim.fs.file.FileSyscalls.fsync;
import static kernsim.fs.file.FileSyscalls.ftruncate;
import static kernsim.fs.file.FileSyscalls.pread64;
import static kernsim.fs.file.FileSyscalls.syncFileRange;
import static kernsim.fs.file.FileSyscalls.truncate;
import static kernsim.fs.file.FileSyscalls.write;
import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static kernsim.fs.file.Harness.bytes;
import static kernsim.fs.file.Harness.text;
import static kernsim.fs.file.Uapi.O_APPEND;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.TreeMap;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** truncate, ftruncate, fallocate, fsync, fdatasync, sync_file_range, fadvise64. */
class SizeSyncSyscallsTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** A map-backed stand-in for the VFS's path resolution. */
  static FileSyscalls.PathResolver resolver(TreeMap<String, FileSyscalls.Resolved> paths) {
    return (path, flags) -> {
      FileSyscalls.Resolved r = paths.get(path);
      return r == null ? Code.err(Errno.ENOENT) : Code.done(SysResult.ok(0, r));
    };
  }

  @Test
  void truncateByPathChecksInTheSourcesOrder() {
    FileSyscalls.Cred user = new FileSyscalls.Cred(1000, 1000, List.of(20));
    var o = Harness.hart(sim, env -> {
      TreeMap<String, FileSyscalls.Resolved> paths = new TreeMap<>();
      RamFile.Ops f = env.file("f", "abcdef");
      paths.put("/f", new FileSyscalls.Resolved(f, 0, 0, 0644));
      paths.put("/g", new FileSyscalls.Resolved(f, 0, 20, 0664));
      paths.put("/d", new FileSyscalls.Resolved(new Directory("d"), 0, 0, 0755));
      var res = resolver(paths);
      int fd = env.open(f, O_RDONLY);
      return List.of(
          () -> truncate(res, FileSyscalls.Cred.ROOT, "", 1),
          () -> truncate(res, FileSyscalls.Cred.ROOT, "/nope", -1), // EINVAL before the lookup
          () -> truncate(res, FileSyscalls.Cred.ROOT, "/nope", 1),
          () -> truncate(res, FileSyscalls.Cred.ROOT, "/d", 1),
          () -> truncate(res, user, "/f", Uapi.MAX_FILE_SIZE + 1), // EFBIG before EACCES
          () -> truncate(res, user, "/f", 1),
          () -> truncate(res, user, "/g", 4), // group write
          () -> truncate(res, FileSyscalls.Cred.ROOT, "/f", 2),
          () -> pread64(env.fds, fd, 9, 0));
    });
    assertErr(Errno.ENOENT, o.result(0));
    assertErr(Errno.EINVAL, o.result(1));
    assertErr(Errno.ENOENT, o.result(2));
    assertErr(Errno.EISDIR, o.result(3));
    assertErr(Errno.EFBIG, o.result(4));
    assertErr(Errno.EACCES, o.result(5));
    assertOk(0, o.result(6));
    assertOk(0, o.result(7));
    assertRead("ab", o.result(8));
  }

  @Test
  void ftruncateGrowsShrinksAndRefuses() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "abc");
      int fd = env.open(f, O_RDWR);
      int ro = env.open(f, O_RDONLY);
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> ftruncate(env.fds, fd, 5),
          () -> pread64(env.fds, fd, 9, 0),
          () -> ftruncate(env.fds, fd, 1),
          () -> pread64(env.fds, fd, 9, 0),
          () -> ftruncate(env.fds, 99, -1), // EINVAL before EBADF
          () -> ftruncate(env.fds, 99, 1),
          () -> ftruncate(env.fds, dir, 1), // a directory is EINVAL here
          () -> ftruncate(env.fds, p[1], 1),
          () -> ftruncate(env.fds, fd, Uapi.MAX_FILE_SIZE + 1),
          () -> ftruncate(env.fds, ro, 0));
    });
    assertRead("abc\0\0", o.result(1));
    assertRead("a", o.result(3));
    assertErr(Errno.EINVAL, o.result(4));
    assertErr(Errno.EBADF, o.result(5));
    assertErr(Errno.EINVAL, o.result(6));
    assertErr(Errno.EINVAL, o.result(7));
    assertErr(Errno.EFBIG, o.result(8));
    assertErr(Errno.EBADF, o.result(9));
  }

  @Test
  void fallocateExtendsNeverShrinksAndChecksInOrder() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "abcdef");
      int fd = env.open(f, O_RDWR);
      int ro = env.open(f, O_RDONLY);
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> fallocate(env.fds, fd, 0, 2, 2),
          () -> fallocate(env.fds, fd, 0, 6, 2),
          () -> pread64(env.fds, fd, 99, 0),
          () -> fallocate(env.fds, 99, 1, -1, 0), // EBADF first
          () -> fallocate(env.fds, dir, 0, 0, 1), // a directory is EBADF
          () -> fallocate(env.fds, ro, 0, 0, 1),
          () -> fallocate(env.fds, p[1], 1, 0, 1), // ESPIPE before EOPNOTSUPP
          () -> fallocate(env.fds, fd, Uapi.FALLOC_FL_KEEP_SIZE, -1, 0), // EOPNOTSUPP before EINVAL
          () -> fallocate(env.fds, fd, 0, -1, 1),
          () -> fallocate(env.fds, fd, 0, 0, 0),
          () -> fallocate(env.fds, fd, 0, Long.MAX_VALUE, Long.MAX_VALUE),
          () -> fallocate(env.fds, fd, 0, Uapi.MAX_FILE_SIZE, 1));
    });
    assertOk(0, o.result(0));
    assertOk(0, o.result(1));
    assertRead("abcdef\0\0", o.result(2));
    assertErr(Errno.EBADF, o.result(3));
    assertErr(Errno.EBADF, o.result(4));
    assertErr(Errno.EBADF, o.result(5));
    assertErr(Errno.ESPIPE, o.result(6));
    assertErr(Errno.EOPNOTSUPP, o.result(7));
    assertErr(Errno.EINVAL, o.result(8));
    assertErr(Errno.EINVAL, o.result(9));
    assertErr(Errno.EFBIG, o.result(10));
    assertErr(Errno.EFBIG, o.result(11));
  }

  @Test
  void fsyncMovesWrittenBytesToTheDurableImage() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", ""), O_RDWR | O_APPEND);
      return List.of(
          () -> write(env.fds, fd, bytes("one")),
          () -> fsync(env.fds, fd),
          () -> write(env.fds, fd, bytes("two")),
          () -> fdatasync(env.fds, fd));
    });
    assertOk(0, o.result(1));
    assertOk(0, o.result(3));
    List<String> durable = o.observed(BackingFile.Synced.class).stream().map(s -> text(s.durable())).toList();
    assertEquals(List.of("one", "onetwo"), durable);
  }

  @Test
  void syncOnOtherKinds() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> fsync(env.fds, dir),
          () -> fdatasync(env.fds, dir),
          () -> fsync(env.fds, p[0]),
          () -> fdatasync(env.fds, p[1]),
          () -> fsync(env.fds, 99),
          () -> FileSyscalls.memfdCreate(env.fds, env.anon, "m", 0),
          () -> fsync(env.fds, 3));
    });
    assertOk(0, o.result(0));
    assertOk(0, o.result(1));
    assertErr(Errno.EINVAL, o.result(2));
    assertErr(Errno.EINVAL, o.result(3));
    assertErr(Errno.EBADF, o.result(4));
    assertOk(3, o.result(5));
    assertOk(0, o.result(6));
  }

  @Test
  void syncFileRangeAndFadviseOnlyCheckArguments() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", "x"), O_RDONLY);
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> syncFileRange(env.fds, fd, 0, 1, Uapi.SYNC_FILE_RANGE_WRITE),
          () -> syncFileRange(env.fds, dir, 0, 1, 0),
          () -> syncFileRange(env.fds, 99, 0, 1, 0),
          () -> syncFileRange(env.fds, p[0], 0, 1, 0),
          () -> fadvise64(env.fds, fd, 0, 10, Uapi.POSIX_FADV_DONTNEED),
          () -> fadvise64(env.fds, dir, 0, 10, Uapi.POSIX_FADV_NORMAL),
          () -> fadvise64(env.fds, 99, 0, -1, 9),
          () -> fadvise64(env.fds, p[0], 0, -1, 9), // ESPIPE before EINVAL
          () -> fadvise64(env.fds, fd, 0, -1, 0),
          () -> fadvise64(env.fds, fd, 0, 1, 6),
          () -> fadvise64(env.fds, fd, 0, 1, -1));
    });
    assertOk(0, o.result(0));
    assertOk(0, o.result(1));
    assertErr(Errno.EBADF, o.result(2));
    assertErr(Errno.EINVAL, o.result(3));
    assertOk(0, o.result(4));
    assertOk(0, o.result(5));
    assertErr(Errno.EBADF, o.result(6));
    assertErr(Errno.ESPIPE, o.result(7));
    assertErr(Errno.EINVAL, o.result(8));
    assertErr(Errno.EINVAL, o.result(9));
    assertErr(Errno.EINVAL, o.result(10));
  }
}
