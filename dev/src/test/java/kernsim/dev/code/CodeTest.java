package kernsim.dev.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Failure;
import kernsim.actors.Monitor;
import kernsim.actors.Strategies;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.WorldSpec;
import kernsim.dev.SysResult;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingFileActor;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Kernel code runs step by step, one message per region, and sleeping inside no-preempt is caught. */
class CodeTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static Code writeThenRead(ActorRef<BackingFile.Command> f, byte[] data) {
    return Code.then(
        Code.sleepingCall(f, r -> new BackingFile.WriteAt(3, data, r), "write_at", Code::done),
        ok -> Code.sleepingCall(f, r -> new BackingFile.ReadAt(0, 16, r), "read_at", Code::done));
  }

  private RunResult run(boolean atomic, List<Object> seen) {
    byte[] data = "abc".getBytes(StandardCharsets.US_ASCII);
    WorldSpec spec = WorldSpec.of("code", "test/1", "code", w -> Behaviors.setup(ctx -> {
      ActorRef<BackingFile.Command> f = ctx.spawn(BackingFileActor.create(w, BackingImage.ofSize(8)), "file");
      Runner.Step step = atomic
          ? new Runner.Step("ext4 write", () -> Code.noPreempt("ext4", () -> writeThenRead(f, data), Code::done))
          : new Runner.Step("write", () -> writeThenRead(f, data));
      ctx.spawn(Runner.create(w, List.of(step)), "hart-1");
      return Behaviors.empty();
    }), w -> List.of(new SleepInAtomicMonitor(), Monitor.recorder(seen)));
    return sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
  }

  @Test
  void stepsRunInOrderAndReturnTheLastValue() {
    List<Object> seen = new ArrayList<>();
    RunResult r = run(false, seen);
    assertFalse(r.failed(), r.outcome());
    Runner.Finished fin = (Runner.Finished) seen.get(0);
    SysResult.Ok ok = assertInstanceOf(SysResult.Ok.class, fin.result());
    assertEquals(8, ok.value());
    assertEquals("\0\0\0abc\0\0", new String((byte[]) ok.data(), StandardCharsets.US_ASCII));
  }

  @Test
  void deferredCodeIsBuiltWhenTheHartReachesIt() {
    int[] built = {0};
    Code chain = Code.bind(Code.ok(1), v -> Code.defer(() -> {
      built[0]++;
      return Code.ok(2);
    }));
    assertEquals(0, built[0], "nothing is built before the hart runs it");
    assertInstanceOf(Code.Lazy.class, chain);
    Code.Lazy lazy = (Code.Lazy) chain;
    assertEquals(new Code.Done(SysResult.ok(2)), lazy.next().get());
    assertEquals(1, built[0]);
  }

  @Test
  void sleepingIoInsideNoPreemptIsAViolationWithTheCallChain() {
    RunResult r = run(true, new ArrayList<>());
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, r.failure().orElseThrow());
    assertEquals(SleepInAtomicMonitor.NAME, v.oracle());
    assertEquals("world/hart-1 slept in atomic context: write_at inside ext4 write > ext4", v.message());
  }
}
