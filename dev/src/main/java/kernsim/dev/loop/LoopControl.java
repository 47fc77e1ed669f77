package kernsim.dev.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import kernsim.actors.World;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
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
 * {@code /dev/loop-control} with Linux's semantics ({@code drivers/block/loop.c}; the source has no
 * loop-control). It owns the index table ({@code loop_index_idr}) and Linux's {@code loop_ctl_mutex},
 * which LOOP_CTL_REMOVE and LOOP_CTL_GET_FREE hold while they look at devices, so it is a {@link Mutex}
 * taken with {@link Lock} and released with {@link Unlock}; {@link Add} and {@link Remove} are for its
 * holder. Devices are children named {@code loopN}. A removed device's actor is kept, marked deleting, so
 * under starry an open of its {@code /dev} node fails with ENXIO (under linux the node itself goes:
 * {@code cpu.DeviceFiles.LoopControlFile}); adding the index again revives that actor. The
 * hart-side code is {@link LoopControlCalls}.
 */
public final class LoopControl extends AbstractBehavior<LoopControl.Command> {
  public static final int LOOP_CTL_ADD = 0x4C80;
  public static final int LOOP_CTL_REMOVE = 0x4C81;
  public static final int LOOP_CTL_GET_FREE = 0x4C82;

  /** Linux's {@code MINORMASK >> part_shift} bound on indices (part_shift 0). */
  public static final int MAX_INDEX = (1 << 20) - 1;

  public sealed interface Command {}

  /** {@code mutex_lock(&loop_ctl_mutex)}: granted with the current {@link Devices}. */
  public record Lock(ActorRef<Reply<Devices>> replyTo) implements Command {}

