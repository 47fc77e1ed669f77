package kernsim.fs.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.function.Supplier;
import kernsim.actors.Simulator;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AnonFs: spawns memfds and pipes for kernel code (which cannot spawn) and hands back open files. */
class AnonFsTest {
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
  void aMemfdComesBackAsAReadWriteDescriptionWithItsOwnPosition() {
    Harness.Outcome o = Harness.hart(sim, env -> List.<Supplier<Code>>of(
        () -> Code.call(env.anon, r -> new AnonFs.CreateMemfd(true, r), "memfd", Code::done)));
    OpenFile f = assertInstanceOf(OpenFile.class, ((SysResult.Ok) o.result(0)).data());
    assertEquals(FileKind.MEMFD, f.kind());
    assertEquals(Uapi.O_RDWR, f.flags() & Uapi.O_ACCMODE);
    assertEquals(true, f.offset() != null);
  }

  @Test
  void aPipeComesBackAsAReadEndAndAWriteEndKeepingONonblock() {
    Harness.Outcome o = Harness.hart(sim, env -> List.<Supplier<Code>>of(
        () -> Code.call(env.anon, r -> new AnonFs.CreatePipe(Uapi.O_NONBLOCK | Uapi.O_CLOEXEC, r), "pipe", Code::done)));
    List<?> ends = assertInstanceOf(List.class, ((SysResult.Ok) o.result(0)).data());
    OpenFile r = (OpenFile) ends.get(0);
    OpenFile w = (OpenFile) ends.get(1);
    assertEquals(FileKind.PIPE, r.kind());
    assertEquals(Uapi.O_RDONLY | Uapi.O_NONBLOCK, r.flags(), "only the status flag O_NONBLOCK is kept");
    assertEquals(Uapi.O_WRONLY | Uapi.O_NONBLOCK, w.flags());
    assertNull(r.offset(), "a pipe has no position");
  }
}
