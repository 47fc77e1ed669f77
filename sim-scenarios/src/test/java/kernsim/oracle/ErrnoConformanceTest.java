package kernsim.oracle;

import static kernsim.oracle.Histories.err;
import static kernsim.oracle.Histories.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kernsim.dev.Errno;
import kernsim.dev.Semantics;
import org.junit.jupiter.api.Test;

/** The oracle on hand-written histories, without the simulator. */
class ErrnoConformanceTest {
  static final String SETUP = "world/setup";
  static final String H1 = "world/hart-1";
  static final String H2 = "world/hart-2";

  static Optional<String> check(Histories h) {
    return ErrnoConformance.check(Semantics.STARRY, h.observations());
  }

  static void passes(Histories h) {
    Optional<String> r = check(h);
    assertTrue(r.isEmpty(), () -> "expected no failure, got: " + r.orElseThrow());
  }

  static String fails(Histories h) {
    Optional<String> r = check(h);
    assertTrue(r.isPresent(), "expected a failure");
    return r.orElseThrow();
  }

  /** Boot, then /img (a tmpfs file) bound to loop0 by the setup hart, whose fds are closed again. */
  static Histories bound() {
    return new Histories().boot(1)
        .call(SETUP, "img = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call(SETUP, "ftruncate(img, 65536)", ok(0))
        .call(SETUP, "ld = open(\"/dev/loop0\", O_RDWR)", ok(1))
        .call(SETUP, "ioctl(ld, LOOP_SET_FD, img)", ok(0))
        .call(SETUP, "close(ld)", ok(0))
        .call(SETUP, "close(img)", ok(0));
  }

  // ==== sequential histories ====

  @Test
  void aSequentialLoopProgramWithEveryErrnoPathPasses() {
    passes(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", err(Errno.ENXIO))
        .call(H1, "ioctl(ld, LOOP_GET_STATUS64)", err(Errno.ENXIO))
        .call(H1, "ioctl(ld, BLKFLSBUF)", ok(0))
        .call(H1, "ioctl(ld, LOOP_SET_FD, nofd)", err(Errno.EBADF))
        .call(H1, "d = open(\"/mnt\", O_RDONLY)", ok(1))
        .call(H1, "ioctl(ld, LOOP_SET_FD, d)", err(Errno.EINVAL))
        .call(H1, "img = open(\"/img\", O_RDWR|O_CREAT)", ok(2))
        .call(H1, "ioctl(ld, LOOP_SET_FD, img)", ok(0))
        .call(H1, "ioctl(ld, LOOP_SET_FD, img)", err(Errno.EBUSY))
        .call(H1, "ioctl(ld, BLKROSET, 2)", err(Errno.EINVAL))
        .call(H1, "ioctl(ld, BLKROSET, 1)", ok(0))
        .call(H1, "mkfs.ext4(\"/dev/loop0\")", err(Errno.EIO))
        .call(H1, "ioctl(ld, BLKFLSBUF)", err(Errno.EIO))
        .call(H1, "ioctl(ld, BLKROSET, 0)", ok(0))
        .call(H1, "mkfs.ext4(\"/dev/loop0\")", ok(0))
        .call(H1, "mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", ok(0))
        .call(H1, "mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", err(Errno.EBUSY))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", err(Errno.EBUSY))
        .call(H1, "umount2(\"/\", 0)", err(Errno.EBUSY))
        .call(H1, "umount2(\"/dev\", 0)", err(Errno.EINVAL))
        .call(H1, "umount2(\"/nowhere\", 0)", err(Errno.ENOENT))
        .call(H1, "umount2(\"/mnt\", 0)", ok(0))
        .call(H1, "umount2(\"/mnt\", 0)", err(Errno.EINVAL))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H1, "mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", err(Errno.ENXIO))
        .call(H1, "mount(\"/img\", \"/mnt\", \"ext4\", 0)", err(Errno.ENODEV))
        .call(H1, "close(ld)", ok(0))
        .call(H1, "close(ld)", err(Errno.EBADF)));
  }