  /** {@code mutex_unlock}: replies {@code Ok(0)}. */
  public record Unlock(ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * {@code loop_add(index)} by the holder: {@code index < 0} takes the lowest free index. Replies
   * {@code Ok(index, Device)} or EEXIST.
   */
  public record Add(int index, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /**
   * The holder removes a device it has marked deleting: it leaves the device table, but its actor stays,
   * as {@code /dev/loopN}'s minor does: opens fail with ENXIO until LOOP_CTL_ADD (or GET_FREE) brings
   * the index back, which revives that same actor ({@link LoopDevice.Revive}). Replies {@code Ok(0)}.
   */
  public record Remove(int index, ActorRef<Reply<SysResult>> replyTo) implements Command {}

  /** Opening {@code /dev/loopN}: replies the {@link Device} or null (no lock; the block layer's lookup). */
  public record Lookup(int index, ActorRef<Reply<Device>> replyTo) implements Command {}

  /** One device of the table. */
  public record Device(int index, ActorRef<LoopDevice.Command> ref) {}

  /**
   * What {@link Add} made: device {@code index}; {@code fresh} when no device ever had that index (a
   * removed index comes back as its old actor, whose {@code /dev} node exists), so the caller makes
   * {@code /dev/loopN}, as devtmpfs does when a disk is added.
   */
  public record Added(int index, ActorRef<LoopDevice.Command> ref, boolean fresh) {}

  /** The table, in index order. */
  public record Devices(List<Device> devices) {
    public Devices {
      devices = List.copyOf(devices);
    }
  }

  // ---- code: one region each, typed by its reply (the procedures are LoopControlCalls') ----

  static Code lock(ActorRef<Command> ctl, Function<Devices, Code> then) {
    return Code.ask(ctl, Lock::new, "loop_ctl_mutex.lock", then);
  }

  static Code unlock(ActorRef<Command> ctl, Supplier<Code> then) {
    return Code.call(ctl, Unlock::new, "loop_ctl_mutex.unlock", v -> then.get());
  }

  /** {@code loop_add}: {@code Ok(index, Added)} or EEXIST. */
  static Code add(ActorRef<Command> ctl, int index, Function<SysResult, Code> then) {
    return Code.call(ctl, r -> new Add(index, r), "loop_add", then);
  }

  static Code remove(ActorRef<Command> ctl, int index, Supplier<Code> then) {
    return Code.call(ctl, r -> new Remove(index, r), "loop_remove", v -> then.get());
  }

  static Code lookup(ActorRef<Command> ctl, int index, Function<Device, Code> then) {
    return Code.ask(ctl, r -> new Lookup(index, r), "lookup", then);
  }

  private final World world;
  private final Mutex<Devices> ctlLock;
  private final TreeMap<Integer, ActorRef<LoopDevice.Command>> devices = new TreeMap<>();
  /** Removed devices by index: their actors answer ENXIO until the index is added again. */
  private final TreeMap<Integer, ActorRef<LoopDevice.Command>> removed = new TreeMap<>();

  /** loop-control with devices {@code 0 .. initial-1} (Linux's {@code max_loop} at boot). */
  public static Behavior<Command> create(World world, int initial) {
    return create(world, initial, new TreeMap<>(), null);
  }

  /**
   * loop-control with devices {@code 0 .. initial-1}, those in {@code bound} bound at boot (see
   * {@link LoopDevice#create(World, int, LoopDevice.AtBoot)}); once they are spawned it tells
   * {@code started} (if not null) the devices.
   */
  public static Behavior<Command> create(
      World world, int initial, SortedMap<Integer, LoopDevice.AtBoot> bound, ActorRef<? super Devices> started) {
    TreeMap<Integer, LoopDevice.AtBoot> copy = new TreeMap<>(bound);
    if (!copy.isEmpty() && (copy.firstKey() < 0 || copy.lastKey() >= initial)) {
      throw new IllegalArgumentException("bound devices " + copy.keySet() + " outside 0.." + (initial - 1));
    }
    return Behaviors.setup(ctx -> {
      LoopControl c = new LoopControl(ctx, world, initial, copy);
      if (started != null) {
        started.tell(c.snapshot());
      }
      return c;
    });
  }

  private LoopControl(ActorContext<Command> ctx, World world, int initial, SortedMap<Integer, LoopDevice.AtBoot> bound) {
    super(ctx);
    this.world = world;
    this.ctlLock = new Mutex<>("loop_ctl_mutex", world, ctx.getSelf());
    for (int i = 0; i < initial; i++) {
      spawn(i, bound.get(i));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Lock.class, this::onLock)
        .onMessage(Unlock.class, this::onUnlock)
        .onMessage(Add.class, this::onAdd)
        .onMessage(Remove.class, this::onRemove)
        .onMessage(Lookup.class, this::onLookup)
        .build();
  }

  private Devices snapshot() {
    List<Device> out = new ArrayList<>();
    for (Map.Entry<Integer, ActorRef<LoopDevice.Command>> e : devices.entrySet()) {
      out.add(new Device(e.getKey(), e.getValue()));
    }
    return new Devices(out);
  }

  private ActorRef<LoopDevice.Command> spawn(int index, LoopDevice.AtBoot bound) {
    ActorRef<LoopDevice.Command> ref = removed.remove(index);
    if (ref != null) {
      ref.tell(new LoopDevice.Revive()); // queued before anything a hart sends it after this step
      devices.put(index, ref);
      return ref;
    }
    ref = getContext().spawn(LoopDevice.create(world, index, bound), LoopDevice.deviceName(index));
    devices.put(index, ref);
    return ref;
  }

  private void requireHolder(ActorRef<?> who, String what) {
    if (!ctlLock.heldBy(who)) {
      throw new IllegalStateException(what + " by a hart that does not hold loop_ctl_mutex");
    }
  }

  private Behavior<Command> onLock(Lock m) {
    ctlLock.lock(m.replyTo(), snapshot());
    return this;
  }

  private Behavior<Command> onUnlock(Unlock m) {
    ctlLock.unlock(m.replyTo(), snapshot());
    m.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onAdd(Add m) {
    requireHolder(m.replyTo(), "LOOP_CTL_ADD");
    int index = m.index();
    if (index < 0) {
      index = 0;
      while (devices.containsKey(index)) {
        index++;
      }
    }
    if (index > MAX_INDEX || devices.containsKey(index)) {
      m.replyTo().tell(new Reply<>(SysResult.err(Errno.EEXIST))); // idr_alloc's -ENOSPC becomes EEXIST
      return this;
    }
    boolean fresh = !removed.containsKey(index);
    ActorRef<LoopDevice.Command> ref = spawn(index, null);
    m.replyTo().tell(new Reply<>(SysResult.ok(index, new Added(index, ref, fresh))));
    return this;
  }

  private Behavior<Command> onRemove(Remove m) {
    requireHolder(m.replyTo(), "LOOP_CTL_REMOVE");
    ActorRef<LoopDevice.Command> ref = devices.remove(m.index());
    if (ref != null) {
      removed.put(m.index(), ref);
    }
    m.replyTo().tell(new Reply<>(SysResult.ok(0)));
    return this;
  }

  private Behavior<Command> onLookup(Lookup m) {
    ActorRef<LoopDevice.Command> ref = devices.get(m.index());
    m.replyTo().tell(new Reply<>(ref == null ? null : new Device(m.index(), ref)));
    return this;
  }
}
