package kernsim.fs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.fs.file.FileKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ext4FileOps on a RAM disk: each call one ext4 operation; appends of two harts never overwrite. */
class Ext4FileOpsTest {
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

  private static Ext4FileOps ops(Harness.Env env, String path) {
    return new Ext4FileOps(env.fs, env.ino.get(path));
  }

  @Test
  void readWriteAppendLengthTruncateSync() {
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(256), env -> List.of(
        env.mkfs(), env.mount("mount", false), env.inode("create", "/f"), env.inode("mkdir", "/d"),
        env.op("writeAt", fs -> ops(env, "/f").writeAt(2, ascii("cd"))),
        env.op("append", fs -> ops(env, "/f").append(ascii("ef"))),
        env.op("readAt", fs -> ops(env, "/f").readAt(0, 100)),
        env.op("length", fs -> ops(env, "/f").length()),
        env.op("truncate", fs -> ops(env, "/f").truncate(3)),
        env.op("length after", fs -> ops(env, "/f").length()),
        env.op("fdatasync", fs -> ops(env, "/f").sync(true)),
        env.op("append to a dir", fs -> ops(env, "/d").append(ascii("x"))))).assertOk();
    assertEquals(SysResult.ok(2), o.result("writeAt"));
    assertEquals(SysResult.ok(2, 6L), o.result("append"));
    assertEquals("\0\0cdef", new String(o.bytes("readAt"), StandardCharsets.US_ASCII));
    assertEquals(SysResult.ok(6), o.result("length"));
    assertEquals(SysResult.ok(0), o.result("truncate"));
    assertEquals(SysResult.ok(3), o.result("length after"));
    assertEquals(SysResult.ok(0), o.result("fdatasync"));
    assertEquals(Errno.EISDIR, o.errno("append to a dir"));
  }

  @Test
  void kindIdAndValidation() {
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(256), env -> List.of(
        env.mkfs(), env.mount("mount", false), env.inode("create", "/f"),
        env.op("ops", fs -> Code.done(SysResult.ok(0, ops(env, "/f")))))).assertOk();
    Ext4FileOps f = (Ext4FileOps) o.ok("ops").data();
    assertEquals(FileKind.REGULAR, f.kind());
    assertEquals("ext4:world/ext4/ext4-0:" + f.ino(), f.id());
    assertThrows(IllegalArgumentException.class, () -> new Ext4FileOps(f.handle(), 0));
  }

  @Test
  void appendsOfTwoHartsNeverOverwriteEachOther() {
    for (long seed = 1; seed <= 20; seed++) {
      Harness.Outcome o = Harness.run(sim, new RamDisk.Image(256), seed, d -> d, env -> {
        List<Runner.Step> one = new ArrayList<>(List.of(env.mkfs(), env.mount("mount", false),
            env.inode("create", "/log"), env.open()));
        List<Runner.Step> two = new ArrayList<>(List.of(env.await()));
        for (int i = 0; i < 3; i++) {
          one.add(env.op("a" + i, fs -> ops(env, "/log").append(ascii("AAAA"))));
          two.add(env.op("b" + i, fs -> ops(env, "/log").append(ascii("BBBB"))));
        }
        two.add(env.inode("lookup", "/log"));
        two.add(env.op("read", fs -> ops(env, "/log").readAt(0, 100)));
        return List.of(one, two);
      }).assertOk();
      TreeSet<Long> ends = new TreeSet<>();
      for (String s : List.of("a0", "a1", "a2", "b0", "b1", "b2")) {
        ends.add((Long) o.ok(s).data());
      }
      assertEquals(new TreeSet<>(List.of(4L, 8L, 12L, 16L, 20L, 24L)), ends, "seed " + seed);
      String all = new String(o.bytes("read"), StandardCharsets.US_ASCII);
      assertEquals(24, all.length(), "seed " + seed);
      assertEquals(12, all.chars().filter(c -> c == 'A').count());
      for (int i = 0; i < 24; i += 4) {
        assertEquals(1, all.substring(i, i + 4).chars().distinct().count(), "seed " + seed + ": " + all);
      }
    }
  }
}
