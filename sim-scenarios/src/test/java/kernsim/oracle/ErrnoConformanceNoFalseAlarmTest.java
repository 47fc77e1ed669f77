package kernsim.oracle;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.dup;
import static kernsim.cpu.Syscalls.ftruncate;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.ioctlFd;
import static kernsim.cpu.Syscalls.memfdCreate;
import static kernsim.cpu.Syscalls.mkdir;
import static kernsim.cpu.Syscalls.mkfsExt4;
import static kernsim.cpu.Syscalls.mount;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.pipe2;
import static kernsim.cpu.Syscalls.pread;
import static kernsim.cpu.Syscalls.umount2;
import static kernsim.cpu.Syscalls.write;
import static kernsim.dev.loop.LoopIoctl.BLKFLSBUF;
import static kernsim.dev.loop.LoopIoctl.BLKGETSIZE64;
import static kernsim.dev.loop.LoopIoctl.BLKPG;
import static kernsim.dev.loop.LoopIoctl.BLKROGET;
import static kernsim.dev.loop.LoopIoctl.BLKROSET;
import static kernsim.dev.loop.LoopIoctl.BLKSSZGET;
import static kernsim.dev.loop.LoopIoctl.HDIO_GETGEO;
import static kernsim.dev.loop.LoopIoctl.LOOP_CLR_FD;
import static kernsim.dev.loop.LoopIoctl.LOOP_GET_STATUS;
import static kernsim.dev.loop.LoopIoctl.LOOP_GET_STATUS64;
import static kernsim.dev.loop.LoopIoctl.LOOP_SET_FD;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_DIRECTORY;
import static kernsim.fs.file.Uapi.O_EXCL;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static kernsim.fs.vfs.Flags.MNT_DETACH;
import static kernsim.fs.vfs.Flags.MNT_EXPIRE;
import static kernsim.fs.vfs.Flags.MS_RDONLY;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Simulator;
import kernsim.cpu.Kernel;
import kernsim.cpu.Stmt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No false alarms: programs with no race the oracle could see (one hart), or whose races do not show in
 * results, explored with random and PCT schedules; the errno oracle must never fail them.
 */
class ErrnoConformanceNoFalseAlarmTest {
  static final int ITERATIONS = 200;
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** Explores {@code spec} with random and PCT schedules; every run must end without a failure. */
  static void neverFails(String name, Kernel.Spec spec) {
    var world = ErrnoConformanceRaceTest.world(name, spec);
    for (ExploreOptions o : List.of(ExploreOptions.random(7, ITERATIONS), ExploreOptions.pct(7, ITERATIONS, 3))) {
      ExploreResult x = sim.explore(world, o);
      assertFalse(x.found(), () -> name + " (" + o.strategy() + ", seed 7, iteration "
          + x.failing().orElseThrow().iteration() + "): " + x.failing().orElseThrow().outcome());
    }
  }

