package kernsim.conform;

import static kernsim.fs.file.Uapi.O_CREAT;
import static kernsim.fs.file.Uapi.O_RDWR;

import java.nio.charset.StandardCharsets;
import kernsim.dev.loop.LoopIoctl;

/**
 * A JVM that {@link ShutdownTest} starts and then signals: it opens a sandbox, binds loop0, mounts
 * (ext4 when mkfs.ext4 is there, else tmpfs), keeps a file on the mount and the device open, prints
 * {@code READY <root> <real indexes>}, and waits. Only the shutdown hook can clean up after it; if no
 * signal comes it exits 3 after two minutes, leaving the cleanup to that same hook.
 */
public final class SandboxChild {
  private SandboxChild() {}

  public static void main(String[] args) throws Exception {
    RealSandbox sb = RealSandbox.open(1);
    RealProcess p = sb.process("child");
    int img = (int) p.open("/img", O_RDWR | O_CREAT).value();
    check(p.ftruncate(img, 8 << 20));
    int ld = (int) p.open("/dev/loop0", O_RDWR).value();
    check(p.ioctl(ld, LoopIoctl.LOOP_SET_FD.number(), IoctlIn.fd(img)));
    if (RealSandbox.mkfsExt4().isPresent()) {
      check(sb.mkfsExt4("/dev/loop0"));
      check(p.mount("/dev/loop0", "/mnt", "ext4", 0, null));
    } else {
      check(p.mount("tmpfs", "/mnt", "tmpfs", 0, null));
    }
    int f = (int) p.open("/mnt/file", O_RDWR | O_CREAT).value();
    check(p.write(f, "unsynced".getBytes(StandardCharsets.UTF_8)));
    StringBuilder idx = new StringBuilder();
    for (int r : sb.ownedIndexes()) {
      idx.append(idx.length() == 0 ? "" : ",").append(r);
    }
    System.out.println("READY " + sb.root() + " " + idx);
    System.out.flush();
    Thread.sleep(120_000);
    System.exit(3);
  }

  private static void check(RealResult r) {
    if (!r.isOk()) {
      throw new IllegalStateException("child setup failed: " + r);
    }
  }
}
