package kernsim.cpu;

import java.util.ArrayList;
import java.util.List;
import kernsim.actors.World;
import kernsim.dev.Semantics;
import kernsim.dev.code.Code;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopControlCalls;
import kernsim.dev.loop.LoopIoctls;
import kernsim.fs.ext4.LoopExt4Driver;
import kernsim.fs.file.AnonFs;
import kernsim.fs.file.Flocks;
import kernsim.fs.vfs.MountTable;
import kernsim.fs.vfs.Vfs;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A booted kernel: a tmpfs root with {@code /dev} (loop-control and {@code loops} loop devices) and
 * {@code /mnt}, a setup program run alone on the {@code setup} hart (not raced: nothing else runs),
 * then the racing harts (named by the spec, {@code hart-1} … by default), all started together.
 *
 * <p>Actors: {@code world/mounts} (the mount table and its filesystems), {@code world/anon} (pipes and
 * memfds), {@code world/loop-control} with {@code loop0} … below it, {@code world/flocks} (every
 * inode's BSD locks), {@code world/setup}, {@code world/hart-N}, and with {@link Spec#prober()} the
 * udev-like {@code world/prober}, which starts probing with the harts.
 */
public final class Kernel {
  private Kernel() {}

  /** The kernel's actors, as kernel code running on a hart reaches them. */
  public record Refs(World world, Vfs vfs, ActorRef<AnonFs.Command> anon, LoopControlCalls loopControl,
      ActorRef<Flocks.Command> flocks) {}

  /**
   * What to boot: how many loop devices, the setup program, one program per racing hart, the harts'
   * names (their actors' names, e.g. {@code hart-1} or {@code mounter}), the model's semantics, and
   * whether the udev-like {@link Prober} runs alongside the harts.
   */
  public record Spec(int loops, List<Stmt> setup, List<List<Stmt>> harts, List<String> names, Semantics semantics,
      boolean prober) {
    public Spec {
      setup = List.copyOf(setup);
      harts = harts.stream().map(List::copyOf).toList();
      names = List.copyOf(names);
      if (names.size() != harts.size()) {
        throw new IllegalArgumentException(harts.size() + " harts but " + names.size() + " names");
      }
      if (names.stream().distinct().count() != names.size() || names.contains("setup")) {
        throw new IllegalArgumentException("hart names must be distinct and not 'setup': " + names);
      }
      if (names.contains("flocks") || names.contains("prober")) {
        throw new IllegalArgumentException("'flocks' and 'prober' are the kernel's actors, not hart names: " + names);
      }
      java.util.Objects.requireNonNull(semantics, "semantics");
    }

    /** No prober. */
    public Spec(int loops, List<Stmt> setup, List<List<Stmt>> harts, List<String> names, Semantics semantics) {
      this(loops, setup, harts, names, semantics, false);
    }

    /** The same kernel with the prober switched on or off. */
    public Spec withProber(boolean on) {
      return new Spec(loops, setup, harts, names, semantics, on);
    }

    /** Harts named {@code hart-1} … {@code hart-N}, in the starry profile with no fixes. */
    public Spec(int loops, List<Stmt> setup, List<List<Stmt>> harts) {
      this(loops, setup, harts, defaultNames(harts.size()), Semantics.STARRY);
    }

    public static List<String> defaultNames(int n) {
      List<String> out = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        out.add("hart-" + i);
      }
      return out;
    }
  }

  public static Behavior<Object> create(World world, Spec spec) {
    return Behaviors.setup(ctx -> {
      ActorRef<MountTable.Command> table = ctx.spawn(MountTable.create(world), "mounts");
      ActorRef<AnonFs.Command> anon = ctx.spawn(AnonFs.create(world, 65536), "anon");
      ActorRef<LoopControl.Command> control = ctx.spawn(LoopControl.create(world, spec.loops()), "loop-control");
      ActorRef<Flocks.Command> flocks = ctx.spawn(Flocks.create(world), "flocks");
      HartTasks tasks = new HartTasks();
      Vfs vfs = new Vfs(table, new LoopExt4Driver(), tasks, spec.semantics());
      Refs refs = new Refs(world, vfs, anon, new LoopControlCalls(control), flocks);
      ActorRef<Object> prober = spec.prober() ? ctx.spawn(Prober.create(world, refs), "prober") : null;
      List<Stmt> boot = new ArrayList<>(devices(world, refs, spec.loops(), spec.semantics(), prober));
      boot.addAll(spec.setup());
      ActorRef<Object> setup = ctx.spawn(Hart.create(world, refs, boot, ctx.getSelf()), "setup");
      tasks.add(setup);
      return Behaviors.receive(Object.class)
          .onMessage(Hart.Exited.class, e -> {
            if (e.hart().equals(setup)) {
              if (prober != null) {
                tasks.add(prober);
                prober.tell(Prober.Start.INSTANCE);
              }
              for (int i = 0; i < spec.harts().size(); i++) {
                ActorRef<Object> h = ctx.spawn(Hart.create(world, refs, spec.harts().get(i), null), spec.names().get(i));
                tasks.add(h);
              }
            }
            return Behaviors.same();
          })
          .build();
    });
  }

  /** mkdir /dev and /mnt, and the device nodes: loop-control, then each loop device by index. */
  private static List<Stmt> devices(World world, Refs refs, int loops, Semantics semantics, ActorRef<Object> prober) {
    List<Stmt> out = new ArrayList<>();
    out.add(Stmt.of("mkdir(\"/dev\")", p -> refs.vfs().mkdir("/dev")));
    out.add(Stmt.of("mkdir(\"/mnt\")", p -> refs.vfs().mkdir("/mnt")));
    out.add(Stmt.of("mknod(\"/dev/loop-control\")", p -> refs.vfs().mknod("/dev/loop-control", refs.loopControl())));
    for (int i = 0; i < loops; i++) {
      int n = i;
      out.add(Stmt.of("mknod(\"/dev/loop" + n + "\")", p -> Code.bind(refs.loopControl().lookup(n), d -> {
        LoopControl.Device dev = (LoopControl.Device) d;
        return refs.vfs().mknod("/dev/loop" + n, new LoopIoctls(world, dev.ref(), n, semantics,
            prober == null ? null : prober.narrow()));
      })));
    }
    return out;
  }
}
