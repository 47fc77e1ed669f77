package kernsim.fs.file;

import static kernsim.fs.file.Harness.assertErr;
import static kernsim.fs.file.Harness.assertOk;
import static kernsim.fs.file.Harness.assertRead;
import static kernsim.fs.file.Harness.bytes;
import static kernsim.fs.file.Harness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingFileActor;
import kernsim.dev.file.BackingImage;
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
    assertEquals(List.of(9, 10, 3),
        o.observed(RamFile.Changed.class).stream().map(RamFile.Changed::length).toList());
  }

  @Test
  void syncMakesWrittenBytesDurable() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "old");
      return List.of(() -> f.writeAt(0, bytes("new!")), () -> f.sync(false));
    });
    assertOk(0, o.result(1));
    List<BackingFileActor.Synced> synced = o.observed(BackingFileActor.Synced.class);
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
    assertEquals(List.of(), o.observed(BackingFileActor.Synced.class));
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
  void growingBeyondWhatTheImageHoldsIsEfbig() {
    var o = Harness.hart(sim, env -> {
      RamFile.Ops f = env.file("f", "");
      return List.of(() -> f.truncate(1L << 33), () -> f.writeAt(Integer.MAX_VALUE, bytes("x")));
    });
    assertErr(Errno.EFBIG, o.result(0));
    assertErr(Errno.EFBIG, o.result(1));
  }
}