  @Test
  void aResultTheSequentialSemanticsDoesNotAllowFailsAndSaysWhy() {
    String why = fails(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0)));
    assertTrue(why.contains("world/hart-1: ioctl(ld, LOOP_CLR_FD) = 0"), why);
    assertTrue(why.contains("ENXIO (loop0 has no backing file)"), why);
  }

  @Test
  void aTmpfsMountIsBusyWhileAnFdIsOnItAndItsFilesGoWithIt() {
    passes(new Histories().boot(0)
        .call(H1, "mount(\"none\", \"/mnt\", \"tmpfs\", 0)", ok(0))
        .call(H1, "fd = open(\"/mnt/f\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "umount2(\"/mnt\", 0)", err(Errno.EBUSY))
        .call(H1, "close(fd)", ok(0))
        .call(H1, "umount2(\"/mnt\", 0)", ok(0))
        .call(H1, "fd = open(\"/mnt/f\", O_RDWR)", err(Errno.ENOENT)));
    String why = fails(new Histories().boot(0)
        .call(H1, "mount(\"none\", \"/mnt\", \"tmpfs\", 0)", ok(0))
        .call(H1, "fd = open(\"/mnt/f\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "umount2(\"/mnt\", 0)", ok(0)));
    assertTrue(why.contains("EBUSY (world/hart-1's fd 0 is on the tmpfs at /mnt)"), why);
  }

  @Test
  void anFdOfTheSetupHartKeepsAMountBusy() {
    passes(new Histories().boot(0)
        .call(SETUP, "mount(\"none\", \"/mnt\", \"tmpfs\", 0)", ok(0))
        .call(SETUP, "fd = open(\"/mnt\", O_RDONLY)", ok(0))
        .call(H1, "umount2(\"/mnt\", 0)", err(Errno.EBUSY))
        .call(H1, "umount2(\"/mnt\", 2)", ok(0)));
  }

  @Test
  void pathErrnosFollowTheVfs() {
    passes(new Histories().boot(0)
        .call(H1, "mkdir(\"/mnt/d\")", ok(0))
        .call(H1, "mkdir(\"/mnt/d\")", err(Errno.EEXIST))
        .call(H1, "fd = open(\"/mnt/d\", O_RDWR)", err(Errno.EISDIR))
        .call(H1, "f = open(\"/f\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "g = open(\"/f\", O_RDWR|O_CREAT|O_EXCL)", err(Errno.EEXIST))
        .call(H1, "g = open(\"/f\", O_RDONLY|O_DIRECTORY)", err(Errno.ENOTDIR))
        .call(H1, "g = open(\"/f/x\", O_RDONLY)", err(Errno.ENOTDIR))
        .call(H1, "g = open(\"/mnt/../f\", O_RDONLY)", err(Errno.EINVAL))
        .call(H1, "mount(\"none\", \"/f\", \"tmpfs\", 0)", err(Errno.ENOTDIR))
        .call(H1, "mount(\"none\", \"/nowhere\", \"tmpfs\", 0)", err(Errno.ENOENT))
        .call(H1, "mount(\"none\", \"/mnt\", \"bogus\", 0)", err(Errno.ENODEV))
        .call(H1, "mount(\"none\", \"/mnt\", \"tmpfs\", 1)", ok(0))
        .call(H1, "mkdir(\"/mnt/e\")", err(Errno.EROFS))
        .call(H1, "umount2(\"/mnt\", 16)", err(Errno.EINVAL))
        .call(H1, "umount2(\"/mnt\", 0)", ok(0))
        .call(H1, "g = open(\"/mnt/d\", O_RDONLY)", ok(1)));
  }

  @Test
  void stackedAndNestedMounts() {
    passes(new Histories().boot(0)
        .call(H1, "mount(\"none\", \"/mnt\", \"tmpfs\", 0)", ok(0))
        .call(H1, "mkdir(\"/mnt/sub\")", ok(0))
        .call(H1, "mount(\"none\", \"/mnt/sub\", \"tmpfs\", 0)", ok(0))
        .call(H1, "umount2(\"/mnt\", 0)", err(Errno.EBUSY))
        .call(H1, "mount(\"none\", \"/mnt/sub\", \"tmpfs\", 0)", ok(0))
        .call(H1, "f = open(\"/mnt/sub/f\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "close(f)", ok(0))
        .call(H1, "umount2(\"/mnt/sub\", 0)", ok(0))
        .call(H1, "f = open(\"/mnt/sub/f\", O_RDWR)", err(Errno.ENOENT))
        .call(H1, "umount2(\"/mnt/sub\", 0)", ok(0))
        .call(H1, "umount2(\"/mnt/sub\", 0)", err(Errno.EINVAL))
        .call(H1, "umount2(\"/mnt\", 0)", ok(0))
        .call(H1, "f = open(\"/mnt/sub\", O_RDONLY)", err(Errno.ENOENT)));
  }

  @Test
  void exclusiveOpensOfALoopDevice() {
    passes(new Histories().boot(1)
        .call(H1, "ex = open(\"/dev/loop0\", O_RDWR|O_EXCL)", ok(0))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", err(Errno.EBUSY))
        .call(H1, "close(ex)", ok(0))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0)));
    fails(new Histories().boot(1)
        .call(H1, "ex = open(\"/dev/loop0\", O_RDWR|O_EXCL)", ok(0))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0)));
  }

  @Test
  void aReadOnlyBindingMakesWriteBackPathsEio() {
    passes(new Histories().boot(1)
        .call(H1, "img = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "ro = open(\"/img\", O_RDONLY)", ok(1))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(2))
        .call(H1, "ioctl(ld, LOOP_SET_FD, ro)", ok(0))
        .call(H1, "ioctl(ld, BLKFLSBUF)", ok(0))
        .call(H1, "mkfs.ext4(\"/dev/loop0\")", err(Errno.EIO))
        .call(H1, "ioctl(ld, BLKFLSBUF)", err(Errno.EIO))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0)));
    fails(new Histories().boot(1)
        .call(H1, "ro = open(\"/img\", O_RDONLY|O_CREAT)", ok(0))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(1))
        .call(H1, "ioctl(ld, LOOP_SET_FD, ro)", ok(0))
        .call(H1, "mkfs.ext4(\"/dev/loop0\")", ok(0)));
  }

  // ==== concurrent histories ====

  @Test
  void overlappingCallsPassWhenSomeOrderExplainsThem() {
    // Both orders of SET_FD and GET_STATUS64 are possible: ENXIO means the status came first.
    passes(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .start(H1, "ioctl(ld, LOOP_CLR_FD)")
        .start(H2, "ioctl(ld, LOOP_GET_STATUS64)")
        .ret(H1, ok(0))
        .ret(H2, ok(0)));
    passes(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .start(H1, "ioctl(ld, LOOP_CLR_FD)")
        .start(H2, "ioctl(ld, LOOP_GET_STATUS64)")
        .ret(H1, ok(0))
        .ret(H2, err(Errno.ENXIO)));
  }

  @Test
  void realTimeOrderIsRespected() {
    // The CLR_FD returned before the status started: the status must see the device unbound.
    String why = fails(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H2, "ioctl(ld, LOOP_GET_STATUS64)", ok(0)));
    assertTrue(why.contains("world/hart-2: ioctl(ld, LOOP_GET_STATUS64) = 0"), why);
    assertTrue(why.contains("after world/hart-1: ioctl(ld, LOOP_CLR_FD) = 0 it can only be ENXIO"), why);
  }

  @Test
  void twoBindsOfOneDeviceCannotBothSucceed() {
    Histories h = new Histories().boot(1)
        .call(SETUP, "img = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "img = open(\"/img\", O_RDWR)", ok(0))
        .call(H2, "img = open(\"/img\", O_RDWR)", ok(0))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(1))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(1))
        .start(H1, "ioctl(ld, LOOP_SET_FD, img)")
        .start(H2, "ioctl(ld, LOOP_SET_FD, img)")
        .ret(H2, ok(0))
        .ret(H1, ok(0));
    String why = fails(h);
    assertTrue(why.contains("cannot both have these results in any order"), why);
    assertTrue(why.contains("can only be EBUSY (loop0 has a backing file)"), why);
  }

  @Test
  void theUmountBusyCheckRacingAnOpenIsReportedAsAPair() {
    Histories h = new Histories().boot(0)
        .call(H1, "mount(\"none\", \"/mnt\", \"tmpfs\", 0)", ok(0))
        .call(H2, "fd = open(\"/mnt/f\", O_RDWR)", err(Errno.ENOENT))
        .call(H1, "fd = open(\"/mnt/f\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "close(fd)", ok(0))
        .start(H1, "umount2(\"/mnt\", 0)")
        .start(H2, "fd = open(\"/mnt/f\", O_RDWR)")
        .ret(H1, ok(0))
        .ret(H2, ok(0));
    String why = fails(h);
    assertEquals("world/hart-1: umount2(\"/mnt\", 0) = 0 and world/hart-2: fd = open(\"/mnt/f\", O_RDWR) = 0 cannot"
        + " both have these results in any order: after open, umount2 can only be EBUSY (world/hart-2's fd 0 is on"
        + " the tmpfs at /mnt); after umount2, open can only be ENOENT (/mnt/f does not exist on the root tmpfs)", why);
  }

  @Test
  void aFailureIsReportedAsSoonAsNoCallIsInFlight() {
    Histories h = new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H1, "ioctl(ld, BLKFLSBUF)", ok(0));
    List<Object> obs = h.observations();
    ErrnoConformance oracle = new ErrnoConformance();
    List<Integer> failedAt = new ArrayList<>();
    for (int i = 0; i < obs.size(); i++) {
      int at = i;
      oracle.onObservation(obs.get(i), message -> failedAt.add(at));
    }
    // boot: 4 calls, 8 observations; the open: 2; the CLR_FD's Returned is observation 11.
    assertEquals(List.of(11), failedAt);
  }

  // ==== what the oracle does not model (a library call made as one call, pivot_root) ====

  @Test
  void anUnmodelledCallThatSucceedsAllowsAnythingAfterIt() {
    passes(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "monogon_dev(ld)", err(Errno.EINVAL))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", err(Errno.ENXIO))
        .call(H1, "pivot_root(\"/mnt\", \"/mnt/old\")", ok(0))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0)));
    // An error from an unmodelled call changes nothing: the next CLR_FD is still checked.
    fails(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "monogon_close(ld)", err(Errno.EINVAL))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0)));
  }

  @Test
  void readsAndWritesOnALoopDeviceAreWhatItsStateAllows() {
    passes(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "write(ld, \"x\")", ok(1))
        .call(H1, "pread64(ld, 4, 0)", ok(4))
        .call(H1, "ioctl(ld, BLKROSET, 1)", ok(0))
        .call(H1, "pwrite64(ld, \"x\", 0)", err(Errno.EROFS))
        .call(H1, "pwrite64(ld, \"\", 0)", ok(0))
        .call(H1, "read(ld, 4)", ok(4)));
    // bound and writable: not EPERM; read-only: not success
    fails(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "write(ld, \"x\")", err(Errno.EPERM)));
    fails(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "ioctl(ld, BLKROSET, 1)", ok(0))
        .call(H1, "pwrite64(ld, \"x\", 0)", ok(1)));
    // unbound: EPERM for both, checked after the fd's mode and pread64's offset
    passes(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDONLY)", ok(0))
        .call(H1, "read(ld, 4)", err(Errno.EPERM))
        .call(H1, "pread64(ld, 4, -1)", err(Errno.EINVAL))
        .call(H1, "write(ld, \"x\")", err(Errno.EBADF))
        .call(H1, "pwrite64(ld, \"x\", -1)", err(Errno.EINVAL))
        .call(H1, "close(ld)", ok(0))
        .call(H1, "read(ld, 4)", err(Errno.EBADF)));
    fails(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "pread64(ld, 4, 0)", ok(4)));
    fails(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_WRONLY)", ok(0))
        .call(H1, "read(ld, 4)", err(Errno.EPERM)));
  }

  @Test
  void readsAndWritesOfOtherFilesMayReturnAnything() {
    passes(bound()
        .call(H1, "f = open(\"/img\", O_RDONLY)", ok(0))
        .call(H1, "write(f, \"x\")", ok(1))
        .call(H1, "pread64(f, 4, 0)", err(Errno.EIO))
        .call(H1, "ioctl(f, LOOP_GET_STATUS64)", err(Errno.ENOTTY)));
  }

  @Test
  void fstatIsEbadfExactlyForAnFdThatIsNotOpen() {
    passes(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "fstat(ld)", ok(0))
        .call(H1, "fstat(nothing)", err(Errno.EBADF))
        .call(H1, "close(ld)", ok(0))
        .call(H1, "fstat(ld)", err(Errno.EBADF)));
    fails(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H1, "fstat(ld)", err(Errno.EBADF)));
    fails(new Histories().boot(1)
        .call(H1, "fstat(nothing)", ok(0)));
  }

  @Test
  void syncIsAlwaysZero() {
    passes(new Histories().boot(1).call(H1, "sync()", ok(0)));
    fails(new Histories().boot(1).call(H1, "sync()", err(Errno.EIO)));
  }

  /**
   * chdir: ENOENT, ENOTDIR and EINVAL ("..") exactly as the walk says; success only to a directory. To the
   * root the state stays known (a later open of a missing device is still ENOENT); elsewhere it is not.
   */
  @Test
  void chdirFailsExactlyAsThePathWalkSaysAndACwdElsewhereIsNotFollowed() {
    passes(new Histories().boot(1)
        .call(H1, "chdir(\"/nope\")", err(Errno.ENOENT))
        .call(H1, "chdir(\"/dev/loop0\")", err(Errno.ENOTDIR))
        .call(H1, "chdir(\"/dev/..\")", err(Errno.EINVAL))
        .call(H1, "chdir(\"/\")", ok(0))
        .call(H1, "open(\"/dev/loop9\", O_RDWR)", err(Errno.ENOENT)));
    fails(new Histories().boot(1).call(H1, "chdir(\"/nope\")", ok(0)));
    fails(new Histories().boot(1).call(H1, "chdir(\"/dev\")", err(Errno.ENOENT)));
    fails(new Histories().boot(1).call(H1, "chdir(\"/dev/loop0\")", ok(0)));
    fails(new Histories().boot(1)
        .call(H1, "chdir(\"/\")", ok(0))
        .call(H1, "open(\"/dev/loop9\", O_RDWR)", ok(0)));
    passes(new Histories().boot(1)
        .call(H1, "chdir(\"/dev\")", ok(0))
        .call(H1, "open(\"loop9\", O_RDWR)", ok(0)));
  }

  /** mount's NULL pointers, as the seed reads them: a NULL source or target is EFAULT, a NULL fstype "" (ENODEV). */
  @Test
  void mountWithNullPointers() {
    passes(new Histories().boot(1)
        .call(H1, "mount(NULL, \"/mnt\", \"tmpfs\", 0)", err(Errno.EFAULT))
        .call(H1, "mount(\"none\", NULL, \"tmpfs\", 0)", err(Errno.EFAULT))
        .call(H1, "mount(\"none\", \"/mnt\", NULL, 0)", err(Errno.ENODEV))
        .call(H1, "mount(\"none\", \"/mnt\", NULL, MS_REMOUNT|MS_RDONLY)", err(Errno.EINVAL))
        .call(H1, "mount(\"none\", \"/mnt\", \"tmpfs\", 0, NULL)", ok(0)));
    fails(new Histories().boot(1).call(H1, "mount(NULL, \"/mnt\", \"tmpfs\", 0)", ok(0)));
    fails(new Histories().boot(1).call(H1, "mount(\"none\", \"/mnt\", NULL, 0)", ok(0)));
  }

  @Test
  void loopConfigureWithAStructureNamingItsFd() {
    passes(new Histories().boot(1)
        .call(H1, "img = open(\"/img\", O_RDONLY|O_CREAT)", ok(0))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(1))
        .call(H1, "ioctl(ld, LOOP_CONFIGURE, {fd: img, block_size: 512, flags: 0})", ok(0))
        .call(H1, "ioctl(ld, LOOP_CONFIGURE, {fd: img, block_size: 512, flags: 0})", err(Errno.EBUSY))
        .call(H1, "ioctl(ld, LOOP_GET_STATUS64)", ok(0))
        .call(H1, "ioctl(ld, LOOP_CONFIGURE, {fd: nothing})", err(Errno.EBADF)));
  }

  /** Ten harts of 100 calls each, always overlapping (one window): too many configurations for a long. */
  @Test
  void aLongWindowOfManyHartsIsSearchedWithoutOverflow() {
    Histories h = new Histories().boot(1);
    int harts = 10;
    for (int i = 1; i <= harts; i++) {
      h.call("world/h" + i, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0));
    }
    h.start("world/h1", "ioctl(ld, LOOP_GET_STATUS64)");
    for (int n = 0; n < 100; n++) {
      for (int i = 1; i <= harts; i++) {
        String next = "world/h" + (i % harts + 1);
        if (!(n == 99 && i == harts)) {
          h.start(next, "ioctl(ld, LOOP_GET_STATUS64)"); // before the current one returns: never quiescent
        }
        h.ret("world/h" + i, err(Errno.ENXIO));
      }
    }
    passes(h);
    h.call("world/h1", "ioctl(ld, LOOP_GET_STATUS64)", ok(0));
    assertTrue(fails(h).contains("LOOP_GET_STATUS64) = 0, but it can only be ENXIO"));
  }

  // ==== what the oracle did not check fully (Monitor.incomplete) ====

  /** {@code harts} harts open /dev/loop0 one after another, then each calls {@code call} with all in flight at once. */
  private static Histories allAtOnce(int harts, String call, java.util.function.IntFunction<kernsim.dev.SysResult> result) {
    Histories h = new Histories().boot(1);
    for (int i = 1; i <= harts; i++) {
      h.call("world/h" + i, "ld = open(\"/dev/loop0\", O_RDWR)", ok(0));
    }
    for (int i = 1; i <= harts; i++) {
      h.start("world/h" + i, call);
    }
    for (int i = 1; i <= harts; i++) {
      h.ret("world/h" + i, result.apply(i));
    }
    return h;
  }

  private static ErrnoConformance checked(Histories h, boolean fails) {
    ErrnoConformance oracle = new ErrnoConformance(SequentialSpec.of(Semantics.STARRY));
    Optional<String> r = ErrnoConformance.check(oracle, h.observations());
    assertEquals(fails, r.isPresent(), () -> r.orElse("no failure"));
    return oracle;
  }

  @Test
  void aRunWhoseWindowsAllSettledIsCheckedFully() {
    assertEquals(null, checked(allAtOnce(3, "ioctl(ld, LOOP_GET_STATUS64)", i -> err(Errno.ENXIO)), false).incomplete());
  }

  /** 13 calls in flight at once: 2^13 orders over 13 harts' settling budget (4,615), so the end check decides. */
  @Test
  void aWindowOverTheSettlingCapIsCheckedLate() {
    int harts = 13;
    assertTrue(1L << harts > ErrnoConformance.windowBudget(harts) && 1L << 12 < ErrnoConformance.windowBudget(12));
    ErrnoConformance o = checked(allAtOnce(harts, "ioctl(ld, LOOP_GET_STATUS64)", i -> err(Errno.ENXIO)), false);
    assertEquals(kernsim.actors.Monitor.Incomplete.checkedLate(ErrnoConformance.LATE_OVERLAP), o.incomplete());
    // one hart fewer settles: nothing to report
    assertEquals(null, checked(allAtOnce(12, "ioctl(ld, LOOP_GET_STATUS64)", i -> err(Errno.ENXIO)), false).incomplete());
    // a late check still fails what no order allows, and then reports nothing incomplete
    ErrnoConformance f = checked(allAtOnce(harts, "ioctl(ld, LOOP_GET_STATUS64)", i -> i == 1 ? ok(0) : err(Errno.ENXIO)),
        true);
    assertEquals(null, f.incomplete());
  }

  /** The same window over the cap, then a power loss instead of the end: nothing decided the calls since. */
  @Test
  void aWindowOverTheSettlingCapThenAPowerLossIsNotDecided() {
    ErrnoConformance o = new ErrnoConformance(SequentialSpec.of(Semantics.STARRY));
    List<String> failures = new ArrayList<>();
    for (Object x : allAtOnce(13, "ioctl(ld, LOOP_GET_STATUS64)", i -> err(Errno.ENXIO)).observations()) {
      o.onObservation(x, failures::add);
    }
    o.onPowerLoss(failures::add);
    assertEquals(List.of(), failures);
    assertEquals(kernsim.actors.Monitor.Incomplete.notDecided(ErrnoConformance.NO_END), o.incomplete());
  }

  /**
   * 21 calls in flight at once, the first an impossible success: every order of the other 20 is a configuration
   * (2^20, over the end check's 1,000,000) before the search could tell, so the run passes undecided and says so.
   */
  @Test
  void anEndCheckOverItsBudgetReportsTheRunNotDecided() {
    ErrnoConformance o = checked(allAtOnce(21, "ioctl(ld, LOOP_GET_STATUS64)", i -> i == 1 ? ok(0) : err(Errno.ENXIO)),
        false);
    assertEquals(kernsim.actors.Monitor.Incomplete.notDecided(ErrnoConformance.UNDECIDED), o.incomplete());
    assertEquals("search budget 1,000,000 configurations", ErrnoConformance.UNDECIDED);
  }
}
