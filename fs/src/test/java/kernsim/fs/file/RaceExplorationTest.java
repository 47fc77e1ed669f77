package kernsim.fs.file;

import static kernsim.fs.file.Harness.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.Monitor;
import kernsim.actors.ReplayResult;
import kernsim.actors.Simulator;
import kernsim.actors.WorldSpec;
import kernsim.dev.code.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interleavings at region boundaries that the source's lock scopes allow, found by exploration from a
 * fixed seed (PCT, depth 2) and replayed from their traces:
 *
 * <ul>
 *   <li>two processes append to one log with {@code lseek(SEEK_END)} then {@code write}: the length is
 *       read in one region and written at in another, so both can write at the same offset and one
 *       record is lost; with O_APPEND the end is found and written in one region and nothing is lost;
 *   <li>fallocate reads the length and sets {@code max(length, end)} in two regions; a pwrite that
 *       extends the file between them is cut back (Linux's fallocate never shrinks a file).
 * </ul>
 */
class RaceExplorationTest {
  static final long SEED = 1;
  static final int BUDGET = 200;

  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** Fails the run when {@code file} ends shorter than {@code min} bytes. */
  static Monitor atLeast(String oracle, String file, int min) {
    return new Monitor() {
      int length = -1;

      @Override
      public String name() {
        return oracle;
      }

      @Override
      public void onObservation(Object o, Verdict v) {
        if (o instanceof RamFile.Changed c && c.file().equals(file)) {
          length = (int) c.length();
        }
      }

      @Override
      public void onEnd(Verdict v) {
        if (length < min) {
          v.fail(file + " holds " + length + " bytes, expected at least " + min);
        }
      }
    };
  }

  static WorldSpec appenders(boolean oAppend) {
    int flags = Uapi.O_WRONLY | (oAppend ? Uapi.O_APPEND : 0);
    String name = "two processes: lseek(SEEK_END) + write on one log, " + (oAppend ? "O_APPEND" : "no O_APPEND");
    return Harness.spec(name, env -> {
      RamFile.Ops log = env.file("log", "");
      List<List<Supplier<Code>>> harts = new java.util.ArrayList<>();
      for (String rec : List.of("AAAA", "BBBB")) {
        FdTable fds = new FdTable(); // each process its own table and its own open file
        int fd = fds.install(env.openFile(log, flags));
        harts.add(List.of(
            () -> FileSyscalls.lseek(fds, fd, 0, Uapi.SEEK_END),
            () -> FileSyscalls.write(fds, fd, bytes(rec))));
      }
      return harts;
    }, w -> List.of(atLeast("lost-append", "world/log", 8)));
  }

  static WorldSpec fallocateVsPwrite() {
    return Harness.spec("fallocate(0, 4) vs pwrite(8 bytes at 0)", env -> {
      RamFile.Ops f = env.file("f", "");
      FdTable a = new FdTable();
      FdTable b = new FdTable();
      int fa = a.install(env.openFile(f, Uapi.O_RDWR));
      int fb = b.install(env.openFile(f, Uapi.O_RDWR));
      return List.of(
          List.of(() -> FileSyscalls.fallocate(a, fa, 0, 0, 4)),
          List.of(() -> FileSyscalls.pwrite64(b, fb, bytes("12345678"), 0)));
    }, w -> List.of(atLeast("fallocate-shrinks", "world/f", 8)));
  }

  private static void assertFoundAndReplays(WorldSpec spec, String oracle, String message) throws Exception {
    ExploreResult r = sim.explore(spec, ExploreOptions.pct(SEED, BUDGET, 2));
    assertTrue(r.found(), () -> "found within " + BUDGET + " iterations; last: " + r.last().outcome());
    var found = r.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, found.failure().orElseThrow());
    assertEquals(oracle, v.oracle());
    assertEquals(message, v.message());
    ReplayResult replay = sim.replay(spec, found.trace());
    assertTrue(replay.confirmed(), () -> "replay: " + replay.run().outcome());
  }

  @Test
  void seekToEndThenWriteLosesAnAppend() throws Exception {
    assertFoundAndReplays(appenders(false), "lost-append", "world/log holds 4 bytes, expected at least 8");
  }

  @Test
  void oAppendLosesNothingInTheSameBudget() {
    ExploreResult r = sim.explore(appenders(true), ExploreOptions.pct(SEED, BUDGET, 2));
    assertFalse(r.found(), () -> r.failing().orElseThrow().outcome());
    assertEquals(BUDGET, r.iterations());
  }

  @Test
  void fallocateCutsBackAConcurrentExtendingWrite() throws Exception {
    assertFoundAndReplays(fallocateVsPwrite(), "fallocate-shrinks", "world/f holds 4 bytes, expected at least 8");
  }
}
