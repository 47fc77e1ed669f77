package kernsim.fs.vfs;

import java.util.TreeMap;
import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.code.Reply;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The task list as tests need it: open fds counted per mount, all tasks' fd tables in one actor (one
 * region for the whole loop, coarser than the cpu module will be). Emits {@link Propagated} when
 * pivot_root propagates.
 */
final class FakeTasks {
  private FakeTasks() {}

  sealed interface Command {}

  record OpenFd(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  record CloseFd(int mountId, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  record Uses(int mountId, ActorRef<Reply<Boolean>> replyTo) implements Command {}

  record Propagate(Location oldRoot, Location newRoot, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Observation: pivot_root asked the other tasks to move from {@code oldRoot} to {@code newRoot}. */
  record Propagated(Location oldRoot, Location newRoot) {}

  /** The {@link Tasks} the VFS calls. */
  record Handle(ActorRef<Command> ref) implements Tasks {
    @Override
    public Code usesMount(int mountId) {
      return Code.<Command, Boolean>ask(ref, r -> new Uses(mountId, r), "tasks' fd tables", Code::done);
    }

    @Override
    public Code propagatePivotRoot(Location oldRoot, Location newRoot) {
      return Code.call(ref, r -> new Propagate(oldRoot, newRoot, r), "propagate_pivot_root", Code::done);
    }

    /** Registers an fd on the mount of what {@code open} resolved (ends in the open's own result). */
    Code openFd(Code open) {
      return Code.then(open, ok -> Code.then(
          Code.call(ref, r -> new OpenFd(((Location) ok.data()).mountId(), r), "fd_table.add", Code::done),
          x -> Code.done(ok)));
    }

    Code closeFd(int mountId) {
      return Code.call(ref, r -> new CloseFd(mountId, r), "fd_table.remove", Code::done);
    }
  }

  static Behavior<Command> create(World world) {
    TreeMap<Integer, Integer> fds = new TreeMap<>();
    return Behaviors.receive(Command.class)
        .onMessage(OpenFd.class, m -> {
          fds.merge(m.mountId(), 1, Integer::sum);
          m.replyTo().tell(new Reply<>(SysResult.ok(0)));
          return Behaviors.same();
        })
        .onMessage(CloseFd.class, m -> {
          fds.computeIfPresent(m.mountId(), (k, v) -> v == 1 ? null : v - 1);
          m.replyTo().tell(new Reply<>(SysResult.ok(0)));
          return Behaviors.same();
        })
        .onMessage(Uses.class, m -> {
          m.replyTo().tell(new Reply<>(fds.containsKey(m.mountId())));
          return Behaviors.same();
        })
        .onMessage(Propagate.class, m -> {
          world.emit(new Propagated(m.oldRoot(), m.newRoot()));
          m.replyTo().tell(new Reply<>(SysResult.ok(0)));
          return Behaviors.same();
        })
        .build();
  }
}
