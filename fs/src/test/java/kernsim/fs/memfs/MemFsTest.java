package kernsim.fs.memfs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import kernsim.actors.Simulator;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Runner;
import kernsim.dev.file.BackingFile;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MemFs: the directory operations and their errnos, one region each. */
class MemFsTest {
  /** A device node that opens as nothing: MemFs only keeps the handle. */
  private static final kernsim.fs.file.DeviceNode DEV = flags -> null;

  static Simulator sim;

  @BeforeAll
  static void start() {
    sim = Simulator.create();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static Runner.Step step(String name, Code code) {
    return new Runner.Step(name, () -> code);
  }

  private static Errno errno(Object result) {
    return ((SysResult) result).errno();
  }

  private static MemFs.Entry entry(Object result) {
    return (MemFs.Entry) ((SysResult.Ok) result).data();
  }

  @Test
  void createLookupUnlinkAndTheirErrnos() {
    List<Object> r = OneHart.results(OneHart.run(sim, (ctx, w) -> {
      ActorRef<MemFs.Command> fs = ctx.spawn(MemFs.create(w), "fs");
      long root = MemFs.ROOT;
      return List.of(
          step("create a", MemFs.create(fs, root, "a")), // 0
          step("create a again", MemFs.create(fs, root, "a")), // 1 EEXIST
          step("lookup a", MemFs.lookup(fs, root, "a")), // 2
          step("lookup b", MemFs.lookup(fs, root, "b")), // 3 ENOENT
          step("create a/x", MemFs.create(fs, 2, "x")), // 4 ENOTDIR (ino 2 is file a)
          step("create in no dir", MemFs.create(fs, 99, "x")), // 5 ENOENT
          step("lookup in a file", MemFs.lookup(fs, 2, "x")), // 6 ENOTDIR
          step("unlink b", MemFs.unlink(fs, root, "b")), // 7 ENOENT
          step("unlink a", MemFs.unlink(fs, root, "a")), // 8 ok
          step("lookup a", MemFs.lookup(fs, root, "a")), // 9 ENOENT
          step("mkdir d", MemFs.mkdir(fs, root, "d")), // 10
          step("unlink d", MemFs.unlink(fs, root, "d")), // 11 EISDIR
          step("mknod d/loop0", MemFs.mknod(fs, 3, "loop0", DEV))); // 12
    }));
    MemFs.Entry a = entry(r.get(0));
    assertEquals(MemFs.Kind.FILE, a.kind());
    assertEquals(2, a.ino());
    assertEquals(Errno.EEXIST, errno(r.get(1)));
    assertEquals(a, entry(r.get(2)));
    assertEquals(Errno.ENOENT, errno(r.get(3)));
    assertEquals(Errno.ENOTDIR, errno(r.get(4)));
    assertEquals(Errno.ENOENT, errno(r.get(5)));
    assertEquals(Errno.ENOTDIR, errno(r.get(6)));
    assertEquals(Errno.ENOENT, errno(r.get(7)));
    assertEquals(SysResult.ok(0), r.get(8));
    assertEquals(Errno.ENOENT, errno(r.get(9)));
    assertEquals(MemFs.Kind.DIR, entry(r.get(10)).kind());
    assertEquals(Errno.EISDIR, errno(r.get(11)));
    MemFs.Entry dev = entry(r.get(12));
    assertEquals(MemFs.Kind.DEVICE, dev.kind());
    assertEquals(DEV, dev.device());
  }

  @Test
  void mkdirRmdirReaddirAndTheirErrnos() {
    List<Object> r = OneHart.results(OneHart.run(sim, (ctx, w) -> {
      ActorRef<MemFs.Command> fs = ctx.spawn(MemFs.create(w), "fs");
      long root = MemFs.ROOT;
      return List.of(
          step("mkdir d", MemFs.mkdir(fs, root, "d")), // 0: ino 2
          step("mkdir d again", MemFs.mkdir(fs, root, "d")), // 1 EEXIST
          step("create d/f", MemFs.create(fs, 2, "f")), // 2: ino 3
          step("create b", MemFs.create(fs, root, "b")), // 3: ino 4
          step("readdir /", MemFs.readdir(fs, root)), // 4 [b, d]
          step("rmdir d", MemFs.rmdir(fs, root, "d")), // 5 ENOTEMPTY
          step("rmdir b", MemFs.rmdir(fs, root, "b")), // 6 ENOTDIR
          step("rmdir z", MemFs.rmdir(fs, root, "z")), // 7 ENOENT
          step("readdir b", MemFs.readdir(fs, 4)), // 8 ENOTDIR
          step("unlink d/f", MemFs.unlink(fs, 2, "f")), // 9
          step("rmdir d", MemFs.rmdir(fs, root, "d")), // 10 ok
          step("create in removed d", MemFs.create(fs, 2, "g")), // 11 ENOENT
          step("stat /", MemFs.stat(fs, root)), // 12
          step("stat removed d", MemFs.stat(fs, 2))); // 13 ENOENT
    }));
    assertEquals(2, entry(r.get(0)).ino());
    assertEquals(Errno.EEXIST, errno(r.get(1)));
    assertEquals(SysResult.ok(2, List.of("b", "d")), r.get(4));
    assertEquals(Errno.ENOTEMPTY, errno(r.get(5)));
    assertEquals(Errno.ENOTDIR, errno(r.get(6)));
    assertEquals(Errno.ENOENT, errno(r.get(7)));
    assertEquals(Errno.ENOTDIR, errno(r.get(8)));
    assertEquals(SysResult.ok(0), r.get(10));
    assertEquals(Errno.ENOENT, errno(r.get(11)));
    assertEquals(MemFs.Kind.DIR, entry(r.get(12)).kind());
    assertEquals(Errno.ENOENT, errno(r.get(13)));
  }

  @Test
  void rootFilesAreThereFromTheStart() {
    List<Object> r = OneHart.results(OneHart.run(sim, (ctx, w) -> {
      TreeMap<String, byte[]> files = new TreeMap<>();
      files.put("cgroup.controllers", "cpu\n".getBytes(StandardCharsets.US_ASCII));
      ActorRef<MemFs.Command> fs = ctx.spawn(MemFs.create(w, files), "fs");
      return List.of(step("read cgroup.controllers", Code.then(MemFs.lookup(fs, MemFs.ROOT, "cgroup.controllers"),
          ok -> {
            ActorRef<BackingFile.Command> f = ((MemFs.Entry) ok.data()).file();
            return Code.sleepingCall(f, rr -> new BackingFile.ReadAt(0, 64, rr), "read_at", Code::done);
          })));
    }));
    SysResult.Ok ok = (SysResult.Ok) r.get(0);
    assertEquals("cpu\n", new String((byte[]) ok.data(), StandardCharsets.US_ASCII));
  }
}
