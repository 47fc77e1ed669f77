package kernsim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import kernsim.actors.Simulator;
import kernsim.cpu.KernelWorld;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An overlay with an upper dir takes its writes there: a lower file opened for writing is copied up and
 * the copy written, new names are made in the upper dir, and the lower dirs are never written. Without an
 * upper dir the overlay is read-only.
 */
class OverlayTest {
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
  void writesGoToTheUpperDir() throws ScenarioException {
    KernelWorld.Outcome o = Runs.run(sim, Scenarios.parse("""
        setup:
          mkdir /lower
          mkdir /upper
          mkdir /work
          mkdir /merged
          mkdir /ro
          file /lower/a "lower a"
          file /lower/b "lower b"
        hart user:
          mount("overlay", "/merged", "overlay", 0, "lowerdir=/lower,upperdir=/upper,workdir=/work")
          fd = open("/merged/a", O_RDWR)
          pwrite64(fd, "UP", 0)
          close(fd)
          l = open("/lower/a", O_RDONLY)
          read(l, 64)
          u = open("/upper/a", O_RDONLY)
          read(u, 64)
          m = open("/merged/a", O_RDONLY)
          read(m, 64)
          n = open("/merged/new", O_RDWR|O_CREAT)
          write(n, "new")
          u2 = open("/upper/new", O_RDONLY)
          read(u2, 64)
          open("/lower/new", O_RDONLY)
          mkdir("/merged/d")
          open("/upper/d", O_RDONLY)
          t = open("/merged/b", O_WRONLY|O_TRUNC)
          lb = open("/lower/b", O_RDONLY)
          read(lb, 64)
          ub = open("/upper/b", O_RDONLY)
          read(ub, 64)
          open("/merged/a", O_RDWR|O_CREAT|O_EXCL)
          mount("overlay", "/ro", "overlay", 0, "lowerdir=/lower")
          open("/ro/a", O_RDWR)
          open("/ro/c", O_RDWR|O_CREAT)
          r = open("/ro/a", O_RDONLY)
          read(r, 64)
        """, "overlay.ksim"), 1);
    assertFalse(o.result().failed(), () -> o.result().outcome().toString());
    List<Object> r = o.results("world/user");
    assertEquals(SysResult.ok(0), r.get(0), "the overlay mounts");
    assertEquals(2L, Runs.ok(r.get(2)).value(), "a write to the copied-up file");
    assertEquals("lower a", Runs.text(r.get(5)), "the lower file is untouched");
    assertEquals("UPwer a", Runs.text(r.get(7)), "the copy in the upper dir holds the lower bytes and the write");
    assertEquals("UPwer a", Runs.text(r.get(9)), "the merged view shows the upper copy");
    assertEquals("new", Runs.text(r.get(13)), "a new file is made in the upper dir");
    assertEquals(SysResult.err(Errno.ENOENT), r.get(14), "and not in the lower one");
    Runs.ok(r.get(15)); // mkdir in the overlay (the model's mkdir answers the new inode)
    Runs.ok(r.get(16));
    assertEquals("lower b", Runs.text(r.get(19)), "O_TRUNC cuts the copy, not the lower file");
    assertEquals("", Runs.text(r.get(21)), "the copy is empty");
    assertEquals(SysResult.err(Errno.EEXIST), r.get(22), "O_EXCL of a name a layer has");
    assertEquals(SysResult.ok(0), r.get(23), "an overlay with no upper dir");
    assertEquals(SysResult.err(Errno.EROFS), r.get(24), "is read-only: no copy-up");
    assertEquals(SysResult.err(Errno.EROFS), r.get(25), "and no new names");
    assertEquals("lower a", Runs.text(r.get(27)), "it reads the lower dir");
  }
}
