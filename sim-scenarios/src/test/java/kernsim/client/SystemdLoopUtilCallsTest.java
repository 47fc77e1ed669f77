package kernsim.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.cpu.Calls;
import kernsim.cpu.KernelWorld;
import kernsim.scenario.Scenario;
import kernsim.scenario.Scenarios;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * loop-util's functions one by one, from behaviour: the syscalls each issues (as the hart's timeline has
 * them, {@code text = result}) and what it returns ({@code OpEnded}: "ok N" or the errno), in the device
 * states that matter. One hart, so the run is the same under every schedule.
 */
class SystemdLoopUtilCallsTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** The run's syscalls of hart {@code c} ("text = result") and its operations' ends ("op: result"). */
  record Run(List<String> calls, List<String> ends, List<Object> seen) {
    /** The calls from the first one starting with {@code from} (inclusive) up to {@code to} (exclusive). */
    List<String> between(String from, String to) {
      int i = index(from, 0);
      int j = to == null ? calls.size() : index(to, i + 1);
      return calls.subList(i, j);
    }

    int index(String prefix, int start) {
      for (int i = start; i < calls.size(); i++) {
        if (calls.get(i).startsWith(prefix)) {
          return i;
        }
      }
      throw new AssertionError("no call starting with " + prefix + " in " + calls);
    }

    boolean has(String call) {
      return calls.contains(call);
    }
  }

  static Run run(String text) throws Exception {
    Scenario s = Scenarios.parse(text, "t.ksim");
    KernelWorld.Outcome o = KernelWorld.run(sim, s.name(), s.text(), s.kernelSpec(), 1);
    assertTrue(o.result().failure().isEmpty(), "run failed: " + o.result().failure());
    List<String> calls = o.seen().stream().filter(Calls.Returned.class::isInstance).map(Calls.Returned.class::cast)
        .filter(r -> r.hart().equals("world/c")).map(r -> r.text() + " = " + r.result()).toList();
    List<String> ends = o.seen().stream().filter(ClientEvents.OpEnded.class::isInstance)
        .map(ClientEvents.OpEnded.class::cast).map(e -> e.op() + ": " + e.result()).toList();
    return new Run(calls, ends, o.seen());
  }

  // ==== loop_device_make's default path: direct I/O on ====

  @ParameterizedTest
  @ValueSource(strings = {"starry", "linux"})
  void makeReopensWithODirectAndVerifiesTheDirectIoFlag(String profile) throws Exception {
    Run r = run("""
        profile %s
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
        """.formatted(profile));
    assertEquals(List.of(
        "fstat(img) = 0 REGULAR",
        "fcntl(img, F_GETFL, 0) = 2",
        // LO_FLAGS_DIRECT_IO (loop_flags_mangle's default) and an fd without O_DIRECT: reopened with it
        "__d_backing = open(\"/img\", O_RDWR|O_NONBLOCK|O_DIRECT) = 1"), r.between("fstat(img)", "__d_ctl = open"));
    List<String> configure = r.between("ioctl(d, LOOP_CONFIGURE", "ioctl(d, BLKGETSIZE64)");
    // flags 20 = DIRECT_IO | AUTOCLEAR; the reopened fd is the config's
    assertTrue(configure.get(0).startsWith("ioctl(d, LOOP_CONFIGURE, {fd: __d_backing, block_size: 512, flags: 20,"),
        configure.toString());
    assertTrue(configure.get(0).endsWith(" = 0"), configure.toString());
    assertEquals("ioctl(d, BLKSSZGET) = 0 512", configure.get(1));
    // loop_configure_verify_direct_io: GET_STATUS64 shows DIRECT_IO, so no ENOANO
    assertTrue(configure.get(2).startsWith("ioctl(d, LOOP_GET_STATUS64) = 0"), configure.toString());
    assertEquals(3, configure.size(), configure.toString());
    // make_internal's cleanups: control, then the reopened fd
    List<String> tail = r.calls().subList(r.calls().size() - 2, r.calls().size());
    assertEquals(List.of("close(__d_ctl) = 0", "close(__d_backing) = 0"), tail);
    assertEquals(List.of("loop_device_make: ok 3"), r.ends());
  }

  @Test
  void directIoOffMakesNoReopenAndNoVerify() throws Exception {
    Run r = run("""
        client-option systemd-direct-io-off
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
        """);
    assertFalse(r.calls().stream().anyMatch(c -> c.contains("O_DIRECT")), r.calls().toString());
    List<String> configure = r.between("ioctl(d, LOOP_CONFIGURE", "ioctl(d, BLKGETSIZE64)");
    assertTrue(configure.get(0).startsWith("ioctl(d, LOOP_CONFIGURE, {fd: img, block_size: 512, flags: 4,"), configure.toString());
    assertEquals(List.of("ioctl(d, BLKSSZGET) = 0 512"), configure.subList(1, configure.size()));
  }

  /** fstat's S_ISBLK / stat_verify_regular: a directory is EISDIR, a pipe EBADFD; a loop device is opened whole. */
  @Test
  void makeChecksWhatTheFdIs() throws Exception {
    Run r = run("""
        setup:
          image /img 16K
          losetup /dev/loop0 /img
          mkdir /dir
        hart c:
          dir = open("/dir", O_RDONLY)
          a = loop_device_make(dir, O_RDONLY, LOCK_EX)
          pipe2([rd, wr], 0)
          b = loop_device_make(rd, O_RDONLY, LOCK_EX)
          blk = open("/dev/loop0", O_RDONLY)
          d = loop_device_make(blk, O_RDONLY, LOCK_SH)
        """);
    assertEquals(List.of("loop_device_make: EISDIR", "loop_device_make: EBADFD", "loop_device_make: ok 4"), r.ends());
    // the block device: loop_device_open_from_fd, i.e. loop_device_open of its node; no loop-control
    assertEquals(List.of("fstat(blk) = 0 BLOCK_DEVICE", "d = open(\"/dev/loop0\", O_RDONLY|O_NONBLOCK) = 4",
        "__d_lock = open(\"/dev/loop0\", O_RDONLY|O_NONBLOCK) = 5", "flock(__d_lock, LOCK_SH) = 0"),
        r.between("fstat(blk)", "ioctl(d, LOOP_GET_STATUS64)"));
    assertFalse(r.calls().stream().anyMatch(c -> c.contains("loop-control")), r.calls().toString());
  }

  // ==== the LOOP_SET_FD + LOOP_SET_STATUS64 fallback, and the ENOANO restart ====

  /**
   * A memfd: LOOP_CONFIGURE says EINVAL (starry's downcast to File), which turns loop_configure_broken on;
   * LOOP_SET_FD refuses it too, so make_by_path_memory fails with EINVAL. The process's next make takes
   * the fallback: LOOP_SET_FD, LOOP_SET_STATUS64 with the settable flags only, LOOP_SET_BLOCK_SIZE,
   * LOOP_SET_DIRECT_IO; the verify finds no DIRECT_IO (ENOANO), the device is cleared, and the loop
   * starts again in buffered mode on a reopened fd. Under starry READ_ONLY is gone at the end (its
   * LOOP_SET_STATUS64 stores the flags it is given); under linux it stays.
   */
  @ParameterizedTest
  @ValueSource(strings = {"starry", "linux"})
  void aRefusedMemfdTurnsTheFallbackOnAndItsDirectIoCheckRestartsBuffered(String profile) throws Exception {
    Run r = run("""
        profile %s
        loops 2
        setup:
          image /img 16K
          image /other 16K
        hart c:
          m = loop_device_make_by_path_memory("/img", O_RDONLY, LOCK_EX)
          ro = open("/other", O_RDONLY)
          d = loop_device_make(ro, O_RDONLY, LOCK_EX)
          ioctl(d, BLKROGET)
        """.formatted(profile));
    assertEquals(List.of(
        "__m_file = open(\"/img\", O_RDONLY|O_NONBLOCK) = 0",
        "fstat(__m_file) = 0 REGULAR",
        "fstat(__m_file) = 0 REGULAR",
        "__m_mfd = memfd_create(\"img\", 3) = 1",
        "copy_file_range(__m_file, NULL, __m_mfd, NULL, 16384, 0) = 16384",
        "copy_file_range(__m_file, NULL, __m_mfd, NULL, 16384, 0) = 0",
        "fcntl(__m_mfd, F_ADD_SEALS, 15) = 0",
        "close(__m_file) = 0",
        "fstat(__m_mfd) = 0 MEMFD",
        "fcntl(__m_mfd, F_GETFL, 0) = 2"), r.between("__m_file = open", "__m_ctl = open"));
    List<String> memfd = r.between("ioctl(m, LOOP_CONFIGURE", "ro = open");
    assertTrue(memfd.get(0).startsWith("ioctl(m, LOOP_CONFIGURE, {fd: __m_mfd, block_size: 512, flags: 5,"), memfd.toString());
    assertTrue(memfd.get(0).endsWith(" = EINVAL"), memfd.toString());
    assertEquals("ioctl(m, LOOP_SET_FD, __m_mfd) = EINVAL", memfd.get(1));
    assertEquals(List.of("close(__m_lock) = 0", "close(m) = 0", "close(__m_ctl) = 0", "close(__m_mfd) = 0"),
        memfd.subList(2, memfd.size()));

    // the fallback, first attempt: direct I/O asked for, not granted → ENOANO → cleared, restarted
    List<String> first = r.between("ioctl(d, LOOP_SET_FD", "usleep(");
    assertEquals("ioctl(d, LOOP_SET_FD, __d_backing) = 0", first.get(0));
    assertEquals("ioctl(d, LOOP_SET_STATUS64, {flags: 4, file_name: \"\"}) = 0", first.get(1)); // SETTABLE only
    assertTrue(first.get(2).startsWith("ioctl(d, LOOP_SET_BLOCK_SIZE, 512) = "), first.toString());
    assertEquals("ioctl(d, BLKSSZGET) = 0 512", first.get(3));
    assertTrue(first.get(4).startsWith("ioctl(d, LOOP_SET_DIRECT_IO, 1) = "), first.toString()); // errors ignored
    assertTrue(first.get(5).startsWith("ioctl(d, LOOP_GET_STATUS64) = 0"), first.toString());
    assertEquals(List.of("close(__d_lock) = 0", "ioctl(d, LOOP_CLR_FD) = 0", "close(d) = 0",
        "flock(__d_ctl, LOCK_UN) = 0", "__d_buffered = open(\"/other\", O_RDONLY|O_NONBLOCK) = 3",
        "close(__d_backing) = 0"), first.subList(6, first.size()));
    // second attempt: buffered, no LOOP_SET_DIRECT_IO, no verify
    List<String> second = r.between("ioctl(d, LOOP_SET_FD, __d_buffered)", "ioctl(d, BLKROGET)");
    assertFalse(second.stream().anyMatch(c -> c.contains("DIRECT_IO") || c.contains("GET_STATUS64")), second.toString());
    assertEquals(List.of("close(__d_ctl) = 0", "close(__d_buffered) = 0"), second.subList(second.size() - 2, second.size()));
    assertEquals(List.of("loop_device_make_by_path_memory: EINVAL", "loop_device_make: ok 1"), r.ends());
    String ro = r.calls().get(r.calls().size() - 1);
    assertEquals(profile.equals("starry") ? "ioctl(d, BLKROGET) = 0 0" : "ioctl(d, BLKROGET) = 0 1", ro);
  }

  // ==== make_by_path_at ====

  @Test
  void makeByPathAtOpensWithODirectMakesAndClosesItsFd() throws Exception {
    Run r = run("""
        setup:
          image /img 16K
        hart c:
          d = loop_device_make_by_path_at(AT_FDCWD, "/img", -1, LOCK_UN)
          e = loop_device_make_by_path_at(AT_FDCWD, "/missing", O_RDWR, LOCK_EX)
          f = loop_device_make_by_path_at(AT_FDCWD, "/missing", -1, LOCK_EX)
        """);
    // open_flags -1: O_RDWR first, with O_DIRECT; F_GETFL shows it, so no reopen
    assertEquals("__d_file = open(\"/img\", O_RDWR|O_NONBLOCK|O_DIRECT) = 0", r.calls().get(0));
    assertEquals("fstat(__d_file) = 0 REGULAR", r.calls().get(1));
    assertTrue(r.calls().get(2).startsWith("fcntl(__d_file, F_GETFL, 0) = "), r.calls().toString());
    assertFalse(r.calls().stream().anyMatch(c -> c.startsWith("__d_backing")), r.calls().toString());
    assertTrue(r.calls().stream().anyMatch(c -> c.startsWith("ioctl(d, LOOP_CONFIGURE, {fd: __d_file, block_size: 512, flags: 20,")),
        r.calls().toString());
    // LOCK_UN: the lock fd goes before the size is read; the path's fd is closed at the end
    assertEquals(List.of("close(__d_lock) = 0", "ioctl(d, BLKGETSIZE64) = 0 16384", "close(__d_ctl) = 0",
        "close(__d_file) = 0"), r.between("close(__d_lock)", "__e_file"));
    // ENOENT is not a privilege error: with O_DIRECT, at once without it, and no read-only retry
    assertEquals(List.of("__e_file = open(\"/missing\", O_RDWR|O_NONBLOCK|O_DIRECT) = ENOENT",
        "__e_file = open(\"/missing\", O_RDWR|O_NONBLOCK) = ENOENT",
        "__f_file = open(\"/missing\", O_RDWR|O_NONBLOCK|O_DIRECT) = ENOENT",
        "__f_file = open(\"/missing\", O_RDWR|O_NONBLOCK) = ENOENT"), r.between("__e_file", null));
    assertEquals(List.of("loop_device_make_by_path_at: ok 2", "loop_device_make_by_path_at: ENOENT",
        "loop_device_make_by_path_at: ENOENT"), r.ends());
    assertEquals(List.of(new ClientEvents.Acquired("world/c", "systemd", 0, "/img")),
        r.seen().stream().filter(ClientEvents.Acquired.class::isInstance).toList());
  }

  // ==== open_from_fd, loop_device_open ====

  @Test
  void openFromFdWantsABlockDeviceAndReopensIt() throws Exception {
    Run r = run("""
        setup:
          image /img 16K
          losetup /dev/loop0 /img
        hart c:
          img = open("/img", O_RDONLY)
          a = loop_device_open_from_fd(img, O_RDONLY, LOCK_SH)
          blk = open("/dev/loop0", O_RDWR)
          d = loop_device_open_from_fd(blk, O_RDONLY, LOCK_SH)
        """);
    assertEquals(List.of("loop_device_open_from_fd: ENOTBLK", "loop_device_open_from_fd: ok 2"), r.ends());
    assertEquals(List.of("fstat(img) = 0 REGULAR", "blk = open(\"/dev/loop0\", O_RDWR) = 1",
        "fstat(blk) = 0 BLOCK_DEVICE", "d = open(\"/dev/loop0\", O_RDONLY|O_NONBLOCK) = 2",
        "__d_lock = open(\"/dev/loop0\", O_RDONLY|O_NONBLOCK) = 3", "flock(__d_lock, LOCK_SH) = 0"),
        r.between("fstat(img)", "ioctl(d, LOOP_GET_STATUS64)"));
  }

  /**
   * loop_device_open: on a bound device GET_STATUS64 gives the number; on an unbound one it fails (nr -1,
   * no error); the sector size and size are read either way; a lock op other than LOCK_UN takes the
   * lock on a reopened fd; a missing node is the open's error. The handle is relinquished: its free
   * only syncs and closes.
   */
  @Test
  void loopDeviceOpenInEachDeviceState() throws Exception {
    Run r = run("""
        loops 2
        setup:
          image /img 16K
          losetup /dev/loop0 /img
        hart c:
          d = loop_device_open("/dev/loop0", O_RDWR, LOCK_EX)
          loop_device_free(d)
          u = loop_device_open("/dev/loop1", O_RDONLY, LOCK_UN)
          loop_device_refresh_size(u, 0, 4096)
          x = loop_device_open("/dev/loop7", O_RDONLY, LOCK_UN)
        """);
    assertEquals(List.of("d = open(\"/dev/loop0\", O_RDWR|O_NONBLOCK) = 0",
        "__d_lock = open(\"/dev/loop0\", O_RDONLY|O_NONBLOCK) = 1", "flock(__d_lock, LOCK_EX) = 0"),
        r.calls().subList(0, 3));
    assertTrue(r.calls().get(3).startsWith("ioctl(d, LOOP_GET_STATUS64) = 0"), r.calls().toString());
    assertEquals(List.of("ioctl(d, BLKSSZGET) = 0 512", "ioctl(d, BLKGETSIZE64) = 0 16384",
        // free of a device it did not make: lock fd closed, fsync, close; no loop-control, no LOOP_CLR_FD
        "close(__d_lock) = 0", "fsync(d) = 0", "close(d) = 0"), r.between("ioctl(d, BLKSSZGET)", "u = open"));
    assertEquals(List.of("u = open(\"/dev/loop1\", O_RDONLY|O_NONBLOCK) = 0", "ioctl(u, LOOP_GET_STATUS64) = ENXIO",
        "ioctl(u, BLKSSZGET) = 0 512", "ioctl(u, BLKGETSIZE64) = ENXIO", "close(u) = 0"),
        r.between("u = open", "x = open"));
    assertEquals(List.of("x = open(\"/dev/loop7\", O_RDONLY|O_NONBLOCK) = ENOENT"), r.between("x = open", null));
    assertEquals(List.of("loop_device_open: ok 0", "loop_device_free: ok 0", "loop_device_open: ENXIO",
        "loop_device_open: ENOENT"), r.ends());
  }

  // ==== refresh_size, set_autoclear, set_filename ====

  @Test
  void refreshSizeSetsOnlyWhatChangesAndNotOnANonLoopDevice() throws Exception {
    Run r = run("""
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
          loop_device_refresh_size(d, -1, -1)
          loop_device_refresh_size(d, 0, 0)
          loop_device_refresh_size(d, 4096, -1)
          loop_device_refresh_size(d, -1, 8192)
          ioctl(d, LOOP_CLR_FD)
          loop_device_refresh_size(d, 0, 0)
        """);
    List<String> calls = r.between("ioctl(d, BLKGETSIZE64)", null);
    // (-1, -1): read, nothing to change; (0, 0): already so; (4096, -1) and (-1, 8192): set
    assertEquals(List.of("ioctl(d, LOOP_GET_STATUS64)", "ioctl(d, LOOP_GET_STATUS64)", "ioctl(d, LOOP_GET_STATUS64)",
        "ioctl(d, LOOP_SET_STATUS64, {flags: 20, offset: 4096, file_name: \"\"})", "ioctl(d, LOOP_GET_STATUS64)",
        // starry kept no offset (its SET_STATUS64 stores the name and flags only): GET says 0 again
        "ioctl(d, LOOP_SET_STATUS64, {flags: 20, size_limit: 8192, file_name: \"\"})", "ioctl(d, LOOP_CLR_FD)",
        "ioctl(d, LOOP_GET_STATUS64)"),
        calls.stream().skip(3).map(c -> c.substring(0, c.lastIndexOf(" = "))).toList());
    assertEquals(List.of("loop_device_refresh_size: ok 0", "loop_device_refresh_size: ok 0", "loop_device_refresh_size: ok 0",
        "loop_device_refresh_size: ok 0", "loop_device_refresh_size: ENXIO"), r.ends().subList(1, 6));
  }

  @Test
  void setAutoclearChangesTheFlagOnlyWhenItDiffers() throws Exception {
    Run r = run("""
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
          loop_device_set_autoclear(d, 1)
          loop_device_set_autoclear(d, 0)
          loop_device_set_autoclear(d, 0)
          ioctl(d, LOOP_CLR_FD)
          loop_device_set_autoclear(d, 1)
        """);
    List<String> calls = r.between("ioctl(d, BLKGETSIZE64)", null).stream().skip(3).toList();
    assertEquals(6, calls.size(), calls.toString());
    assertTrue(calls.get(0).startsWith("ioctl(d, LOOP_GET_STATUS64) = 0"), calls.toString()); // AUTOCLEAR on (make)
    assertTrue(calls.get(1).startsWith("ioctl(d, LOOP_GET_STATUS64) = 0"), calls.toString());
    assertEquals("ioctl(d, LOOP_SET_STATUS64, {flags: 16, file_name: \"\"}) = 0", calls.get(2)); // DIRECT_IO kept
    assertTrue(calls.get(3).startsWith("ioctl(d, LOOP_GET_STATUS64) = 0"), calls.toString());
    assertEquals("ioctl(d, LOOP_CLR_FD) = 0", calls.get(4));
    assertEquals("ioctl(d, LOOP_GET_STATUS64) = ENXIO", calls.get(5));
    assertEquals(List.of("loop_device_set_autoclear: ok 0", "loop_device_set_autoclear: ok 1",
        "loop_device_set_autoclear: ok 0", "loop_device_set_autoclear: ENXIO"), r.ends().subList(1, 5));
  }

  @Test
  void setFilenameSetsClearsAndRefusesALongName() throws Exception {
    Run r = run("""
        setup:
          image /img 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
          loop_device_set_filename(d, "disk")
          loop_device_set_filename(d, "disk")
          loop_device_set_filename(d, NULL)
          loop_device_set_filename(d, "%s")
          ioctl(d, LOOP_CLR_FD)
          loop_device_set_filename(d, "x")
        """.formatted("n".repeat(64)));
    List<String> calls = r.between("ioctl(d, BLKGETSIZE64)", null).stream().skip(3)
        .map(c -> c.startsWith("ioctl(d, LOOP_GET_STATUS64) = 0") ? "GET" : c).toList();
    assertEquals(List.of("GET", "ioctl(d, LOOP_SET_STATUS64, {flags: 20, file_name: \"disk\"}) = 0", "GET", "GET",
        "ioctl(d, LOOP_SET_STATUS64, {flags: 20, file_name: \"\"}) = 0",
        // 64 bytes: ENOBUFS before any syscall
        "ioctl(d, LOOP_CLR_FD) = 0", "ioctl(d, LOOP_GET_STATUS64) = ENXIO"), calls);
    assertEquals(List.of("loop_device_set_filename: ok 1", "loop_device_set_filename: ok 0",
        "loop_device_set_filename: ok 1", "loop_device_set_filename: ENOBUFS", "loop_device_set_filename: ENXIO"),
        r.ends().subList(1, 6));
  }

  // ==== flock, sync, ref/unref, relinquish ====

  @Test
  void flockOpensALockFdLocksChangesAndCloses() throws Exception {
    Run r = run("""
        setup:
          image /img 16K
          losetup /dev/loop0 /img
        hart c:
          d = loop_device_open("/dev/loop0", O_RDWR, LOCK_UN)
          loop_device_flock(d, LOCK_SH)
          loop_device_flock(d, LOCK_EX|LOCK_NB)
          loop_device_flock(d, LOCK_UN)
          loop_device_flock(d, LOCK_UN)
          other = open("/dev/loop0", O_RDONLY)
          flock(other, LOCK_EX)
          loop_device_flock(d, LOCK_SH|LOCK_NB)
          s = loop_device_sync(d)
        """);
    assertEquals(List.of("__d_lock = open(\"/dev/loop0\", O_RDONLY|O_NONBLOCK) = 1", "flock(__d_lock, LOCK_SH) = 0",
        "flock(__d_lock, LOCK_EX|LOCK_NB) = 0", "close(__d_lock) = 0", "other = open(\"/dev/loop0\", O_RDONLY) = 1",
        "flock(other, LOCK_EX) = 0",
        // contended: the new lock fd is closed again
        "__d_lock = open(\"/dev/loop0\", O_RDONLY|O_NONBLOCK) = 2", "flock(__d_lock, LOCK_SH|LOCK_NB) = EAGAIN",
        "close(__d_lock) = 0", "fsync(d) = 0"), r.between("__d_lock = open", null));
    assertEquals(List.of("loop_device_flock: ok 0", "loop_device_flock: ok 0", "loop_device_flock: ok 0",
        "loop_device_flock: ok 0", "loop_device_flock: EAGAIN", "loop_device_sync: ok 0"), r.ends().subList(1, 7));
  }

  @Test
  void unrefFreesAtTheLastReferenceAndRelinquishedDevicesAreLeftToTheKernel() throws Exception {
    Run r = run("""
        loops 2
        setup:
          image /img 16K
          image /img2 16K
        hart c:
          img = open("/img", O_RDWR)
          d = loop_device_make(img, O_RDWR, LOCK_EX)
          loop_device_ref(d)
          loop_device_unref(d)
          ioctl(d, BLKGETSIZE)
          loop_device_unref(d)
          img2 = open("/img2", O_RDWR)
          e = loop_device_make(img2, O_RDWR, LOCK_EX)
          loop_device_relinquish(e)
          loop_device_unrelinquish(e)
          loop_device_relinquish(e)
          loop_device_unref(e)
        """);
    // the first unref leaves the device: nothing between it and BLKGETSIZE
    List<String> afterRef = r.between("ioctl(d, BLKGETSIZE)", "img2 = open");
    assertEquals(List.of("ioctl(d, BLKGETSIZE) = 0 32", "close(__d_lock) = 0",
        "__d_ctl = open(\"/dev/loop-control\", O_RDWR|O_NONBLOCK) = 1", "flock(__d_ctl, LOCK_EX) = 0", "fsync(d) = 0",
        "flock(d, LOCK_EX) = 0", "ioctl(d, LOOP_CLR_FD) = 0", "close(d) = 0", "ioctl(__d_ctl, LOOP_CTL_REMOVE, 0) = 0",
        "close(__d_ctl) = 0"), afterRef);
    // relinquished at the end: no loop-control, no LOOP_CLR_FD
    List<String> last = r.between("close(__e_backing)", null);
    assertEquals(List.of("close(__e_backing) = 0", "close(__e_lock) = 0", "fsync(e) = 0", "close(e) = 0"), last);
    assertEquals(List.of("loop_device_make: ok 3", "loop_device_ref: ok 3", "loop_device_unref: ok 0",
        "loop_device_free: ok 0", "loop_device_make: ok 4", "loop_device_relinquish: ok 0",
        "loop_device_unrelinquish: ok 0", "loop_device_relinquish: ok 0", "loop_device_free: ok 0"), r.ends());
  }
}
