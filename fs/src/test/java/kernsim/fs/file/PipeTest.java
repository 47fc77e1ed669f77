package kernsim.fs.file;

import static kernsim.fs.file.FileSyscalls.close;
import static kernsim.fs.file.FileSyscalls.read;
import static kernsim.fs.file.FileSyscalls.write;
import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static kernsim.fs.file.Harness.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import kernsim.actors.Failure;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Pipe actor through read/write/close on its two ends. */
class PipeTest {
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
  void bytesComeOutInOrderAndEofAfterTheWriterCloses() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 16, 0);
      return List.of(
          () -> write(env.fds, p[1], bytes("abc")),
          () -> write(env.fds, p[1], bytes("de")),
          () -> read(env.fds, p[0], 4),
          () -> close(env.fds, p[1]),
          () -> read(env.fds, p[0], 4),
          () -> read(env.fds, p[0], 4));
    });
    assertOk(3, o.result(0));
    assertRead("abcd", o.result(2));
    assertRead("e", o.result(4));
    assertRead("", o.result(5));
  }

  @Test
  void writingWithNoReaderIsEpipe() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 16, 0);
      return List.of(() -> close(env.fds, p[0]), () -> write(env.fds, p[1], bytes("x")));
    });
    assertErr(Errno.EPIPE, o.result(1));
  }

  @Test
  void theWrongEndIsEbadf() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 16, 0);
      return List.of(() -> write(env.fds, p[0], bytes("x")), () -> read(env.fds, p[1], 1));
    });
    assertErr(Errno.EBADF, o.result(0));
    assertErr(Errno.EBADF, o.result(1));
  }

  @Test
  void nonblockingEndsAreEagainWhenEmptyOrFull() {
    var o = Harness.hart(sim, env -> {
      int[] p = env.pipe("p", 4, Uapi.O_NONBLOCK);
      return List.of(
          () -> read(env.fds, p[0], 4),
          () -> write(env.fds, p[1], bytes("abcdef")), // not atomic (> capacity): what fits goes in
          () -> write(env.fds, p[1], bytes("g")),
          () -> read(env.fds, p[0], 8));
    });
    assertErr(Errno.EAGAIN, o.result(0));
    assertOk(4, o.result(1));
    assertErr(Errno.EAGAIN, o.result(2));
    assertRead("abcd", o.result(3));
  }

  @Test
  void aBlockedReaderWakesWhenAnotherHartWrites() {
    var o = Harness.harts(sim, env -> {
      int[] p = env.pipe("p", 16, 0);
      return List.of(
          List.of(() -> read(env.fds, p[0], 8)),
          List.of(() -> write(env.fds, p[1], bytes("hi"))));
    });
    assertEquals(false, o.run().failed(), o.run().outcome());
    assertRead("hi", o.perHart().get(0).get(0));
  }

  @Test
  void aBlockingWriteLargerThanThePipeCompletesAsTheReaderDrains() {
    var o = Harness.harts(sim, env -> {
      int[] p = env.pipe("p", 4, 0);
      return List.of(
          List.of(() -> write(env.fds, p[1], bytes("0123456789"))),
          List.of(() -> read(env.fds, p[0], 3), () -> read(env.fds, p[0], 3), () -> read(env.fds, p[0], 3),
              () -> read(env.fds, p[0], 3)));
    });
    assertEquals(false, o.run().failed(), o.run().outcome());
    assertOk(10, o.perHart().get(0).get(0));
    StringBuilder got = new StringBuilder();
    for (SysResult r : o.perHart().get(1)) {
      got.append(Harness.text((byte[]) ((SysResult.Ok) r).data()));
    }
    assertEquals("0123456789", got.toString());
  }

  @Test
  void aReaderThatNobodyWillEverWriteToIsADeadlock() {
    var o = Harness.harts(sim, env -> {
      int[] p = env.pipe("p", 4, 0);
      return List.of(List.of(() -> read(env.fds, p[0], 1)));
    });
    Failure.Deadlock d = assertInstanceOf(Failure.Deadlock.class, o.run().failure().orElseThrow());
    assertEquals("world/hart-1", d.waiting().get(0).waiter());
  }
}
