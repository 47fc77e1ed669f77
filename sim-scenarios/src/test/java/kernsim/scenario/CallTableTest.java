package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import kernsim.cpu.Stmt;
import kernsim.cpu.Syscalls;
import kernsim.dev.loop.LoopIoctl;
import org.junit.jupiter.api.Test;

/** Every call of the model's syscall table can be written, and compiles to a statement that reads as written. */
class CallTableTest {
  /** One program using every call (ScenarioRunTest runs it after a setup that binds loop0 to /img). */
  static final List<String> PROGRAM = List.of(
      "mkdir(\"/d\")",
      "fd = open(\"/d/f\", O_RDWR|O_CREAT)",
      "write(fd, \"hello world\")",
      "pwrite64(fd, \"HELLO\", 0)",
      "read(fd, 4)",
      "pread64(fd, 5, 0)",
      "lseek(fd, 0, SEEK_SET)",
      "readv(fd, [2, 3])",
      "writev(fd, [\"ab\", \"cd\"])",
      "preadv(fd, [4], 0)",
      "pwritev(fd, [\"xy\"], 2)",
      "preadv2(fd, [4], -1, 0)",
      "pwritev2(fd, [\"z\"], -1, RWF_NOWAIT)",
      "fsync(fd)",
      "fdatasync(fd)",
      "ftruncate(fd, 4K)",
      "truncate(\"/d/f\", 16)",
      "fallocate(fd, 0, 0, 32)",
      "sync_file_range(fd, 0, 8, SYNC_FILE_RANGE_WAIT_BEFORE|SYNC_FILE_RANGE_WRITE)",
      "fadvise64(fd, 0, 8, POSIX_FADV_SEQUENTIAL)",
      "out = open(\"/d/g\", O_RDWR|O_CREAT|O_TRUNC)",
      "sendfile(out, fd, &0, 4)",
      "copy_file_range(fd, &0, out, NULL, 4, 0)",
      "pipe2([r, w], O_NONBLOCK)",
      "splice(fd, &0, w, NULL, 4, SPLICE_F_MOVE|SPLICE_F_MORE)",
      "m = memfd_create(\"mem\", MFD_ALLOW_SEALING|MFD_CLOEXEC)",
      "fcntl(m, F_ADD_SEALS, F_SEAL_WRITE|F_SEAL_GROW)",
      "fcntl(m, F_GET_SEALS)",
      "fcntl(fd, F_GETFL, 0)",
      "d = dup(fd)",
      "fstat(d)",
      "sync()",
      "chdir(\"/d\")",
      "mount(NULL, \"/mnt\", NULL, 0)",
      "flock(d, LOCK_EX|LOCK_NB)",
      "close(d)",
      "ld = open(\"/dev/loop0\", O_RDWR)",
      "ioctl(ld, BLKFLSBUF)",
      "ioctl(ld, BLKRASET, 256)",
      "mount(\"none\", \"/mnt\", \"tmpfs\", MS_RDONLY, NULL)",
      "umount2(\"/mnt\", MNT_DETACH)",
      "close(ld)",
      "mkfs.ext4(\"/dev/loop0\")",
      "pivot_root(\"/d\", \"/d\")",
      "img = open(\"/img\", O_RDWR)",
      "lo = monogon_create(img, 4096)",
      "monogon_create(img, 0, LO_FLAGS_AUTOCLEAR)",
      "monogon_write(lo, 0, \"data\")",
      "monogon_dev_path(lo)",
      "monogon_dev(lo)",
      "monogon_backing_file_path(lo)",
      "monogon_refresh_size(lo)",
      "monogon_remove(lo)",
      "mo = monogon_open(\"/dev/loop0\")",
      "monogon_close(mo)",
      "usleep(10)",
      "nanosleep(5)",
      "close(fd)");

  /** The userspace loop client's statements (library calls that expand into syscalls: not in PROGRAM). */
  static final List<String> CLIENT_PROGRAM = List.of(
      "img = open(\"/img\", O_RDWR)",
      "d = loop_device_make(img, O_RDWR, LOCK_EX)",
      "loop_device_write(d, 0, \"x\")",
      "loop_device_refresh_size(d, 0, -1)",
      "loop_device_set_autoclear(d, 0)",
      "loop_device_set_filename(d, \"name\")",
      "loop_device_set_filename(d, NULL)",
      "loop_device_free(d)",
      "e = loop_device_open(\"/dev/loop0\", O_RDONLY, LOCK_SH|LOCK_NB)",
      "loop_device_ref(e)",
      "loop_device_flock(e, LOCK_UN)",
      "loop_device_sync(e)",
      "loop_device_unrelinquish(e)",
      "loop_device_relinquish(e)",
      "loop_device_unref(e)",
      "loop_device_free(e)",
      "f = loop_device_make_by_path_at(AT_FDCWD, \"/img\", -1, LOCK_UN)",
      "g = loop_device_make_by_path_memory(\"/img\", O_RDONLY, LOCK_EX)",
      "h = loop_device_open_from_fd(img, O_RDWR, LOCK_UN)");

