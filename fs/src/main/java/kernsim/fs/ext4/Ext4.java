package kernsim.fs.ext4;

import java.util.ArrayDeque;
import java.util.function.Function;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Code;
import kernsim.dev.code.Mutex;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * A mounted ext4-lite filesystem: the handle kernel code uses, and the actor behind it.
 *
 * <p>The actor owns the fs lock (a {@link Mutex}) and the in-memory superblock; nothing else about the
 * filesystem lives in memory. Every operation is {@link Code} the calling hart runs: take the lock
 * ({@link Lock}, granted with the superblock; other harts' {@code Lock}s queue meanwhile), run its block
 * I/O inside the no-preempt region {@code "ext4 <op>"} (the source's {@code SpinNoPreempt}), release
 * the lock ({@link Unlock}, handing back the superblock if the free counts changed). Harts therefore
 * interleave between operations, never inside one.
 *
 * <p>Results are {@link SysResult}s (see each method). After {@link #umount()} the handle refuses every
 * operation with EIO (as Linux ext4 does after a forced shutdown), and a second umount with EINVAL (as
 * umount(2) of something that is not mounted).
 *
 * <p>Observations: {@link OpStarted} when an operation gets the lock, {@link OpEnded} when it releases
 * it, so oracles can check that no other hart touched the device in between.
 */
public final class Ext4 {
  private final ActorRef<Command> ref;
  private final BlockDevice dev;
  private final boolean readOnly;

  Ext4(ActorRef<Command> ref, BlockDevice dev, boolean readOnly) {
    this.ref = ref;
    this.dev = dev;
    this.readOnly = readOnly;
  }

  /** The handle of an ext4-lite actor a mount table spawned itself (with {@link #create}). */
  public static Ext4 handle(ActorRef<Command> ref, BlockDevice dev, boolean readOnly) {
    return new Ext4(ref, dev, readOnly);
  }

  public ActorRef<Command> ref() {
    return ref;
  }

  public BlockDevice device() {
    return dev;
  }

  public boolean readOnly() {
    return readOnly;
  }

  /** The filesystem actor's key, a stable name for reports and file ids. */
  public String key() {
    return kernsim.actors.Keys.of(ref);
  }

  @Override
  public String toString() {
    return "ext4(" + key() + (readOnly ? ", ro)" : ")");
  }

  // ---- protocol ----

  public sealed interface Command {}

  /** Take the fs lock for {@code op}; granted with {@code Ok(0, Superblock)}, or {@code Err(EIO)} once unmounted. */
  public record Lock(String op, String path, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Release the fs lock; {@code sb} is the changed superblock, or null if unchanged. Replies {@code Ok(0)}. */
  public record Unlock(Superblock sb, String result, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Release the fs lock and unmount: every later {@code Lock} is granted with {@code Err(EIO)}. */
  public record Umount(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Observation: {@code hart} took {@code fs}'s lock for {@code op} on {@code path}. */
  public record OpStarted(String fs, String hart, String op, String path) {}

  /** Observation: {@code hart} released {@code fs}'s lock after {@code op}, which returned {@code result}. */
  public record OpEnded(String fs, String hart, String op, String path, String result) {}

  // ---- operations ----

  /** Creates a regular file: {@code Ok(inode)}; EEXIST, ENOENT, ENOTDIR, ENAMETOOLONG, ENOSPC, EROFS. */
  public Code create(String path) {
    return locked("create", path, tx -> FsOps.create(tx, path, false));
  }

  /** Creates a directory: {@code Ok(inode)}; errors as {@link #create}. */
  public Code mkdir(String path) {
    return locked("mkdir", path, tx -> FsOps.create(tx, path, true));
  }

  /** The inode at {@code path}: {@code Ok(inode)}; ENOENT, ENOTDIR, ENAMETOOLONG, EINVAL for "..". */
  public Code lookup(String path) {
    return locked("lookup", path, tx -> FsOps.lookup(tx, path));
  }

  /** {@code name} in directory {@code dir}: {@code Ok(inode, Stat)}; ENOENT, ENOTDIR, EINVAL, ENAMETOOLONG. */
  public Code lookupAt(int dir, String name) {
    return locked("lookup", "#" + dir + "/" + name, tx -> FsOps.lookupAt(tx, dir, name));
  }

  /** {@link #lookupAt}, continuing with the inode number and its {@link Stat}; an error ends the chain. */
  public Code lookupAt(int dir, String name, java.util.function.BiFunction<Long, Stat, Code> then) {
    return Code.then(lookupAt(dir, name), ok -> {
      if (!(ok.data() instanceof Stat st)) {
        throw new IllegalStateException("ext4 lookup answered no stat: " + ok);
      }
      return then.apply(ok.value(), st);
    });
  }

  /** Creates regular file {@code name} in directory {@code dir}: {@code Ok(inode)}; errors as {@link #create}. */
  public Code createAt(int dir, String name) {
    return locked("create", "#" + dir + "/" + name, tx -> FsOps.createAt(tx, dir, name, false));
  }

  /** Creates directory {@code name} in directory {@code dir}: {@code Ok(inode)}; errors as {@link #create}. */
  public Code mkdirAt(int dir, String name) {
    return locked("mkdir", "#" + dir + "/" + name, tx -> FsOps.createAt(tx, dir, name, true));
  }

  /** The entries of directory {@code dir}: {@code Ok(count, List<String>)}, sorted; ENOENT, ENOTDIR. */
  public Code readdirAt(int dir) {
    return locked("readdir", "#" + dir, tx -> FsOps.readdirAt(tx, dir));
  }

  /** {@code Ok(n, byte[n])}, n = 0 at or past the end; EISDIR, ENOENT (freed inode), EINVAL. */
  public Code read(int ino, long offset, int length) {
    return locked("read", "#" + ino, tx -> FsOps.read(tx, ino, offset, length));
  }

  /** {@code Ok(bytes written)}; EFBIG, ENOSPC, EROFS, EISDIR, ENOENT, EINVAL. */
  public Code write(int ino, long offset, byte[] data) {
    byte[] copy = data.clone(); // the caller may reuse its buffer before the hart runs this
    return locked("write", "#" + ino, tx -> FsOps.write(tx, ino, offset, copy));
  }

  /**
   * Writes at the end of file, found under the same fs lock (O_APPEND stays atomic):
   * {@code Ok(bytes written, Long new end)}; errors as {@link #write}.
   */
  public Code append(int ino, byte[] data) {
    byte[] copy = data.clone();
    return locked("append", "#" + ino, tx -> FsOps.append(tx, ino, copy));
  }

  /** {@code Ok(0)}; EFBIG, EROFS, EISDIR, ENOENT, EINVAL. */
  public Code truncate(int ino, long size) {
    return locked("truncate", "#" + ino, tx -> FsOps.truncate(tx, ino, size));
  }

  /** Removes a file: {@code Ok(0)}; ENOENT, EISDIR, ENOTDIR, EROFS. */
  public Code unlink(String path) {
    return locked("unlink", path, tx -> FsOps.remove(tx, path, false));
  }

  /** Removes an empty directory: {@code Ok(0)}; ENOTEMPTY, ENOENT, ENOTDIR, EBUSY for the root, EROFS. */
  public Code rmdir(String path) {
    return locked("rmdir", path, tx -> FsOps.remove(tx, path, true));
  }

  /** {@code Ok(count, List<String>)} of the entry names, sorted; ENOENT, ENOTDIR. */
  public Code readdir(String path) {
    return locked("readdir", path, tx -> FsOps.readdir(tx, path));
  }

  /** {@code Ok(size, Stat)}; ENOENT, EINVAL. */
  public Code stat(int ino) {
    return locked("stat", "#" + ino, tx -> FsOps.stat(tx, ino));
  }

  /** Flushes the device inside the no-preempt region: {@code Ok(0)}; EIO from the device. */
  public Code fsync(int ino) {
    return locked("fsync", "#" + ino, tx -> FsOps.fsync(tx, ino));
  }

  /** {@code Ok(free blocks, Superblock)}. */
  public Code statfs() {
    return locked("statfs", "", tx -> Code.done(SysResult.ok(tx.sb.freeBlocks(), tx.sb)));
  }

  /**
   * Waits for the lock (no operation in progress), flushes the device inside the no-preempt region and
   * unmounts: {@code Ok(0)} even if the flush failed (Linux's put_super does not fail either);
   * EINVAL if already unmounted.
   */
  public Code umount() {
    return Code.call(ref, r -> new Lock("umount", "", r), "ext4 lock", grant -> {
      if (grant instanceof SysResult.Err) {
        return unlock(null, Errno.EINVAL.name(), SysResult.err(Errno.EINVAL));
      }
      return Code.noPreempt("ext4 umount", dev::flush,
          res -> Code.call(ref, r -> new Umount(r), "ext4 umount", v -> Code.ok(0)));
    });
  }

  private Code locked(String op, String path, Function<Tx, Code> body) {
    return Code.call(ref, r -> new Lock(op, path, r), "ext4 lock", grant -> {
      if (grant instanceof SysResult.Err e) {
        return unlock(null, e.toString(), e);
      }
      Tx tx = new Tx(dev, (Superblock) ((SysResult.Ok) grant).data(), readOnly);
      return Code.noPreempt("ext4 " + op, () -> Code.bind(body.apply(tx), tx::finish),
          res -> unlock(tx.sbDirty ? tx.sb : null, String.valueOf(res), res));
    });
  }

  private Code unlock(Superblock sb, String result, Object value) {
    return Code.call(ref, r -> new Unlock(sb, result, r), "ext4 unlock", v -> Code.done(value));
  }

  // ---- the actor ----

  /** The actor of a filesystem mounted with superblock {@code sb}. */
  public static Behavior<Command> create(World world, Superblock sb) {
    return Behaviors.setup(ctx -> new Owner(ctx, world, sb));
  }

  private static final class Owner extends AbstractBehavior<Command> {
    private final World world;
    private final String key;
    private final Mutex lock;
    /** Lock requests waiting, in the mutex's order, to name each op when it is granted. */
    private final ArrayDeque<Lock> queued = new ArrayDeque<>();
    private Lock current;
    private Superblock sb;
    private boolean mounted = true;

    private Owner(ActorContext<Command> ctx, World world, Superblock sb) {
      super(ctx);
      this.world = world;
      this.key = world.keyOf(ctx.getSelf());
      this.lock = new Mutex("ext4 lock", world, ctx.getSelf());
      this.sb = sb;
    }

    @Override
    public Receive<Command> createReceive() {
      return newReceiveBuilder()
          .onMessage(Lock.class, this::onLock)
          .onMessage(Unlock.class, this::onUnlock)
          .onMessage(Umount.class, this::onUmount)
          .build();
    }

    private Object grant() {
      return mounted ? SysResult.ok(0, sb) : SysResult.err(Errno.EIO);
    }

    private Behavior<Command> onLock(Lock l) {
      lock.lock(l.replyTo(), grant());
      if (lock.heldBy(l.replyTo()) && current == null) {
        started(l);
      } else {
        queued.add(l);
      }
      return this;
    }

    private Behavior<Command> onUnlock(Unlock u) {
      if (u.sb() != null) {
        sb = u.sb();
      }
      release(u.replyTo(), u.result());
      u.replyTo().tell(new Reply<>(SysResult.ok(0)));
      return this;
    }

    private Behavior<Command> onUmount(Umount u) {
      mounted = false;
      release(u.replyTo(), "0");
      u.replyTo().tell(new Reply<>(SysResult.ok(0)));
      return this;
    }

    private void release(ActorRef<Reply<SysResult>> who, String result) {
      Lock done = current;
      current = null;
      if (done != null) {
        world.emit(new OpEnded(key, world.keyOf(who), done.op(), done.path(), result));
      }
      lock.unlock(who, grant());
      Lock next = queued.poll();
      if (next != null) {
        started(next);
      }
    }

    private void started(Lock l) {
      current = l;
      world.emit(new OpStarted(key, world.keyOf(l.replyTo()), l.op(), l.path()));
    }
  }
}
