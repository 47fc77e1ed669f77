package kernsim.cli;

import static kernsim.cpu.Syscalls.close;
import static kernsim.cpu.Syscalls.ftruncate;
import static kernsim.cpu.Syscalls.ioctl;
import static kernsim.cpu.Syscalls.ioctlFd;
import static kernsim.cpu.Syscalls.mkfsExt4;
import static kernsim.cpu.Syscalls.mount;
import static kernsim.cpu.Syscalls.open;
import static kernsim.cpu.Syscalls.umount2;
import static kernsim.cpu.Syscalls.write;
import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDWR;

import java.util.List;
import kernsim.cpu.Boot;
import kernsim.cpu.Stmt;
import kernsim.fs.ext4.Ext4Lite;
import kernsim.dev.loop.LoopIoctl;
import kernsim.scenario.Scenario;
import kernsim.scenario.ScenarioException;

/** Scenarios built in Java, for tests that must not depend on the scenario language. */
final class TestScenarios {
  private TestScenarios() {}

  /** A scenario source that knows {@link #triad()} and {@link #solo()} by name and by text. */
  static final ScenarioSource SOURCE = new ScenarioSource() {
    @Override
    public Scenario resolve(String fileOrName) throws ScenarioException {
      for (Scenario s : List.of(triad(), solo())) {
        if (s.name().equals(fileOrName)) {
          return s;
        }
      }
      return ScenarioSource.DEFAULT.resolve(fileOrName);
    }

    @Override
    public Scenario parse(String text, String file) throws ScenarioException {
      for (Scenario s : List.of(triad(), solo())) {
        if (s.text().equals(text)) {
          return s;
        }
      }
      return ScenarioSource.DEFAULT.parse(text, file);
    }
  };

  /** A 64 KiB ext4-lite image {@code /img} bound to loop0, as {@link #boundAndFormattedCalls()} leave it. */
  static Boot boundAndFormatted() {
    return new Boot(List.of(new Boot.File("/img", Ext4Lite.image(64 * 1024))), List.of(new Boot.Binding(0, "/img", false)));
  }

  /** The syscalls that build {@link #boundAndFormatted()}, for the oracles. */
  static List<Stmt> boundAndFormattedCalls() {
    return boundAndFormattedProgram();
  }

  /** A 64 KiB image bound to loop0 and formatted; the setup's fds closed again. */
  static List<Stmt> boundAndFormattedProgram() {
    return List.of(
        open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"),
        mkfsExt4("/dev/loop0"), close("ld"), close("img"));
  }

  /** The triad, as the catalog's triad.ksim describes it: it finds a stale-cache violation. */
  static Scenario triad() {
    return new Scenario("triad-java", "loop: write_block vs BLKFLSBUF vs LOOP_CLR_FD (3 harts, ext4, in Java)",
        "The catalog's triad, built in Java.", "triad-java", "# triad-java: built in Java by the CLI tests\n",
        "starry", List.of(), List.of("stale-cache"), 1, boundAndFormatted(), boundAndFormattedCalls(), List.of(),
        List.of("mounter", "flusher", "detacher"),
        List.of(
            List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null),
                open("/mnt/a", O_RDWR | O_CREAT).as("fd"), write("fd", "first file"), close("fd"),
                open("/mnt/b", O_RDWR | O_CREAT).as("fd2"), write("fd2", "second file"), close("fd2"),
                umount2("/mnt", 0)),
            List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LoopIoctl.BLKFLSBUF), close("ld")),
            List.of(open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LoopIoctl.LOOP_CLR_FD), close("ld"))));
  }

  /** One hart that mounts, writes and unmounts alone: no race, so no violation. */
  static Scenario solo() {
    return new Scenario("solo-java", "ext4 on loop, one hart (in Java)", "No race.", "solo-java",
        "# solo-java: built in Java by the CLI tests\n", "starry", List.of(), List.of(), 1, boundAndFormatted(), boundAndFormattedCalls(), List.of(),
        List.of("writer"),
        List.of(List.of(mount("/dev/loop0", "/mnt", "ext4", 0, null),
            open("/mnt/a", O_RDWR | O_CREAT).as("fd"), write("fd", "data"), close("fd"),
            open("/dev/loop0", O_RDWR).as("ld"), ioctl("ld", LoopIoctl.LOOP_CLR_FD), close("ld"),
            umount2("/mnt", 0))));
  }
}
