package kernsim.oracle;

import static kernsim.oracle.Outcomes.ANY;
import static kernsim.oracle.Outcomes.ANY_ERR;
import static kernsim.oracle.Outcomes.OK;


/**
 * The linux profile's sequential semantics for the errno oracle. It shares everything but the loop
 * devices with {@link StarrySpec}: paths, tmpfs contents, the mount table with umount2's busy check,
 * fds, pipes and memfds, loop-control.
 *
 * <p>A loop device's Linux state (bound, rundown, LO_FLAGS_AUTOCLEAR, the read-only flags, the
 * exclusive claim and the opener count that decides between autoclear and rundown) is not tracked
 * here, so every call on a loop device is allowed any result: open (the fd is followed if it
 * succeeds), every loop ioctl, ext4 mount (a mount on its target if it succeeds, after the
 * source and target checks starry's specification makes) and mkfs. What Linux guarantees whatever the
 * device's state is checked: close of a loop fd returns 0, and umount2 of an ext4 mount returns 0 or
 * EBUSY as the busy check says (Linux's write-back failure does not fail the umount).
 */
final class LinuxSpec extends StarrySpec {
  @Override
  public String profile() {
    return "linux";
  }

  /** {@code loop_control_ioctl}'s default (found by {@code kernsim conform}). */
  @Override
  int notAControlIoctl() {
    return Outcomes.err(kernsim.dev.Errno.ENOSYS);
  }

  @Override
  void loopOpen(SpecState after, Call c, int node, SpecState.Fd fd, Outcomes out) {
    out.allow(ANY_ERR, after, "linux loop state is not tracked");
    out.allow(OK, out.actualOk() ? after.withFd(c.proc, c.value(), fd) : null);
  }

  @Override
  void loopRelease(SpecState s, Call c, int fd, Outcomes out) {
    out.allow(OK, closed(s, c.proc, fd, s.fd(c.proc, fd))); // bdev_release and lo_release return nothing
  }

  @Override
  void loopIoctl(SpecState s, Call c, kernsim.cpu.call.Syscall.Ioctl i, int n, Outcomes out) {
    out.allow(ANY, s, "linux loop state is not tracked");
  }

  /** blkdev_write_iter: EPERM read-only, ENOSPC past the end, the page cache's errors: not tracked. */
  @Override
  void loopWrite(SpecState s, int n, Outcomes out) {
    out.allow(ANY, s, "linux loop state is not tracked");
  }

  /** blkdev_read_iter: 0 past the end, the page cache's errors: not tracked. */
  @Override
  void loopRead(SpecState s, int n, Outcomes out) {
    out.allow(ANY, s, "linux loop state is not tracked");
  }

  @Override
  void umountDevice(SpecState after, int dev, Outcomes out) {
    out.allow(OK, after);
  }

  /** Linux's loop state is not tracked, so a mount's claim would show nothing: taken whole. */
  @Override
  public boolean claimsFirst(kernsim.cpu.call.Call call) {
    return false;
  }

  @Override
  void mountExt4Device(SpecState s, int n, int target, String why, SpecState.Mount mount, Outcomes out) {
    out.allow(ANY_ERR, s, "linux loop state is not tracked");
    if (target != OK && target != ANY) {
      out.allow(target, s, why);
    }
    if (target == OK || target == ANY) {
      out.allow(OK, s.withNewMount(mount));
    }
  }

  @Override
  void mkfsDevice(SpecState s, int n, Outcomes out) {
    out.allow(ANY, s, "linux loop state is not tracked");
  }
}
