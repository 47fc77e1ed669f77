package kernsim.fs.file;

import static kernsim.fs.file.FileSyscalls.copyFileRange;
import static kernsim.fs.file.FileSyscalls.lseek;
import static kernsim.fs.file.FileSyscalls.pread64;
import static kernsim.fs.file.FileSyscalls.read;
import static kernsim.fs.file.FileSyscalls.sendfile;
import static kernsim.fs.file.FileSyscalls.splice;
import static kernsim.fs.file.FileSyscalls.write;
import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static kernsim.fs.file.Harness.bytes;
import static kernsim.fs.file.Uapi.O_APPEND;
import static kernsim.fs.file.Uapi.O_PATH;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static kernsim.fs.file.Uapi.SEEK_CUR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** sendfile, copy_file_range and splice: bytes move chunk by chunk; errno order. */
class TransferSyscallsTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** 10,000 bytes: more than two 4 KiB chunks. */
  static final String BIG;

  static {
    char[] c = new char[10_000];
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) ('a' + i % 26);
    }
    BIG = new String(c);
  }

  @Test
  void sendfileFromThePositionAndFromAUserOffset() {
    UserOffset off = new UserOffset(3);
    var o = Harness.hart(sim, env -> {
      int in = env.open(env.file("in", BIG), O_RDONLY);
      int out = env.open(env.file("out", ""), O_RDWR);
      return List.of(
          () -> sendfile(env.fds, out, in, null, 20_000),
          () -> lseek(env.fds, in, 0, SEEK_CUR),
          () -> pread64(env.fds, out, 20_000, 0),
          () -> sendfile(env.fds, out, in, off, 5),
          () -> lseek(env.fds, in, 0, SEEK_CUR),
          () -> pread64(env.fds, out, 5, 10_000));
    });
    assertOk(10_000, o.result(0));
    assertOk(10_000, o.result(1));
    assertRead(BIG, o.result(2));
    assertOk(5, o.result(3));
    assertOk(10_000, o.result(4)); // with an offset, the in file's position stays
    assertRead("defgh", o.result(5));
    assertEquals(8, off.get());
  }

  @Test
  void sendfileErrors() {
    var o = Harness.hart(sim, env -> {
      int in = env.open(env.file("in", "abc"), O_RDONLY);
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> sendfile(env.fds, in, 99, new UserOffset(1L << 32), 1), // EINVAL before EBADF
          () -> sendfile(env.fds, in, 99, null, 1),
          () -> sendfile(env.fds, 99, in, null, 1),
          () -> sendfile(env.fds, p[1], dir, new UserOffset(0), 1),
          () -> sendfile(env.fds, p[1], p[0], new UserOffset(0), 1),
          () -> sendfile(env.fds, in, in, null, 1), // the output is read-only
          () -> sendfile(env.fds, 99, in, null, 0)); // out fd is looked up even for 0 bytes
    });
    assertErr(Errno.EINVAL, o.result(0));
    assertErr(Errno.EBADF, o.result(1));
    assertErr(Errno.EBADF, o.result(2));
    assertErr(Errno.EISDIR, o.result(3));
    assertErr(Errno.EINVAL, o.result(4));
    assertErr(Errno.EBADF, o.result(5));
    assertErr(Errno.EBADF, o.result(6));
  }

  @Test
  void copyFileRangeMovesBytesAndWritesOffsetsBack() {
    UserOffset offIn = new UserOffset(5_000);
    UserOffset offOut = new UserOffset(2);
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", BIG);
      int in = env.open(f, O_RDONLY);
      int same = env.open(f, O_RDWR);
      int out = env.open(env.file("out", "XY"), O_RDWR);
      return List.of(
          () -> copyFileRange(env.fds, in, offIn, out, offOut, 6_000, 0),
          () -> pread64(env.fds, out, 10_000, 0),
          () -> copyFileRange(env.fds, in, new UserOffset(0), same, new UserOffset(9_990), 5, 0));
    });
    assertOk(5_000, o.result(0)); // EOF after 5,000
    assertRead("XY" + BIG.substring(5_000), o.result(1));
    assertEquals(10_000, offIn.get());
    assertEquals(5_002, offOut.get());
    assertOk(5, o.result(2)); // same file, ranges apart
  }

  @Test
  void copyFileRangeErrors() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "0123456789");
      int fd = env.open(f, O_RDWR);
      int app = env.open(env.file("g", ""), O_RDWR | O_APPEND);
      int dev = env.open(env.file("dev", new kernsim.dev.file.BackingImage(new byte[8],
          kernsim.dev.file.BackingImage.Faults.NONE), FileKind.BLOCK_DEVICE), O_RDWR);
      int[] p = env.pipe("p", 8, 0);
      int dir = env.dir();
      return List.of(
          () -> copyFileRange(env.fds, 99, null, fd, null, 1, 1), // flags first
          () -> copyFileRange(env.fds, 99, null, fd, null, 1, 0),
          () -> copyFileRange(env.fds, fd, null, dir, null, 1, 0),
          () -> copyFileRange(env.fds, p[0], null, fd, null, 1, 0), // a pipe is remapped to EINVAL
          () -> copyFileRange(env.fds, dev, null, fd, null, 1, 0), // not a regular file
          () -> copyFileRange(env.fds, fd, null, app, null, 1, 0),
          () -> copyFileRange(env.fds, fd, new UserOffset(0), fd, new UserOffset(4), 5, 0), // overlap
          () -> copyFileRange(env.fds, fd, new UserOffset(0), fd, new UserOffset(5), 5, 0));
    });
    assertErr(Errno.EINVAL, o.result(0));
    assertErr(Errno.EBADF, o.result(1));
    assertErr(Errno.EISDIR, o.result(2));
    assertErr(Errno.EINVAL, o.result(3));
    assertErr(Errno.EINVAL, o.result(4));
    assertErr(Errno.EBADF, o.result(5));
    assertErr(Errno.EINVAL, o.result(6));
    assertOk(5, o.result(7));
  }

  @Test
  void spliceFileToPipeToFile() {
    var o = Harness.hart(sim, env -> {
      int in = env.open(env.file("in", "hello, pipe"), O_RDONLY);
      int out = env.open(env.file("out", ""), O_RDWR);
      int[] p = env.pipe("p", 64, 0);
      return List.of(
          () -> splice(env.fds, in, new UserOffset(7), p[1], null, 100, 0),
          () -> splice(env.fds, in, null, p[1], null, 5, Uapi.SPLICE_F_MOVE),
          () -> splice(env.fds, p[0], null, out, null, 100, 0),
          () -> pread64(env.fds, out, 100, 0));
    });
    assertOk(4, o.result(0));
    assertOk(5, o.result(1));
    assertOk(9, o.result(2)); // stops when the pipe has no more data
    assertRead("pipehello", o.result(3));
  }

  @Test
  void spliceErrors() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "abc");
      int fd = env.open(f, O_RDWR);
      int ro = env.open(f, O_RDONLY);
      int path = env.open(f, O_PATH);
      int app = env.open(f, O_RDWR | O_APPEND);
      int[] p = env.pipe("p", 8, 0);
      return List.of(
          () -> FileSyscalls.dummyFd(env.fds), // fd 6
          () -> splice(env.fds, 6, new UserOffset(-1), p[1], null, 1, 0), // a dummy fd first
          () -> splice(env.fds, fd, new UserOffset(-1), p[1], null, 1, 0),
          () -> splice(env.fds, p[0], new UserOffset(0), fd, null, 1, 0), // offset on a pipe
          () -> splice(env.fds, p[1], null, fd, null, 1, 0), // the write end as input
          () -> splice(env.fds, path, null, p[1], null, 1, 0),
          () -> splice(env.fds, fd, null, p[0], null, 1, 0), // the read end as output
          () -> splice(env.fds, p[0], null, app, null, 1, 0),
          () -> splice(env.fds, p[0], null, ro, null, 1, 0), // the zero-byte probe write
          () -> splice(env.fds, fd, null, fd, null, 1, 0), // no pipe
          () -> splice(env.fds, 99, null, p[1], null, 1, 0),
          () -> splice(env.fds, fd, null, p[1], new UserOffset(-3), 1, 0));
    });
    assertOk(6, o.result(0));
    assertErr(Errno.EBADF, o.result(1));
    assertErr(Errno.EINVAL, o.result(2));
    assertErr(Errno.EINVAL, o.result(3));
    assertErr(Errno.EBADF, o.result(4));
    assertErr(Errno.EINVAL, o.result(5));
    assertErr(Errno.EBADF, o.result(6));
    assertErr(Errno.EINVAL, o.result(7));
    assertErr(Errno.EBADF, o.result(8));
    assertErr(Errno.EINVAL, o.result(9));
    assertErr(Errno.EBADF, o.result(10));
    assertErr(Errno.EINVAL, o.result(11));
  }

  @Test
  void spliceIntoASealedMemfdAtAnOffsetIsEperm() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 8, Uapi.O_NONBLOCK);
      return List.of(
          () -> FileSyscalls.memfdCreate(env.fds, env.anon, "m", Uapi.MFD_ALLOW_SEALING), // fd 2
          () -> write(env.fds, p[1], bytes("abc")),
          () -> FileSyscalls.fcntl(env.fds, 2, Uapi.F_ADD_SEALS, Uapi.F_SEAL_GROW),
          () -> splice(env.fds, p[0], null, 2, new UserOffset(0), 3, 0),
          () -> read(env.fds, p[0], 8)); // the chunk was taken from the pipe before the write failed
    });
    assertErr(Errno.EPERM, o.result(3));
    assertErr(Errno.EAGAIN, o.result(4));
  }
}
