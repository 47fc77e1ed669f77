package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import kernsim.cpu.Boot;
import kernsim.cpu.Kernel;
import kernsim.fs.ext4.Ext4Lite;
import kernsim.cpu.Stmt;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers, defaults, blocks and the statement text of parsed scenarios. */
class ScenariosTest {
  static final String TRIAD = """
      # loop: write_block vs BLKFLSBUF vs LOOP_CLR_FD (3 harts, ext4)
      #
      # The mounter writes through ext4 while the flusher flushes and the clearer unbinds.

      # (not part of the description: a blank line ended it)
      scenario triad
      title "write_block vs BLKFLSBUF vs LOOP_CLR_FD"
      profile starry                 # the default
      fix mount-recheck-file
      fix flush-own-cache
      expect stale-cache
      expect durability
      loops 2

      setup:
        image /img 64K
        losetup /dev/loop0 /img
        mkfs.ext4 /dev/loop0

      hart mounter:
        mount("/dev/loop0", "/mnt", "ext4", 0)
        fd = open("/mnt/a", O_RDWR|O_CREAT)   # a comment after a statement
        write(fd,"hello\\tworld")
        close( fd )
        umount2("/mnt", 0)

      hart flusher:
        ld = open("/dev/loop0", O_RDWR)
        ioctl(ld, BLKFLSBUF)

      hart 3:
        ld = open("/dev/loop0", O_RDWR)
        ioctl(ld, LOOP_CLR_FD)
      """;

  private static List<String> texts(List<Stmt> program) {
    return program.stream().map(Stmt::text).toList();
  }

  @Test
  void theHeaderBlocksAndStatementsOfAFullScenario() throws ScenarioException {
    Scenario s = Scenarios.parse(TRIAD, "catalog/triad.ksim");
    assertEquals("triad", s.name());
    assertEquals("write_block vs BLKFLSBUF vs LOOP_CLR_FD", s.title());
    assertEquals("loop: write_block vs BLKFLSBUF vs LOOP_CLR_FD (3 harts, ext4)\n\n"
        + "The mounter writes through ext4 while the flusher flushes and the clearer unbinds.", s.description());
    assertEquals("catalog/triad.ksim", s.file());
    assertEquals(TRIAD, s.text());
    assertEquals("starry", s.profile());
    assertEquals(List.of(Fix.MOUNT_RECHECK_FILE, Fix.FLUSH_OWN_CACHE), s.fixes());
    assertEquals(List.of("stale-cache", "durability"), s.expect());
    assertEquals(2, s.loops());
    assertEquals(List.of("mounter", "flusher", "hart-3"), s.hartNames());
    assertEquals(List.of("world/mounter", "world/flusher", "world/hart-3"), s.hartKeys());
    assertEquals(List.of("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", "fd = open(\"/mnt/a\", O_RDWR|O_CREAT)",
        "write(fd, \"hello\\tworld\")", "close(fd)", "umount2(\"/mnt\", 0)"), texts(s.harts().get(0)));
    assertEquals(List.of("ld = open(\"/dev/loop0\", O_RDWR)", "ioctl(ld, LOOP_CLR_FD)"), texts(s.harts().get(2)));
    assertEquals(List.of(
        "image /img 64K: img = open(\"/img\", O_RDWR|O_CREAT)",
        "image /img 64K: ftruncate(img, 65536)",
        "image /img 64K: close(img)",
        "losetup /dev/loop0 /img: file = open(\"/img\", O_RDWR)",
        "losetup /dev/loop0 /img: dev = open(\"/dev/loop0\", O_RDWR)",
        "losetup /dev/loop0 /img: ioctl(dev, LOOP_SET_FD, file)",
        "losetup /dev/loop0 /img: close(dev)",
        "losetup /dev/loop0 /img: close(file)",
        "mkfs.ext4 /dev/loop0"), texts(s.setupCalls()));
    assertEquals(List.of(new Boot.File("/img", Ext4Lite.image(64 * 1024))), s.boot().entries());
    assertEquals(List.of(new Boot.Binding(0, "/img", false)), s.boot().bindings());
  }

