package kernsim.fs.vfs;

import static kernsim.fs.vfs.VfsWorld.step;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import kernsim.actors.ExploreOptions;
import kernsim.actors.ExploreResult;
import kernsim.actors.Failure;
import kernsim.actors.Monitor;
import kernsim.actors.ReplayResult;
import kernsim.actors.RunResult;
import kernsim.actors.Simulator;
import kernsim.actors.WorldSpec;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lock scopes of starry-mount.rs are real: exploration finds outcomes that no order of whole
 * syscalls can produce, because other harts run between the source's lock regions.
 */
class MountRacesTest {
  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  /** Fails the run when {@code check} says so over the finished procedures (actor/index → result). */
  private static Monitor outcome(String name, java.util.function.Function<TreeMap<String, Object>, String> check) {
    TreeMap<String, Object> results = new TreeMap<>();
    return new Monitor() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void onObservation(Object o, Verdict v) {
        if (o instanceof Runner.Finished f) {
          results.put(f.actor() + "#" + f.name(), f.result());
        }
      }

      @Override
      public void onEnd(Verdict v) {
        String bad = check.apply(results);
        if (bad != null) {
          v.fail(bad);
        }
      }
    };
  }

  /** A prober: opens {@code path} (registering an fd) until it exists, at most {@code tries} times. */
  private static Code openWhenThere(VfsWorld.Env e, String path, int tries) {
    return Code.bind(e.tasks().openFd(e.vfs().open(path)),
        v -> v instanceof SysResult.Err err && err.errno() == Errno.ENOENT && tries > 1
            ? openWhenThere(e, path, tries - 1)
            : Code.done(v));
  }

  private static ExploreResult exploreAndReplay(WorldSpec spec, String oracle, ExploreOptions options)
      throws Exception {
    ExploreResult x = sim.explore(spec, options);
    assertTrue(x.found(), "no seed among " + x.iterations() + " iterations showed the race");
    RunResult failing = x.failing().orElseThrow();
    Failure.SafetyViolation v = assertInstanceOf(Failure.SafetyViolation.class, failing.failure().orElseThrow());
    assertEquals(oracle, v.oracle());
    // The trace replays to the same failure and the same event log.
    ReplayResult replay = sim.replay(spec, failing.trace());
    assertTrue(replay.confirmed(), "replay: " + replay.run().outcome());
    assertEquals(failing.outcome(), replay.run().outcome());
    return x;
  }

  private static int line(RunResult r, String... parts) {
    List<String> lines = r.log().lines();
    outer:
    for (int i = 0; i < lines.size(); i++) {
      for (String p : parts) {
        if (!lines.get(i).contains(p)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /**
   * hart-1 mounts a tmpfs on /mnt, creates /mnt/f and unmounts it; hart-2 opens /mnt/f as soon as it
   * exists. In any order of whole syscalls, either the open comes first (its fd makes umount2 EBUSY)
   * or the umount does (the open finds the empty /mnt below: ENOENT). In the source, umount2 checks
   * busy, then unmounts, in separate regions: an open that resolved into the mount before the unmount
   * and registered its fd after the busy check leaves both calls succeeding, and an fd on a mount that
   * is gone.
   */
  @Test
  void umountBusyCheckRacesAnOpen() throws Exception {
    String oracle = "umount-vs-open";
    WorldSpec spec = VfsWorld.spec("vfs: umount2 busy check vs open (2 harts, tmpfs)", null, e -> List.of(
        List.of(
            step("setup", () -> Code.then(e.vfs().mkdir("/mnt"),
                a -> Code.then(e.vfs().mount("none", "/mnt", "tmpfs", 0, null), b -> e.vfs().create("/mnt/f")))),
            step("umount2(/mnt)", () -> e.vfs().umount2("/mnt", 0))),
        List.of(step("open(/mnt/f)", () -> openWhenThere(e, "/mnt/f", 40)))),
        w -> List.of(outcome(oracle, res -> {
          Object umount = res.get("world/hart-1#umount2(/mnt)");
          Object open = res.get("world/hart-2#open(/mnt/f)");
          if (SysResult.ok(0).equals(umount) && open instanceof SysResult.Ok ok
              && ((Location) ok.data()).mountId() == 2) {
            return "umount2(/mnt) returned 0 while hart-2 holds an fd on the mount it removed";
          }
          return null;
        })));
    RunResult r = exploreAndReplay(spec, oracle, ExploreOptions.random(20260522L, 1000)).failing().orElseThrow();
    // The event log shows the window: hart-2's walk entered the mount before the unmount, and its fd
    // was registered after the busy check.
    int busyCheck = index(r, m -> m instanceof FakeTasks.Uses u && u.mountId() == 2);
    int fd = index(r, m -> m instanceof FakeTasks.OpenFd o && o.mountId() == 2);
    int mounted = index(r, m -> m instanceof MountTable.Mount);
    int unmount = index(r, m -> m instanceof MountTable.Unmount u && u.mountId() == 2);
    int entered = -1; // hart-2's walk stepping from /mnt onto the tmpfs root
    for (int i = mounted + 1; i < unmount; i++) {
      if (r.log().message(i) instanceof MountTable.Cross c && c.mountId() == 1 && c.node().ino() == 2
          && kernsim.actors.Summaries.value(c.replyTo()).equals("world/hart-2")) {
        entered = i;
      }
    }
    assertTrue(busyCheck >= 0 && busyCheck < fd, busyCheck + " < " + fd);
    assertTrue(mounted < entered && entered < unmount, mounted + " < " + entered + " < " + unmount);
  }

  /**
   * hart-1 mounts a tmpfs on /mnt; hart-2 mounts ext4 on /mnt. In either order of whole syscalls the
   * ext4 mount keeps its write-back callback. In the source, the tmpfs mount resolves /mnt and drops
   * FS_CONTEXT before {@code target.mount}, while {@code mount_ext4} resolves the target a second time
   * to find where to put the callback: a tmpfs mount landing in between stacks on top, and the loop
   * device's write-back callback goes to the tmpfs mount.
   */
  @Test
  void ext4CallbackLandsOnAMountThatSlippedIn() throws Exception {
    String oracle = "writeback-on-the-right-mount";
    WorldSpec spec = VfsWorld.spec("vfs: mount tmpfs vs mount ext4 on one target (2 harts)", new FakeExt4(), e -> List.of(
        List.of(
            step("setup", () -> Code.then(e.vfs().create("/img"), img -> Code.then(e.vfs().mkdir("/mnt"),
                b -> e.vfs().mknod("/loop0", new FakeExt4.FileNode(((Location) img.data()).node().file()))))),
            step("mount tmpfs /mnt", () -> e.vfs().mount("none", "/mnt", "tmpfs", 0, null))),
        List.of(step("mount ext4 /mnt", () -> mountWhenThere(e, 40)), step("mounts", () -> e.vfs().mounts()))),
        w -> List.of(outcome(oracle, res -> {
          if (res.get("world/hart-2#mounts") instanceof SysResult.Ok ok) {
            for (Object o : (List<?>) ok.data()) {
              MountTable.MountInfo m = (MountTable.MountInfo) o;
              if (m.hasWriteback() && !m.type().equals("ext4")) {
                return "the ext4 write-back callback is on mount " + m.id() + " (" + m.type() + ")";
              }
            }
          }
          return null;
        })));
    // A narrow window (hart-1 must stall for the whole ext4 prefix, then run within three regions):
    // random walks need a few thousand iterations (PCT of depth 2-3 did no better in 3000).
    RunResult r = exploreAndReplay(spec, oracle, ExploreOptions.random(3, 10_000)).failing().orElseThrow();
    // The tmpfs mount resolved /mnt before the ext4 mount took FS_CONTEXT and mounted after it.
    int ext4Mount = index(r, m -> m instanceof MountTable.Mount mt && mt.fs().type().equals("ext4"));
    int tmpfsMount = index(r, m -> m instanceof MountTable.Mount mt && mt.fs().type().equals("tmpfs"));
    assertTrue(ext4Mount >= 0 && tmpfsMount > ext4Mount, ext4Mount + " < " + tmpfsMount);
  }

  /** The first step that delivered a message matching {@code p}, or -1. */
  private static int index(RunResult r, java.util.function.Predicate<Object> p) {
    for (int i = 0; i < r.log().size(); i++) {
      if (p.test(r.log().message(i))) {
        return i;
      }
    }
    return -1;
  }

  /** mount ext4 once /dev/loop0 exists (a client waiting for its device node). */
  private static Code mountWhenThere(VfsWorld.Env e, int tries) {
    return Code.bind(e.vfs().mount("/loop0", "/mnt", "ext4", 0, null),
        v -> v instanceof SysResult.Err err && err.errno() == Errno.ENOENT && tries > 1
            ? mountWhenThere(e, tries - 1)
            : Code.done(v));
  }
}
