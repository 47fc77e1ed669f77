package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.cpu.Boot;
import org.junit.jupiter.api.Test;

/** Each kind of mistake is reported at its line and column, saying what was expected. */
class ScenarioErrorsTest {
  private static ScenarioException error(String text) {
    return assertThrows(ScenarioException.class, () -> Scenarios.parse(text, "bad.ksim"));
  }

  private static void assertError(String text, int line, int col, String reason) {
    ScenarioException e = error(text);
    assertEquals(reason, e.reason(), e.getMessage());
    assertEquals(line + ":" + col, e.line() + ":" + e.column(), e.getMessage());
    assertEquals("bad.ksim", e.file());
  }

  /** A hart block around {@code stmts}, each line indented two spaces. */
  private static String hart(String... stmts) {
    return "hart 1:\n" + String.join("\n", java.util.Arrays.stream(stmts).map(s -> "  " + s).toList()) + "\n";
  }

  // ==== whole messages: position, source line, caret ====

  @Test
  void anUndefinedVariableIsReportedAtItsUse() {
    ScenarioException e = error("# t\nhart mounter:\n  write(fd, \"hello\")\n");
    assertEquals("""
        bad.ksim:3:9: error: undefined variable `fd`: assign it earlier in `hart mounter:` (e.g. `fd = open(...)`)
          write(fd, "hello")
                ^""", e.getMessage());
  }

  @Test
  void aWrongArgumentTypeNamesTheParameter() {
    ScenarioException e = error(hart("fd = open(\"/a\", O_RDWR)", "write(\"fd\", \"hello\")"));
    assertEquals("""
        bad.ksim:3:9: error: expected an fd variable for write's fd, found string "fd"
          write("fd", "hello")
                ^""", e.getMessage());
  }

  @Test
  void anUnknownConstantSuggestsTheClosestOfItsFamily() {
    ScenarioException e = error(hart("fd = open(\"/a\", O_RDWR|O_CRAET)"));
    assertEquals("""
        bad.ksim:2:26: error: unknown constant `O_CRAET`; did you mean O_CREAT?
          fd = open("/a", O_RDWR|O_CRAET)
                                 ^""", e.getMessage());
  }

  @Test
  void aWrongArgumentCountShowsTheCallsShape() {
    ScenarioException e = error(hart("mount(\"/dev/loop0\", \"/mnt\", \"ext4\")"));
    assertEquals("""
        bad.ksim:2:37: error: expected 4 or 5 arguments for mount(source, target, fstype, flags[, data]), found 3
          mount("/dev/loop0", "/mnt", "ext4")
                                            ^""", e.getMessage());
  }

