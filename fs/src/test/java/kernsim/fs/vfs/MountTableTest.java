package kernsim.fs.vfs;

import static kernsim.fs.vfs.Flags.MNT_DETACH;
import static kernsim.fs.vfs.Flags.MNT_EXPIRE;
import static kernsim.fs.vfs.Flags.MNT_FORCE;
import static kernsim.fs.vfs.Flags.MS_BIND;
import static kernsim.fs.vfs.Flags.MS_MOVE;
import static kernsim.fs.vfs.Flags.MS_PRIVATE;
import static kernsim.fs.vfs.Flags.MS_RDONLY;
import static kernsim.fs.vfs.Flags.MS_REC;
import static kernsim.fs.vfs.Flags.MS_REMOUNT;
import static kernsim.fs.vfs.Flags.MS_SHARED;
import static kernsim.fs.vfs.Flags.MS_SLAVE;
import static kernsim.fs.vfs.Flags.MS_UNBINDABLE;
import static kernsim.fs.vfs.Flags.UMOUNT_NOFOLLOW;
import static kernsim.fs.vfs.VfsWorld.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.BackingImage;
import kernsim.fs.file.RamFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mount table through sys_mount, sys_umount2 and sys_pivot_root, one hart, every errno path. */
class MountTableTest {
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

  private static void assertErr(Errno expected, SysResult r) {
    assertEquals(expected, r.errno(), () -> "expected " + expected + ", got " + r);
  }

  private static void assertOk(SysResult r) {
    assertTrue(r.isOk(), () -> "expected success, got " + r);
  }

  @SuppressWarnings("unchecked")
  private static List<MountTable.MountInfo> mounts(SysResult r) {
    return (List<MountTable.MountInfo>) ((SysResult.Ok) r).data();
  }

  private static MountTable.MountInfo mount(SysResult r, int id) {
    return mounts(r).stream().filter(m -> m.id() == id).findFirst().orElseThrow();
  }

  private static Location location(SysResult r) {
    return (Location) ((SysResult.Ok) r).data();
  }

