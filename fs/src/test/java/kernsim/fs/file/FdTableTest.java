package kernsim.fs.file;

import static kernsim.fs.file.FileSyscalls.lseek;
import static kernsim.fs.file.FileSyscalls.read;
import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.code.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** fd allocation, lookup, close and dup; dup shares the open file description and its position. */
class FdTableTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static OpenFile anon() {
    return new OpenFile(new AnonFd("a"), Uapi.O_RDWR, null);
  }

  @Test
  void allocatesTheLowestFreeFdAndRefusesPastTheLimit() {
    FdTable t = new FdTable(3);
    OpenFile f = anon();
    assertEquals(0, t.install(f));
    assertEquals(1, t.install(f));
    assertEquals(2, t.install(f));
    assertEquals(-1, t.install(f));
    assertEquals(new Code.Done(kernsim.dev.SysResult.ok(0)), t.close(1));
    assertEquals(1, t.install(f));
    assertSame(f, t.get(1));
    assertNull(t.get(7));
  }

  @Test
  void closingAnUnknownFdIsEbadf() {
    FdTable t = new FdTable();
    assertEquals(Code.err(Errno.EBADF), t.close(0));
    assertEquals(Code.err(Errno.EBADF), t.dup(0));
    FdTable full = new FdTable(1);
    full.install(anon());
    assertEquals(Code.err(Errno.EMFILE), full.dup(0));
  }

  @Test
  void dupSharesThePosition() {
    var o = Harness.hart(sim, env -> {
      int fd = env.open(env.file("f", "abcdef"), Uapi.O_RDONLY);
      return List.of(
          () -> env.fds.dup(fd),
          () -> read(env.fds, fd, 2),
          () -> read(env.fds, 1, 2),
          () -> lseek(env.fds, 1, 0, Uapi.SEEK_CUR),
          () -> env.fds.close(fd),
          () -> read(env.fds, fd, 1),
          () -> read(env.fds, 1, 9));
    });
    assertOk(1, o.result(0));
    assertRead("ab", o.result(1));
    assertRead("cd", o.result(2));
    assertOk(4, o.result(3));
    assertErr(Errno.EBADF, o.result(5));
    assertRead("ef", o.result(6));
  }

  @Test
  void aDupedPipeEndKeepsThePipeOpen() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 8, 0);
      return List.of(
          () -> env.fds.dup(p[0]),
          () -> env.fds.close(p[0]),
          () -> FileSyscalls.write(env.fds, p[1], Harness.bytes("x")),
          () -> env.fds.close(2),
          () -> FileSyscalls.write(env.fds, p[1], Harness.bytes("x")));
    });
    assertOk(2, o.result(0));
    assertOk(1, o.result(2));
    assertErr(Errno.EPIPE, o.result(4));
  }
}
