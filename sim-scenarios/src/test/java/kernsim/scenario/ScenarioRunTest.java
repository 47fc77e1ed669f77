package kernsim.scenario;

import kernsim.cpu.KernelWorld;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.loop.LoopAbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Parsed scenarios boot a kernel and their statements do what they say. */
class ScenarioRunTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static KernelWorld.Outcome run(String text) throws ScenarioException {
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse(text, "run.ksim"), 1);
    assertFalse(o.result().failed(), () -> o.result().outcome().toString());
    return o;
  }

  @Test
  void aFileWrittenInSetupIsReadBackByAHart() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        setup:
          file /seed.txt "contents\\n"
        hart reader:
          fd = open("/seed.txt", O_RDONLY)
          read(fd, 64)
        """);
    List<Object> res = o.results("world/reader");
    assertEquals(2, res.size());
    assertEquals("contents\n", Runs.text(res.get(1)));
    assertTrue(o.results("world/setup").stream().allMatch(r -> r instanceof SysResult.Ok), o.results("world/setup").toString());
  }

  @Test
  void ioctlsByNameOnAnUnboundDevice() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        loops 2
        hart 1:
          ld = open("/dev/loop1", O_RDWR)
          ioctl(ld, LOOP_GET_STATUS64)
          ioctl(ld, BLKGETSIZE64)
          ioctl(ld, LOOP_CLR_FD)
          ioctl(ld, BLKSSZGET)
          ioctl(ld, 0x4C01)
          ioctl(ld, 0x1234, 7)
          ioctl(ld, LOOP_CHANGE_FD, ld)
          none = open("/dev/loop2", O_RDWR)
        """);
    List<Object> res = o.results("world/hart-1");
    Runs.ok(res.get(0));
    assertEquals(SysResult.err(Errno.ENXIO), res.get(1));
    assertEquals(SysResult.err(Errno.ENXIO), res.get(2));
    assertEquals(SysResult.err(Errno.ENXIO), res.get(3));
    assertEquals(512L, Runs.ok(res.get(4)).data());
    assertEquals(SysResult.err(Errno.ENXIO), res.get(5), "0x4C01 is LOOP_CLR_FD");
    assertEquals(SysResult.err(Errno.ENOTTY), res.get(6), "a number no one handles");
    assertEquals(SysResult.err(Errno.ENOTTY), res.get(7), "the source has no LOOP_CHANGE_FD arm");
    assertEquals(SysResult.err(Errno.ENOENT), res.get(8), "`loops 2` makes loop0 and loop1 only");
  }

  @Test
  void setupCommandsBuildAnExt4ImageThatAHartMountsWritesAndReadsBack() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        setup:
          image /img 64K
          losetup /dev/loop0 /img
          mkfs.ext4 /dev/loop0
        hart 1:
          mount("/dev/loop0", "/mnt", "ext4", 0)
          fd = open("/mnt/a", O_RDWR|O_CREAT)
          write(fd, "through ext4")
          close(fd)
          umount2("/mnt", 0)
          mount("/dev/loop0", "/mnt", "ext4", MS_RDONLY)
          fd = open("/mnt/a", O_RDONLY)
          pread64(fd, 64, 0)
          ld = open("/dev/loop0", O_RDONLY)
          ioctl(ld, BLKGETSIZE64)
        """);
    List<Object> setup = o.results("world/setup");
    assertTrue(setup.stream().allMatch(r -> r instanceof SysResult.Ok), setup.toString());
    List<Object> res = o.results("world/hart-1");
    for (int i = 0; i < 7; i++) {
      Runs.ok(res.get(i));
    }
    assertEquals("through ext4", Runs.text(res.get(7)));
    assertEquals(64L * 1024, Runs.ok(res.get(9)).data(), "the image is 64K");
  }

  @Test
  void losetupRoBindsReadOnly() throws ScenarioException {
    String hart = """
        hart 1:
          ld = open("/dev/loop0", O_RDONLY)
          ioctl(ld, BLKROGET)
        """;
    KernelWorld.Outcome rw = run("setup:\n  image /img 4K\n  losetup /dev/loop0 /img\n" + hart);
    KernelWorld.Outcome ro = run("setup:\n  image /img 4K\n  losetup /dev/loop0 /img ro\n" + hart);
    assertEquals(0L, Runs.ok(rw.results("world/hart-1").get(1)).data());
    assertEquals(1L, Runs.ok(ro.results("world/hart-1").get(1)).data());
  }

  @Test
  void loopConfigureAndSetStatus64TakeStructs() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        setup:
          image /img 8K
        hart 1:
          img = open("/img", O_RDWR)
          ld = open("/dev/loop0", O_RDWR)
          ioctl(ld, LOOP_CONFIGURE, {fd: img, flags: LO_FLAGS_READ_ONLY, file_name: "backing"})
          ioctl(ld, BLKROGET)
          ioctl(ld, LOOP_GET_STATUS64)
          ioctl(ld, LOOP_CONFIGURE, img)
          ioctl(ld, LOOP_SET_STATUS64, {file_name: "renamed"})
          ioctl(ld, LOOP_GET_STATUS64)
          ioctl(ld, LOOP_SET_STATUS, {lo_name: "old"})
          ioctl(ld, LOOP_GET_STATUS)
        """);
    List<Object> res = o.results("world/hart-1");
    assertEquals(SysResult.ok(0), res.get(2));
    assertEquals(1L, Runs.ok(res.get(3)).data(), "LO_FLAGS_READ_ONLY made the device read-only");
    LoopAbi.LoopInfo64 info = (LoopAbi.LoopInfo64) Runs.ok(res.get(4)).data();
    assertEquals("backing", info.fileNameString());
    assertEquals(LoopAbi.LO_FLAGS_READ_ONLY, info.flags() & LoopAbi.LO_FLAGS_READ_ONLY);
    assertEquals(SysResult.err(Errno.EBUSY), res.get(5), "already bound");
    assertEquals(SysResult.ok(0), res.get(6));
    assertEquals("renamed", ((LoopAbi.LoopInfo64) Runs.ok(res.get(7)).data()).fileNameString());
    assertEquals(SysResult.ok(0), res.get(8));
    assertEquals("old", ((LoopAbi.LoopInfo) Runs.ok(res.get(9)).data()).nameString());
  }

  @Test
  void loopControlIoctlsAndIoctlsOnTheWrongFile() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        hart 1:
          ctl = open("/dev/loop-control", O_RDWR)
          ioctl(ctl, LOOP_CTL_GET_FREE)
          ioctl(ctl, LOOP_CTL_ADD, 3)
          ioctl(ctl, LOOP_CTL_ADD, 3)
          ioctl(ctl, LOOP_CTL_REMOVE, 3)
          ioctl(ctl, BLKFLSBUF)
          img = open("/img", O_RDWR|O_CREAT)
          ioctl(ctl, LOOP_SET_FD, img)
          ioctl(ctl, LOOP_CONFIGURE, img)
          ioctl(img, BLKFLSBUF)
          ioctl(img, LOOP_SET_STATUS64, {flags: 0})
        """);
    List<Object> res = o.results("world/hart-1");
    assertEquals(11, res.size());
    assertEquals(0, Runs.ok(res.get(1)).value(), "loop0 is free");
    assertEquals(3, Runs.ok(res.get(2)).value());
    assertEquals(SysResult.err(Errno.EEXIST), res.get(3));
    assertEquals(SysResult.ok(0), res.get(4));
    for (int i : new int[] {5, 7, 8, 9, 10}) {
      assertEquals(SysResult.err(Errno.ENOTTY), res.get(i), "statement " + i);
    }
  }

  @Test
  void pipesVectorsAndOffsetsPointers() throws ScenarioException {
    KernelWorld.Outcome o = run("""
        hart 1:
          pipe2([r, w], 0)
          writev(w, ["pi", "ped"])
          read(r, 16)
          fd = open("/f", O_RDWR|O_CREAT)
          write(fd, "0123456789")
          out = open("/g", O_RDWR|O_CREAT)
          sendfile(out, fd, &2, 3)
          pread64(out, 8, 0)
          lseek(fd, 0, SEEK_CUR)
          preadv(fd, [1, 2], 0x4)
        """);
    List<Object> res = o.results("world/hart-1");
    assertEquals(5, Runs.ok(res.get(1)).value());
    assertEquals("piped", Runs.text(res.get(2)));
    assertEquals(3, Runs.ok(res.get(6)).value());
    assertEquals("234", Runs.text(res.get(7)), "sendfile read from offset 2");
    assertEquals(10, Runs.ok(res.get(8)).value(), "sendfile with an offset pointer left the position alone");
    assertEquals("456", Runs.text(res.get(9)));
  }

  @Test
  void everyCallOfTheTableRunsToItsResult() throws ScenarioException {
    String text = "setup:\n  image /img 64K\n  losetup /dev/loop0 /img\nhart all:\n"
        + String.join("\n", CallTableTest.PROGRAM.stream().map(l -> "  " + l).toList()) + "\n";
    KernelWorld.Outcome o = run(text);
    List<kernsim.cpu.Calls.Returned> res = o.returned("world/all");
    assertEquals(CallTableTest.PROGRAM.size(), res.size(), "every statement returned");
    for (int i = 0; i < res.size(); i++) {
      assertEquals(CallTableTest.PROGRAM.get(i), res.get(i).text(), "the timeline shows the source line");
    }
    assertEquals("HELLO", Runs.text(res.get(CallTableTest.PROGRAM.indexOf("pread64(fd, 5, 0)")).result()));
    assertArrayEquals(new Object[] {SysResult.ok(0), SysResult.ok(0)}, new Object[] {
        res.get(CallTableTest.PROGRAM.indexOf("mount(\"none\", \"/mnt\", \"tmpfs\", MS_RDONLY, NULL)")).result(),
        res.get(CallTableTest.PROGRAM.indexOf("umount2(\"/mnt\", MNT_DETACH)")).result()});
  }

  @Test
  void namedHartsRaceAndTheTimelineShowsTheirSourceLines() throws ScenarioException {
    Scenario s = Scenarios.parse("""
        setup:
          image /img 64K
          losetup /dev/loop0 /img
          mkfs.ext4 /dev/loop0
        hart mounter:
          mount("/dev/loop0", "/mnt", "ext4", 0)
          fd = open("/mnt/a", O_RDWR|O_CREAT)
          write(fd, "hello")
          close(fd)
          umount2("/mnt", 0)
        hart flusher:
          ld = open("/dev/loop0", O_RDWR)
          ioctl(ld, BLKFLSBUF)
        """, "race.ksim");
    for (long seed = 1; seed <= 3; seed++) {
      KernelWorld.Outcome o = Runs.run(sim, s, seed);
      assertEquals(List.of("mount(\"/dev/loop0\", \"/mnt\", \"ext4\", 0)", "fd = open(\"/mnt/a\", O_RDWR|O_CREAT)",
          "write(fd, \"hello\")", "close(fd)", "umount2(\"/mnt\", 0)"), o.startedTexts("world/mounter"));
      assertEquals(List.of("ld = open(\"/dev/loop0\", O_RDWR)", "ioctl(ld, BLKFLSBUF)"), o.startedTexts("world/flusher"));
      assertEquals(2, o.returned("world/flusher").size());
      assertEquals(5, o.returned("world/mounter").size());
    }
  }
}
