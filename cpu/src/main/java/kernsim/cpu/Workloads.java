package kernsim.cpu;

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

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.WorldSpec;
import kernsim.dev.code.SleepInAtomicMonitor;
import kernsim.dev.loop.LoopIoctl;
import kernsim.dev.loop.ReadOnlyMonitor;
import kernsim.dev.loop.SingleMountMonitor;

/** Fixed kernel workloads for benchmarks and tests. */
public final class Workloads {
  public static final String MODEL_VERSION = "kernel/1";

  private Workloads() {}

  /**
   * The benchmark's mixed workload: setup binds a 64 KiB tmpfs image to loop0 and formats it; hart-1
   * mounts ext4, writes {@code writes} records to a file, closes it and unmounts; hart-2 issues
   * BLKFLSBUF three times meanwhile. The oracles that exist for the kernel model watch every run.
   */
  public static WorldSpec mixed(int writes) {
    List<Stmt> setup = List.of(
        open("/img", O_RDWR | O_CREAT).as("img"), ftruncate("img", 64 * 1024),
        open("/dev/loop0", O_RDWR).as("ld"), ioctlFd("ld", LoopIoctl.LOOP_SET_FD, "img"),
        mkfsExt4("/dev/loop0"), close("ld"), close("img"));
    List<Stmt> writer = new ArrayList<>(List.of(
        mount("/dev/loop0", "/mnt", "ext4", 0, null), open("/mnt/log", O_RDWR | O_CREAT).as("fd")));
    for (int i = 0; i < writes; i++) {
      writer.add(write("fd", "record " + i + " of the mixed workload\n"));
    }
    writer.addAll(List.of(close("fd"), umount2("/mnt", 0)));
    List<Stmt> flusher = List.of(open("/dev/loop0", O_RDWR).as("ld"),
        ioctl("ld", LoopIoctl.BLKFLSBUF), ioctl("ld", LoopIoctl.BLKFLSBUF), ioctl("ld", LoopIoctl.BLKFLSBUF));
    Kernel.Spec spec = new Kernel.Spec(1, setup, List.of(writer, flusher));
    String name = "mixed-" + writes;
    return WorldSpec.of(name, MODEL_VERSION, name + ": mount, " + writes + " writes, umount vs 3 BLKFLSBUF",
        w -> Kernel.create(w, spec),
        w -> List.of(new SleepInAtomicMonitor(), new SingleMountMonitor(), new ReadOnlyMonitor()));
  }
}
