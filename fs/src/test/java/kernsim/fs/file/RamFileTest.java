package kernsim.fs.file;

import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static kernsim.fs.file.Harness.bytes;
import static kernsim.fs.file.Harness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingImage;
import kernsim.fs.memfs.MemFs;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The RamFile actor through its FileOps: each call one region; sync moves bytes to the durable image. */
class RamFileTest {
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
  void writeAtReadAtAppendTruncateAndLength() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "hello");
      return List.of(
          () -> f.writeAt(7, bytes("xy")),
          () -> f.readAt(0, 100),
          () -> f.append(bytes("!")),
          () -> f.truncate(3),
          () -> f.length(),
          () -> f.readAt(5, 4));
    });
    assertOk(2, o.result(0));
    assertRead("hello\0\0xy", o.result(1));
    assertEquals(10L, assertOk(1, o.result(2)).data(), "append reports the new end");
    assertOk(0, o.result(3));
    assertOk(3, o.result(4));
    assertRead("", o.result(5));
    assertEquals(List.of(9L, 10L, 3L),
        o.observed(RamFile.Changed.class).stream().map(RamFile.Changed::length).toList());
  }

  @Test
  void syncMakesWrittenBytesDurable() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "old");
      return List.of(() -> f.writeAt(0, bytes("new!")), () -> f.sync(false));
    });
    assertOk(0, o.result(1));
    List<BackingFile.Synced> synced = o.observed(BackingFile.Synced.class);
    assertEquals(1, synced.size());
    assertEquals("world/f", synced.get(0).file());
    assertEquals("new!", text(synced.get(0).durable()));
  }

  @Test
  void aFailingSyncIsEioAndLeavesTheDurableImage() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", new BackingImage(bytes("a"), new BackingImage.Faults(false, true)),
          FileKind.REGULAR);
      return List.of(() -> f.sync(true));
    });
    assertErr(Errno.EIO, o.result(0));
    assertEquals(List.of(), o.observed(BackingFile.Synced.class));
  }

  @Test
  void speaksDevsBackingFileProtocol() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "abc");
      return List.of(
          () -> Code.sleepingCall(f.ref(), r -> new BackingFile.WriteAt(1, bytes("Z"), r), "write_at", Code::done),
          () -> Code.sleepingCall(f.ref(), r -> new BackingFile.ReadAt(0, 8, r), "read_at", Code::done),
          () -> Code.call(f.ref(), BackingFile.Length::new, "len", Code::done));
    });
    assertRead("aZc", o.result(1));
    assertOk(3, o.result(2));
  }

  @Test
  void growingPast2To31IsSparseAndOnlyAnEndPastLoffTIsRefused() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "");
      return List.of(() -> f.truncate(1L << 33), () -> f.writeAt(Integer.MAX_VALUE, bytes("x")),
          () -> f.readAt(Integer.MAX_VALUE - 1L, 2), () -> f.length(), () -> f.writeAt(Long.MAX_VALUE, bytes("x")));
    });
    assertOk(0, o.result(0));
    assertOk(1, o.result(1));
    assertRead("\0x", o.result(2));
    assertOk(1L << 33, o.result(3));
    assertErr(Errno.EINVAL, o.result(4));
  }

  @Test
  void durableChangesOnlyAtSyncEachObservedInItsOwnCall() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "");
      return List.of(
          () -> f.writeAt(0, bytes("abc")),
          () -> f.sync(false),
          () -> f.writeAt(1, bytes("XY")),
          () -> f.readAt(0, 8),
          () -> f.truncate(5),
          () -> f.length(),
          () -> f.sync(false));
    });
    assertRead("aXY", o.result(3));
    assertOk(5, o.result(5));
    List<BackingFile.Synced> synced = o.observed(BackingFile.Synced.class);
    assertEquals(2, synced.size());
    assertEquals("abc", text(synced.get(0).durable()));
    // The second write and the truncate reached the durable image only with the second sync.
    assertEquals("aXY\0\0", text(synced.get(1).durable()));
    int finishedBeforeFirst = 0;
    for (Object x : o.observations()) {
      if (x instanceof BackingFile.Synced) {
        break;
      }
      if (x instanceof kernsim.dev.code.Runner.Finished) {
        finishedBeforeFirst++;
      }
    }
    assertEquals(1, finishedBeforeFirst, "the first sync is observed during its own call");
  }

  @Test
  void setFaultsMakesLaterSyncsFailUntilCleared() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "old");
      return List.of(
          () -> f.writeAt(0, bytes("new")),
          () -> RamFile.setFaults(f.ref(), new BackingImage.Faults(false, true)),
          () -> f.sync(false),
          () -> RamFile.setFaults(f.ref(), new BackingImage.Faults(true, false)),
          () -> f.writeAt(0, bytes("zzz")),
          () -> RamFile.setFaults(f.ref(), BackingImage.Faults.NONE),
          () -> f.sync(false));
    });
    assertOk(0, o.result(1));
    assertErr(Errno.EIO, o.result(2));
    assertErr(Errno.EIO, o.result(4)); // a failed write changes nothing
    assertOk(0, o.result(6));
    List<BackingFile.Synced> synced = o.observed(BackingFile.Synced.class);
    assertEquals(1, synced.size(), "a failing sync is not observed");
    assertEquals("new", text(synced.get(0).durable()));
  }

  @Test
  void aTmpfsRegularFileIsARamFile() {
    @SuppressWarnings("unchecked")
    ActorRef<BackingFile.Command>[] file = (ActorRef<BackingFile.Command>[]) new ActorRef<?>[1];
    var o = Harness.hart(sim, env -> {
      ActorRef<MemFs.Command> fs = env.ctx.spawn(MemFs.create(env.world), "fs");
      return List.of(
          () -> Code.then(MemFs.create(fs, MemFs.ROOT, "img"), ok -> {
            file[0] = ((MemFs.Entry) ok.data()).file();
            return Code.done(ok);
          }),
          () -> new RamFile.Ops(file[0], FileKind.REGULAR, "img").append(bytes("ab")),
          () -> new RamFile.Ops(file[0], FileKind.REGULAR, "img").append(bytes("c")),
          () -> new RamFile.Ops(file[0], FileKind.REGULAR, "img").sync(false));
    });
    assertEquals(3L, assertOk(1, o.result(2)).data());
    List<BackingFile.Synced> synced = o.observed(BackingFile.Synced.class);
    assertEquals("world/fs/file-2", synced.get(0).file());
    assertEquals("abc", text(synced.get(0).durable()));
    assertTrue(o.observed(RamFile.Changed.class).stream().allMatch(c -> c.file().equals("world/fs/file-2")));
  }
}
