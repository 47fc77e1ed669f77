package kernsim.fs.file;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * BSD {@code flock(2)} locks, as Linux's {@code fs/locks.c} keeps them (starry has no flock; both profiles
 * use this). Locks live on the inode (a {@link FileOps#id()}: two opens of {@code /dev/loop0} are one
 * inode) and belong to an open file description (an {@link Owner}); dup'd fds share it.
 *
 * <p>One actor, {@code world/flocks}, owns every inode's {@code flc_flock} list and its blocked requests;
 * each message is one region under the inode's {@code flc_lock} spinlock. Regions on different inodes
 * commute, so one owner for all of them loses no outcome. State is in a {@link TreeMap} by inode id and
 * lists in insertion order: nothing is hashed, iteration is deterministic.
 *
 * <ul>
 *   <li>{@link Lock} is {@code flock_lock_inode}: a lock of the same kind already held by the owner is
 *       kept (0); one of the other kind is deleted first (a conversion is not atomic: the old lock is
 *       gone even if the new one must wait, or fails with EAGAIN under LOCK_NB); then the first holder
 *       that conflicts decides: EAGAIN with LOCK_NB, else the request blocks on that holder;
 *   <li>{@link Unlock} is LOCK_UN, and the release at the close of a description's last fd
 *       ({@code locks_remove_file}): the owner's lock goes, and the requests blocked on it are woken
 *       in the order they blocked (FIFO). Woken requests are not handed the lock: each gets
 *       {@link Woken#WOKEN} and its hart asks again ({@code locks_lock_inode_wait}'s loop), so another
 *       hart can take the lock first and the woken one blocks again.
 * </ul>
 *
 * <p>A blocked request is a wait-for edge from the waiting hart to the hart that holds the blocking
 * lock (what: {@code flock INODE held by OWNER}), so a cycle of flock waits across inodes is a deadlock
 * the oracle reports with its cycle. Holders are named by the reply port of the hart that took the lock.
 */
public final class Flocks extends AbstractBehavior<Flocks.Command> {
  /** flock(2)'s operation bits ({@link Uapi#LOCK_SH} …); LOCK_MAND, which Linux ignores (returns 0). */
  private static final int LOCK_MAND = 32;

  public sealed interface Command {}

  /**
   * An open file description as a lock owner (Linux: the {@code struct file}). {@code name} is unique in
   * the world (the process's key and a counter), so value equality is identity.
   */
  public record Owner(String name) {
    public Owner {
      Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The reply to a blocked {@link Lock} once its blocker went: ask again. */
  public enum Woken { WOKEN }

  /**
   * LOCK_SH ({@code exclusive} false) or LOCK_EX on {@code inode} for {@code owner}. Replies
   * {@code Ok(0)}, {@code Err(EAGAIN)} ({@code nonblock} and a conflict), or — after blocking —
   * {@link Woken#WOKEN}: a {@code SysResult} or a {@code Woken}, so the port's type is their common one.
   */
  public record Lock(String inode, Owner owner, boolean exclusive, boolean nonblock, ActorRef<Reply<Object>> replyTo)
      implements Command {}

  /** Drops {@code owner}'s lock on {@code inode}, if any, and wakes what blocked on it. Replies {@code Ok(0)}. */
  public record Unlock(String inode, Owner owner, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  private record Held(Owner owner, boolean exclusive, ActorRef<?> task) {}

  private record Blocked(Lock request, Owner blocker, String what) {}

  /** One inode's locks, in the order they were granted, and its blocked requests, in the order they blocked. */
  private static final class Inode {
    final List<Held> held = new ArrayList<>();
    final ArrayDeque<Blocked> blocked = new ArrayDeque<>();
  }

  private final World world;
  private final TreeMap<String, Inode> inodes = new TreeMap<>();

  private Flocks(ActorContext<Command> ctx, World world) {
    super(ctx);
    this.world = world;
  }

  public static Behavior<Command> create(World world) {
    return Behaviors.setup(ctx -> new Flocks(ctx, world));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Lock.class, this::onLock)
        .onMessage(Unlock.class, this::onUnlock)
        .build();
  }

  private Behavior<Command> onLock(Lock m) {
    Inode ino = inodes.computeIfAbsent(m.inode(), k -> new Inode());
    Held mine = heldBy(ino, m.owner());
    if (mine != null) {
      if (mine.exclusive() == m.exclusive()) {
        m.replyTo().tell(new Reply<>(SysResult.ok(0)));
        return this;
      }
      remove(ino, mine);
    }
    for (Held h : ino.held) {
      if (m.exclusive() || h.exclusive()) {
        if (m.nonblock()) {
          m.replyTo().tell(new Reply<>(SysResult.err(Errno.EAGAIN)));
        } else {
          String what = "flock " + m.inode() + " held by " + h.owner();
          ino.blocked.add(new Blocked(m, h.owner(), what));
          world.waitFor(m.replyTo(), h.task(), what);
        }
        return this;
      }
    }
    ino.held.add(new Held(m.owner(), m.exclusive(), m.replyTo()));
    m.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onUnlock(Unlock m) {
    Inode ino = inodes.get(m.inode());
    Held mine = ino == null ? null : heldBy(ino, m.owner());
    if (mine != null) {
      remove(ino, mine);
      if (ino.held.isEmpty() && ino.blocked.isEmpty()) {
        inodes.remove(m.inode());
      }
    }
    m.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private static Held heldBy(Inode ino, Owner owner) {
    for (Held h : ino.held) {
      if (h.owner().equals(owner)) {
        return h;
      }
    }
    return null;
  }

  /** {@code locks_delete_lock_ctx}: the lock goes and the requests blocked on it wake, first blocked first. */
  private void remove(Inode ino, Held lock) {
    ino.held.remove(lock);
    for (Iterator<Blocked> it = ino.blocked.iterator(); it.hasNext(); ) {
      Blocked b = it.next();
      if (b.blocker().equals(lock.owner())) {
        it.remove();
        world.stopWaiting(b.request().replyTo(), b.what());
        b.request().replyTo().tell(new Reply<>(Woken.WOKEN));
      }
    }
  }

  // ==== the syscall, as a hart runs it ====

  /**
   * {@code flock(fd, cmd)} on open file {@code file} (null: the fd is not open), whose description is
   * {@code owner} (asked for only once the checks pass), in Linux's order of checks: LOCK_MAND is ignored (0); {@code cmd} without LOCK_NB
   * must be LOCK_SH, LOCK_EX or LOCK_UN (EINVAL); the fd must be open (EBADF), and for a lock opened
   * for reading or writing (an O_PATH fd: EBADF). Ends in {@code Ok(0)}, EAGAIN, EINVAL or EBADF;
   * without LOCK_NB it waits until the lock is granted.
   */
  public static Code flock(ActorRef<Command> flocks, OpenFile file, java.util.function.Supplier<Owner> owner,
      int cmd) {
    if ((cmd & LOCK_MAND) != 0) {
      return Code.ok(0);
    }
    int op = cmd & ~Uapi.LOCK_NB;
    if (op != Uapi.LOCK_SH && op != Uapi.LOCK_EX && op != Uapi.LOCK_UN) {
      return Code.err(Errno.EINVAL);
    }
    if (file == null) {
      return Code.err(Errno.EBADF);
    }
    if (op != Uapi.LOCK_UN && file.isPath()) {
      return Code.err(Errno.EBADF);
    }
    String inode = file.ops().id();
    if (op == Uapi.LOCK_UN) {
      return unlock(flocks, inode, owner.get());
    }
    return lock(flocks, inode, owner.get(), op == Uapi.LOCK_EX, (cmd & Uapi.LOCK_NB) != 0);
  }

  /** One {@link Lock} region, again after every wake-up, until it is granted or refused. */
  private static Code lock(ActorRef<Command> flocks, String inode, Owner owner, boolean exclusive, boolean nonblock) {
    return Code.<Command, Object>ask(flocks, r -> new Lock(inode, owner, exclusive, nonblock, r), "flock " + inode,
        v -> v == Woken.WOKEN ? lock(flocks, inode, owner, exclusive, nonblock) : Code.done(v));
  }

  /** LOCK_UN, and the release when a description's last fd is closed: {@code Ok(0)}. */
  public static Code unlock(ActorRef<Command> flocks, String inode, Owner owner) {
    return Code.call(flocks, r -> new Unlock(inode, owner, r), "flock " + inode, Code::done);
  }
}
