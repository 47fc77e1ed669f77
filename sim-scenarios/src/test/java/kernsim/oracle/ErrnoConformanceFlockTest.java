package kernsim.oracle;

import static kernsim.oracle.ErrnoConformanceTest.H1;
import static kernsim.oracle.ErrnoConformanceTest.H2;
import static kernsim.oracle.ErrnoConformanceTest.fails;
import static kernsim.oracle.ErrnoConformanceTest.passes;
import static kernsim.oracle.Histories.err;
import static kernsim.oracle.Histories.ok;
import static org.junit.jupiter.api.Assertions.assertTrue;

import kernsim.dev.Errno;
import org.junit.jupiter.api.Test;

/** The errno oracle follows flock on loop devices (StarrySpec.flock) instead of allowing any result. */
class ErrnoConformanceFlockTest {
  static final String PROBER = "world/prober";

  static Histories twoOpens() {
    return new Histories().boot(1)
        .call(H1, "a = open(\"/dev/loop0\", O_RDWR)", ok(0))
        .call(H2, "b = open(\"/dev/loop0\", O_RDONLY)", ok(0));
  }

  @Test
  void aSequentialFlockProgramPasses() {
    passes(twoOpens()
        .call(H1, "flock(a, LOCK_SH)", ok(0))
        .call(H2, "flock(b, LOCK_SH|LOCK_NB)", ok(0))
        .call(H2, "flock(b, LOCK_EX|LOCK_NB)", err(Errno.EAGAIN)) // a conversion refused: b's SH is gone
        .call(H1, "flock(a, LOCK_EX|LOCK_NB)", ok(0))
        .call(H2, "flock(b, LOCK_SH|LOCK_NB)", err(Errno.EAGAIN))
        .call(H1, "a2 = dup(a)", ok(1))
        .call(H1, "close(a)", ok(0))
        .call(H2, "flock(b, LOCK_SH|LOCK_NB)", err(Errno.EAGAIN)) // the dup keeps the description's lock
        .call(H1, "close(a2)", ok(0))
        .call(H2, "flock(b, LOCK_EX|LOCK_NB)", ok(0))
        .call(H2, "flock(b, LOCK_UN)", ok(0))
        .call(H2, "flock(b, LOCK_SH|LOCK_EX)", err(Errno.EINVAL))
        .call(H2, "flock(nofd, LOCK_SH)", err(Errno.EBADF))
        .call(H2, "flock(nofd, 3)", err(Errno.EINVAL)));
  }

  @Test
  void aLockNobodyHoldsCannotBeRefused() {
    String why = fails(twoOpens().call(H2, "flock(b, LOCK_EX|LOCK_NB)", err(Errno.EAGAIN)));
    assertTrue(why.contains("flock(b, LOCK_EX|LOCK_NB)"), why);
  }

  @Test
  void twoExclusiveLocksCannotBothBeGranted() {
    fails(twoOpens()
        .call(H1, "flock(a, LOCK_EX)", ok(0))
        .call(H2, "flock(b, LOCK_EX|LOCK_NB)", ok(0)));
  }

  @Test
  void closingTheLastFdReleasesTheLock() {
    fails(twoOpens()
        .call(H1, "flock(a, LOCK_EX)", ok(0))
        .call(H1, "close(a)", ok(0))
        .call(H2, "flock(b, LOCK_EX|LOCK_NB)", err(Errno.EAGAIN)));
  }

  @Test
  void aBlockingLockThatOverlapsTheHoldersUnlockIsOrderedAfterIt() {
    passes(twoOpens()
        .call(H1, "flock(a, LOCK_EX)", ok(0))
        .start(H2, "flock(b, LOCK_SH)")
        .call(H1, "flock(a, LOCK_UN)", ok(0))
        .ret(H2, ok(0)));
  }

  @Test
  void theProbersCallsAreCheckedLikeAHarts() {
    passes(twoOpens()
        .call(H1, "flock(a, LOCK_EX)", ok(0))
        .call(PROBER, "dev = open(\"/dev/loop0\", O_RDONLY)", ok(0))
        .call(PROBER, "flock(dev, LOCK_SH|LOCK_NB)", err(Errno.EAGAIN))
        .call(PROBER, "close(dev)", ok(0)));
    fails(twoOpens()
        .call(H1, "flock(a, LOCK_EX)", ok(0))
        .call(PROBER, "dev = open(\"/dev/loop0\", O_RDONLY)", ok(0))
        .call(PROBER, "flock(dev, LOCK_SH|LOCK_NB)", ok(0)));
  }

  @Test
  void aConversionThatWaitedLeavesTheInodeUnknownUntilItsFdsAreClosed() {
    // H1 converts SH → EX while H2 holds SH: H1's SH goes at once and H1 waits. When H2 unlocks, H3 can
    // take EX before H1's retry: no order of whole calls explains that, but Linux (and the model) do it.
    String h3 = "world/hart-3";
    passes(twoOpens()
        .call(h3, "c = open(\"/dev/loop0\", O_RDONLY)", ok(0))
        .call(H1, "flock(a, LOCK_SH)", ok(0))
        .call(H2, "flock(b, LOCK_SH)", ok(0))
        .start(H1, "flock(a, LOCK_EX)")
        .call(H2, "flock(b, LOCK_UN)", ok(0))
        .call(h3, "flock(c, LOCK_EX|LOCK_NB)", ok(0))
        .call(h3, "flock(c, LOCK_UN)", ok(0))
        .ret(H1, ok(0)));
    // Once every fd on the device is closed, its locks are known again (none).
    fails(twoOpens()
        .call(H1, "flock(a, LOCK_SH)", ok(0))
        .call(H2, "flock(b, LOCK_SH)", ok(0))
        .start(H1, "flock(a, LOCK_EX)")
        .call(H2, "flock(b, LOCK_UN)", ok(0))
        .ret(H1, ok(0))
        .call(H1, "close(a)", ok(0))
        .call(H2, "close(b)", ok(0))
        .call(H2, "c = open(\"/dev/loop0\", O_RDONLY)", ok(0))
        .call(H2, "flock(c, LOCK_EX|LOCK_NB)", err(Errno.EAGAIN)));
  }
}
