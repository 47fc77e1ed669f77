package kernsim.cpu;

import java.util.ArrayDeque;
import kernsim.actors.World;
import kernsim.dev.SysResult;
import kernsim.dev.code.Executor;
import kernsim.dev.code.Reply;
import kernsim.dev.loop.Uevent;
import kernsim.fs.file.Uapi;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A udev-like prober ({@code world/prober}): a process that reacts to each loop device {@link Uevent}
 * the way udev's block rules do — open the device read-only, take {@code flock(LOCK_SH|LOCK_NB)} and skip
 * the device if that fails (udev leaves alone a device userspace holds locked), read the first block
 * (blkid), close. Each step is a syscall statement run through the same kernel code and the same
 * {@link Hart#call} as a hart's, so its calls are {@code cpu.Calls} observations of key
 * {@code world/prober} (timelines and the errno oracle see them) and race with the harts region by
 * region: its open is what makes LOOP_CTL_REMOVE EBUSY, its shared lock what makes a client's
 * {@code flock(LOCK_EX|LOCK_NB)} EAGAIN.
 *
 * <p>Events are handled one at a time, in the order they arrive (udev serialises events of one device;
 * one worker keeps the order deterministic). Events before {@link Start} (the setup program, which runs
 * alone) are ignored: the prober starts with the harts. It never exits.
 */
public final class Prober {
  private Prober() {}

  /** The harts start: from now on uevents are probed. */
  public enum Start { INSTANCE }

  /** How much the prober reads: the first block, as blkid's superblock probes start. */
  public static final int READ_BYTES = 4096;

  public static Behavior<Object> create(World world, Kernel.Refs kernel) {
    return Behaviors.setup(ctx -> {
      String key = world.keyOf(ctx.getSelf());
      Proc proc = new Proc(key, world, ctx, kernel);
      Executor exec = new Executor(world, ctx.getSelf().narrow());
      ArrayDeque<Uevent> queue = new ArrayDeque<>();
      boolean[] started = {false};
      boolean[] busy = {false};
      Runnable[] next = new Runnable[1];
      next[0] = () -> {
        Uevent e = queue.poll();
        if (e == null) {
          busy[0] = false;
          return;
        }
        busy[0] = true;
        String dev = "/dev/" + e.device();
        Stmt open = Syscalls.open(dev, Uapi.O_RDONLY).as("dev");
        Stmt lock = Syscalls.flock("dev", Uapi.LOCK_SH | Uapi.LOCK_NB);
        Stmt read = Syscalls.read("dev", READ_BYTES);
        Stmt close = Syscalls.close("dev");
        exec.start(open.text(), Hart.call(proc, open), opened -> {
          if (!(opened instanceof SysResult.Ok)) {
            next[0].run();
            return;
          }
          exec.start(lock.text(), Hart.call(proc, lock), locked -> {
            if (!(locked instanceof SysResult.Ok)) {
              exec.start(close.text(), Hart.call(proc, close), x -> next[0].run()); // skipped: held locked
              return;
            }
            exec.start(read.text(), Hart.call(proc, read),
                r -> exec.start(close.text(), Hart.call(proc, close), x -> next[0].run()));
          });
        });
      };
      return Behaviors.receive(Object.class)
          .onMessage(Start.class, s -> {
            started[0] = true;
            return Behaviors.same();
          })
          .onMessage(Uevent.class, e -> {
            if (started[0]) {
              queue.add(e);
              if (!busy[0]) {
                next[0].run();
              }
            }
            return Behaviors.same();
          })
          .onMessage(Reply.class, r -> {
            exec.onReply(r);
            return Behaviors.same();
          })
          .onMessage(Hart.UsesMount.class, q -> {
            q.replyTo().tell(new Reply<>(proc.usesMount(q.mountId())));
            return Behaviors.same();
          })
          .build();
    });
  }
}