  @Test
  void umountFlagsAndNonMountPoints() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /mnt", () -> e.vfs().mkdir("/mnt")),
        step("umount2(/mnt, 0x10)", () -> e.vfs().umount2("/mnt", 0x10)),
        step("umount2(/mnt, EXPIRE|DETACH)", () -> e.vfs().umount2("/mnt", MNT_EXPIRE | MNT_DETACH)),
        step("umount2(/mnt, EXPIRE|FORCE)", () -> e.vfs().umount2("/mnt", MNT_EXPIRE | MNT_FORCE)),
        step("umount2(/nope, 0)", () -> e.vfs().umount2("/nope", 0)),
        step("umount2(/mnt, 0)", () -> e.vfs().umount2("/mnt", 0)),
        step("umount2(/mnt, NOFOLLOW)", () -> e.vfs().umount2("/mnt", UMOUNT_NOFOLLOW)),
        step("umount2(/, 0)", () -> e.vfs().umount2("/", 0))));
    assertOk(s.result(0));
    assertErr(Errno.EINVAL, s.result(1));
    assertErr(Errno.EINVAL, s.result(2));
    assertErr(Errno.EINVAL, s.result(3));
    assertErr(Errno.ENOENT, s.result(4));
    assertErr(Errno.EINVAL, s.result(5)); // not a mount point
    assertErr(Errno.EINVAL, s.result(6));
    assertErr(Errno.EBUSY, s.result(7)); // the root is everyone's root
  }

  @Test
  void tmpfsMountUmountAndForceIsAccepted() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /mnt", () -> e.vfs().mkdir("/mnt")),
        step("mount tmpfs /mnt", () -> e.vfs().mount("none", "/mnt", "tmpfs", 0, null)),
        step("create /mnt/f", () -> e.vfs().create("/mnt/f")),
        step("open /mnt/f", () -> e.vfs().open("/mnt/f")),
        step("umount2(/mnt, FORCE)", () -> e.vfs().umount2("/mnt", MNT_FORCE)),
        step("open /mnt/f", () -> e.vfs().open("/mnt/f")),
        step("mounts", () -> e.vfs().mounts())));
    assertEquals(OK, s.result(1));
    assertEquals(2, location(s.result(3)).mountId());
    assertEquals(OK, s.result(4));
    assertErr(Errno.ENOENT, s.result(5)); // back on the root fs's empty /mnt
    assertEquals(MountTable.State.UNMOUNTED, mount(s.result(6), 2).state());
    assertEquals("tmpfs", mount(s.result(6), 2).type());
  }

  @Test
  void expireMarksFirstThenUnmounts() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /mnt", () -> e.vfs().mkdir("/mnt")),
        step("mount tmpfs /mnt", () -> e.vfs().mount("none", "/mnt", "tmpfs", 0, null)),
        step("umount2(/mnt, EXPIRE)", () -> e.vfs().umount2("/mnt", MNT_EXPIRE)),
        step("mounts", () -> e.vfs().mounts()),
        step("umount2(/mnt, EXPIRE)", () -> e.vfs().umount2("/mnt", MNT_EXPIRE)),
        step("mounts", () -> e.vfs().mounts())));
    assertErr(Errno.EAGAIN, s.result(2));
    assertTrue(mount(s.result(3), 2).expired());
    assertEquals(MountTable.State.ATTACHED, mount(s.result(3), 2).state());
    assertEquals(OK, s.result(4));
    assertEquals(MountTable.State.UNMOUNTED, mount(s.result(5), 2).state());
  }

  @Test
  void busyWithAnOpenFdOrACwdInsideOrASubmount() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /mnt", () -> e.vfs().mkdir("/mnt")),
        step("mount tmpfs /mnt", () -> e.vfs().mount("none", "/mnt", "tmpfs", 0, null)),
        step("create /mnt/f", () -> e.vfs().create("/mnt/f")),
        step("open /mnt/f", () -> e.tasks().openFd(e.vfs().open("/mnt/f"))),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0)), // 4 EBUSY: fd
        step("close", () -> e.tasks().closeFd(2)),
        step("chdir /mnt", () -> e.vfs().chdir("/mnt")),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0)), // 7 EBUSY: cwd
        step("chdir /", () -> e.vfs().chdir("/")),
        step("mkdir /mnt/sub", () -> e.vfs().mkdir("/mnt/sub")),
        step("mount tmpfs /mnt/sub", () -> e.vfs().mount("none", "/mnt/sub", "tmpfs", 0, null)),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0)), // 11 EBUSY: submount
        step("umount2(/mnt/sub)", () -> e.vfs().umount2("/mnt/sub", 0)),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0))));
    assertErr(Errno.EBUSY, s.result(4));
    assertErr(Errno.EBUSY, s.result(7));
    assertErr(Errno.EBUSY, s.result(11));
    assertEquals(OK, s.result(12));
    assertEquals(OK, s.result(13));
  }

  @Test
  void propagationFlags() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /mnt", () -> e.vfs().mkdir("/mnt")),
        step("mount(SHARED|PRIVATE)", () -> e.vfs().mount("", "/mnt", null, MS_SHARED | MS_PRIVATE, null)),
        step("mount(SLAVE|UNBINDABLE|REC)", () -> e.vfs().mount("", "/", null, MS_SLAVE | MS_UNBINDABLE | MS_REC, null)),
        step("mount(SHARED|RDONLY)", () -> e.vfs().mount("", "/", null, MS_SHARED | MS_RDONLY, null)),
        step("mount(SHARED) not a mount root", () -> e.vfs().mount("", "/mnt", null, MS_SHARED, null)),
        step("mount(SHARED) missing", () -> e.vfs().mount("", "/nope", null, MS_SHARED, null)),
        step("mount(SHARED|REC) /", () -> e.vfs().mount("", "/", null, MS_SHARED | MS_REC, null)),
        step("mounts", () -> e.vfs().mounts())));
    assertErr(Errno.EINVAL, s.result(1));
    assertErr(Errno.EINVAL, s.result(2));
    assertErr(Errno.EINVAL, s.result(3));
    assertErr(Errno.EINVAL, s.result(4));
    assertErr(Errno.ENOENT, s.result(5));
    assertEquals(OK, s.result(6));
    assertEquals(MountTable.Propagation.SHARED, mount(s.result(7), 1).propagation());
  }

  @Test
  void unknownTypesAndMissingDriversAreNoDevice() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /mnt", () -> e.vfs().mkdir("/mnt")),
        step("mount nfs", () -> e.vfs().mount("srv:/x", "/mnt", "nfs", 0, null)),
        step("mount no type", () -> e.vfs().mount("x", "/mnt", null, 0, null)),
        step("mount ext4 without driver", () -> e.vfs().mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("mount cgroup2", () -> e.vfs().mount("none", "/mnt", "cgroup2", MS_RDONLY, null)),
        step("readdir /mnt", () -> e.vfs().readdir("/mnt")),
        step("mkdir /mnt/x", () -> e.vfs().mkdir("/mnt/x")),
        step("mount tmpfs /nope", () -> e.vfs().mount("none", "/nope", "tmpfs", 0, null))));
    assertErr(Errno.ENODEV, s.result(1));
    assertErr(Errno.ENODEV, s.result(2));
    assertErr(Errno.ENODEV, s.result(3));
    assertEquals(OK, s.result(4));
    assertEquals(SysResult.ok(1, List.of("cgroup.controllers")), s.result(5));
    assertErr(Errno.EROFS, s.result(6));
    assertErr(Errno.ENOENT, s.result(7));
  }

  @Test
  void remountReadonlyBindAndMove() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /a", () -> e.vfs().mkdir("/a")),
        step("mkdir /b", () -> e.vfs().mkdir("/b")),
        step("mkdir /c", () -> e.vfs().mkdir("/c")),
        step("remount /a (not a mount)", () -> e.vfs().mount("", "/a", null, MS_REMOUNT | MS_RDONLY, null)),
        step("mount tmpfs /a", () -> e.vfs().mount("none", "/a", "tmpfs", 0, null)),
        step("mkdir /a/d", () -> e.vfs().mkdir("/a/d")),
        step("bind /a/d on /b, ro", () -> e.vfs().mount("/a/d", "/b", null, MS_BIND | MS_RDONLY, null)), // 6
        step("create /a/d/f", () -> e.vfs().create("/a/d/f")),
        step("open /b/f", () -> e.vfs().open("/b/f")), // 8: same file through the bind
        step("create /b/g", () -> e.vfs().create("/b/g")), // 9 EROFS
        step("move /a to /c", () -> e.vfs().mount("/a", "/c", null, MS_MOVE, null)), // 10
        step("open /c/d/f", () -> e.vfs().open("/c/d/f")),
        step("open /a/d", () -> e.vfs().open("/a/d")), // 12 ENOENT
        step("move /c/d (not a mount root)", () -> e.vfs().mount("/c/d", "/a", null, MS_MOVE, null)),
        step("remount /c ro", () -> e.vfs().mount("", "/c", null, MS_REMOUNT | MS_RDONLY, null)),
        step("mkdir /c/e", () -> e.vfs().mkdir("/c/e")), // 15 EROFS
        step("move /c below itself", () -> e.vfs().mount("/c", "/c/d", null, MS_MOVE, null))));
    assertErr(Errno.EINVAL, s.result(3));
    assertEquals(OK, s.result(6));
    assertEquals(location(s.result(7)).node().file(), location(s.result(8)).node().file());
    assertErr(Errno.EROFS, s.result(9));
    assertEquals(OK, s.result(10));
    assertEquals(location(s.result(7)).node().file(), location(s.result(11)).node().file());
    assertErr(Errno.ENOENT, s.result(12));
    assertErr(Errno.EINVAL, s.result(13));
    assertEquals(OK, s.result(14));
    assertErr(Errno.EROFS, s.result(15));
    assertErr(Errno.ELOOP, s.result(16));
  }

  @Test
  void overlayOptionErrorsAndAReadOnlyMergedView() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /l1", () -> e.vfs().mkdir("/l1")),
        step("mkdir /l2", () -> e.vfs().mkdir("/l2")),
        step("mkdir /o", () -> e.vfs().mkdir("/o")),
        step("create /l1/a", () -> e.vfs().create("/l1/a")),
        step("create /l2/a", () -> e.vfs().create("/l2/a")),
        step("create /l2/b", () -> e.vfs().create("/l2/b")),
        step("overlay no data", () -> e.vfs().mount("overlay", "/o", "overlay", 0, null)), // 6
        step("overlay no lowerdir", () -> e.vfs().mount("overlay", "/o", "overlay", 0, "upperdir=/u,workdir=/w")),
        step("overlay empty lowerdir", () -> e.vfs().mount("overlay", "/o", "overlay", 0, "lowerdir=::")),
        step("overlay upper without work", () -> e.vfs().mount("overlay", "/o", "overlay", 0, "lowerdir=/l1,upperdir=/u")),
        step("overlay index=on", () -> e.vfs().mount("overlay", "/o", "overlay", 0, "lowerdir=/l1,index=on")), // 10
        step("overlay redirect_dir=on", () -> e.vfs().mount("overlay", "/o", "overlay", 0, "redirect_dir=on,lowerdir=/l1")),
        step("overlay missing lower", () -> e.vfs().mount("overlay", "/o", "overlay", 0, "lowerdir=/l1:/zz")),
        step("overlay", () -> e.vfs().mount("overlay", "/o", "overlay", 0, "lowerdir=/l1:/l2,index=off,xino")), // 13
        step("readdir /o", () -> e.vfs().readdir("/o")),
        step("open /o/a", () -> e.vfs().open("/o/a")), // 15: from l1
        step("open /o/b", () -> e.vfs().open("/o/b")),
        step("create /o/c", () -> e.vfs().create("/o/c")), // 17 EROFS
        step("mounts", () -> e.vfs().mounts())));
    assertErr(Errno.EINVAL, s.result(6));
    assertErr(Errno.EINVAL, s.result(7));
    assertErr(Errno.EINVAL, s.result(8));
    assertErr(Errno.EINVAL, s.result(9));
    assertErr(Errno.EOPNOTSUPP, s.result(10));
    assertErr(Errno.EOPNOTSUPP, s.result(11));
    assertErr(Errno.ENOENT, s.result(12));
    assertEquals(OK, s.result(13));
    assertEquals(SysResult.ok(2, List.of("a", "b")), s.result(14));
    assertEquals(location(s.result(3)).node().file(), location(s.result(15)).node().file());
    assertEquals(location(s.result(5)).node().file(), location(s.result(16)).node().file());
    assertErr(Errno.EROFS, s.result(17));
    MountTable.MountInfo o = mount(s.result(18), 2);
    assertEquals("overlay", o.type());
    assertTrue(o.readonly()); // no upperdir
  }

  /** Creates /img on the root tmpfs, /dev as devtmpfs, and /dev/loop0 naming /img's file. */
  private static Code ext4Setup(VfsWorld.Env e) {
    Vfs v = e.vfs();
    return Code.then(v.create("/img"), img -> Code.then(v.mkdir("/dev"),
        x -> Code.then(v.mount("none", "/dev", "devtmpfs", 0, null),
            y -> Code.then(v.mknod("/dev/loop0", new FakeExt4.FileNode(((Location) img.data()).node().file())),
                z -> Code.then(v.mkdir("/mnt"), w -> Code.done(img))))));
  }

  private static Code failSyncs(SysResult img) {
    return RamFile.setFaults(((Location) ((SysResult.Ok) img).data()).node().file(),
        new BackingImage.Faults(false, true));
  }

  @Test
  void ext4WritebackRunsAfterTheUnmountAndItsEioIsReturned() {
    SysResult[] img = new SysResult[1];
    VfsWorld.Seq s = VfsWorld.run(sim, new FakeExt4(), e -> List.of(
        step("setup", () -> Code.bind(ext4Setup(e), v -> Code.done(img[0] = (SysResult) v))),
        step("mount ext4 /img (not a device)", () -> e.vfs().mount("/img", "/mnt", "ext4", 0, null)),
        step("mount ext4 /dev/loop0", () -> e.vfs().mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("create /mnt/f", () -> e.vfs().create("/mnt/f")),
        step("fail syncs", () -> failSyncs(img[0])),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0)), // 5 EIO
        step("mounts", () -> e.vfs().mounts())));
    assertErr(Errno.ENODEV, s.result(1));
    assertEquals(OK, s.result(2));
    assertErr(Errno.EIO, s.result(5));
    MountTable.MountInfo m = mount(s.result(6), 3);
    assertEquals("ext4", m.type());
    assertEquals(MountTable.State.UNMOUNTED, m.state()); // the unmount happened; only the write-back failed
    assertTrue(m.hasWriteback());
    int unmount = s.step("world/mounts", "Unmount(mountId=3");
    int sync = s.step("world/mounts/fs-1/file-2", "Sync(");
    assertTrue(unmount > 0 && sync > unmount, "write-back after unmount: " + unmount + " < " + sync);
  }

  @Test
  void ext4UmountSyncsTheImageAndDetachSkipsTheCallback() {
    VfsWorld.Seq s = VfsWorld.run(sim, new FakeExt4(), e -> List.of(
        step("setup", () -> ext4Setup(e)),
        step("mount ext4 ro", () -> e.vfs().mount("/dev/loop0", "/mnt", "ext4", MS_RDONLY, null)),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0)),
        step("mount ext4", () -> e.vfs().mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("umount2(/mnt, DETACH)", () -> e.vfs().umount2("/mnt", MNT_DETACH)),
        step("mounts", () -> e.vfs().mounts())));
    assertEquals(OK, s.result(2));
    assertEquals(OK, s.result(4));
    assertTrue(mount(s.result(5), 3).readonly());
    assertEquals(MountTable.State.DETACHED, mount(s.result(5), 4).state());
    long syncs = s.seen().stream().filter(o -> o instanceof BackingFile.Synced).count();
    assertEquals(1, syncs, "only the plain umount wrote back");
    assertTrue(s.step("Sync(") < s.step("Detach("));
  }

  /** The index in {@code seen} of the first observation {@code o} with {@code test(o)}, or -1. */
  private static int seenAt(VfsWorld.Seq s, java.util.function.Predicate<Object> test) {
    for (int i = 0; i < s.seen().size(); i++) {
      if (test.test(s.seen().get(i))) {
        return i;
      }
    }
    return -1;
  }

  private static long released(VfsWorld.Seq s) {
    return s.seen().stream().filter(o -> o instanceof TrackedFs.Released).count();
  }

  @Test
  void umountReleasesTheFilesystemAfterTheUnmountAndBeforeTheWriteback() {
    VfsWorld.Seq s = VfsWorld.run(sim, new FakeExt4(), e -> List.of(
        step("setup", () -> ext4Setup(e)),
        step("mount ext4", () -> e.vfs().mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0))));
    assertEquals(OK, s.result(2));
    int unmount = seenAt(s, o -> o.equals(new MountTable.Changed("unmount", 3)));
    int release = seenAt(s, o -> o instanceof TrackedFs.Released);
    int sync = seenAt(s, o -> o instanceof BackingFile.Synced);
    assertTrue(unmount >= 0 && unmount < release && release < sync, unmount + " < " + release + " < " + sync);
    assertEquals(1, released(s));
  }

  @Test
  void detachReleasesTheFilesystemWithoutWriteback() {
    VfsWorld.Seq s = VfsWorld.run(sim, new FakeExt4(), e -> List.of(
        step("setup", () -> ext4Setup(e)),
        step("mount ext4", () -> e.vfs().mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("umount2(/mnt, DETACH)", () -> e.vfs().umount2("/mnt", MNT_DETACH))));
    assertEquals(OK, s.result(2));
    int detach = seenAt(s, o -> o.equals(new MountTable.Changed("detach", 3)));
    int release = seenAt(s, o -> o instanceof TrackedFs.Released);
    assertTrue(detach >= 0 && detach < release, detach + " < " + release);
    assertEquals(1, released(s));
    assertEquals(-1, seenAt(s, o -> o instanceof BackingFile.Synced));
  }

  @Test
  void aFilesystemStillBindMountedIsNotReleased() {
    VfsWorld.Seq s = VfsWorld.run(sim, new FakeExt4(), e -> List.of(
        step("setup", () -> ext4Setup(e)),
        step("mkdir /b", () -> e.vfs().mkdir("/b")),
        step("mount ext4", () -> e.vfs().mount("/dev/loop0", "/mnt", "ext4", 0, null)),
        step("bind /mnt on /b", () -> e.vfs().mount("/mnt", "/b", null, MS_BIND, null)),
        step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0)),
        step("umount2(/b)", () -> e.vfs().umount2("/b", 0))));
    assertEquals(OK, s.result(4));
    assertEquals(OK, s.result(5));
    int lastUnmount = seenAt(s, o -> o.equals(new MountTable.Changed("unmount", 4)));
    int release = seenAt(s, o -> o instanceof TrackedFs.Released);
    assertTrue(lastUnmount >= 0 && lastUnmount < release, lastUnmount + " < " + release);
    assertEquals(1, released(s));
  }

  @Test
  void aFailedExt4MountReleasesWhatTheDriverMade() {
    VfsWorld.Seq s = VfsWorld.run(sim, new FakeExt4(), e -> List.of(
        step("setup", () -> ext4Setup(e)),
        step("mount ext4 on a missing target", () -> e.vfs().mount("/dev/loop0", "/nope", "ext4", 0, null)),
        step("mount ext4 on a file", () -> e.vfs().mount("/dev/loop0", "/img", "ext4", 0, null))));
    assertErr(Errno.ENOENT, s.result(1)); // ctx.resolve(target)? returns its own error
    assertErr(Errno.EIO, s.result(2)); // target_loc.mount(&fs) failing is EIO
    assertEquals(2, released(s));
  }

  @Test
  void pivotRootChecksInOrder() {
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("mkdir /new", () -> e.vfs().mkdir("/new")),
        step("mkdir /new/old", () -> e.vfs().mkdir("/new/old")),
        step("pivot(/new, /newroot/old)", () -> e.vfs().pivotRoot("/new", "/newroot/old")), // 2
        step("pivot(/, /old)", () -> e.vfs().pivotRoot("/", "/old")),
        step("pivot(/new, /new/old) not a mount", () -> e.vfs().pivotRoot("/new", "/new/old")), // 4
        step("pivot(/zz, /zz/old)", () -> e.vfs().pivotRoot("/zz", "/zz/old")),
        step("mount tmpfs /new", () -> e.vfs().mount("none", "/new", "tmpfs", 0, null)),
        step("create /new/f", () -> e.vfs().create("/new/f")),
        step("pivot(/new, /new/f) not a dir", () -> e.vfs().pivotRoot("/new", "/new/f")), // 8
        step("pivot(/new, /new/old) missing", () -> e.vfs().pivotRoot("/new", "/new/old")),
        step("mkdir /new/old", () -> e.vfs().mkdir("/new/old")),
        step("pivot(/new/, /new/old)", () -> e.vfs().pivotRoot("/new/", "/new/old")), // 11
        step("readdir /", () -> e.vfs().readdir("/")),
        step("readdir /old", () -> e.vfs().readdir("/old")),
        step("umount2(/old)", () -> e.vfs().umount2("/old", 0)), // 14: the old root, nobody uses it
        step("readdir /old", () -> e.vfs().readdir("/old")),
        step("mkdir /old2", () -> e.vfs().mkdir("/old2")),
        step("pivot(/., /./old2) the root mount", () -> e.vfs().pivotRoot("/.", "/./old2")))); // 17
    assertErr(Errno.EINVAL, s.result(17));
    assertErr(Errno.EINVAL, s.result(2));
    assertErr(Errno.EINVAL, s.result(3));
    assertErr(Errno.EINVAL, s.result(4));
    assertErr(Errno.ENOENT, s.result(5));
    assertErr(Errno.ENOTDIR, s.result(8));
    assertErr(Errno.ENOENT, s.result(9));
    assertEquals(OK, s.result(11));
    assertEquals(SysResult.ok(2, List.of("f", "old")), s.result(12));
    assertEquals(SysResult.ok(1, List.of("new")), s.result(13));
    assertEquals(OK, s.result(14));
    assertEquals(SysResult.ok(0, List.of()), s.result(15));
    FakeTasks.Propagated p = s.seen().stream().filter(o -> o instanceof FakeTasks.Propagated)
        .map(o -> (FakeTasks.Propagated) o).findFirst().orElseThrow();
    assertEquals(1, p.oldRoot().mountId());
    assertEquals(2, p.newRoot().mountId());
  }

  @Test
  void aBackingFileReadThroughTheTree() {
    // An image file created on tmpfs is a backing file a loop device can read and write.
    VfsWorld.Seq s = VfsWorld.run(sim, null, e -> List.of(
        step("create /img", () -> e.vfs().create("/img")),
        step("write and read", () -> Code.then(e.vfs().open("/img"), ok -> {
          var f = ((Location) ok.data()).node().file();
          return Code.then(Code.sleepingCall(f, r -> new BackingFile.WriteAt(0, new byte[] {1, 2, 3}, r), "write_at", Code::done),
              w -> Code.sleepingCall(f, BackingFile.Length::new, "length", Code::done));
        }))));
    assertEquals(SysResult.ok(3), s.result(1));
  }
}
