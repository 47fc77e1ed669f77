package kernsim.fs.file;

import static kernsim.fs.file.FileSyscalls.lseek;
import static kernsim.fs.file.FileSyscalls.pread64;
import static kernsim.fs.file.FileSyscalls.preadv;
import static kernsim.fs.file.FileSyscalls.preadv2;
import static kernsim.fs.file.FileSyscalls.pwrite64;
import static kernsim.fs.file.FileSyscalls.pwritev;
import static kernsim.fs.file.FileSyscalls.pwritev2;
import static kernsim.fs.file.FileSyscalls.read;
import static kernsim.fs.file.FileSyscalls.readv;
import static kernsim.fs.file.FileSyscalls.write;
import static kernsim.fs.file.FileSyscalls.writev;
import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static kernsim.fs.file.Harness.bytes;
import static kernsim.fs.file.Uapi.O_APPEND;
import static kernsim.fs.file.Uapi.O_PATH;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static kernsim.fs.file.Uapi.O_WRONLY;
import static kernsim.fs.file.Uapi.RWF_NOWAIT;
import static kernsim.fs.file.Uapi.SEEK_CUR;
import static kernsim.fs.file.Uapi.SEEK_END;
import static kernsim.fs.file.Uapi.SEEK_SET;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** read, write, readv, writev, lseek, pread64, pwrite64, preadv(2), pwritev(2): data and errno order. */
class ReadWriteSyscallsTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static final byte[][] IOV = {bytes("ab"), bytes(""), bytes("cde")};

  @Test
  void writeThenReadAtThePosition() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", ""), O_RDWR);
      return List.of(
          () -> write(env.fds, fd, bytes("hello ")),
          () -> writev(env.fds, fd, IOV),
          () -> lseek(env.fds, fd, 0, SEEK_SET),
          () -> read(env.fds, fd, 3),
          () -> readv(env.fds, fd, new int[] {1, 0, 100}),
          () -> read(env.fds, fd, 3));
    });
    assertOk(6, o.result(0));
    assertOk(5, o.result(1));
    assertRead("hel", o.result(3));
    assertRead("lo abcde", o.result(4));
    assertRead("", o.result(5));
  }

  @Test
  void positionedIoLeavesThePositionAlone() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", "0123456789"), O_RDWR);
      return List.of(
          () -> pwrite64(env.fds, fd, bytes("AB"), 4),
          () -> pwritev(env.fds, fd, IOV, 7),
          () -> pwritev2(env.fds, fd, new byte[][] {bytes("Z")}, -1, 0), // -1: at the position, moves it
          () -> pread64(env.fds, fd, 20, 0),
          () -> preadv(env.fds, fd, new int[] {2, 2}, 3),
          () -> preadv2(env.fds, fd, new int[] {3}, -1, 0),
          () -> lseek(env.fds, fd, 0, SEEK_CUR));
    });
    assertOk(2, o.result(0));
    assertOk(5, o.result(1));
    assertOk(1, o.result(2));
    assertRead("Z123AB6abcde", o.result(3));
    assertRead("3AB6", o.result(4));
    assertRead("123", o.result(5));
    assertOk(4, o.result(6));
  }

  @Test
  void appendWritesAtTheEndWhateverThePosition() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", "abc"), O_RDWR | O_APPEND);
      return List.of(
          () -> lseek(env.fds, fd, 0, SEEK_SET),
          () -> write(env.fds, fd, bytes("de")),
          () -> lseek(env.fds, fd, 0, SEEK_CUR),
          () -> pread64(env.fds, fd, 9, 0));
    });
    assertOk(5, o.result(2));
    assertRead("abcde", o.result(3));
  }

  @Test
  void lseekWhenceAndErrors() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", "abcd"), O_RDONLY);
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> lseek(env.fds, fd, 2, SEEK_END),
          () -> lseek(env.fds, fd, -1, SEEK_CUR),
          () -> lseek(env.fds, fd, -9, SEEK_CUR),
          () -> lseek(env.fds, fd, -9, SEEK_END),
          () -> lseek(env.fds, fd, -1, SEEK_SET),
          () -> lseek(env.fds, fd, 0, 3),
          () -> lseek(env.fds, 42, -1, SEEK_SET), // EINVAL before EBADF
          () -> lseek(env.fds, 42, 0, SEEK_SET),
          () -> lseek(env.fds, p[0], 0, SEEK_SET),
          () -> lseek(env.fds, dir, 3, SEEK_SET),
          () -> lseek(env.fds, fd, 0, SEEK_CUR));
    });
    assertOk(6, o.result(0));
    assertOk(5, o.result(1));
    assertErr(Errno.EINVAL, o.result(2));
    assertErr(Errno.EINVAL, o.result(3));
    assertErr(Errno.EINVAL, o.result(4));
    assertErr(Errno.EINVAL, o.result(5));
    assertErr(Errno.EINVAL, o.result(6));
    assertErr(Errno.EBADF, o.result(7));
    assertErr(Errno.ESPIPE, o.result(8));
    assertOk(3, o.result(9));
    assertOk(5, o.result(10)); // failed seeks left the position
  }

  @Test
  void accessModeAndKindErrors() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "abc");
      int ro = env.open(f, O_RDONLY);
      int wo = env.open(f, O_WRONLY);
      int path = env.open(f, O_PATH);
      int dir = env.dir();
      return List.of(
          () -> write(env.fds, ro, bytes("x")),
          () -> read(env.fds, wo, 1),
          () -> read(env.fds, path, 1),
          () -> read(env.fds, dir, 1),
          () -> read(env.fds, 99, 1),
          () -> write(env.fds, 99, bytes("x")),
          () -> pwrite64(env.fds, ro, bytes("x"), 0),
          () -> pread64(env.fds, wo, 1, 0));
    });
    assertErr(Errno.EBADF, o.result(0));
    assertErr(Errno.EBADF, o.result(1));
    assertErr(Errno.EBADF, o.result(2));
    assertErr(Errno.EISDIR, o.result(3));
    assertErr(Errno.EBADF, o.result(4));
    assertErr(Errno.EBADF, o.result(5));
    assertErr(Errno.EBADF, o.result(6));
    assertErr(Errno.EBADF, o.result(7));
  }

  @Test
  void preadAndPwriteOnAPipeAreEspipeAndOnADirectory() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> pread64(env.fds, p[0], 1, 0),
          () -> pwrite64(env.fds, p[1], bytes("x"), 0),
          () -> pread64(env.fds, dir, 1, 0),
          () -> pwrite64(env.fds, dir, bytes("x"), 0), // file_or_espipe_write: a directory is EBADF
          () -> pwritev2(env.fds, dir, new byte[][] {bytes("x")}, 0, 0), // file_or_espipe: EISDIR
          () -> preadv(env.fds, p[0], new int[] {1}, 0),
          () -> pwritev(env.fds, p[1], new byte[][] {bytes("x")}, 0));
    });
    assertErr(Errno.ESPIPE, o.result(0));
    assertErr(Errno.ESPIPE, o.result(1));
    assertErr(Errno.EISDIR, o.result(2));
    assertErr(Errno.EBADF, o.result(3));
    assertErr(Errno.EISDIR, o.result(4));
    assertErr(Errno.ESPIPE, o.result(5));
    assertErr(Errno.ESPIPE, o.result(6));
  }

  @Test
  void offsetAndFlagErrorsComeInTheSourcesOrder() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", "abc"), O_RDWR);
      int[] p = env.pipe("p", 8, 0);
      return List.of(
          () -> pread64(env.fds, fd, 1, -1),
          () -> pread64(env.fds, p[0], 1, -1), // ESPIPE before EINVAL
          () -> pwrite64(env.fds, 99, bytes("x"), -1), // EINVAL before EBADF
          () -> pwrite64(env.fds, fd, new byte[0], 0),
          () -> preadv(env.fds, fd, new int[] {1}, -1),
          () -> pwritev(env.fds, fd, IOV, -1),
          () -> preadv2(env.fds, 99, new int[] {1}, -5, RWF_NOWAIT), // flags first
          () -> preadv2(env.fds, 99, new int[] {1}, -2, 0),
          () -> pwritev2(env.fds, fd, IOV, -2, 0),
          () -> pwritev2(env.fds, 99, IOV, 0, RWF_NOWAIT),
          () -> readv(env.fds, 99, new int[Uapi.IOV_MAX + 1]), // readv: EBADF before the iovecs
          () -> writev(env.fds, 99, new byte[Uapi.IOV_MAX + 1][0]), // writev: the iovecs first
          () -> readv(env.fds, fd, new int[Uapi.IOV_MAX + 1]),
          () -> pwritev2(env.fds, 99, new byte[Uapi.IOV_MAX + 1][0], 0, 0));
    });
    assertErr(Errno.EINVAL, o.result(0));
    assertErr(Errno.ESPIPE, o.result(1));
    assertErr(Errno.EINVAL, o.result(2));
    assertOk(0, o.result(3));
    assertErr(Errno.EINVAL, o.result(4));
    assertErr(Errno.EINVAL, o.result(5));
    assertErr(Errno.EOPNOTSUPP, o.result(6));
    assertErr(Errno.EINVAL, o.result(7));
    assertErr(Errno.EINVAL, o.result(8));
    assertErr(Errno.EOPNOTSUPP, o.result(9));
    assertErr(Errno.EBADF, o.result(10));
    assertErr(Errno.EINVAL, o.result(11));
    assertErr(Errno.EINVAL, o.result(12));
    assertErr(Errno.EINVAL, o.result(13));
  }

  @Test
  void writingPast2To32IsFineAndPastLoffTIsEinval() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", ""), O_RDWR);
      return List.of(() -> pwrite64(env.fds, fd, bytes("x"), 1L << 32),
          () -> pwrite64(env.fds, fd, bytes("xy"), Long.MAX_VALUE - 1));
    });
    assertOk(1, o.result(0));
    assertErr(Errno.EINVAL, o.result(1));
  }

  @Test
  void anAnonFdIsNotReadable() {
    var o = Harness.hart(sim, env -> List.of(
        () -> FileSyscalls.dummyFd(env.fds),
        () -> read(env.fds, 0, 1),
        () -> pread64(env.fds, 0, 1, 0),
        () -> lseek(env.fds, 0, 0, SEEK_SET)));
    assertOk(0, o.result(0));
    assertErr(Errno.EINVAL, o.result(1));
    assertErr(Errno.ESPIPE, o.result(2));
    assertErr(Errno.ESPIPE, o.result(3));
  }
}
