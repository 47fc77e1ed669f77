/**
 * The real-kernel side of {@code kernsim conform} (issue 12): calls run one by one on the machine's own
 * Linux loop driver, in a sandbox that touches nothing that is not its own. It knows nothing of the
 * model's call classes; a caller maps each typed call to one {@link kernsim.conform.RealProcess} method
 * and compares the {@link kernsim.conform.RealResult} with the model's ({@link
 * kernsim.conform.RealResult#toSysResult()} gives it the model's shape).
 *
 * <h2>Layers</h2>
 * <ul>
 *   <li>{@code LibC}: the libc functions, bound by JNA (no native code of ours); {@code Sys}: each call
 *       as a {@link kernsim.conform.RealResult}, errno read right after the call and named by glibc;
 *       {@code Structs}: {@code loop_info64}, {@code loop_info}, {@code loop_config} (with its reserved
 *       words) and {@code hd_geometry} laid out as the kernel's on x86-64 (pinned by {@code StructsTest},
 *       and checked against gcc's {@code offsetof} where gcc is installed); {@code IoctlShape}: how each
 *       command reads its third argument. Command numbers and flags are the model's
 *       ({@link kernsim.dev.loop.LoopIoctl}, {@link kernsim.dev.loop.LoopControl}, {@link
 *       kernsim.dev.loop.LoopAbi}, {@link kernsim.fs.file.Uapi}, {@link kernsim.fs.vfs.Flags}): one place
 *       per fact.
 *   <li>{@link kernsim.conform.RealSandbox}: the directory, the devices, the registry, the cleanup, the
 *       shutdown hook; {@link kernsim.conform.RealProcess}: one scenario process's calls with its own fd
 *       numbers; {@code NameMap}: the name mapping; {@link kernsim.conform.HostState}: what
 *       {@code /sys/block}, {@code /proc/self/mountinfo} and {@code /proc/self/fd} show, and what of a
 *       sandbox is still there ({@link kernsim.conform.HostState.Leftovers}).
 * </ul>
 *
 * <h2>Names</h2>
 * <ul>
 *   <li>The scenario's {@code /dev/loopK} is a device the sandbox added itself with LOOP_CTL_ADD of an
 *       index it picked (from 1000 plus a per-JVM step, skipping any that exist): {@code loops N} devices
 *       at start, others when a call first names them. It never uses LOOP_CTL_GET_FREE for itself: on a
 *       shared machine that returns someone else's free device (here the boot's loop0-7).
 *   <li>Loop-control's argument K is mapped to the real index, the kernel's answer back to K
 *       (LOOP_CTL_ADD's index; LOOP_CTL_ADD of -1 and a GET_FREE that had to add a device are adopted under
 *       the lowest scenario index with no device). A GET_FREE answer that is not the sandbox's is a
 *       {@link kernsim.conform.RealResult.Foreign}, and never opened.
 *   <li>{@code /sys/block/loopK/…} (and {@code /sys/devices/virtual/block/loopK/…}) is the real device's
 *       sysfs; a read of {@code loop/backing_file} names the file by its scenario path. lo_number in
 *       LOOP_GET_STATUS(64) is mapped back to K.
 *   <li>{@code /dev/loop-control} is the real one. Every other absolute path ({@code /img}, {@code /mnt},
 *       {@code /dev/null}) is that path under the sandbox's temporary directory, which starts with the
 *       model's boot directories {@code /dev} and {@code /mnt}.
 *   <li>A device index the sandbox does not own (never added, removed, or taken by someone else) is
 *       reached as a path that does not exist: the kernel answers ENOENT and no foreign device is opened.
 *   <li>fds are each process's own numbers, lowest first from 0 like the model's; one that is not open
 *       reaches the kernel as -1, so EBADF is the kernel's own and no JVM fd is ever named.
 * </ul>
 *
 * <h2>What is refused</h2>
 * Never sent to the kernel ({@link kernsim.conform.RealResult.Refused}): O_CREAT or mkdir of a missing
 * path outside the directory (it would make a node in the host's {@code /dev}), a mount whose target is
 * outside, mount data with paths (overlay's lowerdir/upperdir/workdir are mapped instead), a number where
 * the kernel reads or writes through a pointer (it could be an address in the JVM; unknown commands pass
 * a value only below 4096 or above user space), reads over 64 MiB, and a flock that would wait (calls
 * run one after another, so the holder never lets go). LOOP_CTL_REMOVE of an index that someone else
 * created meanwhile is refused too.
 *
 * <h2>Cleanup, and why in this order</h2>
 * {@link kernsim.conform.RealSandbox#close()} (also run by one JVM shutdown hook on exit, SIGINT, SIGTERM
 * and SIGHUP; only SIGKILL escapes), each step even when one before failed:
 * <ol>
 *   <li>close every fd still open, newest first: an open file keeps its mount busy (umount EBUSY), an
 *       open device fd makes LOOP_CLR_FD only set autoclear and LOOP_CTL_REMOVE fail with EBUSY, and the
 *       flocks go with the fds;
 *   <li>umount everything mounted under the directory, newest first, found in mountinfo (not only the
 *       registry: a MS_MOVE or a nested mount counts too); MNT_DETACH where a plain umount is busy. A
 *       mount is an opener and an exclusive holder of its device, so it must go before the device;
 *   <li>LOOP_CLR_FD on every owned device through a fresh fd, closed at once: as the only opener the
 *       sandbox's close is where Linux tears the binding down (ENXIO means already unbound or in rundown);
 *   <li>LOOP_CTL_REMOVE of every owned device (EBUSY retried briefly: another opener such as udev may be
 *       probing); loop-control is closed last;
 *   <li>delete the directory, but only when nothing is mounted under it, so the deletion can never walk
 *       into a mounted filesystem.
 * </ol>
 * Then {@link kernsim.conform.HostState#leftoversOf} checks that no mount, binding, added device, fd or
 * directory of the sandbox is left; if one is, {@code close()} throws and names it.
 *
 * <h2>What Linux 6.18 answers, and the linux profile</h2>
 * Found by running the calls ({@code RealDriverFactsTest} pins each). {@code kernsim conform}
 * ({@link kernsim.conform.Conform}) compares the linux profile with them call by call on the suite in
 * {@code conform/}; the profile now follows Linux on loop-control's ENOSYS, BLKPG's EFAULT, BLKIOOPT 0,
 * LOOP_SET_BLOCK_SIZE's EBUSY under a holder, encrypt_type's and LOOP_CONFIGURE's unknown flags' EINVAL,
 * and block sizes up to 64K. What still differs is {@code conform/known-differences.txt}, with the
 * reasons in {@code docs/profiles.md}; among the facts below, also not modelled: BLKSSZGET after
 * LOOP_SET_BLOCK_SIZE, lo_offset applied, a second ext4 mount of the same device (the model: EBUSY), dup
 * of a loop fd as a second opener, and pread of an uncached page in rundown (EIO).
 * <ul>
 *   <li>an unknown or loop-device ioctl on {@code /dev/loop-control}: ENOSYS;
 *   <li>BLKPG with no argument (NULL): EFAULT, from copying the struct in;
 *   <li>BLKIOOPT: 0; BLKSSZGET follows LOOP_SET_BLOCK_SIZE (4096 after setting it); BLKRAGET is 256
 *       unbound and 5120 once bound here (not pinned: it follows the backing filesystem's read-ahead);
 *   <li>LOOP_SET_BLOCK_SIZE while mounted: EBUSY;
 *   <li>a second ext4 mount of the same device: 0;
 *   <li>mount ext4 read-write on a read-only device: EACCES; with MS_RDONLY: 0;
 *   <li>BLKROSET's read-only outlives LOOP_CLR_FD and the next binding (it is the block device's flag):
 *       BLKROGET is 1 on the unbound device and writes after a rebind are EPERM until BLKROSET 0;
 *   <li>dup of a loop fd is not a second opener: LOOP_CLR_FD with a dup open goes to rundown;
 *   <li>in rundown (LOOP_CLR_FD by the only opener, before close): pread still returns cached bytes,
 *       pwrite and fsync are EIO, BLKFLSBUF 0, LOOP_SET_FD EBUSY, LOOP_CTL_ADD EEXIST,
 *       LOOP_CTL_REMOVE EBUSY; the silent loss (R18) is real: write, LOOP_CLR_FD, close all return
 *       success and the bytes never reach the file; fsync or BLKFLSBUF first, or a second opener whose
 *       last close writes back, keep them ({@code LiveLoopTest});
 *   <li>LOOP_SET_FD of the device's own fd: EBADF; of loop-control, a directory, or an unbound loop
 *       device: EINVAL; LOOP_CONFIGURE of NULL: EFAULT; LOOP_GET_STATUS64 of NULL: EINVAL; a getter of
 *       NULL: EFAULT;
 *   <li>LOOP_SET_STATUS64 ignores unknown flags (0, not EINVAL, unlike LOOP_CONFIGURE) and rejects
 *       lo_encrypt_type 1 with EINVAL; it applies lo_offset at once (size drops by it), even while
 *       mounted, with no EAGAIN here; LOOP_SET_FD leaves lo_file_name empty;
 *   <li>LOOP_SET_DIRECT_IO / LOOP_CHANGE_FD / LOOP_SET_BLOCK_SIZE unbound: ENXIO; LOOP_CTL_REMOVE
 *       returns 0 (not the index); LOOP_CTL_ADD of 1<<20 and LOOP_CTL_REMOVE of -1: EINVAL;
 *   <li>an unbound device: reads 0 bytes, writes ENOSPC, fsync 0, BLKGETSIZE64 0 (as the profile says).
 * </ul>
 *
 * <h2>What a caller must know</h2>
 * <ul>
 *   <li>LOOP_CTL_GET_FREE's value cannot be compared on a machine with other free devices (here it is
 *       always the boot's loop0): compare success or failure, or treat {@code Foreign} as its own
 *       outcome.
 *   <li>{@link kernsim.conform.RealSandbox#mkfsExt4} runs the real mkfs.ext4: the bytes it writes are not
 *       the model's ext4-lite image, and tiny images (64K) are too small for it.
 *   <li>x86-64 Linux only (the structures' layouts); root and {@code /dev/loop-control} are needed:
 *       {@link kernsim.conform.RealSandbox#unavailableReason()} says which is missing.
 *   <li>Narrow windows remain on a shared machine: a real index the sandbox picked but has not added yet
 *       can be created by someone else in between (the sandbox then sees EEXIST, or refuses); and another
 *       user's LOOP_CTL_GET_FREE could return one of the sandbox's unbound devices once every lower one
 *       is bound.
 * </ul>
 */
package kernsim.conform;