  @Test
  void setupCommandsBeforeTheFirstSyscallAreBuiltAtBootTheRestRunOnTheSetupHart() throws Exception {
    Scenario s = Scenarios.parse("setup:\n  image /img 16K\n  mkdir(\"/x\")\n  file /x/f \"hi\"\n"
        + "hart a:\n  fd = open(\"/x/f\", O_RDONLY)\n  read(fd, 2)\n", "mixed.ksim");
    assertEquals(List.of(new Boot.File("/img", new byte[16384])), s.boot().entries());
    assertEquals(List.of("image /img 16K: img = open(\"/img\", O_RDWR|O_CREAT)", "image /img 16K: ftruncate(img, 16384)",
        "image /img 16K: close(img)"), texts(s.setupCalls()));
    assertEquals(List.of("mkdir(\"/x\")", "file /x/f \"hi\": fd = open(\"/x/f\", O_WRONLY|O_CREAT|O_TRUNC)",
        "file /x/f \"hi\": write(fd, \"hi\")", "file /x/f \"hi\": close(fd)"), texts(s.setup()));
    // after a syscall, a setup command is not checked at parse time: its calls' results say what happened
    Scenario late = Scenarios.parse("setup:\n  mkdir(\"/x\")\n  losetup /dev/loop0 /none\nhart a:\n  mkdir(\"/y\")\n",
        "late.ksim");
    assertEquals(Boot.EMPTY, late.boot());
    assertEquals(6, late.setup().size());

    List<Object> seen;
    try (kernsim.actors.Simulator sim = kernsim.actors.Simulator.create()) {
      kernsim.cpu.KernelWorld.Outcome o = kernsim.cpu.KernelWorld.run(sim, "mixed", "mixed", s.kernelSpec(), 1);
      assertTrue(!o.result().failed());
      seen = o.seen();
    }
    List<String> hartA = seen.stream().filter(o -> o instanceof kernsim.cpu.Calls.Returned r && r.hart().equals("world/a"))
        .map(o -> String.valueOf(((kernsim.cpu.Calls.Returned) o).result())).toList();
    assertEquals(2, hartA.size(), seen.toString());
    assertTrue(hartA.get(1).startsWith("2 "), "the setup hart wrote /x/f before hart a read it: " + hartA);
  }

  @Test
  void defaults() throws ScenarioException {
    Scenario s = Scenarios.parse("# Two harts append.\n# More words.\nhart a:\n  mkdir(\"/d\")\n", "dir/appends.ksim");
    assertEquals("appends", s.name(), "the file's base name without .ksim");
    assertEquals("Two harts append.", s.title(), "the description's first line");
    assertEquals("Two harts append.\nMore words.", s.description());
    assertEquals("starry", s.profile());
    assertEquals(List.of(), s.fixes());
    assertEquals(List.of(), s.expect());
    assertEquals(1, s.loops());
    assertEquals(List.of(), s.setupCalls());
    assertEquals(Boot.EMPTY, s.boot());
    assertEquals(List.of(), s.setup());
    assertEquals(false, s.prober());
    assertEquals(false, s.kernelSpec().prober());

    Scenario bare = Scenarios.parse("hart a:\n  mkdir(\"/d\")\n", "bare");
    assertEquals("bare", bare.name());
    assertEquals("bare", bare.title(), "no description: the name");
    assertEquals("", bare.description());
    assertEquals("<input>", Scenarios.parse("hart a:\n  mkdir(\"/d\")\n", null).file());
  }

  @Test
  void proberOnBootsTheKernelWithTheProber() throws ScenarioException {
    Scenario on = Scenarios.parse("prober on\nhart a:\n  mkdir(\"/d\")\n", "p.ksim");
    assertEquals(true, on.prober());
    assertEquals(true, on.kernelSpec().prober());
    assertEquals(false, Scenarios.parse("prober off\nhart a:\n  mkdir(\"/d\")\n", "p.ksim").kernelSpec().prober());
  }

  @Test
  void expectNoneIsKeptAsIs() throws ScenarioException {
    assertEquals(List.of("none"), Scenarios.parse("expect none\nhart a:\n  mkdir(\"/d\")\n", "x.ksim").expect());
  }

