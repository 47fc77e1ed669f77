package kernsim.scenario;

import kernsim.cpu.KernelWorld;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One test per row of docs/profiles.md: the hart's results under {@code profile linux}, and under
 * starry where the row says it differs. A result is shown as {@code 0}/{@code n} for success (its
 * value) or the errno's name.
 */
class LinuxProfileTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** The results of hart {@code h}'s statements in a run of {@code body} under {@code profile}. */
  static List<String> results(String profile, String body) throws ScenarioException {
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse("profile " + profile + "\n" + body, "linux.ksim"), 1);
    assertFalse(o.result().failed(), () -> o.result().outcome().toString());
    List<String> out = new ArrayList<>();
    for (Object r : o.results("world/h")) {
      out.add(show(r));
    }
    return out;
  }

  static String show(Object r) {
    if (r instanceof SysResult.Ok ok) {
      return ok.data() instanceof Long l ? "=" + l : Long.toString(ok.value());
    }
    return ((SysResult.Err) r).errno().name();
  }

  private static final String BOUND = """
      setup:
        image /img 16K
        losetup /dev/loop0 /img
      """;

  /** devtmpfs: a device LOOP_CTL_ADD or GET_FREE creates at a new index has its node when the ioctl returns. */
  @Test
  void aDeviceAddedAtANewIndexHasItsNode() throws ScenarioException {
    String s = """
        setup:
          image /img 16K
          losetup /dev/loop0 /img
        hart h:
          ctl = open("/dev/loop-control", O_RDWR)
          ioctl(ctl, LOOP_CTL_GET_FREE)
          d = open("/dev/loop1", O_RDWR)
          ioctl(ctl, LOOP_CTL_ADD, 5)
          e = open("/dev/loop5", O_RDWR)
          ioctl(e, LOOP_GET_STATUS64)
          f = open("/dev/loop2", O_RDWR)
        """;
    for (String profile : List.of("starry", "linux")) {
      assertEquals(List.of("0", "1", "1", "5", "2", "ENXIO", "ENOENT"), results(profile, s), profile);
    }
  }

  /** dup shares the open file description: no second claim, and the claim goes with the last fd. */
  @Test
  void aDupOfAnExclusiveFdIsNoSecondClaimAndTheLastCloseReleasesIt() throws ScenarioException {
    String s = """
        hart h:
          a = open("/dev/loop0", O_RDWR|O_EXCL)
          b = dup(a)
          c = open("/dev/loop0", O_RDWR|O_EXCL)
          close(a)
          c = open("/dev/loop0", O_RDWR|O_EXCL)
          close(b)
          c = open("/dev/loop0", O_RDWR|O_EXCL)
        """;
    for (String profile : List.of("starry", "linux")) {
      assertEquals(List.of("0", "1", "EBUSY", "0", "EBUSY", "0", "0"), results(profile, s), profile);
    }
  }

  /**
   * After LOOP_CTL_REMOVE an open is ENXIO under starry (its /dev/loopN names the minor, which stays) and
   * ENOENT under linux (del_gendisk takes the node, and /sys/block/loopN, away); LOOP_CTL_ADD (or GET_FREE)
   * brings the index, and under linux its nodes, back.
   */
  @Test
  void aRemovedDeviceIsGoneUntilItsIndexIsAddedAgain() throws ScenarioException {
    String removed = """
        loops 2
        setup:
          image /img 16K
          losetup /dev/loop0 /img
        hart h:
          ctl = open("/dev/loop-control", O_RDWR)
          ioctl(ctl, LOOP_CTL_REMOVE, 1)
          d = open("/dev/loop1", O_RDWR)
        """;
    for (String profile : List.of("starry", "linux")) {
      String gone = profile.equals("linux") ? "ENOENT" : "ENXIO";
      assertEquals(List.of("0", "0", gone, "EBADF"), results(profile, removed + "  ioctl(d, LOOP_GET_STATUS64)\n"),
          profile);
      assertEquals(List.of("0", "0", gone, "1", "EEXIST", "1", "ENXIO", "0"), results(profile, removed + """
            ioctl(ctl, LOOP_CTL_ADD, 1)
            ioctl(ctl, LOOP_CTL_ADD, 1)
            d = open("/dev/loop1", O_RDWR)
            ioctl(d, LOOP_GET_STATUS64)
            close(d)
          """), profile);
      // loop0 is bound, so GET_FREE adds the lowest free index: the removed loop1 comes back
      assertEquals(List.of("0", "0", gone, "1", "1", "ENXIO"), results(profile, removed + """
            ioctl(ctl, LOOP_CTL_GET_FREE)
            d = open("/dev/loop1", O_RDWR)
            ioctl(d, LOOP_GET_STATUS64)
          """), profile);
    }
    // the sysfs directory goes with the node under linux, and comes back with the index
    assertEquals(List.of("0", "0", "ENOENT", "1", "1"), results("linux", """
        loops 2
        hart h:
          ctl = open("/dev/loop-control", O_RDWR)
          ioctl(ctl, LOOP_CTL_REMOVE, 1)
          s = open("/sys/block/loop1", O_RDONLY|O_DIRECTORY)
          ioctl(ctl, LOOP_CTL_ADD, 1)
          s = open("/sys/block/loop1", O_RDONLY|O_DIRECTORY)
        """));
  }

  @Test
  void clrFdWithAnotherOpenerSetsAutoclearAndDetachesAtTheLastClose() throws ScenarioException {
    String s = BOUND + """
        hart h:
          a = open("/dev/loop0", O_RDWR)
          b = open("/dev/loop0", O_RDWR)
          ioctl(a, LOOP_CLR_FD)
          ioctl(b, LOOP_GET_STATUS64)
          close(a)
          ioctl(b, BLKGETSIZE64)
          close(b)
          c = open("/dev/loop0", O_RDWR)
          ioctl(c, LOOP_GET_STATUS64)
          ioctl(c, BLKGETSIZE64)
        """;
    assertEquals(List.of("0", "1", "0", "0", "0", "=16384", "0", "0", "ENXIO", "=0"), results("linux", s));
    assertEquals(List.of("0", "1", "0", "ENXIO", "0", "ENXIO", "0", "0", "ENXIO", "ENXIO"), results("starry", s));
  }

  @Test
  void clrFdByTheOnlyOpenerPutsTheDeviceInRundownUntilClose() throws ScenarioException {
    String s = BOUND + """
        hart h:
          ctl = open("/dev/loop-control", O_RDWR)
          a = open("/dev/loop0", O_RDWR)
          ioctl(a, LOOP_CLR_FD)
          ioctl(a, LOOP_GET_STATUS64)
          ioctl(a, LOOP_CLR_FD)
          ioctl(a, LOOP_SET_STATUS64, {flags: 0, file_name: "x"})
          b = open("/dev/loop0", O_RDWR)
          ioctl(ctl, LOOP_CTL_GET_FREE)
          close(a)
          ioctl(ctl, LOOP_CTL_GET_FREE)
          b = open("/dev/loop0", O_RDWR)
        """;
    assertEquals(List.of("0", "1", "0", "ENXIO", "ENXIO", "ENXIO", "ENXIO", "1", "0", "0", "1"), results("linux", s));
  }

  @Test
  void setFdOnABoundDeviceIsBusy() throws ScenarioException {
    String s = BOUND + """
        hart h:
          f = open("/img", O_RDWR)
          a = open("/dev/loop0", O_RDWR)
          ioctl(a, LOOP_SET_FD, f)
          ioctl(a, LOOP_CONFIGURE, f)
        """;
    assertEquals(List.of("0", "1", "EBUSY", "EBUSY"), results("linux", s));
  }

  @Test
  void setFdWhileAnotherFdHoldsOExclIsBusy() throws ScenarioException {
    String s = """
        setup:
          image /img 16K
        hart h:
          f = open("/img", O_RDWR)
          x = open("/dev/loop0", O_RDWR|O_EXCL)
          a = open("/dev/loop0", O_RDWR)
          ioctl(a, LOOP_SET_FD, f)
          ioctl(x, LOOP_SET_FD, f)
        """;
    assertEquals(List.of("0", "1", "2", "EBUSY", "0"), results("linux", s));
    assertEquals(List.of("0", "1", "EBUSY", "EBADF", "0"), results("starry", s));
  }

  @Test
  void oExclOpensConflictWithEachOtherAndWithAMount() throws ScenarioException {
    String s = BOUND + """
          mkfs.ext4 /dev/loop0
        hart h:
          x = open("/dev/loop0", O_RDWR|O_EXCL)
          y = open("/dev/loop0", O_RDWR|O_EXCL)
          z = open("/dev/loop0", O_RDWR)
          mount("/dev/loop0", "/mnt", "ext4", 0)
          close(x)
          mount("/dev/loop0", "/mnt", "ext4", 0)
          y = open("/dev/loop0", O_RDWR|O_EXCL)
          f = open("/img", O_RDWR)
          ioctl(z, LOOP_SET_FD, f)
        """;
    assertEquals(List.of("0", "EBUSY", "1", "EBUSY", "0", "0", "EBUSY", "0", "EBUSY"), results("linux", s));
  }

  @Test
  void clrFdWhileMountedSetsAutoclearAndTheUmountDetaches() throws ScenarioException {
    String s = BOUND + """
          mkfs.ext4 /dev/loop0
        hart h:
          mount("/dev/loop0", "/mnt", "ext4", 0)
          a = open("/dev/loop0", O_RDWR)
          ioctl(a, LOOP_CLR_FD)
          close(a)
          ioctl(a, LOOP_GET_STATUS64)
          b = open("/dev/loop0", O_RDWR)
          ioctl(b, LOOP_GET_STATUS64)
          umount2("/mnt", 0)
          ioctl(b, LOOP_GET_STATUS64)
          close(b)
          c = open("/dev/loop0", O_RDWR)
          ioctl(c, LOOP_GET_STATUS64)
        """;
    assertEquals(List.of("0", "0", "0", "0", "EBADF", "0", "0", "0", "0", "0", "0", "ENXIO"), results("linux", s));
  }

  @Test
  void dataStillInThePageCacheIsLostWhenTheOnlyOpenerClearsAndCloses() throws ScenarioException {
    String s = BOUND + """
        hart h:
          a = open("/dev/loop0", O_RDWR)
          pwrite64(a, "lost", 0)
          ioctl(a, LOOP_CLR_FD)
          close(a)
          f = open("/img", O_RDONLY)
          read(f, 4)
        """;
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse("profile linux\n" + s, "lost.ksim"), 1);
    List<Object> r = o.results("world/h");
    assertEquals(List.of("0", "4", "0", "0", "0"), r.subList(0, 5).stream().map(LinuxProfileTest::show).toList());
    assertEquals("\0\0\0\0", Runs.text(r.get(5)));
  }

  @Test
  void dataWrittenThenFsyncedReachesTheBackingFileAndAutoclearAtLastCloseWritesBack() throws ScenarioException {
    String s = BOUND + """
        hart h:
          a = open("/dev/loop0", O_RDWR)
          b = open("/dev/loop0", O_RDWR)
          pwrite64(a, "kept", 0)
          fsync(a)
          pwrite64(a, "more", 4)
          ioctl(a, LOOP_CLR_FD)
          close(a)
          close(b)
          f = open("/img", O_RDONLY)
          read(f, 8)
        """;
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse("profile linux\n" + s, "kept.ksim"), 1);
    List<Object> r = o.results("world/h");
    assertEquals("keptmore", Runs.text(r.get(9)));
    assertEquals(List.of("0", "1", "4", "0", "4", "0", "0", "0", "0"),
        r.subList(0, 9).stream().map(LinuxProfileTest::show).toList());
  }

  @Test
  void unboundDevice() throws ScenarioException {
    String s = """
        hart h:
          a = open("/dev/loop0", O_RDWR)
          ioctl(a, LOOP_GET_STATUS64)
          ioctl(a, LOOP_CLR_FD)
          ioctl(a, LOOP_SET_STATUS64, {flags: 0, file_name: "x"})
          ioctl(a, LOOP_SET_CAPACITY)
          ioctl(a, BLKGETSIZE64)
          read(a, 16)
          write(a, "x")
        """;
    assertEquals(List.of("0", "ENXIO", "ENXIO", "ENXIO", "ENXIO", "=0", "0", "ENOSPC"), results("linux", s));
    assertEquals(List.of("0", "ENXIO", "ENXIO", "0", "ENOTTY", "ENXIO", "EPERM", "EPERM"), results("starry", s));
  }

  @Test
  void blkrosetMakesWritesFailWithEpermAndAReadOnlyBackingFdForcesReadOnly() throws ScenarioException {
    String s = "loops 2\n" + BOUND + """
          image /img2 16K
          losetup /dev/loop1 /img2 ro
        hart h:
          a = open("/dev/loop0", O_RDWR)
          ioctl(a, BLKROSET, 1)
          write(a, "x")
          ioctl(a, BLKROGET)
          ioctl(a, BLKROSET, 0)
          write(a, "x")
          b = open("/dev/loop1", O_RDWR)
          write(b, "x")
          ioctl(b, BLKROGET)
          ioctl(a, BLKROSET, 2)
        """;
    assertEquals(List.of("0", "0", "EPERM", "=1", "0", "1", "1", "EPERM", "=1", "0"), results("linux", s));
    assertEquals(List.of("0", "0", "EROFS", "=1", "0", "1", "1", "EROFS", "=1", "EINVAL"), results("starry", s));
  }

  @Test
  void blkflsbufReturnsZeroAndUnknownLoopIoctlsAreEinval() throws ScenarioException {
    String s = BOUND + """
        hart h:
          a = open("/dev/loop0", O_RDWR)
          ioctl(a, BLKFLSBUF)
          ioctl(a, HDIO_GETGEO)
          ioctl(a, BLKRRPART)
          ioctl(a, LOOP_CHANGE_FD, a)
        """;
    assertEquals(List.of("0", "0", "ENOTTY", "EINVAL", "EINVAL"), results("linux", s));
    assertEquals(List.of("0", "0", "0", "0", "ENOTTY"), results("starry", s));
  }

  @Test
  void loopControlRemoveAndAdd() throws ScenarioException {
    String s = "loops 2\n" + BOUND + """
        hart h:
          ctl = open("/dev/loop-control", O_RDWR)
          ioctl(ctl, LOOP_CTL_REMOVE, 0)
          a = open("/dev/loop1", O_RDWR)
          ioctl(ctl, LOOP_CTL_REMOVE, 1)
          close(a)
          ioctl(ctl, LOOP_CTL_REMOVE, 1)
          ioctl(ctl, LOOP_CTL_REMOVE, 1)
          ioctl(ctl, LOOP_CTL_ADD, 0)
          ioctl(ctl, LOOP_CTL_ADD, 1)
        """;
    assertEquals(List.of("0", "EBUSY", "1", "EBUSY", "0", "0", "ENODEV", "EEXIST", "1"), results("linux", s));
  }
}
