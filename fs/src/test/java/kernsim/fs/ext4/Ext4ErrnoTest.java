package kernsim.fs.ext4;

import static kernsim.dev.Errno.*;
import static kernsim.fs.ext4.Harness.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.code.Runner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each error path of ext4-lite, with the Linux errno. */
class Ext4ErrnoTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  static List<Runner.Step> setup(Harness.Env env, String... steps) {
    List<Runner.Step> s = new ArrayList<>(List.of(env.mkfs(), env.mount("mount", false)));
    for (String p : steps) {
      s.add(p.endsWith("/") ? env.inode("mkdir", p.substring(0, p.length() - 1)) : env.inode("create", p));
    }
    return s;
  }

  @Test
  void namespaceErrors() {
    String longest = "n".repeat(Ext4Lite.NAME_MAX);
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(256), env -> {
      List<Runner.Step> s = setup(env, "/f", "/d/", "/d/x");
      s.add(env.op("create again", fs -> fs.create("/f")));
      s.add(env.op("mkdir over file", fs -> fs.mkdir("/f")));
      s.add(env.op("create root", fs -> fs.create("/")));
      s.add(env.op("create under file", fs -> fs.create("/f/x")));
      s.add(env.op("create under missing", fs -> fs.create("/nope/x")));
      s.add(env.op("create long", fs -> fs.create("/" + longest + "n")));
      s.add(env.op("create longest", fs -> fs.create("/" + longest)));
      s.add(env.op("lookup longest", fs -> fs.lookup(longest)));
      s.add(env.op("lookup missing", fs -> fs.lookup("/missing")));
      s.add(env.op("lookup through file", fs -> fs.lookup("/f/x")));
      s.add(env.op("lookup dotdot", fs -> fs.lookup("/d/..")));
      s.add(env.op("lookup dot", fs -> fs.lookup("/./d/./x")));
      s.add(env.op("unlink dir", fs -> fs.unlink("/d")));
      s.add(env.op("unlink missing", fs -> fs.unlink("/d/missing")));
      s.add(env.op("unlink root", fs -> fs.unlink("/")));
      s.add(env.op("rmdir nonempty", fs -> fs.rmdir("/d")));
      s.add(env.op("rmdir file", fs -> fs.rmdir("/f")));
      s.add(env.op("rmdir root", fs -> fs.rmdir("/")));
      s.add(env.op("readdir file", fs -> fs.readdir("/f")));
      s.add(env.op("readdir missing", fs -> fs.readdir("/missing")));
      s.add(env.op("unlink x", fs -> fs.unlink("/d/x")));
      s.add(env.op("lookup x after unlink", fs -> fs.lookup("/d/x")));
      s.add(env.op("rmdir empty", fs -> fs.rmdir("/d")));
      s.add(env.op("readdir / at end", fs -> fs.readdir("/")));
      return s;
    }).assertOk();
    assertEquals(EEXIST, o.errno("create again"));
    assertEquals(EEXIST, o.errno("mkdir over file"));
    assertEquals(EEXIST, o.errno("create root"));
    assertEquals(ENOTDIR, o.errno("create under file"));
    assertEquals(ENOENT, o.errno("create under missing"));
    assertEquals(ENAMETOOLONG, o.errno("create long"));
    assertEquals(o.ok("create longest").value(), o.ok("lookup longest").value());
    assertEquals(ENOENT, o.errno("lookup missing"));
    assertEquals(ENOTDIR, o.errno("lookup through file"));
    assertEquals(EINVAL, o.errno("lookup dotdot"));
    assertEquals(o.ok("create /d/x").value(), o.ok("lookup dot").value());
    assertEquals(EISDIR, o.errno("unlink dir"));
    assertEquals(ENOENT, o.errno("unlink missing"));
    assertEquals(EISDIR, o.errno("unlink root"));
    assertEquals(ENOTEMPTY, o.errno("rmdir nonempty"));
    assertEquals(ENOTDIR, o.errno("rmdir file"));
    assertEquals(EBUSY, o.errno("rmdir root"));
    assertEquals(ENOTDIR, o.errno("readdir file"));
    assertEquals(ENOENT, o.errno("readdir missing"));
    assertEquals(0, o.ok("unlink x").value());
    assertEquals(ENOENT, o.errno("lookup x after unlink"));
    assertEquals(0, o.ok("rmdir empty").value());
    assertEquals(List.of("f", longest), o.ok("readdir / at end").data());
  }

  @Test
  void fileErrors() {
    long max = Ext4Lite.MAX_FILE_SIZE;
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(512), env -> {
      List<Runner.Step> s = setup(env, "/f", "/d/", "/gone");
      s.add(env.op("unlink gone", fs -> fs.unlink("/gone")));
      s.add(env.write("write at max", "/f", max, new byte[1]));
      s.add(env.write("write across max", "/f", max - 10, new byte[100]));
      s.add(env.op("stat at max", fs -> fs.stat(env.ino.get("/f"))));
      s.add(env.read("read tail", "/f", max - 20, 100));
      s.add(env.write("write negative", "/f", -1, new byte[1]));
      s.add(env.write("write dir", "/d", 0, new byte[1]));
      s.add(env.write("write freed inode", "/gone", 0, new byte[1]));
      s.add(env.op("write bad inode", fs -> fs.write(100_000, 0, new byte[1])));
      s.add(env.read("read dir", "/d", 0, 1));
      s.add(env.read("read negative", "/f", -5, 1));
      s.add(env.op("truncate past max", fs -> fs.truncate(env.ino.get("/f"), max + 1)));
      s.add(env.op("truncate dir", fs -> fs.truncate(env.ino.get("/d"), 0)));
      s.add(env.op("truncate negative", fs -> fs.truncate(env.ino.get("/f"), -1)));
      s.add(env.op("stat freed", fs -> fs.stat(env.ino.get("/gone"))));
      s.add(env.op("stat dir", fs -> fs.stat(env.ino.get("/d"))));
      return s;
    }).assertOk();
    assertEquals(EFBIG, o.errno("write at max"));
    assertEquals(10, o.ok("write across max").value()); // a short write up to the limit, as in Linux
    assertEquals(max, o.ok("stat at max").value());
    assertEquals(20, o.ok("read tail").value());
    assertTrue(java.util.Arrays.equals(new byte[20], o.bytes("read tail")));
    assertEquals(EINVAL, o.errno("write negative"));
    assertEquals(EISDIR, o.errno("write dir"));
    assertEquals(ENOENT, o.errno("write freed inode"));
    assertEquals(EINVAL, o.errno("write bad inode"));
    assertEquals(EISDIR, o.errno("read dir"));
    assertEquals(EINVAL, o.errno("read negative"));
    assertEquals(EFBIG, o.errno("truncate past max"));
    assertEquals(EISDIR, o.errno("truncate dir"));
    assertEquals(EINVAL, o.errno("truncate negative"));
    assertEquals(ENOENT, o.errno("stat freed"));
    assertEquals(new Stat((int) o.ok("mkdir /d").value(), Stat.Type.DIR, 0, 2), o.ok("stat dir").data());
  }

  @Test
  void theDiskFillsUp() {
    // 32 blocks: 1 superblock, 1 + 1 bitmaps, 2 inode-table blocks (16 inodes), 27 data blocks.
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(32), env -> {
      List<Runner.Step> s = setup(env, "/f");
      s.add(env.op("statfs", Ext4::statfs));
      s.add(env.write("fill", "/f", 0, pattern(30 * 512, 1)));
      s.add(env.write("full", "/f", 30 * 512, new byte[1]));
      for (int i = 1; i <= 6; i++) { // with /f and /e: the root directory's first block, 8 entries
        String name = "/" + i;
        s.add(env.op("create " + name, fs -> fs.create(name)));
      }
      s.add(env.op("mkdir when full", fs -> fs.mkdir("/e"))); // an empty directory needs no block
      s.add(env.op("create when full", fs -> fs.create("/g"))); // the root directory needs a block
      s.add(env.op("truncate", fs -> fs.truncate(env.ino.get("/f"), 0)));
      for (int i = 0; i < 6; i++) { // 16 inodes: 0, the root, /f, /1../6 and /e are taken
        String name = "/n" + i;
        s.add(env.op("create " + name, fs -> fs.create(name)));
      }
      s.add(env.op("create no inode", fs -> fs.create("/last")));
      return s;
    }).assertOk();
    Superblock sb = (Superblock) o.ok("statfs").data();
    assertEquals(32, sb.totalBlocks());
    assertEquals(16, sb.inodeCount());
    assertEquals(26, sb.freeBlocks()); // 27, less the root directory's first block
    assertEquals(13, sb.freeInodes());
    assertEquals(25 * 512, o.ok("fill").value()); // 26 blocks: 25 of data and the indirect one
    assertEquals(ENOSPC, o.errno("full"));
    assertTrue(o.ok("mkdir when full").isOk());
    assertEquals(ENOSPC, o.errno("create when full"));
    for (int i = 0; i < 6; i++) {
      assertTrue(o.ok("create /n" + i).isOk());
    }
    assertEquals(ENOSPC, o.errno("create no inode"));
  }

  @Test
  void readOnlyMountRefusesChanges() {
    RamDisk.Image image = new RamDisk.Image(256);
    Harness.run1(sim, image, env -> setup(env, "/f")).assertOk();
    RamDisk.Image before = image.copy();
    Harness.Outcome o = Harness.run1(sim, image, env -> List.of(env.mount("mount ro", true),
        env.inode("lookup", "/f"),
        env.op("create", fs -> fs.create("/g")),
        env.op("mkdir", fs -> fs.mkdir("/g")),
        env.write("write", "/f", 0, new byte[1]),
        env.op("truncate", fs -> fs.truncate(env.ino.get("/f"), 0)),
        env.op("unlink", fs -> fs.unlink("/f")),
        env.op("rmdir", fs -> fs.rmdir("/f")),
        env.read("read", "/f", 0, 1),
        env.op("fsync", fs -> fs.fsync(env.ino.get("/f"))),
        env.op("umount", Ext4::umount))).assertOk();
    for (String op : List.of("create", "mkdir", "write", "truncate", "unlink", "rmdir")) {
      assertEquals(EROFS, o.errno(op), op);
    }
    assertEquals(0, o.ok("read").value());
    assertEquals(0, o.ok("fsync").value());
    assertTrue(before.sameBytes(image), "a read-only mount wrote to the disk");
  }

  @Test
  void afterUmountTheHandleRefuses() {
    Harness.Outcome o = Harness.run1(sim, new RamDisk.Image(256), env -> {
      List<Runner.Step> s = setup(env, "/f");
      s.add(env.op("umount", Ext4::umount));
      s.add(env.read("read after umount", "/f", 0, 1));
      s.add(env.op("create after umount", fs -> fs.create("/g")));
      s.add(env.op("umount again", Ext4::umount));
      return s;
    }).assertOk();
    assertEquals(0, o.ok("umount").value());
    assertEquals(EIO, o.errno("read after umount"));
    assertEquals(EIO, o.errno("create after umount"));
    assertEquals(EINVAL, o.errno("umount again"));
  }

  @Test
  void mkfsAndMountRefuseBadDevices() {
    Harness.Outcome tiny = Harness.run1(sim, new RamDisk.Image(8), env -> List.of(env.mkfs()));
    assertEquals(ENOSPC, tiny.assertOk().errno("mkfs"));
    Harness.Outcome blank = Harness.run1(sim, new RamDisk.Image(64), env -> List.of(env.mount("mount", false)));
    assertEquals(EINVAL, blank.assertOk().errno("mount"));
    RamDisk.Image broken = new RamDisk.Image(64);
    Harness.run1(sim, broken, env -> List.of(env.mkfs())).assertOk();
    broken.failReads = true;
    Harness.Outcome eio = Harness.run1(sim, broken, env -> List.of(env.mount("mount", false)));
    assertEquals(EIO, eio.assertOk().errno("mount"));
    broken.failReads = false;
    broken.blocks[0][20] ^= 1; // a corrupt superblock fails its checksum
    Harness.Outcome corrupt = Harness.run1(sim, broken, env -> List.of(env.mount("mount", false)));
    assertEquals(EINVAL, corrupt.assertOk().errno("mount"));
    // A filesystem bigger than the device it is found on.
    RamDisk.Image big = new RamDisk.Image(128);
    Harness.run1(sim, big, env -> List.of(env.mkfs())).assertOk();
    RamDisk.Image small = new RamDisk.Image(64);
    for (int i = 0; i < 64; i++) {
      small.blocks[i] = big.blocks[i].clone();
    }
    assertEquals(EINVAL, Harness.run1(sim, small, env -> List.of(env.mount("mount", false))).assertOk().errno("mount"));
  }

  @Test
  void writeErrorsComeBackAsEio() {
    RamDisk.Image image = new RamDisk.Image(256);
    Harness.run1(sim, image, env -> setup(env, "/f")).assertOk();
    image.failWrites = true;
    Harness.Outcome o = Harness.run1(sim, image, env -> List.of(env.mount("mount", false),
        env.inode("lookup", "/f"), env.write("write", "/f", 0, new byte[10]), env.read("read", "/f", 0, 10)))
        .assertOk();
    assertEquals(EIO, o.errno("write"));
    assertEquals(0, o.ok("read").value());
  }

  /**
   * The fuzz finding of docs/findings.md ("fs.ext4 throws IllegalArgumentException: ino 0"): a byte
   * written over the inode bitmap cleared the reserved inode 0's bit, and create handed out inode 0 (the
   * file ops then threw). Now a reserved inode or metadata block found free is corrupt metadata: EUCLEAN.
   */
  @Test
  void aBitmapThatFreesReservedInodesOrMetadataBlocksIsCorrupt() {
    Superblock g = Layout.geometry(32); // the 16K image of the fuzz templates
    RamDisk.Image inodes = new RamDisk.Image(32);
    Harness.run1(sim, inodes, env -> List.of(env.mkfs())).assertOk();
    inodes.blocks[g.inodeBitmapStart()][0] = (byte) 'x'; // pwrite64(fd, "x", 1024) on /dev/loop0
    Harness.Outcome o = Harness.run1(sim, inodes, env -> List.of(env.mount("mount", false),
        env.inode("create", "/b"))).assertOk();
    assertEquals(EUCLEAN, o.errno("create /b"));

    RamDisk.Image blocks = new RamDisk.Image(32);
    Harness.run1(sim, blocks, env -> setup(env, "/f")).assertOk();
    blocks.blocks[g.blockBitmapStart()][0] = 0; // the superblock's and the bitmaps' blocks look free
    Harness.Outcome w = Harness.run1(sim, blocks, env -> List.of(env.mount("mount", false),
        env.inode("lookup", "/f"), env.write("write", "/f", 0, new byte[10]))).assertOk();
    assertEquals(EUCLEAN, w.errno("write"));
    assertTrue(Layout.decodeSuper(blocks.blocks[0]) != null, "the superblock was not written over");
  }
}
