package kernsim.fs.vfs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Mutex;
import kernsim.dev.code.Reply;
import kernsim.fs.memfs.MemFs;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The mount tree and the process's {@code FS_CONTEXT} (starry-mount.rs over ax_fs_ng's vfs).
 *
 * <p>Mapping to the source:
 * <ul>
 *   <li>{@code FS_CONTEXT.lock()} is the {@link Mutex} {@code fs_context}: {@link LockCtx} grants it
 *       and replies with the context (root and cwd), {@link UnlockCtx} drops it. The source holds it for
 *       a whole path walk and, in {@code MS_MOVE}, {@code MS_BIND}, {@code mount_ext4}, overlay and
 *       pivot_root, across several resolves and the mount operation; {@link Vfs} takes it exactly where
 *       the source does. The directory lookups of a walk are regions at each filesystem's owner.
 *   <li>Each {@code Mountpoint} is a {@link Mount} here; its own small locks (children, readonly,
 *       propagation, expired, user_data) are one message each: {@link Cross} (a walk stepping onto a
 *       mount's root), {@link Mount}/{@link Bind}/{@link Move} ({@code Location::mount}, {@code
 *       bind_mount}, {@code move_mount}), {@link SetReadonly}, {@link SetPropagation},
 *       {@link MarkExpired}, {@link SetWriteback}/{@link GetWriteback} (the {@code user_data} callback),
 *       {@link Detach} ({@code detach_mount}), {@link Held}/{@link Put} (the references a detached mount's open fds hold), {@link Unmount} ({@code unmount}), {@link IsBusy}
 *       ({@code ax_fs_ng::vfs::is_mount_busy}: the context's root or cwd inside the mount, or child
 *       mounts), {@link Pivot} ({@code FsContext::pivot_root}, sent while holding the context), {@link WantWrite}
 *       (the read-only check of the scenario helpers' mkdir and create).
 *   <li>These regions do not wait for the context mutex: in the source the mount tree has its own
 *       locks, so a tmpfs mount's {@code target.mount(&fs)} (after the context was dropped) runs while
 *       another hart holds the context.
 * </ul>
 * Mounts are never forgotten: a hart may still hold a {@link Location} on an unmounted one.
 */
public final class MountTable extends AbstractBehavior<MountTable.Command> {
  public enum Propagation {
    PRIVATE,
    SHARED,
    SLAVE,
    UNBINDABLE
  }

  public enum State {
    ATTACHED,
    DETACHED,
    UNMOUNTED
  }

  /** The process's filesystem context: root and current directory. */
  public record Ctx(Location root, Location cwd) {}

  /** A mount as {@code /proc/self/mountinfo} would list it. {@code on} is the covered inode. */
  public record MountInfo(
      int id, int parent, long on, String type, long rootIno, boolean readonly,
      Propagation propagation, boolean expired, boolean hasWriteback, State state) {}

  /** Observation: a mount changed ({@code op}: mount, bind, move, readonly, propagation, expire, writeback, detach, unmount, pivot). */
  public record Changed(String op, int mountId) {}

  /** Builds a filesystem's actors as children of the mount table (kernel code cannot spawn). */
  @FunctionalInterface
  public interface FsFactory {
    FileSystem make(ActorContext<Command> ctx, World world, String name);
  }

  public sealed interface Command
      permits LockCtx, UnlockCtx, SetCwd, Cross, Mount, Bind, Move, SetReadonly, SetPropagation,
          MarkExpired, SetWriteback, GetWriteback, Detach, Held, Put, IsBusy, Unmount, Pivot, WantWrite, Spawn, Mounts {}

  /** Takes {@code FS_CONTEXT}; the grant replies with the {@link Ctx}. */
  public record LockCtx(ActorRef<Reply<Ctx>> replyTo) implements Command {}

  public record UnlockCtx(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** chdir's update of the context; the sender holds it. */
  public record SetCwd(Location cwd, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** A walk found {@code node} in a directory of mount {@code mountId}: replies the {@link Location}, on the topmost mount's root if mounts cover it. */
  public record Cross(int mountId, FileSystem fs, FileSystem.Node node, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code Location::mount}: mounts {@code fs} on {@code target}; replies {@code Ok(mountId)}. */
  public record Mount(Location target, FileSystem fs, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code bind_mount}: replies {@code Ok(mountId)} of the new mount. */
  public record Bind(Location source, Location target, boolean recursive, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code move_mount}. */
  public record Move(Location source, Location target, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record SetReadonly(int mountId, boolean readonly, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  public record SetPropagation(int mountId, Propagation propagation, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code mark_expired}: replies {@code Ok(1)} if the mount was already marked, else marks it and replies {@code Ok(0)}. */
  public record MarkExpired(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code user_data().insert(callback)}. */
  public record SetWriteback(int mountId, Supplier<Code> writeback, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code user_data().get()}: replies {@code Ok(1, callback)} or {@code Ok(0)}. */
  public record GetWriteback(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * {@code detach_mount}: takes the mount and its subtree out of the namespace. Replies
   * {@code Ok(n, List<Integer>)}: the detached mounts, in mount id order. Nothing is dropped yet: a
   * detached mount lives on while a process holds an fd on it (the source's {@code Arc<Mountpoint>} in
   * each open file's location), so the caller counts the holders and says so with {@link Held}.
   */
  public record Detach(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * The detacher counted {@code holders} processes with fds on detached mount {@code mountId} (each of
   * them will send one {@link Put}). Replies {@code Ok(0, List<FileSystem>)}: the filesystems to release
   * now, when nothing holds the mount any more (possibly because every holder's {@code Put} came first).
   */
  public record Held(int mountId, int holders, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * A holder's last fd on detached mount {@code mountId} was closed (the last {@code Arc} clone of its
   * location dropped). Replies {@code Ok(0, List<FileSystem>)}: the filesystems for the closer to release.
   */
  public record Put(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Replies {@code Ok(1)} when busy, {@code Ok(0)} otherwise. */
  public record IsBusy(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * {@code unmount}. Replies {@code Ok(0, List<FileSystem>)}: the mount's filesystem when no attached
   * mount uses it any more (a bind mount may), for the caller to release; else an empty list.
   */
  public record Unmount(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * {@code new_root_loc.mountpoint().is_root()} (EINVAL when it is) then {@code ctx.pivot_root}; the
   * sender holds the context. Replies {@code Ok(0, Ctx)} with the new context.
   */
  public record Pivot(Location newRoot, Location putOld, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** {@code mnt_want_write}: replies {@code Ok(0)}, or {@code Err(EROFS)} on a read-only mount. */
  public record WantWrite(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Replies {@code Ok(0, FileSystem)}. */
  public record Spawn(FsFactory factory, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Replies {@code Ok(n, List<MountInfo>)}, every mount ever made, by id. */
  public record Mounts(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * {@link Cross}: the walk found {@code node} in a directory of mount {@code mountId}; continues with
   * the {@link Location} (on the topmost mount's root if mounts cover it).
   */
  public static Code cross(ActorRef<Command> table, int mountId, FileSystem fs, FileSystem.Node node,
      java.util.function.Function<Location, Code> then) {
    return Code.then(Code.call(table, r -> new Cross(mountId, fs, node, r), "cross", Code::done), ok -> {
      if (!(ok.data() instanceof Location loc)) {
        throw new IllegalStateException("Cross answered no location: " + ok);
      }
      return then.apply(loc);
    });
  }

  /** Code: has the table build a filesystem (ends in {@code Ok(0, FileSystem)}). */
  public static Code spawn(ActorRef<Command> table, FsFactory factory) {
    return Code.call(table, r -> new Spawn(factory, r), "spawn fs", Code::done);
  }

  /** Code: has the table build a filesystem, then continues with it. */
  public static Code spawn(ActorRef<Command> table, FsFactory factory, java.util.function.Function<FileSystem, Code> then) {
    return Code.then(spawn(table, factory), ok -> {
      if (!(ok.data() instanceof FileSystem fs)) {
        throw new IllegalStateException("Spawn answered no filesystem: " + ok);
      }
      return then.apply(fs);
    });
  }

  /**
   * {@link GetWriteback} ({@code user_data().get()}): continues with the callback, empty when the mount
   * has none; an error ends the whole as it is.
   */
  public static Code writeback(ActorRef<Command> table, int mountId,
      java.util.function.Function<java.util.Optional<Supplier<Code>>, Code> then) {
    return Code.then(Code.call(table, r -> new GetWriteback(mountId, r), "user_data.get", Code::done), ok -> {
      if (ok.data() == null) {
        return then.apply(java.util.Optional.empty());
      }
      if (!(ok.data() instanceof Supplier<?> cb)) {
        throw new IllegalStateException("GetWriteback answered no callback: " + ok);
      }
      return then.apply(java.util.Optional.of(() -> {
        if (!(cb.get() instanceof Code code)) {
          throw new IllegalStateException("the write-back callback gave no code");
        }
        return code;
      }));
    });
  }

  /** {@link Unmount}: continues with the filesystems it dropped, for the caller to release, in order. */
  public static Code unmount(ActorRef<Command> table, int mountId,
      java.util.function.Function<List<FileSystem>, Code> then) {
    return Code.then(Code.call(table, r -> new Unmount(mountId, r), "unmount", Code::done),
        ok -> then.apply(droppedOf(ok)));
  }

  /** {@link Detach} ({@code detach_mount}): continues with the ids of the mounts it detached. */
  public static Code detach(ActorRef<Command> table, int mountId,
      java.util.function.Function<List<Integer>, Code> then) {
    return Code.then(Code.call(table, r -> new Detach(mountId, r), "detach_mount", Code::done), ok -> {
      List<Integer> ids = new ArrayList<>();
      if (ok.data() instanceof List<?> l) {
        for (Object o : l) {
          ids.add((Integer) o);
        }
      }
      return then.apply(ids);
    });
  }

  /** {@link Held}: continues with the filesystems to release now. */
  public static Code held(ActorRef<Command> table, int mountId, int holders,
      java.util.function.Function<List<FileSystem>, Code> then) {
    return Code.then(Code.call(table, r -> new Held(mountId, holders, r), "detached mount held", Code::done),
        ok -> then.apply(droppedOf(ok)));
  }

  /** {@link Put}: continues with the filesystems the caller is to release. */
  public static Code put(ActorRef<Command> table, int mountId,
      java.util.function.Function<List<FileSystem>, Code> then) {
    return Code.then(Code.call(table, r -> new Put(mountId, r), "detached mount put", Code::done),
        ok -> then.apply(droppedOf(ok)));
  }

  /** {@link Pivot} ({@code pivot_root}; the sender holds the context): continues with the new context. */
  public static Code pivot(ActorRef<Command> table, Location newRoot, Location putOld,
      java.util.function.Function<Ctx, Code> then) {
    return Code.then(Code.call(table, r -> new Pivot(newRoot, putOld, r), "pivot_root", Code::done), ok -> {
      if (!(ok.data() instanceof Ctx ctx)) {
        throw new IllegalStateException("Pivot answered no context: " + ok);
      }
      return then.apply(ctx);
    });
  }

  /** The filesystems an Unmount, Held or Put reply lists as dropped ({@link #dropped} made the list). */
  private static List<FileSystem> droppedOf(SysResult.Ok ok) {
    List<FileSystem> out = new ArrayList<>();
    if (ok.data() instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof FileSystem fs)) {
          throw new IllegalStateException("dropped list holds no filesystem: " + ok);
        }
        out.add(fs);
      }
    }
    return out;
  }

  // ---- state ----

  private static final class MountRec {
    final int id;
    int parent; // 0 for the namespace root
    long on; // the covered inode in the parent
    final FileSystem fs;
    final long rootIno;
    boolean readonly;
    Propagation propagation = Propagation.PRIVATE;
    boolean expired;
    Supplier<Code> writeback;
    State state = State.ATTACHED;
    /** A detached mount: the processes still holding fds on it, less those that put it ({@link Held}, {@link Put}). */
    int holders;
    /** A detached mount: its holders were counted ({@link Held} came). */
    boolean settled;
    /** A detached mount: it was let go (its filesystem released, unless another mount still uses it). */
    boolean released;

    MountRec(int id, int parent, long on, FileSystem fs, long rootIno) {
      this.id = id;
      this.parent = parent;
      this.on = on;
      this.fs = fs;
      this.rootIno = rootIno;
    }

    Location rootLocation() {
      return new Location(id, fs, new FileSystem.Node(rootIno, FileSystem.Kind.DIR, null, null), true);
    }

    MountInfo info() {
      return new MountInfo(id, parent, on, fs.type(), rootIno, readonly, propagation, expired,
          writeback != null, state);
    }
  }

  private final World world;
  /**
   * One {@code FS_CONTEXT} lock per process (per hart: each is a process of its own, as the source's
   * FS_CONTEXT is scope-local to a process), by the process's actor key. The root and cwd they guard
   * are one pair for all (see docs/model.md: chdir and pivot_root change it for every process).
   */
  private final java.util.TreeMap<String, Mutex> fsContexts = new java.util.TreeMap<>();
  private final ActorRef<Command> self;
  private final TreeMap<Integer, MountRec> mounts = new TreeMap<>();
  private int nextId = 1;
  private int nextFs = 1;
  private int rootMount;
  private Location root;
  private Location cwd;

  /** A table whose root mount is a fresh tmpfs. */
  public static Behavior<Command> create(World world) {
    return create(world, (ctx, w, name) -> new TmpFs("tmpfs", ctx.spawn(MemFs.create(w), name)));
  }

  /** A table whose root mount is the filesystem {@code rootFs} builds. */
  public static Behavior<Command> create(World world, FsFactory rootFs) {
    return Behaviors.setup(ctx -> new MountTable(ctx, world, rootFs));
  }

  private MountTable(ActorContext<Command> ctx, World world, FsFactory rootFs) {
    super(ctx);
    this.world = world;
    this.self = ctx.getSelf();
    FileSystem fs = rootFs.make(ctx, world, "fs-" + nextFs++);
    MountRec r = new MountRec(nextId++, 0, -1, fs, fs.rootIno());
    mounts.put(r.id, r);
    rootMount = r.id;
    root = r.rootLocation();
    cwd = root;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(LockCtx.class, this::onLockCtx)
        .onMessage(UnlockCtx.class, this::onUnlockCtx)
        .onMessage(SetCwd.class, this::onSetCwd)
        .onMessage(Cross.class, this::onCross)
        .onMessage(Mount.class, this::onMount)
        .onMessage(Bind.class, this::onBind)
        .onMessage(Move.class, this::onMove)
        .onMessage(SetReadonly.class, this::onSetReadonly)
        .onMessage(SetPropagation.class, this::onSetPropagation)
        .onMessage(MarkExpired.class, this::onMarkExpired)
        .onMessage(SetWriteback.class, this::onSetWriteback)
        .onMessage(GetWriteback.class, this::onGetWriteback)
        .onMessage(Detach.class, this::onDetach)
        .onMessage(Held.class, this::onHeld)
        .onMessage(Put.class, this::onPut)
        .onMessage(IsBusy.class, this::onIsBusy)
        .onMessage(Unmount.class, this::onUnmount)
        .onMessage(Pivot.class, this::onPivot)
        .onMessage(WantWrite.class, this::onWantWrite)
        .onMessage(Spawn.class, this::onSpawn)
        .onMessage(Mounts.class, this::onMounts)
        .build();
  }

  private static void reply(ActorRef<Reply<SysResult>> to, SysResult r) {
    to.tell(new Reply<>(r));
  }

  private void changed(String op, int id) {
    world.emit(new Changed(op, id));
  }

  private Ctx ctx() {
    return new Ctx(root, cwd);
  }

  /** The attached mount {@code id}, or null. */
  private MountRec attached(int id) {
    MountRec m = mounts.get(id);
    return m != null && m.state == State.ATTACHED ? m : null;
  }

  /** The topmost attached mount on ({@code parent}, {@code ino}), or null. */
  private MountRec mountedOn(int parent, long ino) {
    MountRec top = null;
    for (MountRec m : mounts.values()) {
      if (m.state == State.ATTACHED && m.parent == parent && m.on == ino) {
        top = m; // later mounts stack on top
      }
    }
    return top;
  }

  private List<MountRec> children(int id) {
    List<MountRec> out = new ArrayList<>();
    for (MountRec m : mounts.values()) {
      if (m.state == State.ATTACHED && m.parent == id) {
        out.add(m);
      }
    }
    return out;
  }

  /** Whether mount {@code id} is {@code ancestor} or below it. */
  private boolean within(int id, int ancestor) {
    for (MountRec m = mounts.get(id); m != null; m = mounts.get(m.parent)) {
      if (m.id == ancestor) {
        return true;
      }
    }
    return false;
  }

  // ---- FS_CONTEXT ----

  private Mutex<Ctx> fsContext(ActorRef<?> process) {
    return fsContexts.computeIfAbsent(world.keyOf(process),
        k -> new Mutex<>("FS_CONTEXT of " + k.substring(k.lastIndexOf('/') + 1), world, self));
  }

  private Behavior<Command> onLockCtx(LockCtx m) {
    fsContext(m.replyTo()).lock(m.replyTo(), ctx());
    return this;
  }

  private Behavior<Command> onUnlockCtx(UnlockCtx m) {
    fsContext(m.replyTo()).unlock(m.replyTo(), ctx());
    reply(m.replyTo(), SysResult.ok(0));
    return this;
  }

  private Behavior<Command> onSetCwd(SetCwd m) {
    cwd = m.cwd();
    reply(m.replyTo(), SysResult.ok(0));
    return this;
  }

  // ---- mountpoints ----

  private Behavior<Command> onCross(Cross m) {
    MountRec at = mounts.get(m.mountId());
    Location loc = new Location(m.mountId(), m.fs(), m.node(), at != null && at.rootIno == m.node().ino());
    for (MountRec over = mountedOn(loc.mountId(), loc.ino()); over != null;
        over = mountedOn(over.id, over.rootIno)) {
      loc = over.rootLocation();
    }
    m.replyTo().tell(new Reply<>(SysResult.ok(0, loc)));
    return this;
  }

  private Behavior<Command> onMount(Mount m) {
    Location t = m.target();
    if (!t.node().isDir()) {
      reply(m.replyTo(), SysResult.err(Errno.ENOTDIR));
      return this;
    }
    if (attached(t.mountId()) == null) {
      reply(m.replyTo(), SysResult.err(Errno.ENOENT));
      return this;
    }
    MountRec r = new MountRec(nextId++, t.mountId(), t.ino(), m.fs(), m.fs().rootIno());
    mounts.put(r.id, r);
    changed("mount", r.id);
    reply(m.replyTo(), SysResult.ok(r.id));
    return this;
  }

  private Behavior<Command> onBind(Bind m) {
    Location s = m.source();
    Location t = m.target();
    MountRec from = mounts.get(s.mountId());
    if (from == null || from.propagation == Propagation.UNBINDABLE) {
      reply(m.replyTo(), SysResult.err(Errno.EINVAL));
      return this;
    }
    if (s.node().isDir() != t.node().isDir()) {
      reply(m.replyTo(), SysResult.err(t.node().isDir() ? Errno.ENOTDIR : Errno.EISDIR));
      return this;
    }
    if (attached(t.mountId()) == null) {
      reply(m.replyTo(), SysResult.err(Errno.ENOENT));
      return this;
    }
    MountRec r = new MountRec(nextId++, t.mountId(), t.ino(), s.fs(), s.ino());
    mounts.put(r.id, r);
    if (m.recursive() && s.rootOfMount()) {
      copyChildren(from, r);
    }
    changed("bind", r.id);
    reply(m.replyTo(), SysResult.ok(r.id));
    return this;
  }

  /** MS_REC: copies the submounts of {@code from} onto the copy {@code to} (unbindable ones are skipped, as in Linux). */
  private void copyChildren(MountRec from, MountRec to) {
    for (MountRec c : children(from.id)) {
      if (c.propagation == Propagation.UNBINDABLE) {
        continue;
      }
      MountRec copy = new MountRec(nextId++, to.id, c.on, c.fs, c.rootIno);
      mounts.put(copy.id, copy);
      copyChildren(c, copy);
    }
  }

  private Behavior<Command> onMove(Move m) {
    Location s = m.source();
    Location t = m.target();
    MountRec src = attached(s.mountId());
    if (src == null || !s.rootOfMount() || src.id == rootMount) {
      reply(m.replyTo(), SysResult.err(Errno.EINVAL));
      return this;
    }
    if (!t.node().isDir()) {
      reply(m.replyTo(), SysResult.err(Errno.ENOTDIR));
      return this;
    }
    if (attached(t.mountId()) == null) {
      reply(m.replyTo(), SysResult.err(Errno.ENOENT));
      return this;
    }
    if (within(t.mountId(), src.id)) {
      reply(m.replyTo(), SysResult.err(Errno.ELOOP)); // a mount cannot move below itself
      return this;
    }
    src.parent = t.mountId();
    src.on = t.ino();
    changed("move", src.id);
    reply(m.replyTo(), SysResult.ok(0));
    return this;
  }

  private Behavior<Command> onSetReadonly(SetReadonly m) {
    MountRec r = mounts.get(m.mountId());
    r.readonly = m.readonly();
    changed("readonly", r.id);
    reply(m.replyTo(), SysResult.ok(0));
    return this;
  }

  private Behavior<Command> onSetPropagation(SetPropagation m) {
    MountRec r = mounts.get(m.mountId());
    r.propagation = m.propagation();
    changed("propagation", r.id);
    reply(m.replyTo(), SysResult.ok(0));
    return this;
  }

  private Behavior<Command> onMarkExpired(MarkExpired m) {
    MountRec r = mounts.get(m.mountId());
    boolean was = r.expired;
    r.expired = true;
    if (!was) {
      changed("expire", r.id);
    }
    reply(m.replyTo(), SysResult.ok(was ? 1 : 0));
    return this;
  }

  private Behavior<Command> onSetWriteback(SetWriteback m) {
    MountRec r = mounts.get(m.mountId());
    r.writeback = m.writeback();
    changed("writeback", r.id);
    reply(m.replyTo(), SysResult.ok(0));
    return this;
  }

  private Behavior<Command> onGetWriteback(GetWriteback m) {
    MountRec r = mounts.get(m.mountId());
    reply(m.replyTo(), r.writeback == null ? SysResult.ok(0) : SysResult.ok(1, r.writeback));
    return this;
  }

  private Behavior<Command> onDetach(Detach m) {
    MountRec r = attached(m.mountId());
    if (r == null || r.id == rootMount) {
      reply(m.replyTo(), SysResult.err(Errno.EINVAL));
      return this;
    }
    List<MountRec> gone = new ArrayList<>();
    detachTree(r, gone);
    List<Integer> ids = gone.stream().map(g -> g.id).sorted().toList();
    reply(m.replyTo(), SysResult.ok(ids.size(), ids));
    return this;
  }

  private Behavior<Command> onHeld(Held m) {
    MountRec r = mounts.get(m.mountId());
    r.settled = true;
    // The shared cwd or root inside it holds it too, and nothing here ever lets go of that.
    r.holders += m.holders() + (cwd.mountId() == r.id || root.mountId() == r.id ? 1 : 0);
    reply(m.replyTo(), SysResult.ok(0, letGo(r)));
    return this;
  }

  private Behavior<Command> onPut(Put m) {
    MountRec r = mounts.get(m.mountId());
    r.holders--;
    reply(m.replyTo(), SysResult.ok(0, letGo(r)));
    return this;
  }

  /** A detached mount nothing holds any more is let go: its filesystem, unless another live mount uses it. */
  private List<FileSystem> letGo(MountRec r) {
    if (r.state != State.DETACHED || !r.settled || r.holders != 0 || r.released) {
      return List.of();
    }
    r.released = true;
    return dropped(List.of(r));
  }

  /** Lazy unmount takes the whole subtree out of the namespace. */
  private void detachTree(MountRec r, List<MountRec> gone) {
    for (MountRec c : children(r.id)) {
      detachTree(c, gone);
    }
    r.state = State.DETACHED;
    gone.add(r);
    changed("detach", r.id);
  }

  /**
   * The filesystems of {@code gone} that no live mount uses (an attached one, or a detached one not yet
   * let go), once each, by mount id.
   */
  private List<FileSystem> dropped(List<MountRec> gone) {
    List<FileSystem> out = new ArrayList<>();
    gone.stream().sorted(java.util.Comparator.comparingInt(g -> g.id)).forEach(g -> {
      boolean inUse = mounts.values().stream().anyMatch(m -> m.fs.equals(g.fs)
          && (m.state == State.ATTACHED || m.state == State.DETACHED && !m.released));
      if (!inUse && !out.contains(g.fs)) {
        out.add(g.fs);
      }
    });
    return List.copyOf(out);
  }

  private Behavior<Command> onIsBusy(IsBusy m) {
    int id = m.mountId();
    boolean busy = root.mountId() == id || cwd.mountId() == id || !children(id).isEmpty();
    reply(m.replyTo(), SysResult.ok(busy ? 1 : 0));
    return this;
  }

  private Behavior<Command> onUnmount(Unmount m) {
    MountRec r = attached(m.mountId());
    if (r == null) {
      reply(m.replyTo(), SysResult.err(Errno.EINVAL));
    } else if (r.id == rootMount || !children(r.id).isEmpty()) {
      reply(m.replyTo(), SysResult.err(Errno.EBUSY));
    } else {
      r.state = State.UNMOUNTED;
      changed("unmount", r.id);
      reply(m.replyTo(), SysResult.ok(0, dropped(List.of(r))));
    }
    return this;
  }

  private Behavior<Command> onPivot(Pivot m) {
    Location nr = m.newRoot();
    Location po = m.putOld();
    MountRec newRoot = attached(nr.mountId());
    if (newRoot == null || newRoot.id == rootMount) {
      reply(m.replyTo(), SysResult.err(Errno.EINVAL)); // mountpoint().is_root(), or gone
      return this;
    }
    if (attached(po.mountId()) == null || !within(po.mountId(), newRoot.id)) {
      reply(m.replyTo(), SysResult.err(Errno.EINVAL)); // put_old must be under new_root
      return this;
    }
    MountRec oldRoot = mounts.get(rootMount);
    Location oldRootLoc = root;
    newRoot.parent = 0;
    newRoot.on = -1;
    oldRoot.parent = po.mountId();
    oldRoot.on = po.ino();
    rootMount = newRoot.id;
    root = newRoot.rootLocation();
    if (cwd.equals(oldRootLoc)) {
      cwd = root;
    }
    changed("pivot", newRoot.id);
    reply(m.replyTo(), SysResult.ok(0, ctx()));
    return this;
  }

  private Behavior<Command> onWantWrite(WantWrite m) {
    MountRec r = mounts.get(m.mountId());
    reply(m.replyTo(), r.readonly ? SysResult.err(Errno.EROFS) : SysResult.ok(0));
    return this;
  }

  private Behavior<Command> onSpawn(Spawn m) {
    FileSystem fs = m.factory().make(getContext(), world, "fs-" + nextFs++);
    reply(m.replyTo(), SysResult.ok(0, fs));
    return this;
  }

  private Behavior<Command> onMounts(Mounts m) {
    List<MountInfo> out = new ArrayList<>();
    for (Map.Entry<Integer, MountRec> e : mounts.entrySet()) {
      out.add(e.getValue().info());
    }
    reply(m.replyTo(), SysResult.ok(out.size(), List.copyOf(out)));
    return this;
  }
}
