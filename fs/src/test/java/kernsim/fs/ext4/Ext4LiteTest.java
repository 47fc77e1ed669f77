package kernsim.fs.ext4;

import static kernsim.fs.ext4.Harness.assertBytes;
import static kernsim.fs.ext4.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.code.Runner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ext4-lite stores files through the block device and finds them again after a remount. */
class Ext4LiteTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void theUserspaceImageIsByteForByteWhatMkfsThroughTheCacheWritesBack() {
    LoopWorld.Outcome o = LoopWorld.run1(sim, env -> List.of(env.setup(), env.setFd(false), env.mkfs()));
    assertEquals(0, o.ok("mkfs").value());
    List<kernsim.dev.file.BackingFile.Synced> synced = o.of(kernsim.dev.file.BackingFile.Synced.class);
    byte[] durable = synced.get(synced.size() - 1).durable();
    assertArrayEquals(Ext4Lite.image(durable.length), durable);
    assertNull(Ext4Lite.image(15 * 512), "fewer than 16 blocks: mkfs refuses");
  }

  @Test
  void mkfsMountCreateWriteRead() {
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(256), env -> List.of(
        env.mkfs(), env.mount("mount", false), env.inode("create", "/hello"),
        env.write("write", "/hello", 0, ascii("hello, world")),
        env.read("read", "/hello", 0, 100),
        env.op("stat", fs -> fs.stat(env.ino.get("/hello"))),
        env.read("read past end", "/hello", 12, 10))).assertOk();
    assertEquals(0, o.ok("mkfs").value());
    assertEquals(2, o.ok("create /hello").value()); // inode 1 is the root
    assertEquals(12, o.ok("write").value());
    assertEquals("hello, world", new String(o.bytes("read"), StandardCharsets.US_ASCII));
    assertEquals(new Stat(2, Stat.Type.FILE, 12, 1), o.ok("stat").data());
    assertEquals(0, o.ok("read past end").value());
  }

  /** Files of several sizes (one past the direct blocks) in a small tree. */
  static final List<String> FILES = List.of("/a", "/d/b", "/d/e/c", "/big");

  static byte[] contentOf(String path) {
    return switch (path) {
      case "/a" -> ascii("a small file");
      case "/d/b" -> pattern(1000, 2);
      case "/d/e/c" -> pattern(512 * 3, 3);
      case "/big" -> pattern(512 * 20 + 77, 4); // 21 blocks: through the indirect block
      default -> throw new IllegalArgumentException(path);
    };
  }

  static List<Runner.Step> writeTree(Harness.Env env) {
    List<Runner.Step> s = new ArrayList<>(List.of(env.mkfs(), env.mount("mount", false),
        env.inode("mkdir", "/d"), env.inode("mkdir", "/d/e")));
    for (String f : FILES) {
      s.add(env.inode("create", f));
      byte[] c = contentOf(f);
      // Two writes per file, the second one unaligned, so writes merge into existing blocks.
      int half = c.length / 2 + 3;
      s.add(env.write("write1 " + f, f, 0, java.util.Arrays.copyOfRange(c, 0, half)));
      s.add(env.write("write2 " + f, f, half, java.util.Arrays.copyOfRange(c, half, c.length)));
    }
    s.add(env.op("umount", Ext4::umount));
    return s;
  }

  static List<Runner.Step> readTree(Harness.Env env, String mount, boolean readOnly) {
    List<Runner.Step> s = new ArrayList<>(List.of(env.mount(mount, readOnly)));
    for (String f : FILES) {
      s.add(env.inode("lookup", f));
      s.add(env.read("read " + f, f, 0, 100_000));
    }
    s.add(env.op("readdir /", fs -> fs.readdir("/")));
    s.add(env.op("readdir /d", fs -> fs.readdir("d")));
    s.add(env.op("readdir /d/e", fs -> fs.readdir("/d/e/")));
    return s;
  }

  static void checkTree(Harness.Outcome o) {
    for (String f : FILES) {
      assertBytes(contentOf(f), o.bytes("read " + f), f);
    }
    assertEquals(List.of("a", "big", "d"), o.ok("readdir /").data());
    assertEquals(List.of("b", "e"), o.ok("readdir /d").data());
    assertEquals(List.of("c"), o.ok("readdir /d/e").data());
  }

  @Test
  void aTreeWrittenUnmountedAndMountedAgainComesBackByteForByte() {
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(512), env -> {
      List<Runner.Step> s = new ArrayList<>(writeTree(env));
      s.addAll(readTree(env, "mount again", false));
      return s;
    }).assertOk();
    assertEquals(0, o.ok("umount").value());
    checkTree(o);
  }

  @Test
  void aFreshMountOfACopyOfTheDiskReadsTheSameFiles() {
    RamDisk.Image image = new RamDisk.Image(512);
    Harness.run1(sim, image, Ext4LiteTest::writeTree).assertOk();
    RamDisk.Image copy = image.copy();
    Harness.Outcome o = Harness.run1(sim, copy, env -> readTree(env, "mount copy", true)).assertOk();
    checkTree(o);
    assertTrue(copy.sameBytes(image), "a read-only mount wrote to the disk");
  }

  @Test
  void truncateShrinksAndGrowsAndFreesBlocks() {
    byte[] data = pattern(20 * 512 + 100, 9); // 21 data blocks and the indirect one
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(256), env -> {
      List<Runner.Step> s = new ArrayList<>(List.of(env.mkfs(), env.mount("mount", false),
          env.inode("create", "/t"), env.op("statfs before", Ext4::statfs),
          env.write("write", "/t", 0, data), env.op("statfs written", Ext4::statfs),
          env.op("shrink", fs -> fs.truncate(env.ino.get("/t"), 1000)), env.op("statfs shrunk", Ext4::statfs),
          env.read("read shrunk", "/t", 0, 5000),
          env.op("grow", fs -> fs.truncate(env.ino.get("/t"), 3000)), env.op("statfs grown", Ext4::statfs),
          env.read("read grown", "/t", 0, 5000),
          env.op("stat grown", fs -> fs.stat(env.ino.get("/t"))),
          env.op("to zero", fs -> fs.truncate(env.ino.get("/t"), 0)), env.op("statfs zero", Ext4::statfs),
          env.write("write again", "/t", 0, data),
          env.op("unlink", fs -> fs.unlink("/t")), env.op("statfs unlinked", Ext4::statfs),
          env.op("umount", Ext4::umount), env.mount("remount", false), env.op("statfs remounted", Ext4::statfs)));
      return s;
    }).assertOk();
    Superblock before = (Superblock) o.ok("statfs before").data();
    assertEquals(before.freeBlocks() - 22, o.ok("statfs written").value());
    assertEquals(before.freeBlocks() - 2, o.ok("statfs shrunk").value());
    assertArrayEquals(java.util.Arrays.copyOf(data, 1000), o.bytes("read shrunk"));
    assertEquals(before.freeBlocks() - 2, o.ok("statfs grown").value()); // growing leaves a hole
    byte[] grown = new byte[3000];
    System.arraycopy(data, 0, grown, 0, 1000); // the rest reads as zeros, the old bytes too
    assertArrayEquals(grown, o.bytes("read grown"));
    assertEquals(3000, o.ok("stat grown").value());
    assertEquals(before.freeBlocks(), o.ok("statfs zero").value());
    Superblock unlinked = (Superblock) o.ok("statfs unlinked").data();
    assertEquals(before.freeBlocks(), unlinked.freeBlocks());
    assertEquals(before.freeInodes() + 1, unlinked.freeInodes());
    assertEquals(unlinked, o.ok("statfs remounted").data()); // the free counts reached the disk
  }
}
