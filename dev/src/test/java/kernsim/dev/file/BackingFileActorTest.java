package kernsim.dev.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Monitor;
import kernsim.actors.RunOptions;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.Strategies;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** BackingFileActor: the backing-file protocol over written and durable images, and its faults. */
class BackingFileActorTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Runs {@code program} against one file holding "0123", returns the results and observations. */
  private static List<Object> run(BackingImage.Faults faults, List<java.util.function.Function<ActorRef<BackingFile.Command>, Code>> program,
      List<Object> seen) {
    WorldSpec spec = WorldSpec.of("file", "test/1", "file", w -> Behaviors.setup(ctx -> {
      ActorRef<BackingFile.Command> f = ctx.spawn(BackingFileActor.create(w, new BackingImage(ascii("0123"), faults)), "img");
      List<Runner.Step> steps = new ArrayList<>();
      for (int i = 0; i < program.size(); i++) {
        var p = program.get(i);
        steps.add(new Runner.Step("call-" + i, () -> p.apply(f)));
      }
      ctx.spawn(Runner.create(w, steps), "hart-1");
      return Behaviors.empty();
    }), w -> List.of(Monitor.recorder(seen)));
    RunResult r = sim.run(spec, Strategies.random(1), RunOptions.DEFAULT, 1, 0);
    assertFalse(r.failed(), r.outcome());
    List<Object> results = new ArrayList<>();
    for (Object o : seen) {
      if (o instanceof Runner.Finished fin) {
        results.add(fin.result());
      }
    }
    return results;
  }

  static Code writeAt(ActorRef<BackingFile.Command> f, long off, String s) {
    return Code.sleepingCall(f, r -> new BackingFile.WriteAt(off, ascii(s), r), "write_at", Code::done);
  }

  static Code readAt(ActorRef<BackingFile.Command> f, long off, int len) {
    return Code.sleepingCall(f, r -> new BackingFile.ReadAt(off, len, r), "read_at", Code::done);
  }

  static Code sync(ActorRef<BackingFile.Command> f) {
    return Code.sleepingCall(f, BackingFile.Sync::new, "sync", Code::done);
  }

  static Code length(ActorRef<BackingFile.Command> f) {
    return Code.sleepingCall(f, BackingFile.Length::new, "length", Code::done);
  }

  @Test
  void writesExtendTheFileAndOnlyASyncMakesThemDurable() {
    List<Object> seen = new ArrayList<>();
    List<Object> res = run(BackingImage.Faults.NONE, List.of(
        f -> writeAt(f, 2, "abcd"), f -> length(f), f -> readAt(f, 0, 10), f -> sync(f), f -> readAt(f, 9, 4)), seen);
    assertEquals(SysResult.ok(4), res.get(0));
    assertEquals(SysResult.ok(6), res.get(1));
    assertArrayEquals(ascii("01abcd"), (byte[]) ((SysResult.Ok) res.get(2)).data());
    assertEquals(SysResult.ok(0), res.get(3));
    assertEquals(0, ((SysResult.Ok) res.get(4)).value(), "a read past the end reads nothing");
    List<BackingFile.Synced> synced = seen.stream().filter(BackingFile.Synced.class::isInstance)
        .map(BackingFile.Synced.class::cast).toList();
    assertEquals(1, synced.size());
    assertEquals("world/img", synced.get(0).file());
    assertArrayEquals(ascii("01abcd"), synced.get(0).durable());
  }

  @Test
  void failingWritesAndSyncsAreEioAndChangeNothingDurable() {
    List<Object> seen = new ArrayList<>();
    List<Object> res = run(new BackingImage.Faults(true, true), List.of(
        f -> writeAt(f, 0, "zz"), f -> sync(f), f -> readAt(f, 0, 4)), seen);
    assertEquals(SysResult.err(Errno.EIO), res.get(0));
    assertEquals(SysResult.err(Errno.EIO), res.get(1));
    assertArrayEquals(ascii("0123"), (byte[]) ((SysResult.Ok) res.get(2)).data());
    assertEquals(0, seen.stream().filter(BackingFile.Synced.class::isInstance).count(), "no sync succeeded");
  }
}
