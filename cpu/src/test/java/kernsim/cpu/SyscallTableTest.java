package kernsim.cpu;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.copyFileRange;
import static kernsim.cpu.Syscalls.dup;
import static kernsim.cpu.Syscalls.fadvise64;
import static kernsim.cpu.Syscalls.fallocate;
import static kernsim.cpu.Syscalls.fcntl;
import static kernsim.cpu.Syscalls.fdatasync;
import static kernsim.cpu.Syscalls.lseek;
import static kernsim.cpu.Syscalls.memfdCreate;
import static kernsim.cpu.Syscalls.mount;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.pipe2;
import static kernsim.cpu.Syscalls.pread;
import static kernsim.cpu.Syscalls.preadv;
import static kernsim.cpu.Syscalls.preadv2;
import static kernsim.cpu.Syscalls.pwritev;
import static kernsim.cpu.Syscalls.pwritev2;
import static kernsim.cpu.Syscalls.read;
import static kernsim.cpu.Syscalls.readv;
import static kernsim.cpu.Syscalls.sendfile;
import static kernsim.cpu.Syscalls.splice;
import static kernsim.cpu.Syscalls.syncFileRange;
import static kernsim.cpu.Syscalls.truncate;
import static kernsim.cpu.Syscalls.umount2;
import static kernsim.cpu.Syscalls.write;
import static kernsim.cpu.Syscalls.writev;
import static kernsim.fs.file.Uapi.FALLOC_FL_PUNCH_HOLE;
import static kernsim.fs.file.Uapi.F_ADD_SEALS;
import static kernsim.fs.file.Uapi.F_GET_SEALS;
import static kernsim.fs.file.Uapi.F_SEAL_WRITE;
import static kernsim.fs.file.Uapi.MFD_ALLOW_SEALING;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDWR;
import static kernsim.fs.file.Uapi.POSIX_FADV_SEQUENTIAL;
import static kernsim.fs.file.Uapi.RWF_NOWAIT;
import static kernsim.fs.file.Uapi.SEEK_CUR;
import static kernsim.fs.file.Uapi.SEEK_END;
import static kernsim.fs.file.Uapi.SEEK_SET;
import static kernsim.fs.file.Uapi.SYNC_FILE_RANGE_WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each file syscall of the table, run from a hart, reaches fs.file and comes back with its result. */
class SyscallTableTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void fstatReportsTheFileTypeOrEbadf() {
    List<Object> res = run("fstat", open("/f", O_RDWR | O_CREAT).as("fd"), Syscalls.fstat("fd"),
        open("/dev/loop0", O_RDWR).as("ld"), Syscalls.fstat("ld"), Syscalls.fstat("nofd"), close("fd"),
        Syscalls.fstat("fd"));
    assertEquals(SysResult.ok(0, kernsim.fs.file.FileKind.REGULAR), res.get(1));
    assertEquals(SysResult.ok(0, kernsim.fs.file.FileKind.BLOCK_DEVICE), res.get(3));
    assertEquals(SysResult.err(Errno.EBADF), res.get(4), "a variable never set");
    assertEquals(SysResult.err(Errno.EBADF), res.get(6), "a closed fd");
  }

  /**
   * loff_t is 64-bit: a tmpfs file and a memfd take pwrite64, pread64 and lseek past 2^31 and 2^40 (tmpfs's
   * s_maxbytes is MAX_LFS_FILESIZE), the hole before reads as zeros, and SEEK_END is the 64-bit length. The
   * storage is sparse, so a 1 TiB file costs a page (this test would run out of heap otherwise). An end past
   * 2^63-1 is EINVAL (rw_verify_area); truncate and ftruncate of a regular file keep the source's EFBIG past
   * u32::MAX blocks of 4 KiB, which a memfd's set_len_sealed does not check.
   */
  @Test
  void offsetsPast2To31AreSixtyFourBitOnTmpfsFilesAndMemfds() {
    long big = 1L << 40;
    long mid = (1L << 31) + 5;
    List<Object> res = run("offsets64", open("/f", O_RDWR | O_CREAT).as("fd"),
        Syscalls.pwrite("fd", "abc", big), pread("fd", 3, big), lseek("fd", 0, SEEK_END), pread("fd", 4, mid),
        Syscalls.pwrite("fd", "x", Long.MAX_VALUE), lseek("fd", mid, SEEK_SET), write("fd", "yz"), pread("fd", 2, mid),
        Syscalls.ftruncate("fd", 0xFFFF_FFFFL * 4096 + 1), Syscalls.ftruncate("fd", mid + 1), lseek("fd", 0, SEEK_END),
        pread("fd", 4, mid - 1),
        memfdCreate("m", 0).as("m"), Syscalls.pwrite("m", "memfd", mid), lseek("m", 0, SEEK_END), pread("m", 5, mid),
        Syscalls.ftruncate("m", big), lseek("m", -1, SEEK_END));
    assertEquals(SysResult.ok(3), res.get(1));
    assertEquals("abc", text(res.get(2)));
    assertEquals(SysResult.ok(big + 3), res.get(3));
    assertEquals("\0\0\0\0", text(res.get(4)), "the hole reads as zeros");
    assertEquals(SysResult.err(Errno.EINVAL), res.get(5), "pos + count past 2^63-1");
    assertEquals(SysResult.ok(mid), res.get(6));
    assertEquals(SysResult.ok(2), res.get(7));
    assertEquals("yz", text(res.get(8)), "write(2) at a 64-bit file position");
    assertEquals(SysResult.err(Errno.EFBIG), res.get(9));
    assertEquals(SysResult.ok(0), res.get(10));
    assertEquals(SysResult.ok(mid + 1), res.get(11), "shrunk to 2^31 + 6");
    assertEquals("\0y", text(res.get(12)), "the bytes past the new end are gone");
    assertEquals(SysResult.ok(5), res.get(14));
    assertEquals(SysResult.ok(mid + 5), res.get(15));
    assertEquals("memfd", text(res.get(16)));
    assertEquals(SysResult.ok(0), res.get(17));
    assertEquals(SysResult.ok(big - 1), res.get(18));
  }

  /**
   * sync is 0; chdir moves the cwd relative paths resolve from (ENOENT, ENOTDIR, EINVAL for ".." and
   * ENOENT for "" first); mount's NULL source is EFAULT and NULL fstype ENODEV, as the seed reads them.
   */
  @Test
  void syncChdirAndMountsNullPointers() {
    List<Object> res = run("chdir", Syscalls.sync(), Syscalls.chdir("/nope"), Syscalls.chdir("/dev/loop0"),
        Syscalls.chdir("/mnt/.."), Syscalls.chdir(""), Syscalls.chdir("/mnt"), open("f", O_RDWR | O_CREAT).as("fd"),
        write("fd", "rel"), Syscalls.chdir("/"), open("mnt/f", O_RDWR).as("g"), read("g", 8),
        mount(null, "/mnt", "tmpfs", 0, null), mount("none", "/mnt", null, 0, null),
        mount("none", "/mnt", "tmpfs", 0, null));
    assertEquals(SysResult.ok(0), res.get(0));
    assertEquals(SysResult.err(Errno.ENOENT), res.get(1));
    assertEquals(SysResult.err(Errno.ENOTDIR), res.get(2));
    assertEquals(SysResult.err(Errno.EINVAL), res.get(3));
    assertEquals(SysResult.err(Errno.ENOENT), res.get(4));
    assertEquals(SysResult.ok(0), res.get(5));
    assertEquals(SysResult.ok(3), res.get(7));
    assertEquals("rel", text(res.get(10)), "f was made in /mnt, the cwd");
    assertEquals(SysResult.err(Errno.EFAULT), res.get(11));
    assertEquals(SysResult.err(Errno.ENODEV), res.get(12));
    assertEquals(SysResult.ok(0), res.get(13));
  }

  /** Runs {@code program} alone on hart-1 of a fresh kernel; its calls' results in program order. */
  private static List<Object> run(String name, Stmt... program) {
    List<Object> seen = new ArrayList<>();
    Kernel.Spec spec = new Kernel.Spec(1, List.of(), List.of(List.of(program)));
    RunResult r = KernelWorld.run(sim, KernelWorld.spec(name, spec, seen), 1);
    assertFalse(r.failed(), r.outcome());
    List<Object> res = KernelWorld.results(seen, "world/hart-1");
    assertEquals(program.length, res.size(), "every statement returned");
    return res;
  }

  private static String text(Object result) {
    SysResult.Ok ok = KernelWorld.ok(result);
    return new String((byte[]) ok.data(), 0, (int) ok.value(), StandardCharsets.UTF_8);
  }

  private static long value(Object result) {
    return KernelWorld.ok(result).value();
  }

  @Test
  void writevThenReadvRoundTrip() {
    List<Object> res = run("vec",
        open("/v", O_RDWR | O_CREAT).as("fd"),
        writev("fd", "ab", "cde", ""),
        lseek("fd", 0, SEEK_SET),
        readv("fd", 2, 3, 4),
        writev("nofd", "x"));
    assertEquals(5, value(res.get(1)));
    assertEquals("abcde", text(res.get(3)), "a short read at end of file");
    assertEquals(SysResult.err(Errno.EBADF), res.get(4));
  }

  @Test
  void positionedVectorIo() {
    List<Object> res = run("pvec",
        open("/p", O_RDWR | O_CREAT).as("fd"),
        pwritev("fd", new String[] {"xy", "z"}, 4),
        preadv("fd", new int[] {1, 2}, 4),
        lseek("fd", 0, SEEK_CUR),
        pwritev2("fd", new String[] {"Q"}, -1, 0),
        preadv2("fd", new int[] {2}, 0, 0),
        preadv2("fd", new int[] {1}, 0, RWF_NOWAIT),
        preadv("fd", new int[] {1}, -1));
    assertEquals(3, value(res.get(1)));
    assertEquals("xyz", text(res.get(2)));
    assertEquals(0, value(res.get(3)), "positioned I/O leaves the file position alone");
    assertEquals(1, value(res.get(4)), "offset -1 writes at the file position");
    assertEquals("Q\0", text(res.get(5)), "the hole before offset 4 reads as zeros");
    assertEquals(SysResult.err(Errno.EOPNOTSUPP), res.get(6));
    assertEquals(SysResult.err(Errno.EINVAL), res.get(7), "preadv has no -1");
  }

  @Test
  void truncateByPathChangesTheOpenFilesLength() {
    List<Object> res = run("trunc",
        open("/t", O_RDWR | O_CREAT).as("fd"),
        write("fd", "hello world"),
        truncate("/t", 4),
        lseek("fd", 0, SEEK_END),
        truncate("/t", 9),
        lseek("fd", 0, SEEK_END),
        truncate("/missing", 1),
        truncate("/", 0),
        truncate("/t", -1));
    assertEquals(SysResult.ok(0), res.get(2));
    assertEquals(4, value(res.get(3)));
    assertEquals(SysResult.ok(0), res.get(4));
    assertEquals(9, value(res.get(5)), "truncate grows, too");
    assertEquals(SysResult.err(Errno.ENOENT), res.get(6));
    assertEquals(SysResult.err(Errno.EISDIR), res.get(7));
    assertEquals(SysResult.err(Errno.EINVAL), res.get(8));
  }

  @Test
  void fallocateExtendsButNeverShrinks() {
    List<Object> res = run("falloc",
        open("/f", O_RDWR | O_CREAT).as("fd"),
        write("fd", "0123456789"),
        fallocate("fd", 0, 10, 6),
        lseek("fd", 0, SEEK_END),
        fallocate("fd", 0, 0, 2),
        lseek("fd", 0, SEEK_END),
        fallocate("fd", FALLOC_FL_PUNCH_HOLE, 0, 2));
    assertEquals(SysResult.ok(0), res.get(2));
    assertEquals(16, value(res.get(3)));
    assertEquals(SysResult.ok(0), res.get(4));
    assertEquals(16, value(res.get(5)));
    assertEquals(SysResult.err(Errno.EOPNOTSUPP), res.get(6));
  }

  @Test
  void syncAndAdviceSucceedOnARegularFile() {
    List<Object> res = run("sync",
        open("/s", O_RDWR | O_CREAT).as("fd"),
        write("fd", "data"),
        fdatasync("fd"),
        syncFileRange("fd", 0, 4, SYNC_FILE_RANGE_WRITE),
        fadvise64("fd", 0, 4, POSIX_FADV_SEQUENTIAL),
        fadvise64("fd", 0, -1, POSIX_FADV_SEQUENTIAL),
        fdatasync("nofd"));
    assertEquals(SysResult.ok(0), res.get(2));
    assertEquals(SysResult.ok(0), res.get(3));
    assertEquals(SysResult.ok(0), res.get(4));
    assertEquals(SysResult.err(Errno.EINVAL), res.get(5));
    assertEquals(SysResult.err(Errno.EBADF), res.get(6));
  }

  @Test
  void pipe2SetsBothEndsAndSpliceMovesFromThePipeIntoAFile() {
    List<Object> res = run("pipe",
        pipe2("r", "w", 0),
        write("w", "piped"),
        read("r", 16),
        open("/dst", O_RDWR | O_CREAT).as("fd"),
        write("w", "spliced"),
        splice("r", null, "fd", null, 7, 0),
        write("w", "at"),
        splice("r", null, "fd", 10L, 2, 0),
        pread("fd", 16, 0),
        lseek("fd", 0, SEEK_CUR),
        splice("fd", null, "fd", null, 1, 0));
    assertEquals(SysResult.ok(0, List.of(0, 1)), res.get(0), "the read end, then the write end");
    assertEquals("piped", text(res.get(2)));
    assertEquals(2, value(res.get(3)), "fds 0 and 1 are the pipe's");
    assertEquals(7, value(res.get(5)));
    assertEquals(2, value(res.get(7)));
    assertEquals("spliced\0\0\0at", text(res.get(8)));
    assertEquals(7, value(res.get(9)), "a splice at an offset leaves the file position alone");
    assertEquals(SysResult.err(Errno.EINVAL), res.get(10), "no pipe on either side");
  }

  @Test
  void sendfileAndCopyFileRangeBetweenTwoTmpfsFiles() {
    Stmt copyTwice = copyFileRange("a", 0L, "b", 12L, 2, 0); // a fresh offset cell each time it runs
    List<Object> res = run("send",
        open("/a", O_RDWR | O_CREAT).as("a"),
        write("a", "0123456789"),
        open("/b", O_RDWR | O_CREAT).as("b"),
        sendfile("b", "a", 2L, 4),
        lseek("a", 0, SEEK_CUR),
        copyFileRange("a", 0L, "b", 4L, 3, 0),
        lseek("a", 8, SEEK_SET),
        sendfile("b", "a", null, 10),
        pread("b", 16, 0),
        copyTwice,
        copyTwice,
        pread("b", 16, 0),
        copyFileRange("a", null, "b", null, 1, 1));
    assertEquals(4, value(res.get(3)));
    assertEquals(10, value(res.get(4)), "an offset cell leaves the input's position alone");
    assertEquals(3, value(res.get(5)));
    assertEquals(2, value(res.get(7)), "from a's position to its end");
    assertEquals("2345892", text(res.get(8)), "b's position was 4 after the first sendfile");
    assertEquals(2, value(res.get(9)));
    assertEquals(2, value(res.get(10)));
    assertEquals("2345892\0\0\0\0\0" + "01", text(res.get(11)));
    assertEquals(SysResult.err(Errno.EINVAL), res.get(12), "flags must be 0");
  }

  @Test
  void aWriteSealedMemfdRefusesWrites() {
    List<Object> res = run("memfd",
        memfdCreate("m", MFD_ALLOW_SEALING).as("m"),
        write("m", "ok"),
        fcntl("m", F_ADD_SEALS, F_SEAL_WRITE),
        fcntl("m", F_GET_SEALS, 0),
        write("m", "no"),
        pread("m", 8, 0));
    assertEquals(0, value(res.get(0)));
    assertEquals(2, value(res.get(1)));
    assertEquals(SysResult.ok(0), res.get(2));
    assertEquals(F_SEAL_WRITE, value(res.get(3)) & F_SEAL_WRITE);
    assertEquals(SysResult.err(Errno.EPERM), res.get(4));
    assertEquals("ok", text(res.get(5)));
  }

  @Test
  void dupSharesTheOffset() {
    List<Object> res = run("dup",
        open("/d", O_RDWR | O_CREAT).as("fd"),
        dup("fd").as("d2"),
        write("d2", "abc"),
        lseek("fd", 0, SEEK_CUR),
        dup("nofd"));
    assertEquals(1, value(res.get(1)));
    assertEquals(3, value(res.get(3)));
    assertEquals(SysResult.err(Errno.EBADF), res.get(4));
  }

  @Test
  void aDupKeepsTheMountBusyAndAnonymousFilesDoNot() {
    List<Object> res = run("busy",
        mount("tmpfs", "/mnt", "tmpfs", 0, null),
        open("/mnt/x", O_RDWR | O_CREAT).as("fd"),
        dup("fd").as("d2"),
        close("fd"),
        umount2("/mnt", 0),
        close("d2"),
        memfdCreate("m", 0).as("m"),
        pipe2("r", "w", 0),
        dup("m").as("m2"),
        umount2("/mnt", 0));
    assertEquals(SysResult.err(Errno.EBUSY), res.get(4), "the dup is still on /mnt");
    assertEquals(SysResult.ok(0), res.get(9), "memfds and pipes are on no mount");
  }
}
