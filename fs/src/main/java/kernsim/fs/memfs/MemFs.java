package kernsim.fs.memfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import kernsim.dev.file.BackingFile;
import kernsim.fs.file.DeviceNode;
import kernsim.fs.file.RamFile;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A tmpfs-like filesystem (starry's {@code MemoryFs}): one actor owns the whole directory tree, so each
 * request is one region under the tree's lock. Directories keep their entries sorted (readdir order is
 * deterministic); each regular file is a {@link RamFile} child actor that owns its bytes, so file I/O
 * does not go through this actor. A removed directory's inode is gone: requests naming it get ENOENT,
 * as an rmdir'ed directory that a hart still holds would.
 *
 * <p>Replies: {@code Lookup}, {@code Create}, {@code Mkdir}, {@code Mknod} → {@code Ok(ino, Entry)};
 * {@code Unlink}, {@code Rmdir} → {@code Ok(0)}; {@code Readdir} → {@code Ok(count, List<String>)};
 * {@code Stat} → {@code Ok(ino, Entry)}; failures → {@code Err(errno)}.
 */
public final class MemFs extends AbstractBehavior<MemFs.Command> {
  /** The root directory's inode number. */
  public static final long ROOT = 1;

  public enum Kind {
    DIR,
    FILE,
    DEVICE
  }

  /**
   * What a directory entry names. {@code file} is set for regular files, {@code device} for device nodes
   * (the immutable handle given to mknod, e.g. a loop device's node).
   */
  public record Entry(long ino, Kind kind, ActorRef<BackingFile.Command> file, DeviceNode device) {}

  public sealed interface Command
      permits Lookup, Create, CopyUp, Mkdir, Mknod, Unlink, Rmdir, Readdir, Stat {}