  private static String callName(String line) {
    String s = line.contains(" = ") ? line.substring(line.indexOf(" = ") + 3) : line;
    return s.substring(0, s.indexOf('('));
  }

  @Test
  void theProgramUsesEveryCallAndEachCompilesToItsOwnText() throws ScenarioException {
    Set<String> used = PROGRAM.stream().map(CallTableTest::callName).collect(Collectors.toCollection(TreeSet::new));
    used.addAll(CLIENT_PROGRAM.stream().map(CallTableTest::callName).toList());
    assertEquals(new TreeSet<>(CallTable.names()), used);
    Scenario client = Scenarios.parse("hart 1:\n" + CLIENT_PROGRAM.stream().map(l -> "  " + l)
        .collect(Collectors.joining("\n")), "client.ksim");
    assertEquals(CLIENT_PROGRAM, client.harts().get(0).stream().map(Stmt::text).toList());
    assertEquals("d", client.harts().get(0).get(1).assign());
    assertTrue(client.harts().get(0).get(1).expands());
    String text = "hart 1:\n" + PROGRAM.stream().map(l -> "  " + l).collect(Collectors.joining("\n"));
    Scenario s = Scenarios.parse(text, "all.ksim");
    assertEquals(PROGRAM, s.harts().get(0).stream().map(Stmt::text).toList());
    assertEquals("fd", s.harts().get(0).get(1).assign());
    assertEquals(null, s.harts().get(0).get(2).assign());
  }

  /** A builder added to cpu.Syscalls without a call here fails this test: every syscall must be writable. */
  @Test
  void everyStatementBuilderOfTheSyscallTableHasACall() {
    List<String> missing = new ArrayList<>();
    for (Method m : Syscalls.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers()) || !Modifier.isStatic(m.getModifiers()) || m.getReturnType() != Stmt.class) {
        continue;
      }
      String call = m.getName().startsWith("ioctl") ? "ioctl" : switch (m.getName()) {
        case "pwrite" -> "pwrite64";
        case "pread" -> "pread64";
        case "mkfsExt4" -> "mkfs.ext4";
        default -> m.getName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
      };
      if (!CallTable.names().contains(call)) {
        missing.add(m.getName() + " (as " + call + ")");
      }
    }
    assertTrue(missing.isEmpty(), "Syscalls builders with no call in the language: " + missing);
  }

  @Test
  void everyIoctlCommandCompilesWithTheArgumentItReads() throws ScenarioException {
    List<String> lines = new ArrayList<>(List.of("ld = open(\"/dev/loop0\", O_RDWR)", "img = open(\"/img\", O_RDWR)"));
    for (LoopIoctl c : LoopIoctl.values()) {
      String arg = switch (c) {
        case LOOP_SET_FD, LOOP_CHANGE_FD, LOOP_CONFIGURE -> ", img";
        case BLKROSET, BLKRASET, LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE -> ", 1";
        case LOOP_SET_STATUS -> ", {flags: LO_FLAGS_AUTOCLEAR, name: \"n\"}";
        case LOOP_SET_STATUS64 -> ", {lo_flags: LO_FLAGS_PARTSCAN|LO_FLAGS_AUTOCLEAR, lo_file_name: \"n\"}";
        default -> "";
      };
      lines.add("ioctl(ld, " + c.name() + arg + ")");
    }
    lines.addAll(List.of("ioctl(ld, LOOP_CONFIGURE, {fd: img, block_size: 4K, flags: 0, file_name: \"f\"})",
        "ioctl(ld, LOOP_CTL_GET_FREE)", "ioctl(ld, LOOP_CTL_ADD, 1)", "ioctl(ld, LOOP_CTL_REMOVE, -1)",
        "ioctl(ld, 0x4C00, img)", "ioctl(ld, 0x12345)", "ioctl(ld, 0x12345, 9)"));
    String text = "hart 1:\n" + lines.stream().map(l -> "  " + l).collect(Collectors.joining("\n"));
    Scenario s = Scenarios.parse(text, "ioctls.ksim");
    assertEquals(lines, s.harts().get(0).stream().map(Stmt::text).toList());
  }

  @Test
  void shapesListOptionalParameters() {
    assertEquals("mount(source, target, fstype, flags[, data])", CallTable.shape("mount"));
    assertEquals("open(path, flags)", CallTable.shape("open"));
    assertEquals("ioctl(fd, cmd[, arg])", CallTable.shape("ioctl"));
  }
}
