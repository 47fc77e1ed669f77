package kernsim.fs.memfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingFileActor;
import kernsim.dev.file.BackingImage;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MemFile: the backing-file protocol on written vs durable bytes, truncate, and the sync observation. */
class MemFileTest {
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

  private static Runner.Step io(String name, ActorRef<BackingFile.Command> f,
      java.util.function.Function<ActorRef<kernsim.dev.code.Reply>, BackingFile.Command> req) {
    return new Runner.Step(name, () -> Code.sleepingCall(f, req, name, Code::done));
  }

  @Test
  void durableChangesOnlyAtSync() {
    List<Object> seen = OneHart.run(sim, (ctx, w) -> {
      // An image file created on a tmpfs, as a loop device's backing file would be.
      ActorRef<MemFs.Command> fs = ctx.spawn(MemFs.create(w), "fs");
      ActorRef<BackingFile.Command>[] file = newRef();
      Runner.Step create = new Runner.Step("create img", () -> Code.then(MemFs.create(fs, MemFs.ROOT, "img"), ok -> {
        file[0] = ((MemFs.Entry) ok.data()).file();
        return Code.done(ok);
      }));
      return List.of(
          create,
          new Runner.Step("write abc", () -> Code.sleepingCall(file[0], r -> new BackingFile.WriteAt(0, ascii("abc"), r), "write_at", Code::done)),
          new Runner.Step("sync", () -> Code.sleepingCall(file[0], BackingFile.Sync::new, "sync", Code::done)),
          new Runner.Step("write XY", () -> Code.sleepingCall(file[0], r -> new BackingFile.WriteAt(1, ascii("XY"), r), "write_at", Code::done)),
          new Runner.Step("read", () -> Code.sleepingCall(file[0], r -> new BackingFile.ReadAt(0, 8, r), "read_at", Code::done)),
          new Runner.Step("truncate 5", () -> Code.call(file[0].<MemFile.Command>narrow(), r -> new MemFile.Truncate(5, r), "truncate", Code::done)),
          new Runner.Step("length", () -> Code.sleepingCall(file[0], BackingFile.Length::new, "length", Code::done)),
          new Runner.Step("sync", () -> Code.sleepingCall(file[0], BackingFile.Sync::new, "sync", Code::done)));
    });
    List<BackingFileActor.Synced> syncs = new ArrayList<>();
    List<Object> results = new ArrayList<>();
    for (Object o : seen) {
      if (o instanceof BackingFileActor.Synced s) {
        syncs.add(s);
        // Each sync is observed during its own call: after the procedures before it finished.
        assertEquals(results.size(), syncs.size() == 1 ? 2 : 7);
      } else if (o instanceof Runner.Finished f) {
        results.add(f.result());
      }
    }
    assertEquals(2, syncs.size());
    assertEquals("world/fs/file-2", syncs.get(0).file());
    assertArrayEquals(ascii("abc"), syncs.get(0).durable());
    assertArrayEquals(ascii("aXY"), (byte[]) ((SysResult.Ok) results.get(4)).data());
    assertEquals(SysResult.ok(5), results.get(6));
    // The second write reached the durable image only with the second sync.
    assertArrayEquals(new byte[] {'a', 'X', 'Y', 0, 0}, syncs.get(1).durable());
  }

  @Test
  void aFailingSyncLeavesTheDurableImageAndIsNotObserved() {
    List<Object> seen = OneHart.run(sim, (ctx, w) -> {
      ActorRef<BackingFile.Command> f = ctx.spawn(MemFile.create(w, ascii("old")), "img");
      return List.of(
          io("write new", f, r -> new BackingFile.WriteAt(0, ascii("new"), r)),
          new Runner.Step("fail syncs", () -> Code.call(f.<MemFile.Command>narrow(),
              r -> new MemFile.SetFaults(new BackingImage.Faults(false, true), r), "faults", Code::done)),
          io("sync", f, BackingFile.Sync::new));
    });
    assertEquals(Errno.EIO, ((SysResult) OneHart.results(seen).get(2)).errno());
    assertEquals(0, seen.stream().filter(o -> o instanceof BackingFileActor.Synced).count());
  }

  @SuppressWarnings("unchecked")
  private static ActorRef<BackingFile.Command>[] newRef() {
    return (ActorRef<BackingFile.Command>[]) new ActorRef<?>[1];
  }
}
