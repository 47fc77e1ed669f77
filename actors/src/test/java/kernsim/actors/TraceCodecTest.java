package kernsim.actors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import kernsim.actors.examples.Counters;
import kernsim.actors.examples.PingPong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Traces survive a round trip, stay compact, and bad ones are refused with a clear message. */
class TraceCodecTest {
  static Simulator sim;
  static RunResult found;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
    found = sim.explore(Models.byName("lost-update"), ExploreOptions.pct(1, 200, 2)).failing().orElseThrow();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void roundTrip() throws Exception {
    Trace t = found.trace();
    Trace back = TraceCodec.decode(TraceCodec.encode(t), "mem");
    assertEquals(t.header(), back.header());
    assertEquals(t.keys(), back.keys());
    assertArrayEquals(t.choices(), back.choices());
    assertEquals(t.footer(), back.footer());
    assertEquals("pct", back.header().strategy());
    assertEquals(1L, back.header().seed());
    assertEquals(Counters.MODEL_VERSION, back.header().modelVersion());
  }

  @Test
  void choicesTakeAboutOneByteAStep() {
    RunResult r = sim.run(PingPong.spec(10_000), new RandomStrategy(3), RunOptions.DEFAULT, 3, 0);
    byte[] all = TraceCodec.encode(r.trace());
    byte[] header = TraceCodec.encode(new Trace(r.trace().header(), r.trace().keys(), new int[0], r.trace().footer()));
    double perStep = (all.length - header.length) / (double) r.steps();
    assertTrue(perStep <= 1.5, "choice bytes per step: " + perStep);
  }

  @Test
  void aTraceForAnotherScenarioIsRefused() {
    WorldSpec other = Counters.spec(Counters.Update.TWO_MESSAGES, 3, 1);
    TraceMismatchException e = assertThrows(TraceMismatchException.class, () -> sim.replay(other, found.trace()));
    assertTrue(e.getMessage().contains("recorded for scenario 'lost-update-2x1'"), e.getMessage());
  }

  @Test
  void aTraceFromAnotherModelVersionIsRefused() {
    WorldSpec base = Models.byName("lost-update");
    WorldSpec newer = WorldSpec.of(base.name(), "examples/2", base.text(), base::root, base::monitors);
    TraceMismatchException e = assertThrows(TraceMismatchException.class, () -> sim.replay(newer, found.trace()));
    assertEquals("the trace was recorded on model examples/1, this is model examples/2", e.getMessage());
  }

  @Test
  void aTruncatedTraceIsRefusedClearly(@TempDir Path dir) throws Exception {
    byte[] bytes = TraceCodec.encode(found.trace());
    Path file = dir.resolve("cut.trace");
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 7));
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceCodec.read(file));
    assertTrue(e.getMessage().startsWith(file + ": the trace is truncated or corrupt"), e.getMessage());
  }

  @Test
  void aCorruptTraceIsRefusedClearly() {
    byte[] bytes = TraceCodec.encode(found.trace());
    bytes[bytes.length / 2] ^= 0x5a;
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceCodec.decode(bytes, "x.trace"));
    assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
  }

  @Test
  void somethingElseIsNotATrace() {
    TraceFormatException e = assertThrows(TraceFormatException.class,
        () -> TraceCodec.decode("hello, world".getBytes(java.nio.charset.StandardCharsets.UTF_8), "notes.txt"));
    assertEquals("notes.txt: not a kernsim trace (no KSIMTRACE header)", e.getMessage());
  }

  @Test
  void aTraceThatNoLongerFitsDivergesAtItsFirstDifferentStep() {
    // Drop one scheduling choice: the replay must stop where the run and the trace part ways.
    Trace t = found.trace();
    int[] shorter = Arrays.copyOfRange(t.choices(), 0, t.choices().length - 1);
    Trace cut = new Trace(t.header(), t.keys(), shorter, t.footer());
    ReplayResult r = assertDoesNotThrowMismatch(cut);
    Failure.ReplayDivergence d = (Failure.ReplayDivergence) r.run().failure().orElseThrow();
    assertEquals(t.footer().steps() - 1, d.step());
    assertEquals("the end of the trace", d.expected());
    assertTrue(d.found().startsWith("runnable ["), d.found());
  }

  @Test
  void aTraceWhoseChoicesNameNoKeyOfItsTableIsRefusedClearly() {
    Trace t = found.trace();
    byte[] empty = TraceCodec.encode(new Trace(t.header(), java.util.List.of(), t.choices(), t.footer()));
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> TraceCodec.decode(empty, "empty-keys"));
    assertTrue(e.getMessage().startsWith("empty-keys: the trace is corrupt (choice 0 names actor key 0, but its key"
        + " table has 0 keys)"), e.getMessage());
    int[] unbounded = {3 << 2 | 3}; // an integer choice (3) with no bound after it
    byte[] cut = TraceCodec.encode(new Trace(t.header(), t.keys(), unbounded, t.footer()));
    e = assertThrows(TraceFormatException.class, () -> TraceCodec.decode(cut, "cut"));
    assertTrue(e.getMessage().contains("integer choice 0 has no bound above its value"), e.getMessage());
  }

  @Test
  void aFailingTraceWithChoicesPastItsFailureIsNotConfirmed() {
    // The failing run's choices end where it failed; a million more were never part of it.
    Trace t = found.trace();
    assertTrue(assertDoesNotThrowMismatch(t).confirmed());
    int[] longer = Arrays.copyOf(t.choices(), t.choices().length + 1_000_000);
    System.arraycopy(t.choices(), 0, longer, t.choices().length, t.choices().length); // real-looking choices
    Trace padded = new Trace(t.header(), t.keys(), longer, t.footer());
    ReplayResult r = assertDoesNotThrowMismatch(padded);
    assertFalse(r.confirmed());
    Failure.ReplayDivergence d = (Failure.ReplayDivergence) r.run().failure().orElseThrow();
    assertEquals("the end of the run", d.found());
    assertEquals(t.footer().steps(), d.step());
  }

  private static ReplayResult assertDoesNotThrowMismatch(Trace t) {
    try {
      return sim.replay(Models.byName("lost-update"), t);
    } catch (TraceMismatchException e) {
      throw new AssertionError(e);
    }
  }
}
