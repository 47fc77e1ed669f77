package kernsim.oracle;

import static kernsim.oracle.Histories.err;
import static kernsim.oracle.Histories.ok;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import kernsim.dev.Errno;
import kernsim.dev.Semantics;
import org.junit.jupiter.api.Test;

/**
 * The linux errno oracle on hand-written histories: a loop device's Linux state decides each loop call's
 * result, and a wrong one is flagged with the reason.
 */
class LinuxSpecTest {
  static final Semantics LINUX = Semantics.of("linux", List.of());
  static final String SETUP = ErrnoConformanceTest.SETUP;
  static final String H1 = ErrnoConformanceTest.H1;
  static final String H2 = ErrnoConformanceTest.H2;

  static Optional<String> check(Histories h) {
    return ErrnoConformance.check(LINUX, h.observations());
  }

  static void passes(Histories h) {
    Optional<String> r = check(h);
    assertTrue(r.isEmpty(), () -> "expected no failure, got: " + r.orElseThrow());
  }

  static String fails(Histories h, String reason) {
    Optional<String> r = check(h);
    assertTrue(r.isPresent(), "expected a failure");
    assertTrue(r.orElseThrow().contains(reason), () -> "expected '" + reason + "' in: " + r.orElseThrow());
    return r.orElseThrow();
  }

  /** ErrnoConformanceTest's bound device: loop0 bound to /img by the setup hart, which closed its fds. */
  static Histories bound() {
    return ErrnoConformanceTest.bound();
  }

