package kernsim.fs.ext4;

import static kernsim.fs.ext4.LoopWorld.Env.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import kernsim.actors.Keys;
import kernsim.actors.Simulator;
import kernsim.dev.loop.IoctlArg;
import kernsim.dev.loop.LoopIoctl;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.dev.loop.LoopEvents;
import kernsim.fs.vfs.FileSystem;
import kernsim.fs.vfs.Location;
import kernsim.fs.vfs.MountTable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ext4-lite on a loop device through the VFS: an image file on tmpfs, bound to /dev/loop0, mkfs'd,
 * mounted with {@code mount -t ext4}, written through {@link Ext4FileOps}, unmounted; and the driver's
 * errnos. Every run has the sleep-in-atomic, single-mount and read-only oracles on.
 */
class LoopExt4DriverTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static final SysResult OK = SysResult.ok(0);

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void aFileWrittenOnExt4OnLoopIsInTheImagesDurableBytesAfterUmount() {
    LoopWorld.Env[] env = new LoopWorld.Env[1];
    LoopWorld.Outcome o = LoopWorld.run1(sim, e -> {
      env[0] = e;
      return List.of(
          e.setup(),
          e.setFd(false),
          e.mkfs(),
          step("mount", () -> e.vfs.mount("/dev/loop0", "/mnt", "ext4", 0, null)),
          e.located("create /mnt/hello", "/mnt/hello", () -> e.vfs.create("/mnt/hello")),
          step("write", () -> e.ops("/mnt/hello").writeAt(0, ascii("hello, "))),
          step("append", () -> e.ops("/mnt/hello").append(ascii("ext4 on loop"))),
          step("length", () -> e.ops("/mnt/hello").length()),
          step("fsync", () -> e.ops("/mnt/hello").sync(false)),
          step("LOOP_CLR_FD mounted", () -> e.loop.ioctl(LoopIoctl.LOOP_CLR_FD, IoctlArg.none())),
          step("umount2", () -> e.vfs.umount2("/mnt", 0)),
          step("LOOP_CLR_FD", () -> e.loop.ioctl(LoopIoctl.LOOP_CLR_FD, IoctlArg.none())));
    });
    assertEquals(OK, o.result("mkfs"));
    assertEquals(OK, o.result("mount"));
    assertEquals(SysResult.ok(7), o.result("write"));
    assertEquals(SysResult.ok(12, 19L), o.result("append"));
    assertEquals(SysResult.ok(19), o.result("length"));
    assertEquals(OK, o.result("fsync"));
    assertEquals(Errno.EBUSY, o.errno("LOOP_CLR_FD mounted"));
    assertEquals(OK, o.result("umount2"));
    assertEquals(OK, o.result("LOOP_CLR_FD"));

    // umount2: the unmount, then ext4's release drops the adapter, then flush_cache_to_file syncs.
    int unmount = o.at(x -> x instanceof MountTable.Changed c && c.op().equals("unmount"));
    int dropped = o.at(unmount, x -> x instanceof LoopEvents.AdapterDropped);
    int persisted = o.at(unmount, x -> x instanceof LoopEvents.PersistReturned p && p.call().equals("umount-writeback"));
    assertTrue(unmount >= 0 && unmount < dropped && dropped < persisted, unmount + " < " + dropped + " < " + persisted);

    String img = Keys.of(env[0].img);
    List<BackingFile.Synced> syncs = o.of(BackingFile.Synced.class).stream()
        .filter(s -> s.file().equals(img)).toList();
    byte[] durable = syncs.get(syncs.size() - 1).durable();
    assertEquals(LoopWorld.IMAGE, durable.length);

    // A fresh ext4-lite mount of the durable bytes, on a RAM disk, finds the file.
    RamDisk.Image disk = new RamDisk.Image(durable.length / RamDisk.BLOCK);
    for (int b = 0; b < disk.blocks.length; b++) {
      System.arraycopy(durable, b * RamDisk.BLOCK, disk.blocks[b], 0, RamDisk.BLOCK);
    }
    Harness.Outcome again = Harness.run1(sim, disk, d -> List.of(
        d.mount("mount", true), d.inode("lookup", "/hello"), d.read("read", "/hello", 0, 100),
        d.op("readdir", fs -> fs.readdir("/")))).assertOk();
    assertEquals("hello, ext4 on loop", new String(again.bytes("read"), StandardCharsets.US_ASCII));
    assertEquals(SysResult.ok(1, List.of("hello")), again.result("readdir"));
  }

  @Test
  void directoriesThroughTheVfs() {
    LoopWorld.Outcome o = LoopWorld.run1(sim, e -> List.of(
        e.setup(),
        e.setFd(false),
        e.mkfs(),
        step("mount", () -> e.vfs.mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        e.located("mkdir /mnt/d", "/mnt/d", () -> e.vfs.mkdir("/mnt/d")),
        e.located("create /mnt/d/f", "/mnt/d/f", () -> e.vfs.create("/mnt/d/f")),
        step("create /mnt/d/f again", () -> e.vfs.create("/mnt/d/f")),
        step("create /mnt/d/f/x", () -> e.vfs.create("/mnt/d/f/x")),
        e.located("open /mnt/d/f", "open", () -> e.vfs.open("/mnt/d/f")),
        e.located("open /mnt/d/.", "dot", () -> e.vfs.open("/mnt/d/.")),
        step("open /mnt/nope", () -> e.vfs.open("/mnt/nope")),
        step("readdir /mnt", () -> e.vfs.readdir("/mnt")),
        step("readdir /mnt/d", () -> e.vfs.readdir("/mnt/d")),
        step("id", () -> Code.done(SysResult.ok(0, e.ops("/mnt/d/f").id()))),
        step("umount2", () -> e.vfs.umount2("/mnt", 0)),
        step("readdir /mnt after", () -> e.vfs.readdir("/mnt"))));
    Location dir = (Location) o.ok("mkdir /mnt/d").data();
    Location file = (Location) o.ok("create /mnt/d/f").data();
    assertEquals("ext4", dir.fs().type());
    assertEquals(new FileSystem.Node(dir.ino(), FileSystem.Kind.DIR, null, null), dir.node());
    assertEquals(new FileSystem.Node(file.ino(), FileSystem.Kind.FILE, null, null), file.node());
    assertEquals(Errno.EEXIST, o.errno("create /mnt/d/f again"));
    assertEquals(Errno.ENOTDIR, o.errno("create /mnt/d/f/x"));
    assertEquals(file.node(), ((Location) o.ok("open /mnt/d/f").data()).node());
    assertEquals(dir.node(), ((Location) o.ok("open /mnt/d/.").data()).node());
    assertEquals(Errno.ENOENT, o.errno("open /mnt/nope"));
    assertEquals(SysResult.ok(1, List.of("d")), o.result("readdir /mnt"));
    assertEquals(SysResult.ok(1, List.of("f")), o.result("readdir /mnt/d"));
    assertEquals("ext4:world/mounts/fs-3:" + file.ino(), o.ok("id").data());
    assertEquals(OK, o.result("umount2"));
    assertEquals(SysResult.ok(0, List.of()), o.result("readdir /mnt after")); // the tmpfs /mnt again
  }

  @Test
  void driverErrnos() {
    LoopWorld.Outcome o = LoopWorld.run1(sim, e -> List.of(
        e.setup(),
        step("mknod /dev/other", () -> e.vfs.mknod("/dev/other", flags -> null) /* not a block device */),
        step("mount other", () -> e.vfs.mount("/dev/other", "/mnt", "ext4", 0, null)),
        step("mount unbound", () -> e.vfs.mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        e.setFd(false),
        step("mount no fs", () -> e.vfs.mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("LOOP_CLR_FD after failed mount", () -> e.loop.ioctl(LoopIoctl.LOOP_CLR_FD, IoctlArg.none())), // the adapter was dropped
        e.setFd(false),
        e.mkfs(),
        step("mount", () -> e.vfs.mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("mkdir /mnt2", () -> e.vfs.mkdir("/mnt2")),
        step("mount again", () -> e.vfs.mount("/dev/loop0", "/mnt2", "ext4", 0, null)),
        step("mkfs mounted", () -> LoopExt4Driver.mkfs(e.loop)),
        step("umount2", () -> e.vfs.umount2("/mnt", 0)),
        step("mount after umount", () -> e.vfs.mount("/dev/loop0", "/mnt2", "ext4", 0, null)),
        step("umount2 DETACH", () -> e.vfs.umount2("/mnt2", kernsim.fs.vfs.Flags.MNT_DETACH)),
        step("LOOP_CLR_FD after detach", () -> e.loop.ioctl(LoopIoctl.LOOP_CLR_FD, IoctlArg.none()))));
    assertEquals(Errno.ENODEV, o.errno("mount other"));
    assertEquals(Errno.ENXIO, o.errno("mount unbound"));
    assertEquals(Errno.EIO, o.errno("mount no fs"));
    assertEquals(OK, o.result("LOOP_CLR_FD after failed mount"));
    assertEquals(OK, o.result("mount"));
    assertEquals(Errno.EBUSY, o.errno("mount again"));
    assertEquals(Errno.EBUSY, o.errno("mkfs mounted"));
    assertEquals(OK, o.result("umount2"));
    assertEquals(OK, o.result("mount after umount"));
    assertEquals(OK, o.result("umount2 DETACH"));
    assertEquals(OK, o.result("LOOP_CLR_FD after detach")); // detach dropped the adapter
    assertEquals(o.of(LoopEvents.AdapterCreated.class).size(), o.of(LoopEvents.AdapterDropped.class).size());
  }

  @Test
  void umountOfADeviceMadeReadOnlyWithDirtyDataIsEioAfterTheUnmount() {
    // The adapter keeps the ro it was made with, so ext4 dirties the cache; the write-back then refuses.
    LoopWorld.Outcome o = LoopWorld.run1(sim, e -> List.of(
        e.setup(),
        e.setFd(false),
        e.mkfs(),
        step("mount", () -> e.vfs.mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("BLKROSET 1", () -> e.loop.ioctl(LoopIoctl.BLKROSET, new IoctlArg.Int(1))),
        e.located("create /mnt/f", "/mnt/f", () -> e.vfs.create("/mnt/f")),
        step("write", () -> e.ops("/mnt/f").writeAt(0, ascii("lost"))),
        step("umount2", () -> e.vfs.umount2("/mnt", 0)),
        step("mounts", e.vfs::mounts),
        step("LOOP_CLR_FD", () -> e.loop.ioctl(LoopIoctl.LOOP_CLR_FD, IoctlArg.none()))));
    assertEquals(SysResult.ok(4), o.result("write"));
    assertEquals(Errno.EIO, o.errno("umount2"));
    @SuppressWarnings("unchecked")
    List<MountTable.MountInfo> mounts = (List<MountTable.MountInfo>) o.ok("mounts").data();
    MountTable.MountInfo ext4 = mounts.stream().filter(m -> m.type().equals("ext4")).findFirst().orElseThrow();
    assertEquals(MountTable.State.UNMOUNTED, ext4.state()); // only the write-back failed
    int unmount = o.at(x -> x.equals(new MountTable.Changed("unmount", ext4.id())));
    int dropped = o.at(unmount, x -> x instanceof LoopEvents.AdapterDropped);
    assertTrue(unmount >= 0 && unmount < dropped, unmount + " < " + dropped);
    assertEquals(Errno.EIO, o.errno("LOOP_CLR_FD")); // still dirty on a read-only device
    assertEquals(-1, o.at(unmount, x -> x instanceof LoopEvents.BackingWrite), "nothing reached the file");
  }
}