  @Test
  void theKernelSpecCarriesTheProgramsAndAddsTheScenariosFixesToTheCallersSemantics() throws ScenarioException {
    Scenario s = Scenarios.parse(TRIAD, "triad.ksim");
    Kernel.Spec spec = s.kernelSpec(Semantics.of("starry", List.of(Fix.MOUNT_RESOLVE_ONCE)));
    assertEquals(2, spec.loops());
    assertEquals(List.of("mounter", "flusher", "hart-3"), spec.names());
    assertEquals(s.boot(), spec.boot());
    assertEquals(List.of(), spec.setup(), "setup commands alone are built at boot, not run");
    assertEquals(s.harts(), spec.harts());
    assertEquals(Set.of(Fix.MOUNT_RESOLVE_ONCE, Fix.MOUNT_RECHECK_FILE, Fix.FLUSH_OWN_CACHE), spec.semantics().fixes());
    assertEquals(Set.of(Fix.MOUNT_RECHECK_FILE, Fix.FLUSH_OWN_CACHE), s.kernelSpec().semantics().fixes());
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkAreAccepted() throws ScenarioException {
    Scenario s = Scenarios.parse("\uFEFF# t\r\nhart 1:\r\n  fd = open(\"/a\", O_RDWR|O_CREAT)\r\n  close(fd)\r\n", "crlf.ksim");
    assertEquals("t", s.title());
    assertEquals(List.of("fd = open(\"/a\", O_RDWR|O_CREAT)", "close(fd)"), texts(s.harts().get(0)));
  }

  @Test
  void variablesAreScopedToTheirBlock() throws ScenarioException {
    // The same name in two blocks is two variables; pipe2 assigns both of its ends.
    Scenario s = Scenarios.parse("""
        hart a:
          fd = open("/a", O_RDWR|O_CREAT)
          fd = dup(fd)
        hart b:
          fd = open("/b", O_RDWR|O_CREAT)
          pipe2([r, w], 0)
          splice(fd, &0, w, NULL, 1, 0)
          close(r)
        """, "scope.ksim");
    assertEquals("fd", s.harts().get(0).get(1).assign());
    assertEquals(4, s.harts().get(1).size());
  }

  @Test
  void numbersAsCWritesThemWithSizeSuffixes() throws Lexer.Error {
    assertEquals(65536, Lexer.number("64K", 1, 1));
    assertEquals(3L << 20, Lexer.number("3M", 1, 1));
    assertEquals(1L << 30, Lexer.number("1G", 1, 1));
    assertEquals(16, Lexer.number("0x10", 1, 1));
    assertEquals(0x10L << 10, Lexer.number("0x10K", 1, 1));
    assertEquals(8, Lexer.number("010", 1, 1), "a leading 0 is octal, as in C");
    assertEquals(0, Lexer.number("0", 1, 1));
    assertEquals(-1, Lexer.number("-1", 1, 1));
    assertEquals(Long.MIN_VALUE, Lexer.number("-0x8000000000000000", 1, 1));
    assertThrows(Lexer.Error.class, () -> Lexer.number("0x8000000000000000", 1, 1));
    assertThrows(Lexer.Error.class, () -> Lexer.number("16E", 1, 1));
  }

  @Test
  void stringsTakeCEscapes() throws Lexer.Error {
    List<Lexer.Token> t = Lexer.tokens("\"a\\tb\\x41\\101\\0\\\"\\\\\" x", 1, 0);
    assertEquals("a\tbAA\0\"\\", t.get(0).string());
    assertEquals("\"a\\tb\\x41\\101\\0\\\"\\\\\"", t.get(0).text(), "the token keeps the text as written");
    assertEquals(2, t.size());
    assertEquals("a#b", Lexer.tokens("\"a#b\" # comment", 1, 0).get(0).string(), "# inside a string is not a comment");
  }

  @Test
  void loadReadsAFileAndNamesTheScenarioAfterIt(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("from-disk.ksim");
    Files.writeString(f, "# é in a description is fine\nhart 1:\n  write_here = open(\"/é\", O_RDWR|O_CREAT)\n",
        StandardCharsets.UTF_8);
    Scenario s = Scenarios.load(f);
    assertEquals("from-disk", s.name());
    assertEquals(f.toString(), s.file());
    assertEquals("é in a description is fine", s.title());
    assertTrue(s.harts().get(0).get(0).text().contains("\"/é\""));
  }
}