  static List<Stmt> image() {
    return List.of(open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024), close("img"));
  }

  /** Every loop ioctl the oracle models, through its errno paths, and ext4 on the device. */
  @Test
  void aSequentialLoopDeviceProgram() {
    neverFails("errno: sequential loop device program", loopProgram());
  }

  static Kernel.Spec loopProgram() {
    return new Kernel.Spec(1, image(), List.of(List.of(
        open("/dev/loop0", O_RDWR).as("ld"),
        ioctl("ld", LOOP_CLR_FD), // ENXIO
        ioctl("ld", LOOP_GET_STATUS64), // ENXIO
        ioctl("ld", LOOP_GET_STATUS), // ENXIO
        ioctl("ld", BLKGETSIZE64), // ENXIO
        ioctl("ld", BLKFLSBUF), // 0: no cache
        mount("/dev/loop0", "/mnt", "ext4", 0, null), // ENXIO
        mkfsExt4("/dev/loop0"), // ENXIO
        ioctlFd("ld", LOOP_SET_FD, "nofd"), // EBADF
        open("/mnt", O_RDONLY).as("d"),
        ioctlFd("ld", LOOP_SET_FD, "d"), // EINVAL: a directory
        memfdCreate("m", 0).as("m"),
        ioctlFd("ld", LOOP_SET_FD, "m"), // EINVAL: a memfd is no File (a device node would bind)
        open("/img", O_RDWR).as("img"),
        ioctlFd("ld", LOOP_SET_FD, "img"),
        ioctlFd("ld", LOOP_SET_FD, "img"), // EBUSY
        ioctl("ld", LOOP_GET_STATUS64),
        ioctl("ld", BLKGETSIZE64),
        ioctl("ld", HDIO_GETGEO),
        ioctl("ld", BLKSSZGET),
        ioctl("ld", BLKROGET),
        ioctl("ld", BLKROSET, 2), // EINVAL
        ioctl("ld", BLKPG), // ENOTTY
        ioctl("ld", BLKROSET, 1),
        mkfsExt4("/dev/loop0"), // fails: read-only
        ioctl("ld", BLKFLSBUF), // EIO: read-only with a cache
        ioctl("ld", BLKROSET, 0),
        mkfsExt4("/dev/loop0"),
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        mount("/dev/loop0", "/mnt", "ext4", 0, null), // EBUSY: mounted
        ioctl("ld", LOOP_CLR_FD), // EBUSY
        open("/mnt/a", O_RDWR | O_CREAT).as("fd"),
        write("fd", "hello"),
        umount2("/mnt", 0), // EBUSY: fd
        close("fd"),
        ioctl("ld", BLKFLSBUF),
        umount2("/", 0), // EBUSY
        umount2("/dev", 0), // EINVAL
        umount2("/nowhere", 0), // ENOENT
        umount2("/mnt", 16), // EINVAL
        umount2("/mnt", 0),
        umount2("/mnt", 0), // EINVAL
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        open("/mnt/b", O_RDWR | O_CREAT).as("fd"),
        write("fd", "dirty"),
        close("fd"),
        ioctl("ld", BLKROSET, 1),
        umount2("/mnt", 0), // EIO: dirty on a read-only device
        ioctl("ld", LOOP_CLR_FD), // EIO
        ioctl("ld", BLKROSET, 0),
        ioctl("ld", LOOP_CLR_FD),
        ioctl("ld", LOOP_CLR_FD), // ENXIO
        mount("/img", "/mnt", "ext4", 0, null), // ENODEV
        mount("none", "/mnt", "bogus", 0, null), // ENODEV
        open("/img", O_RDONLY).as("rimg"),
        ioctlFd("ld", LOOP_SET_FD, "rimg"), // read-only
        ioctl("ld", BLKROGET),
        mount("/dev/loop0", "/mnt", "ext4", MS_RDONLY, null),
        umount2("/mnt", 0),
        ioctl("ld", LOOP_CLR_FD),
        close("ld"),
        close("ld"), // EBADF
        open("/dev/loop0", O_RDWR | O_EXCL).as("ex"),
        open("/dev/loop0", O_RDWR).as("ld2"), // EBUSY
        open("/dev/loop0", O_RDWR | O_EXCL).as("ex2"), // EBUSY
        close("ex"),
        open("/dev/loop0", O_RDWR).as("ld2"),
        close("ld2"),
        open("/dev/loop-control", O_RDWR).as("ctl"),
        ioctl("ctl", LOOP_CLR_FD), // ENOTTY
        close("ctl"))));
  }

  /** Paths, tmpfs mounts (stacked, nested, read-only, detached), cgroup2, fds that are on no mount. */
  @Test
  void aSequentialMountAndPathProgram() {
    neverFails("errno: sequential mount and path program", pathProgram());
  }

  static Kernel.Spec pathProgram() {
    return new Kernel.Spec(0, List.of(), List.of(List.of(
        mkdir("/mnt/d"),
        mkdir("/mnt/d"), // EEXIST
        open("/mnt/d", O_RDWR).as("x"), // EISDIR
        open("/f", O_RDWR | O_CREAT).as("f"),
        open("/f", O_RDWR | O_CREAT | O_EXCL).as("x"), // EEXIST
        open("/f", O_RDONLY | O_DIRECTORY).as("x"), // ENOTDIR
        open("/f/x", O_RDONLY).as("x"), // ENOTDIR
        open("/mnt/../f", O_RDONLY).as("x"), // EINVAL
        open("/nope", O_RDONLY).as("x"), // ENOENT
        mount("none", "/f", "tmpfs", 0, null), // ENOTDIR
        mount("none", "/nowhere", "tmpfs", 0, null), // ENOENT
        mount("none", "/mnt", "tmpfs", MS_RDONLY, null),
        mkdir("/mnt/e"), // EROFS
        open("/mnt/g", O_RDWR | O_CREAT).as("x"), // EROFS
        umount2("/mnt", 0),
        open("/mnt/d", O_RDONLY).as("g"),
        close("g"),
        mount("none", "/mnt", "tmpfs", 0, null),
        mkdir("/mnt/sub"),
        mount("none", "/mnt/sub", "tmpfs", 0, null),
        umount2("/mnt", 0), // EBUSY: a mount on it
        mount("none", "/mnt/sub", "tmpfs", 0, null),
        open("/mnt/sub/h", O_RDWR | O_CREAT).as("h"),
        close("h"),
        umount2("/mnt/sub", 0),
        open("/mnt/sub/h", O_RDWR).as("h"), // ENOENT
        umount2("/mnt/sub", 0),
        umount2("/mnt/sub", 0), // EINVAL
        umount2("/mnt", 0),
        mount("none", "/mnt", "tmpfs", 0, null),
        open("/mnt/k", O_RDWR | O_CREAT).as("k"),
        umount2("/mnt", MNT_EXPIRE | MNT_DETACH), // EINVAL
        umount2("/mnt", MNT_DETACH),
        close("k"),
        open("/mnt/k", O_RDONLY).as("k"), // ENOENT
        mount("none", "/mnt", "cgroup2", 0, null),
        open("/mnt/cgroup.controllers", O_RDONLY).as("cg"),
        pread("cg", 64, 0),
        close("cg"),
        umount2("/mnt", 0),
        memfdCreate("m", 0).as("m"),
        pipe2("r", "w", 0),
        dup("f").as("f2"),
        ioctl("m", BLKFLSBUF), // ENOTTY
        close("m"),
        close("r"),
        close("w"),
        close("f2"),
        close("f"),
        close("f")))); // EBADF
  }

  /** Two harts binding, unbinding, flushing and asking for the status of one device that is never mounted. */
  @Test
  void twoHartsBindingAndUnbindingADevice() {
    neverFails("errno: SET_FD/CLR_FD/BLKFLSBUF/GET_STATUS64 (2 harts, no mount)", new Kernel.Spec(1, image(), List.of(
        List.of(open("/img", O_RDWR).as("img"), open("/dev/loop0", O_RDWR).as("ld"),
            ioctlFd("ld", LOOP_SET_FD, "img"), ioctl("ld", LOOP_GET_STATUS64), ioctl("ld", BLKFLSBUF),
            ioctl("ld", LOOP_CLR_FD), ioctlFd("ld", LOOP_SET_FD, "img"), ioctl("ld", LOOP_CLR_FD)),
        List.of(open("/img", O_RDONLY).as("img"), open("/dev/loop0", O_RDWR).as("ld"),
            ioctl("ld", BLKFLSBUF), ioctlFd("ld", LOOP_SET_FD, "img"), ioctl("ld", LOOP_GET_STATUS64),
            ioctl("ld", LOOP_CLR_FD), ioctl("ld", BLKFLSBUF), ioctl("ld", LOOP_GET_STATUS64)))));
  }

  /** As above on a device with a cache (mounted and unmounted once), so BLKFLSBUF and CLR_FD meet one. */
  @Test
  void twoHartsOnADeviceWithACache() {
    List<Stmt> setup = new java.util.ArrayList<>(boundAndFormatted());
    setup.addAll(List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null), umount2("/mnt", 0)));
    neverFails("errno: BLKFLSBUF/CLR_FD/BLKROSET/GET_STATUS64 on a cache (2 harts)", new Kernel.Spec(1, setup, List.of(
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", BLKFLSBUF), ioctl("ld", LOOP_CLR_FD),
            ioctl("ld", LOOP_GET_STATUS64)),
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", BLKROSET, 1), ioctl("ld", BLKFLSBUF),
            ioctl("ld", LOOP_GET_STATUS64), ioctl("ld", BLKROSET, 0)))));
  }

  /** {@code cpu.AtomicityTest}'s program: BLKFLSBUF against LOOP_CLR_FD, whose regions interleave. */
  @Test
  void theAtomicityTestProgram() {
    List<Stmt> setup = List.of(
        open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LOOP_SET_FD, "img"),
        close("ld"), close("img"));
    neverFails("errno: blkflsbuf-vs-clr-fd", new Kernel.Spec(1, setup, List.of(
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", BLKFLSBUF)),
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LOOP_CLR_FD)))));
  }

  static List<Stmt> boundAndFormatted() {
    return List.of(
        open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LOOP_SET_FD, "img"),
        mkfsExt4("/dev/loop0"), close("ld"), close("img"));
  }

  /** {@code cpu.StackTest}'s programs: ext4 on loop through the VFS, one hart each. */
  @Test
  void theStackTestPrograms() {
    neverFails("errno: stack write-remount-read", new Kernel.Spec(1, boundAndFormatted(), List.of(List.of(
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        open("/mnt/a", O_RDWR | O_CREAT).as("fd"),
        write("fd", "written through ext4-lite"),
        close("fd"),
        umount2("/mnt", 0),
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        open("/mnt/a", O_RDONLY).as("fd2"),
        pread("fd2", 64, 0)))));
    neverFails("errno: stack clr-fd while mounted", new Kernel.Spec(1, boundAndFormatted(), List.of(List.of(
        open("/dev/loop0", O_RDWR).as("ld"),
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        ioctl("ld", LOOP_CLR_FD),
        umount2("/mnt", 0),
        ioctl("ld", LOOP_CLR_FD),
        mount("/dev/loop0", "/mnt", "ext4", 0, null)))));
    neverFails("errno: stack busy", new Kernel.Spec(1, boundAndFormatted(), List.of(List.of(
        mount("/dev/loop0", "/mnt", "ext4", 0, null),
        open("/mnt/a", O_RDWR | O_CREAT).as("fd"),
        umount2("/mnt", 0),
        close("fd"),
        umount2("/mnt", 0)))));
  }

  /** {@code cpu.Workloads.mixed}'s program: mount, writes and umount against BLKFLSBUF. */
  @Test
  void theMixedWorkload() {
    neverFails("errno: mixed-2", new Kernel.Spec(1, boundAndFormatted(), List.of(
        List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null), open("/mnt/log", O_RDWR | O_CREAT).as("fd"),
            write("fd", "record 0\n"), write("fd", "record 1\n"), close("fd"), umount2("/mnt", 0)),
        List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", BLKFLSBUF), ioctl("ld", BLKFLSBUF),
            ioctl("ld", BLKFLSBUF)))));
  }

  /** Under linux loop-control answers a loop device's ioctl with ENOSYS (what Linux 6.18 does, conform/control.ksim). */
  @Test
  void loopControlUnderLinux() {
    kernsim.dev.Semantics linux = kernsim.dev.Semantics.of("linux", List.of());
    Kernel.Spec spec = new Kernel.Spec(1, kernsim.cpu.Boot.EMPTY, List.of(), List.of(List.of(
        open("/dev/loop-control", O_RDWR).as("ctl"),
        ioctl("ctl", LOOP_CLR_FD), // ENOSYS
        ioctl("ctl", BLKGETSIZE64), // ENOSYS
        close("ctl"))), List.of("hart-1"), linux);
    var world = kernsim.actors.WorldSpec.of("errno: loop-control under linux", "test", "ctl", w -> Kernel.create(w, spec),
        w -> List.of(new ErrnoConformance(ErrnoConformance.start(linux, Kernel.bootCalls(spec.loops())))));
    ExploreResult x = sim.explore(world, ExploreOptions.random(7, 5));
    assertFalse(x.found(), () -> "loop-control under linux: " + x.failing().orElseThrow().outcome());
  }
}
