package kernsim.fs.file;

import static kernsim.fs.file.FileSyscalls.fallocate;
import static kernsim.fs.file.FileSyscalls.fcntl;
import static kernsim.fs.file.FileSyscalls.ftruncate;
import static kernsim.fs.file.FileSyscalls.lseek;
import static kernsim.fs.file.FileSyscalls.memfdCreate;
import static kernsim.fs.file.FileSyscalls.pread64;
import static kernsim.fs.file.FileSyscalls.pwrite64;
import static kernsim.fs.file.FileSyscalls.pwritev2;
import static kernsim.fs.file.FileSyscalls.write;
import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static kernsim.fs.file.Harness.bytes;
import static kernsim.fs.file.Uapi.F_ADD_SEALS;
import static kernsim.fs.file.Uapi.F_GET_SEALS;
import static kernsim.fs.file.Uapi.F_SEAL_GROW;
import static kernsim.fs.file.Uapi.F_SEAL_SEAL;
import static kernsim.fs.file.Uapi.F_SEAL_SHRINK;
import static kernsim.fs.file.Uapi.F_SEAL_WRITE;
import static kernsim.fs.file.Uapi.MFD_ALLOW_SEALING;
import static kernsim.fs.file.Uapi.MFD_CLOEXEC;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** memfd_create and its seals, through every write path the source makes seal-aware. */
class MemfdTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void aMemfdIsAReadWriteSeekableFile() {
    var o = Harness.hart(sim, env -> List.of(
        () -> memfdCreate(env.fds, env.anon, "buf", MFD_CLOEXEC),
        () -> write(env.fds, 0, bytes("hello")),
        () -> lseek(env.fds, 0, 1, Uapi.SEEK_SET),
        () -> write(env.fds, 0, bytes("E")),
        () -> pread64(env.fds, 0, 10, 0),
        () -> fcntl(env.fds, 0, F_GET_SEALS, 0)));
    assertOk(0, o.result(0));
    assertRead("hEllo", o.result(4));
    assertOk(F_SEAL_SEAL, o.result(5)); // no MFD_ALLOW_SEALING: sealed against sealing
  }

  @Test
  void badFlagsAndLongNamesAreEinval() {
    var o = Harness.hart(sim, env -> List.of(
        () -> memfdCreate(env.fds, env.anon, "x", 0x100),
        () -> memfdCreate(env.fds, env.anon, "x".repeat(250), 0)));
    assertErr(Errno.EINVAL, o.result(0));
    assertErr(Errno.EINVAL, o.result(1));
  }

  @Test
  void sealWriteMakesEveryWriteEperm() {
    var o = Harness.hart(sim, env -> List.of(
        () -> memfdCreate(env.fds, env.anon, "m", MFD_ALLOW_SEALING),
        () -> write(env.fds, 0, bytes("data")),
        () -> fcntl(env.fds, 0, F_ADD_SEALS, F_SEAL_WRITE),
        () -> write(env.fds, 0, bytes("x")),
        () -> pwrite64(env.fds, 0, bytes("x"), 0),
        () -> pwritev2(env.fds, 0, new byte[][] {bytes("x")}, 0, 0),
        () -> fallocate(env.fds, 0, 0, 0, 2),
        () -> pread64(env.fds, 0, 10, 0),
        () -> fcntl(env.fds, 0, F_GET_SEALS, 0)));
    assertOk(0, o.result(2));
    assertErr(Errno.EPERM, o.result(3));
    assertErr(Errno.EPERM, o.result(4));
    assertErr(Errno.EPERM, o.result(5));
    assertErr(Errno.EPERM, o.result(6));
    assertRead("data", o.result(7));
    assertOk(F_SEAL_WRITE, o.result(8));
  }

  @Test
  void sealGrowForbidsGrowingButNotWritingInside() {
    var o = Harness.hart(sim, env -> List.of(
        () -> memfdCreate(env.fds, env.anon, "m", MFD_ALLOW_SEALING),
        () -> ftruncate(env.fds, 0, 4),
        () -> fcntl(env.fds, 0, F_ADD_SEALS, F_SEAL_GROW),
        () -> pwrite64(env.fds, 0, bytes("ab"), 2),
        () -> pwrite64(env.fds, 0, bytes("abc"), 2),
        () -> ftruncate(env.fds, 0, 5),
        () -> fallocate(env.fds, 0, 0, 0, 5),
        () -> fallocate(env.fds, 0, 0, 0, 4),
        () -> ftruncate(env.fds, 0, 1)));
    assertOk(2, o.result(3));
    assertErr(Errno.EPERM, o.result(4));
    assertErr(Errno.EPERM, o.result(5));
    assertErr(Errno.EPERM, o.result(6));
    assertOk(0, o.result(7));
    assertOk(0, o.result(8)); // shrinking is still allowed
  }

  @Test
  void sealShrinkForbidsShrinking() {
    var o = Harness.hart(sim, env -> List.of(
        () -> memfdCreate(env.fds, env.anon, "m", MFD_ALLOW_SEALING),
        () -> ftruncate(env.fds, 0, 4),
        () -> fcntl(env.fds, 0, F_ADD_SEALS, F_SEAL_SHRINK),
        () -> ftruncate(env.fds, 0, 2),
        () -> ftruncate(env.fds, 0, 8)));
    assertErr(Errno.EPERM, o.result(3));
    assertOk(0, o.result(4));
  }

  @Test
  void sealSealAndNonMemfdsAndUnknownSeals() {
    var o = Harness.hart(sim, env -> {
      int file = env.open(env.file("f", ""), Uapi.O_RDWR); // fd 0
      return List.of(
          () -> memfdCreate(env.fds, env.anon, "m", MFD_ALLOW_SEALING), // fd 1
          () -> fcntl(env.fds, 1, F_ADD_SEALS, 0x100),
          () -> fcntl(env.fds, 1, F_ADD_SEALS, F_SEAL_SEAL),
          () -> fcntl(env.fds, 1, F_ADD_SEALS, F_SEAL_WRITE),
          () -> fcntl(env.fds, file, F_ADD_SEALS, F_SEAL_WRITE),
          () -> fcntl(env.fds, file, F_GET_SEALS, 0),
          () -> fcntl(env.fds, 9, F_GET_SEALS, 0));
    });
    assertOk(1, o.result(0));
    assertErr(Errno.EINVAL, o.result(1));
    assertOk(0, o.result(2));
    assertErr(Errno.EPERM, o.result(3));
    assertErr(Errno.EINVAL, o.result(4));
    assertErr(Errno.EINVAL, o.result(5));
    assertErr(Errno.EBADF, o.result(6));
  }

  @Test
  void addingSealsThroughAReadOnlyFdIsEperm() {
    var o = Harness.hart(sim, env -> {
      Memfd.Ops m = Memfd.spawn(env.ctx, env.world, "m", true);
      int ro = env.open(m, Uapi.O_RDONLY);
      return List.of(() -> fcntl(env.fds, ro, F_ADD_SEALS, F_SEAL_WRITE));
    });
    assertErr(Errno.EPERM, o.result(0));
  }
}