  public record Lookup(long dir, String name, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Creates an empty regular file (O_CREAT|O_EXCL semantics: EEXIST if the name exists). */
  public record Create(long dir, String name, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * An overlay's copy-up into this (upper) tmpfs: a regular file {@code name} holding {@code data}, made
   * with its bytes in this one region (Linux copies up into the work dir and renames the copy into place,
   * so nobody sees it half copied); EEXIST if the name is taken. Replies as {@link Create}.
   */
  public record CopyUp(long dir, String name, byte[] data, ActorRef<Reply<SysResult>> replyTo) implements Command {
    @Override
    public String toString() {
      return "CopyUp(dir=" + dir + ", name=" + name + ", bytes=" + data.length + ")";
    }
  }

  public record Mkdir(long dir, String name, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record Mknod(long dir, String name, DeviceNode device, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record Unlink(long dir, String name, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record Rmdir(long dir, String name, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record Readdir(long dir, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record Stat(long ino, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  // ---- code: one region each ----

  public static Code lookup(ActorRef<Command> fs, long dir, String name) {
    return Code.call(fs, r -> new Lookup(dir, name, r), "lookup", Code::done);
  }

  public static Code create(ActorRef<Command> fs, long dir, String name) {
    return Code.call(fs, r -> new Create(dir, name, r), "create", Code::done);
  }

  /** {@link CopyUp}: {@code Ok(ino, Entry)}. */
  public static Code copyUp(ActorRef<Command> fs, long dir, String name, byte[] data) {
    return Code.call(fs, r -> new CopyUp(dir, name, data, r), "copy_up", Code::done);
  }

  public static Code mkdir(ActorRef<Command> fs, long dir, String name) {
    return Code.call(fs, r -> new Mkdir(dir, name, r), "mkdir", Code::done);
  }

  public static Code mknod(ActorRef<Command> fs, long dir, String name, DeviceNode device) {
    return Code.call(fs, r -> new Mknod(dir, name, device, r), "mknod", Code::done);
  }

  public static Code unlink(ActorRef<Command> fs, long dir, String name) {
    return Code.call(fs, r -> new Unlink(dir, name, r), "unlink", Code::done);
  }

  public static Code rmdir(ActorRef<Command> fs, long dir, String name) {
    return Code.call(fs, r -> new Rmdir(dir, name, r), "rmdir", Code::done);
  }

  public static Code readdir(ActorRef<Command> fs, long dir) {
    return Code.call(fs, r -> new Readdir(dir, r), "readdir", Code::done);
  }

  public static Code stat(ActorRef<Command> fs, long ino) {
    return Code.call(fs, r -> new Stat(ino, r), "stat", Code::done);
  }

  /**
   * Continues with the {@link Entry} a region ending in {@code Ok(ino, Entry)} answered ({@link #lookup},
   * {@link #create}, {@link #mkdir}, {@link #mknod}, {@link #stat}); an error ends the chain.
   */
  public static Code entry(Code region, java.util.function.Function<Entry, Code> then) {
    return Code.then(region, ok -> {
      if (!(ok.data() instanceof Entry e)) {
        throw new IllegalStateException("MemFs answered no entry: " + ok);
      }
      return then.apply(e);
    });
  }

  // ---- the actor ----

  private static final class Node {
    final long ino;
    final Kind kind;
    final TreeMap<String, Long> entries; // directories only
    final ActorRef<BackingFile.Command> file;
    final DeviceNode device;

    Node(long ino, Kind kind, ActorRef<BackingFile.Command> file, DeviceNode device) {
      this.ino = ino;
      this.kind = kind;
      this.entries = kind == Kind.DIR ? new TreeMap<>() : null;
      this.file = file;
      this.device = device;
    }

    Entry entry() {
      return new Entry(ino, kind, file, device);
    }
  }

  /**
   * A node the filesystem holds from the start (see {@link #create(World, List)}): a directory, a
   * regular file whose owner already exists ({@code file}), or a device node ({@code device}).
   */
  public record Initial(String path, Kind kind, ActorRef<BackingFile.Command> file, DeviceNode device) {
    public Initial {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(kind, "kind");
      if (kind == Kind.FILE) {
        Objects.requireNonNull(file, "file");
      }
      if (kind == Kind.DEVICE) {
        Objects.requireNonNull(device, "device");
      }
    }

    public static Initial dir(String path) {
      return new Initial(path, Kind.DIR, null, null);
    }

    public static Initial file(String path, ActorRef<BackingFile.Command> file) {
      return new Initial(path, Kind.FILE, file, null);
    }

    public static Initial device(String path, DeviceNode device) {
      return new Initial(path, Kind.DEVICE, null, device);
    }
  }

  private final World world;
  private final TreeMap<Long, Node> nodes = new TreeMap<>();
  private long nextIno = ROOT;

  /** An empty filesystem. */
  public static Behavior<Command> create(World world) {
    return create(world, new TreeMap<>());
  }

  /** A filesystem whose root holds {@code rootFiles} (name → contents), e.g. cgroup2's control files. */
  public static Behavior<Command> create(World world, SortedMap<String, byte[]> rootFiles) {
    TreeMap<String, byte[]> files = new TreeMap<>();
    rootFiles.forEach((k, v) -> files.put(k, v.clone()));
    return Behaviors.setup(ctx -> new MemFs(ctx, world, files));
  }

  /**
   * A filesystem that holds {@code tree} from the start, as if each node had been created in list
   * order (so inode numbers follow it): a booted kernel's {@code /dev}, device nodes and setup files,
   * without the requests that would build them. Regular files keep the owner given (an actor spawned
   * elsewhere, e.g. by the kernel at boot). Paths are absolute; a parent comes before its children.
   *
   * @throws IllegalArgumentException (when the actor starts) for a missing parent or a name taken twice
   */
  public static Behavior<Command> create(World world, List<Initial> tree) {
    List<Initial> copy = List.copyOf(tree);
    return Behaviors.setup(ctx -> {
      MemFs fs = new MemFs(ctx, world, new TreeMap<>());
      for (Initial i : copy) {
        fs.place(i);
      }
      return fs;
    });
  }

  private void place(Initial i) {
    String[] parts = i.path().split("/");
    if (!i.path().startsWith("/") || parts.length < 2) {
      throw new IllegalArgumentException("not an absolute path below /: " + i.path());
    }
    Node dir = nodes.get(ROOT);
    for (int k = 1; k < parts.length - 1; k++) {
      Long next = dir.entries.get(parts[k]);
      Node n = next == null ? null : nodes.get(next);
      if (n == null || n.kind != Kind.DIR) {
        throw new IllegalArgumentException("no directory for " + i.path());
      }
      dir = n;
    }
    String name = parts[parts.length - 1];
    if (badName(name) || dir.entries.containsKey(name)) {
      throw new IllegalArgumentException("cannot create " + i.path());
    }
    Node n = newNode(i.kind(), i.file(), i.device());
    dir.entries.put(name, n.ino);
  }

  private MemFs(ActorContext<Command> ctx, World world, SortedMap<String, byte[]> rootFiles) {
    super(ctx);
    this.world = world;
    Node root = newNode(Kind.DIR, null);
    for (Map.Entry<String, byte[]> f : rootFiles.entrySet()) {
      long ino = nextIno;
      Node n = newNode(Kind.FILE, ctx.spawn(RamFile.create(world, f.getValue()), "file-" + ino));
      root.entries.put(f.getKey(), n.ino);
    }
  }

  private Node newNode(Kind kind, ActorRef<BackingFile.Command> file) {
    return newNode(kind, file, null);
  }

  private Node newNode(Kind kind, ActorRef<BackingFile.Command> file, DeviceNode device) {
    Node n = new Node(nextIno++, kind, file, device);
    nodes.put(n.ino, n);
    return n;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Lookup.class, this::onLookup)
        .onMessage(Create.class, this::onCreate)
        .onMessage(CopyUp.class, this::onCopyUp)
        .onMessage(Mkdir.class, this::onMkdir)
        .onMessage(Mknod.class, this::onMknod)
        .onMessage(Unlink.class, this::onUnlink)
        .onMessage(Rmdir.class, this::onRmdir)
        .onMessage(Readdir.class, this::onReaddir)
        .onMessage(Stat.class, this::onStat)
        .build();
  }

  /** The directory {@code ino}, or the errno for why it is not one. */
  private Object dir(long ino) {
    Node d = nodes.get(ino);
    if (d == null) {
      return Errno.ENOENT;
    }
    if (d.kind != Kind.DIR) {
      return Errno.ENOTDIR;
    }
    return d;
  }

  private static void reply(ActorRef<Reply<SysResult>> to, SysResult r) {
    to.tell(new Reply<>(r));
  }

  private static boolean badName(String name) {
    return name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0;
  }

  private Behavior<Command> onLookup(Lookup m) {
    Object d = dir(m.dir());
    if (d instanceof Errno e) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    Node dir = (Node) d;
    if (m.name().equals(".")) {
      reply(m.replyTo(), SysResult.ok(dir.ino, dir.entry()));
      return this;
    }
    Long child = dir.entries.get(m.name());
    if (child == null) {
      reply(m.replyTo(), SysResult.err(Errno.ENOENT));
    } else {
      Node n = nodes.get(child);
      reply(m.replyTo(), SysResult.ok(n.ino, n.entry()));
    }
    return this;
  }

  /** The common part of create, mkdir and mknod: the errno, or null when the name is free. */
  private Errno checkNew(long dirIno, String name) {
    Object d = dir(dirIno);
    if (d instanceof Errno e) {
      return e;
    }
    if (badName(name)) {
      return name.isEmpty() ? Errno.ENOENT : Errno.EEXIST;
    }
    return ((Node) d).entries.containsKey(name) ? Errno.EEXIST : null;
  }

  private Behavior<Command> onCreate(Create m) {
    Errno e = checkNew(m.dir(), m.name());
    if (e != null) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    long ino = nextIno;
    Node n = newNode(Kind.FILE, getContext().spawn(RamFile.create(world, new byte[0]), "file-" + ino));
    nodes.get(m.dir()).entries.put(m.name(), n.ino);
    reply(m.replyTo(), SysResult.ok(n.ino, n.entry()));
    return this;
  }

  private Behavior<Command> onCopyUp(CopyUp m) {
    Errno e = checkNew(m.dir(), m.name());
    if (e != null) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    long ino = nextIno;
    Node n = newNode(Kind.FILE, getContext().spawn(RamFile.create(world, m.data().clone()), "file-" + ino));
    nodes.get(m.dir()).entries.put(m.name(), n.ino);
    reply(m.replyTo(), SysResult.ok(n.ino, n.entry()));
    return this;
  }

  private Behavior<Command> onMkdir(Mkdir m) {
    Errno e = checkNew(m.dir(), m.name());
    if (e != null) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    Node n = newNode(Kind.DIR, null);
    nodes.get(m.dir()).entries.put(m.name(), n.ino);
    reply(m.replyTo(), SysResult.ok(n.ino, n.entry()));
    return this;
  }

  private Behavior<Command> onMknod(Mknod m) {
    Errno e = checkNew(m.dir(), m.name());
    if (e != null) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    Node n = newNode(Kind.DEVICE, null, Objects.requireNonNull(m.device(), "device"));
    nodes.get(m.dir()).entries.put(m.name(), n.ino);
    reply(m.replyTo(), SysResult.ok(n.ino, n.entry()));
    return this;
  }

  private Behavior<Command> onUnlink(Unlink m) {
    Object d = dir(m.dir());
    if (d instanceof Errno e) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    Node dir = (Node) d;
    Long child = dir.entries.get(m.name());
    if (child == null) {
      reply(m.replyTo(), SysResult.err(Errno.ENOENT));
    } else if (nodes.get(child).kind == Kind.DIR) {
      reply(m.replyTo(), SysResult.err(Errno.EISDIR));
    } else {
      // The RamFile actor lives on: open files keep working on an unlinked file, as in tmpfs.
      dir.entries.remove(m.name());
      nodes.remove(child);
      reply(m.replyTo(), SysResult.ok(0));
    }
    return this;
  }

  private Behavior<Command> onRmdir(Rmdir m) {
    Object d = dir(m.dir());
    if (d instanceof Errno e) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    Node dir = (Node) d;
    Long child = dir.entries.get(m.name());
    if (child == null) {
      reply(m.replyTo(), SysResult.err(Errno.ENOENT));
      return this;
    }
    Node n = nodes.get(child);
    if (n.kind != Kind.DIR) {
      reply(m.replyTo(), SysResult.err(Errno.ENOTDIR));
    } else if (!n.entries.isEmpty()) {
      reply(m.replyTo(), SysResult.err(Errno.ENOTEMPTY));
    } else {
      dir.entries.remove(m.name());
      nodes.remove(child);
      reply(m.replyTo(), SysResult.ok(0));
    }
    return this;
  }

  private Behavior<Command> onReaddir(Readdir m) {
    Object d = dir(m.dir());
    if (d instanceof Errno e) {
      reply(m.replyTo(), SysResult.err(e));
      return this;
    }
    List<String> names = List.copyOf(new ArrayList<>(((Node) d).entries.keySet()));
    reply(m.replyTo(), SysResult.ok(names.size(), names));
    return this;
  }

  private Behavior<Command> onStat(Stat m) {
    Node n = nodes.get(m.ino());
    reply(m.replyTo(), n == null ? SysResult.err(Errno.ENOENT) : SysResult.ok(n.ino, n.entry()));
    return this;
  }
}
