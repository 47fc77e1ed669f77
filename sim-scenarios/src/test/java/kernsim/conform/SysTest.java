package kernsim.conform;

import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDONLY;
import static kernsim.fs.file.Uapi.O_RDWR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.loop.LoopIoctl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JNA layer on plain files (no root, no loop driver needed): values, bytes and errnos. */
class SysTest {
  @BeforeAll
  static void x86Linux() {
    assumeTrue(Sys.unsupported().isEmpty(), () -> "skipped: " + Sys.unsupported().get());
  }

  @Test
  void aFileRoundTripsThroughTheRealCalls(@TempDir Path dir) throws Exception {
    String path = dir.resolve("f").toString();
    RealResult fd = Sys.open(path, O_RDWR | O_CREAT);
    int f = (int) fd.value();
    assertEquals(RealResult.ok(5), Sys.write(f, "hello".getBytes(StandardCharsets.UTF_8)));
    assertEquals(RealResult.ok(3), Sys.pwrite(f, "XYZ".getBytes(StandardCharsets.UTF_8), 10));
    assertEquals(RealResult.ok(13), Sys.lseek(f, 0, 2));
    assertEquals(RealResult.ok(2, "el".getBytes(StandardCharsets.UTF_8)), Sys.pread(f, 2, 1));
    assertEquals(RealResult.ok(0), Sys.fsync(f));
    assertEquals(RealResult.ok(0), Sys.fdatasync(f));
    assertEquals(RealResult.ok(0), Sys.flock(f, 2));
    assertEquals(RealResult.ok(0), Sys.ftruncate(f, 4));
    assertEquals(RealResult.ok(0), Sys.fallocate(f, 0, 0, 8192));
    assertEquals(8192, Files.size(Path.of(path)));
    assertEquals(RealResult.ok(0), Sys.lseek(f, 0, 0));
    assertEquals(RealResult.ok(4, "hell".getBytes(StandardCharsets.UTF_8)), Sys.read(f, 4));
    int d = (int) Sys.dup(f).value();
    assertEquals(RealResult.ok(0), Sys.close(d));
    assertEquals(RealResult.ok(0), Sys.close(f));
    assertEquals(RealResult.ok(0), Sys.mkdir(dir.resolve("sub").toString(), 0755));
    assertEquals("EEXIST", Sys.mkdir(dir.resolve("sub").toString(), 0755).errnoName());
  }

  @Test
  void failuresCarryTheKernelsErrno(@TempDir Path dir) {
    assertEquals(new RealResult.Err(9, "EBADF"), Sys.close(-1));
    assertEquals("ENOENT", Sys.open(dir.resolve("missing").toString(), O_RDONLY).errnoName());
    assertEquals("EISDIR", Sys.open(dir.toString(), O_RDWR).errnoName(), "a directory opened for writing");
    int f = (int) Sys.open(dir.resolve("g").toString(), O_RDWR | O_CREAT).value();
    assertEquals("ENOTTY", Sys.ioctl(f, LoopIoctl.LOOP_CLR_FD.number(), 0).errnoName(), "a loop ioctl on a file");
    assertEquals("ENOTTY", Sys.ioctlNull(f, LoopIoctl.BLKGETSIZE64.number()).errnoName());
    assertEquals("EINVAL", Sys.flock(f, 0).errnoName());
    assertEquals("EINVAL", Sys.lseek(f, 0, 99).errnoName(), "a bad whence");
    Sys.close(f);
    assertEquals("EINVAL", Sys.umount2(dir.toString(), 0).errnoName(), "not a mount point");
  }

  @Test
  void errnoNamesComeFromGlibcAndMatchTheModelsTable() {
    for (Errno e : Errno.values()) {
      assertEquals(e.name(), Sys.errnoName(e.number()), "glibc's name for " + e.number());
    }
    assertEquals("EBADMSG", Sys.errnoName(74), "an errno the model's table does not have");
    assertEquals(SysResult.err(Errno.EBUSY), RealResult.err(16).toSysResult());
    assertNull(RealResult.err(74).toSysResult(), "no model errno: the caller reports the difference");
    assertNull(RealResult.refused("x").toSysResult());
  }
}