  @Test
  void moreHartsThanTheLimitAreRefusedAtTheFirstOneTooMany() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Parser.MAX_HARTS; i++) {
      b.append("hart h").append(i).append(":\n  fd = open(\"/f\", O_RDWR|O_CREAT)\n");
    }
    assertEquals(Parser.MAX_HARTS, Scenarios.parse(b.toString(), "ok.ksim").harts().size());
    b.append("hart one-too-many:\n  fd = open(\"/f\", O_RDWR)\n");
    assertError(b.toString(), 2 * Parser.MAX_HARTS + 1, 1,
        "too many harts: a scenario has at most 1,024 (each is an actor, and the errno oracle orders every call"
            + " in flight at once)");
  }

  @Test
  void aLongProgramGetsAStepBoundOfItsSizeAShortOneKeepsTheDefault() throws Exception {
    kernsim.actors.RunOptions base = kernsim.actors.RunOptions.DEFAULT;
    Scenario triad = Catalog.find("triad").orElseThrow();
    assertEquals(base.maxSteps(), new ScenarioWorld(triad, Settings.of(triad, null, List.of(), List.of()))
        .runOptions(base).maxSteps());
    StringBuilder b = new StringBuilder("hart a:\n  fd = open(\"/f\", O_RDWR|O_CREAT)\n");
    for (int i = 0; i < 299; i++) {
      b.append("  write(fd, \"x\")\n");
    }
    Scenario longOne = Scenarios.parse(b.toString(), "long.ksim");
    kernsim.actors.RunOptions o = new ScenarioWorld(longOne, Settings.of(longOne, null, List.of(), List.of()))
        .runOptions(base);
    assertEquals(300 * ScenarioWorld.STEPS_PER_STATEMENT, o.maxSteps());
    assertEquals(base.livelocks(), o.livelocks());
  }

  @Test
  void aMissingHartBlockIsReportedAtTheEndOfTheFile() {
    ScenarioException e = error("# only a comment\nscenario x\n");
    assertEquals("""
        bad.ksim:2:11: error: no hart block: a scenario needs at least one `hart NAME:` block of statements
        scenario x
                  ^""", e.getMessage());
    assertEquals(2, e.line());
    assertEquals(11, e.column());
    e = error(""); // an empty file: nowhere to point
    assertEquals("bad.ksim: error: no hart block: a scenario needs at least one `hart NAME:` block of statements",
        e.getMessage());
    assertEquals(0, e.line());
  }

  // ==== each kind of error at its position ====

  @Test
  void unknownCalls() {
    assertError(hart("fd = opne(\"/a\", 0)"), 2, 8, "unknown call `opne`; did you mean open?");
    assertError(hart("frobnicate()"), 2, 3, "unknown call `frobnicate`; expected one of: "
        + String.join(", ", CallTable.names()));
  }

  @Test
  void argumentCounts() {
    assertError(hart("fd = open(\"/a\", 0, 0644)"), 2, 22, "expected 2 arguments for open(path, flags), found 3");
    assertError(hart("close()"), 2, 9, "expected 1 argument for close(fd), found 0");
    assertError(hart("ld = open(\"/dev/loop0\", 0)", "ioctl(ld, BLKROSET)"), 3, 21,
        "expected 3 arguments for ioctl(fd, BLKROSET, value), found 2");
    assertError(hart("ld = open(\"/dev/loop0\", 0)", "ioctl(ld, BLKGETSIZE64, &0)"), 3, 27,
        "expected 2 arguments for ioctl(fd, BLKGETSIZE64), found 3 (what the command writes to the user's "
            + "pointer is the result's data)");
  }

  @Test
  void argumentKinds() {
    assertError(hart("fd = open(/a, 0)"), 2, 13,
        "expected a quoted string for open's path, found bare path `/a` (in a call, quote it: \"/a\")");
    assertError(hart("fd = open(\"/a\", 0)", "read(fd, -1)"), 3, 12,
        "expected a count (a number from 0 to 2G-1) for read's count, found number `-1`");
    assertError(hart("fd = open(\"/a\", 0)", "sendfile(fd, fd, 0, 1)"), 3, 20,
        "expected NULL or &OFFSET for sendfile's offset, found number `0`");
    assertError(hart("fd = open(\"/a\", 0)", "readv(fd, 4)"), 3, 13,
        "expected an array of counts (e.g. [4, 8]) for readv's iov, found number `4`");
    assertError(hart("fd = open(\"/a\", \"rw\")"), 2, 19,
        "expected open flags (O_* names joined by |, or a number) for open's flags, found string \"rw\"");
    assertError(hart("fd = open(\"/a\", 0)", "close(O_RDWR)"), 3, 9,
        "expected an fd variable for close's fd, found constant `O_RDWR`");
    assertError(hart("pipe2([r, r], 0)"), 2, 13, "expected two different variable names for pipe2's fds, found `r` twice");
    assertError(hart("fd = open(\"/a\", 0)", "writev(fd, [[\"a\"]])"), 3, 15,
        "expected a number, string, name or NULL, found `[`: arrays and structs do not nest");
  }

  @Test
  void constants() {
    assertError(hart("fd = open(\"/a\", MS_RDONLY)"), 2, 19, "expected open flags, found `MS_RDONLY`, which is "
        + "a mount flag (valid here: O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_NONBLOCK, "
        + "O_DIRECT, O_DIRECTORY, O_CLOEXEC, O_PATH)");
    assertError(hart("ld = open(\"/dev/loop0\", 0)", "ioctl(ld, BLKFLUSHBUF)"), 3, 13,
        "unknown ioctl command `BLKFLUSHBUF`; did you mean BLKFLSBUF?");
    assertError(hart("fd = open(\"/a\", 0)", "lseek(fd, 0, SEEK_MIDDLE)"), 3, 16,
        "unknown constant `SEEK_MIDDLE`; expected an lseek whence: SEEK_SET, SEEK_CUR, SEEK_END");
  }

  @Test
  void variables() {
    assertError("setup:\n  img = open(\"/img\", O_RDWR|O_CREAT)\n" + hart("ftruncate(img, 4K)"), 4, 13,
        "undefined variable `img`: assign it earlier in `hart 1:` (e.g. `img = open(...)`)");
    assertError(hart("fd = dup(fd)"), 2, 12, "undefined variable `fd`: assign it earlier in `hart 1:` (e.g. `fd = open(...)`)");
    assertError(hart("O_RDWR = open(\"/a\", 0)"), 2, 3,
        "expected a variable name, found `O_RDWR`, which names a constant");
    assertError(hart("my.fd = open(\"/a\", 0)"), 2, 3, "expected a variable name (letters, digits and _), found `my.fd`");
  }

  @Test
  void lexicalErrors() {
    assertError(hart("fd = open(\"/a, 0)"), 2, 13, "unterminated string: expected a closing `\"` on the same line");
    assertError(hart("write(fd, \"a\\qb\")"), 2, 15,
        "bad escape `\\q`: expected one of \\n \\t \\r \\0 \\\\ \\\" \\' \\a \\b \\f \\v \\xHH \\NNN");
    assertError(hart("write(fd, \"\\xff\")"), 2, 14,
        "escape `\\xff` is above 0x7f: strings are UTF-8 text, so only ASCII bytes can be written as escapes");
    assertError(hart("fd = open(\"/a\", 0)", "ftruncate(fd, 64KB)"), 3, 19,
        "bad size suffix `KB` in `64KB`: expected K, M or G (powers of 1024)");
    assertError(hart("fd = open(\"/a\", 0)", "ftruncate(fd, 0x)"), 3, 17, "bad number `0x`: expected hex digits after 0x");
    assertError(hart("fd = open(\"/a\", 0)", "ftruncate(fd, 09)"), 3, 17,
        "bad number `09`: a leading 0 makes it octal, and `9` is not an octal digit");
    assertError(hart("fd = open(\"/a\", 0)", "ftruncate(fd, 1_000)"), 3, 17, "bad number `1_000`");
    assertError(hart("fd = open(\"/a\", 0)", "ftruncate(fd, 99999999999999999999)"), 3, 17,
        "number `99999999999999999999` is out of range (a 64-bit signed integer)");
    assertError(hart("fd = open(\"/a\", 0);"), 2, 21, "unexpected `;`: a statement ends at the end of its line");
    assertError(hart("fd = open(\"/a\", 0) @"), 2, 22, "unexpected character `@`");
    assertError(hart("fd = open(\"/a\", 0"), 2, 20, "expected `,` or `)`, found end of line");
  }

  @Test
  void layout() {
    assertError("hart 1:\n\tfd = open(\"/a\", 0)\n", 2, 1, "expected spaces in indentation, found a tab");
    assertError("  \t fd = open(\"/a\", 0)\nhart 1:\n  close(fd)\n", 1, 3, "expected spaces in indentation, found a tab");
    assertError("fd = open(\"/a\", 0)\nhart 1:\n  close(fd)\n", 1, 1,
        "statement outside a block: expected `setup:` or `hart NAME:` before it");
    assertError("  fd = open(\"/a\", 0)\n", 1, 3, "statement outside a block: expected `setup:` or `hart NAME:` before it");
    assertError(hart("fd = open(\"/a\", 0)") + "close(fd)\n", 3, 1, "statement outside a block: indent it under `hart 1:`");
    assertError("titel \"t\"\n" + hart("mkdir(\"/d\")"), 1, 1, "expected a header (scenario, title, profile, fix, regress, "
        + "expect, loops, prober, client-option, outcome, faults) or a block (`setup:`, `process NAME:`, `hart NAME:`), found "
        + "`titel`; did you mean title?");
    assertError(hart("mkdir(\"/d\")") + "fix mount-resolve-once\n", 3, 1,
        "header `fix` must come before the first block (line 1)");
    assertError("  loops 2\n" + hart("mkdir(\"/d\")"), 1, 3, "expected `loops` at column 1, found it indented");
    assertError(hart("mkdir(\"/d\")", "hart 2:"), 3, 3,
        "expected a statement, found a block header: `hart` blocks start at column 1");
    assertError("hart 1\n  mkdir(\"/d\")\n", 1, 7, "expected `:` after `hart 1`, found end of line");
    assertError("hart:\n  mkdir(\"/d\")\n", 1, 5,
        "expected a hart name (a word such as `mounter`, or a number), found `:`");
  }

  @Test
  void blocks() {
    assertError(hart("mkdir(\"/a\")") + hart("mkdir(\"/b\")"), 3, 6, "duplicate hart name `hart-1` (first at line 1)");
    assertError("hart hart-1:\n  mkdir(\"/a\")\nhart 1:\n  mkdir(\"/b\")\n", 3, 6,
        "duplicate hart name `hart-1` (first at line 1)");
    assertError("hart setup:\n  mkdir(\"/a\")\n", 1, 6,
        "expected a hart name other than `setup`, which is the setup block's actor");
    assertError("hart loop-control:\n  mkdir(\"/a\")\n", 1, 6,
        "expected a hart name other than `loop-control`, which is loop-control's actor");
    assertError("hart prober:\n  mkdir(\"/a\")\n", 1, 6,
        "expected a hart name other than `prober`, which is the prober's actor");
    assertError("hart reboot:\n  mkdir(\"/a\")\n", 1, 6,
        "expected a hart name other than `reboot`, which is the rebooted kernel's recovery actor");
    assertError("hart a:\nhart b:\n  mkdir(\"/b\")\n", 1, 6, "expected indented statements in `hart a:`, found none");
    assertError("hart a:\n  mkdir(\"/b\")\n\nhart b:\n# nothing\n", 4, 6, "expected indented statements in `hart b:`, found none");
    assertError("setup:\n  mkdir(\"/a\")\nsetup:\n" + hart("mkdir(\"/b\")"), 3, 1, "duplicate `setup:` block (first at line 1)");
    assertError(hart("mkdir(\"/b\")") + "setup:\n  mkdir(\"/a\")\n", 3, 1,
        "`setup:` must come before the first hart block (line 1)");
    assertError(hart("losetup /dev/loop0 /img"), 2, 3, "`losetup` without parentheses is a setup command, and only "
        + "`setup:` runs those; in `hart 1:` write its syscalls (docs/scenarios.md lists them)");
    assertError("setup:\n  image /img\n" + hart("mkdir(\"/b\")"), 2, 13, "expected the image's size (e.g. 64K), found end of line");
    assertError("setup:\n  losetup /dev/loop0 /img rw\n" + hart("mkdir(\"/b\")"), 2, 27,
        "expected `ro` or the end of the line, found `rw`");
  }

  @Test
  void headers() {
    String body = hart("mkdir(\"/d\")");
    assertError("profile freebsd\n" + body, 1, 9, "unknown profile `freebsd`; expected one of: starry, linux");
    assertError("fix mount-resolve-onc\n" + body, 1, 5, "unknown fix `mount-resolve-onc`; did you mean mount-resolve-once? expected "
        + "one of: " + String.join(", ", java.util.Arrays.stream(kernsim.dev.Fix.values()).map(kernsim.dev.Fix::id).toList()));
    assertError("fix mount-resolve-once\nfix mount-resolve-once\n" + body, 2, 5, "fix `mount-resolve-once` given twice");
    assertError("expect stale_cache\n" + body, 1, 8, "unknown oracle `stale_cache`; did you mean stale-cache? expected one "
        + "of: stale-cache, single-mount, read-only, sleep-in-atomic, durability, detach, errno, file-contents, client-ownership, client-termination, client-data, silent-loss, expectation, errseq, power-loss, deadlock, livelock, none");
    assertError("expect none\nexpect deadlock\n" + body, 2, 8, "`expect none` cannot be combined with other `expect` lines");
    assertError("title \"a\"\ntitle \"b\"\n" + body, 2, 1, "duplicate `title` (first at line 1)");
    assertError("title a\n" + body, 1, 7, "expected a quoted title, found `a`");
    assertError("loops 65\n" + body, 1, 7, "expected a number of loop devices from 0 to 64, found number `65`");
    assertError("loops 1 2\n" + body, 1, 9, "expected end of line, found number `2`");
    assertError("scenario \"x\"\n" + body, 1, 10, "expected a scenario name (letters, digits, _ . -), found string \"x\"");
    assertError("prober yes\n" + body, 1, 8, "expected `on` or `off` after `prober`, found `yes`");
    assertError("prober\n" + body, 1, 7, "expected `on` or `off`, found end of line");
    assertError("prober on\nprober off\n" + body, 2, 1, "duplicate `prober` (first at line 1)");
  }

  @Test
  void flockArguments() {
    String open = "fd = open(\"/f\", O_RDWR|O_CREAT)";
    assertError(hart(open, "flock(fd, O_RDWR)"), 3, 13,
        "expected flock operations, found `O_RDWR`, which is an open flag (valid here: LOCK_SH, LOCK_EX, LOCK_NB, "
            + "LOCK_UN)");
    assertError(hart(open, "flock(fd)"), 3, 11, "expected 2 arguments for flock(fd, operation), found 1");
  }

  @Test
  void ioctlArguments() {
    String open = "ld = open(\"/dev/loop0\", 0)";
    assertError(hart(open, "ioctl(ld, LOOP_CONFIGURE, {flags: 0})"), 3, 29,
        "expected a field `fd: VARIABLE` in LOOP_CONFIGURE's loop_config, found struct {flags: 0}");
    assertError(hart(open, "ioctl(ld, LOOP_SET_STATUS64, {name: \"x\"})"), 3, 33,
        "unknown field `name` of loop_info64; expected one of: flags, file_name, offset, sizelimit, encrypt_type");
    assertError(hart(open, "ioctl(ld, LOOP_SET_STATUS64, {flags: O_RDONLY})"), 3, 40,
        "expected loop flags, found `O_RDONLY`, which is an open flag (valid here: LO_FLAGS_READ_ONLY, "
            + "LO_FLAGS_AUTOCLEAR, LO_FLAGS_PARTSCAN, LO_FLAGS_DIRECT_IO)");
    assertError(hart(open, "ioctl(ld, \"BLKFLSBUF\")"), 3, 13,
        "expected an ioctl command (a name such as BLKFLSBUF, or a number), found string \"BLKFLSBUF\"");
    assertError(hart(open, "ioctl(ld, O_RDWR)"), 3, 13, "expected an ioctl command, found `O_RDWR`, which is an open "
        + "flag (valid here: " + String.join(", ", Constants.names(Constants.Family.IOCTL)) + ")");
  }

  /** Setup runs alone, so a command that cannot run is known at parse time: an error at the command. */
  @Test
  void setupCommandsThatCannotRun() {
    String h = hart("mkdir(\"/d\")");
    assertError("setup:\n  image /data/img 16K\n" + h, 2, 3,
        "`image` cannot run: no directory /data for /data/img: create it first with `mkdir /data`");
    assertError("setup:\n  losetup /dev/loop0 /img\n" + h, 2, 3,
        "`losetup` cannot run: no file /img to bind: create it first with `image /img SIZE` or `file /img \"…\"`");
    assertError("setup:\n  image /img 16K\n  losetup /dev/loop1 /img\n" + h, 3, 3,
        "`losetup` cannot run: /dev/loop1 is not a loop device of this scenario (it has /dev/loop0; `loops N` adds more)");
    assertError("setup:\n  image /img 16K\n  losetup /dev/loop0 /img\n  losetup /dev/loop0 /img\n" + h, 4, 3,
        "`losetup` cannot run: /dev/loop0 is already bound to /img (LOOP_SET_FD would fail with EBUSY)");
    assertError("setup:\n  mkfs.ext4 /dev/loop0\n" + h, 2, 3,
        "`mkfs.ext4` cannot run: /dev/loop0 is not bound to a file: `losetup /dev/loop0 FILE` first");
    assertError("setup:\n  image /img 16K\n  losetup /dev/loop0 /img ro\n  mkfs.ext4 /dev/loop0\n" + h, 4, 3,
        "`mkfs.ext4` cannot run: /dev/loop0 is bound read-only: mkfs cannot write it");
    assertError("setup:\n  image /img 4K\n  losetup /dev/loop0 /img\n  mkfs.ext4 /dev/loop0\n" + h, 4, 3,
        "`mkfs.ext4` cannot run: /img holds 4096 bytes, too small for ext4-lite (mkfs needs 16 blocks of 512 bytes)");
    assertError("setup:\n  mkdir /dev\n" + h, 2, 3, "`mkdir` cannot run: /dev is a directory");
    assertError("setup:\n  file /dev/loop0 \"x\"\n" + h, 2, 3, "`file` cannot run: /dev/loop0 is a device node");
    assertError("setup:\n  mkdir /a/../b\n" + h, 2, 3,
        "`mkdir` cannot run: expected a path without `.` or `..`, found /a/../b");
  }

  @Test
  void setupCommandsThatCanRunBuildTheBootState() throws ScenarioException {
    Scenario s = Scenarios.parse("loops 2\nsetup:\n  mkdir /data\n  image /data/img 16K\n  file /seed \"abc\"\n"
        + "  image /seed 5\n  losetup /dev/loop1 /data/img ro\n" + hart("mkdir(\"/d\")"), "ok.ksim");
    assertEquals(List.of(new Boot.Dir("/data"), new Boot.File("/data/img", new byte[16384]),
        new Boot.File("/seed", new byte[] {'a', 'b', 'c', 0, 0})), s.boot().entries());
    assertEquals(List.of(new Boot.Binding(1, "/data/img", true)), s.boot().bindings());
  }

  @Test
  void loadReportsAnUnreadableFileAsAScenarioException() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("ksim");
    try {
      java.nio.file.Path missing = dir.resolve("missing.ksim");
      ScenarioException e = assertThrows(ScenarioException.class, () -> Scenarios.load(missing));
      assertEquals(missing + ": error: cannot read the file: no such file", e.getMessage());
      java.nio.file.Path latin1 = dir.resolve("latin1.ksim");
      java.nio.file.Files.write(latin1, new byte[] {'h', 'a', 'r', 't', ' ', (byte) 0xE9, ':', '\n'});
      e = assertThrows(ScenarioException.class, () -> Scenarios.load(latin1));
      assertEquals(latin1 + ":1:6: error: byte 0xE9 is not UTF-8 text (a scenario file is UTF-8)",
          e.getMessage().lines().findFirst().orElseThrow());
      assertEquals(1, e.line());
      assertEquals(6, e.column());
      java.nio.file.Path later = dir.resolve("later.ksim");
      java.nio.file.Files.write(later, ("hart a:\n  fd = open(\"/\u00e9t\u00e9").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      java.nio.file.Files.write(later, new byte[] {(byte) 0xFF, '"', ')', '\n'}, java.nio.file.StandardOpenOption.APPEND);
      e = assertThrows(ScenarioException.class, () -> Scenarios.load(later));
      assertEquals(2, e.line());
      assertEquals(18, e.column()); // after the 17 characters of `  fd = open("/été`
      assertTrue(e.getMessage().contains("byte 0xFF"), e.getMessage());
      e = assertThrows(ScenarioException.class, () -> Scenarios.load(dir));
      assertEquals(dir.toString(), e.file());
      assertTrue(e.getMessage().startsWith(dir + ": error: cannot read the file"), e.getMessage());
    } finally {
      try (var s = java.nio.file.Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