  @Test
  void clrFdByTheOnlyOpenerIsRundownAndTheNextOpenIsEnxio() {
    Histories h = bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H1, "ioctl(ld, LOOP_GET_STATUS64)", err(Errno.ENXIO))
        .call(H1, "fsync(ld)", err(Errno.EIO))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", err(Errno.ENXIO));
    passes(h.call(H2, "x = open(\"/dev/loop0\", O_RDWR)", err(Errno.ENXIO)));
    fails(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H2, "x = open(\"/dev/loop0\", O_RDWR)", ok(3)), "loop0 is in rundown (lo_open)");
  }

  @Test
  void clrFdWithAnotherOpenerSetsAutoclearAndTheLastCloseDetaches() {
    Histories h = bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H2, "ioctl(ld, LOOP_GET_STATUS64)", ok(0))
        .call(H1, "close(ld)", ok(0))
        .call(H2, "ioctl(ld, LOOP_GET_STATUS64)", ok(0))
        .call(H2, "close(ld)", ok(0))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3));
    passes(h.call(H1, "ioctl(ld, LOOP_GET_STATUS64)", err(Errno.ENXIO)));
    fails(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H2, "ioctl(ld, LOOP_GET_STATUS64)", err(Errno.ENXIO)), "success");
  }

  @Test
  void anExclusiveHolderRefusesOExclOpensAndPlainBindsButNotPlainOpens() {
    Histories h = new Histories().boot(1)
        .call(SETUP, "img = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "ex = open(\"/dev/loop0\", O_RDWR|O_EXCL)", ok(3))
        .call(H2, "img = open(\"/img\", O_RDWR)", ok(3))
        .call(H2, "x = open(\"/dev/loop0\", O_RDWR|O_EXCL)", err(Errno.EBUSY))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(4))
        .call(H2, "ioctl(ld, LOOP_SET_FD, img)", err(Errno.EBUSY))
        .call(H2, "ioctl(ld, LOOP_SET_BLOCK_SIZE, 4096)", err(Errno.EBUSY));
    passes(h.call(H1, "ioctl(ex, LOOP_SET_BLOCK_SIZE, 4096)", err(Errno.ENXIO)));
    fails(new Histories().boot(1)
        .call(SETUP, "img = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "ex = open(\"/dev/loop0\", O_RDWR|O_EXCL)", ok(3))
        .call(H2, "img = open(\"/img\", O_RDWR)", ok(3))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDWR)", ok(4))
        .call(H2, "ioctl(ld, LOOP_SET_FD, img)", ok(0)), "held by an O_EXCL open or a mount");
  }

  @Test
  void readOnlyByBlkrosetByTheFlagAndByTheBackingFd() {
    passes(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H1, "ioctl(ld, BLKROSET, 2)", ok(0))
        .call(H1, "pwrite64(ld, \"x\", 0)", err(Errno.EPERM))
        .call(H1, "ioctl(ld, BLKROSET, 0)", ok(0))
        .call(H1, "pwrite64(ld, \"x\", 0)", ok(1)));
    fails(new Histories().boot(1)
        .call(SETUP, "img = open(\"/img\", O_RDWR|O_CREAT)", ok(0))
        .call(H1, "img = open(\"/img\", O_RDONLY)", ok(3))
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(4))
        .call(H1, "ioctl(ld, LOOP_SET_FD, img)", ok(0))
        .call(H1, "ioctl(ld, BLKROSET, 0)", ok(0))
        .call(H1, "pwrite64(ld, \"x\", 0)", ok(1)), "loop0 is read-only");
  }

  @Test
  void loopControlRemoveTakesTheDeviceAndItsNodesAway() {
    passes(new Histories().boot(2)
        .call(H1, "c = open(\"/dev/loop-control\", O_RDWR)", ok(3))
        .call(H1, "ioctl(c, LOOP_CTL_REMOVE, 1)", ok(0))
        .call(H1, "ld = open(\"/dev/loop1\", O_RDWR)", err(Errno.ENOENT))
        .call(H1, "ioctl(c, LOOP_CTL_REMOVE, 1)", err(Errno.ENODEV))
        .call(H1, "ioctl(c, LOOP_CTL_ADD, 1)", ok(1))
        .call(H1, "ioctl(c, LOOP_CTL_ADD, 1)", err(Errno.EEXIST))
        .call(H1, "ld = open(\"/dev/loop1\", O_RDWR)", ok(4))
        .call(H1, "ioctl(c, LOOP_CTL_REMOVE, 1)", err(Errno.EBUSY)));
    fails(new Histories().boot(1)
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H2, "c = open(\"/dev/loop-control\", O_RDWR)", ok(3))
        .call(H2, "ioctl(c, LOOP_CTL_REMOVE, 0)", ok(0)), "loop0 is open or mounted");
  }

  /**
   * bdev_open counts the opener after lo_open has checked the state: a LOOP_CLR_FD overlapping the open
   * may see one holder and start the rundown the opener then finds (its read is EIO). Not overlapping, it
   * cannot.
   */
  @Test
  void anOpenOverlappingClrFdMayFindTheRundownItDidNotSee() {
    passes(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .start(H2, "ld = open(\"/dev/loop0\", O_RDONLY)")
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .ret(H2, ok(3))
        .call(H2, "pread64(ld, 512, 0)", err(Errno.EIO)));
    fails(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H2, "ld = open(\"/dev/loop0\", O_RDONLY)", ok(3))
        .call(H1, "ioctl(ld, LOOP_CLR_FD)", ok(0))
        .call(H2, "pread64(ld, 512, 0)", err(Errno.EIO)), "can only be success");
  }

  /**
   * LOOP_CTL_REMOVE marks the device deleting before del_gendisk takes its node away: an open whose walk
   * falls in between is ENXIO. After the removal returned, an open is ENOENT.
   */
  @Test
  void anOpenInsideLoopCtlRemoveIsEnxioAndAfterItEnoent() {
    passes(new Histories().boot(1)
        .call(H1, "c = open(\"/dev/loop-control\", O_RDWR)", ok(3))
        .start(H1, "ioctl(c, LOOP_CTL_REMOVE, 0)")
        .call(H2, "a = open(\"/dev/loop0\", O_RDONLY)", err(Errno.ENXIO))
        .call(H2, "b = open(\"/dev/loop0\", O_RDONLY)", err(Errno.ENXIO))
        .ret(H1, ok(0))
        .call(H2, "x = open(\"/dev/loop0\", O_RDONLY)", err(Errno.ENOENT)));
    fails(new Histories().boot(1)
        .call(H1, "c = open(\"/dev/loop-control\", O_RDWR)", ok(3))
        .call(H1, "ioctl(c, LOOP_CTL_REMOVE, 0)", ok(0))
        .call(H2, "a = open(\"/dev/loop0\", O_RDONLY)", err(Errno.ENXIO)), "ENOENT");
  }

  /**
   * close drops the description's flock before bdev_release lets the opener go: a LOCK_EX taken in between
   * still finds the device held, so LOOP_CLR_FD only sets autoclear and LOOP_CTL_REMOVE is EBUSY.
   */
  @Test
  void aLockTakenWhileACloseReleasesTheDeviceStillFindsItHeld() {
    passes(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDONLY)", ok(3))
        .call(H1, "flock(ld, LOCK_SH)", ok(0))
        .start(H1, "close(ld)")
        .call(H2, "d = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H2, "flock(d, LOCK_EX)", ok(0))
        .call(H2, "ioctl(d, LOOP_CLR_FD)", ok(0))
        .call(H2, "close(d)", ok(0))
        .call(H2, "c = open(\"/dev/loop-control\", O_RDWR)", ok(3))
        .call(H2, "ioctl(c, LOOP_CTL_REMOVE, 0)", err(Errno.EBUSY))
        .ret(H1, ok(0)));
    fails(bound()
        .call(H1, "ld = open(\"/dev/loop0\", O_RDONLY)", ok(3))
        .call(H1, "flock(ld, LOCK_SH)", ok(0))
        .call(H1, "close(ld)", ok(0))
        .call(H2, "d = open(\"/dev/loop0\", O_RDWR)", ok(3))
        .call(H2, "flock(d, LOCK_EX)", ok(0))
        .call(H2, "ioctl(d, LOOP_CLR_FD)", ok(0))
        .call(H2, "close(d)", ok(0))
        .call(H2, "c = open(\"/dev/loop-control\", O_RDWR)", ok(3))
        .call(H2, "ioctl(c, LOOP_CTL_REMOVE, 0)", err(Errno.EBUSY)), "success");
  }
}
