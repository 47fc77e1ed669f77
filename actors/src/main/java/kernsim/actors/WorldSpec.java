package kernsim.actors;

import java.util.List;
import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;

/**
 * What a world is made of. {@link #root} builds a fresh actor tree for each iteration; it must build
 * the same tree from the same choices (no state carried over between iterations).
 */
public interface WorldSpec {
  /** A readable name, used in trace files and reports. */
  String name();

  /** The model's version: a trace recorded on another version is refused. */
  String modelVersion();

  /** The scenario's text (what a user wrote); its hash goes into every trace header. */
  String text();

  /** The root behavior of one iteration's world. */
  Behavior<?> root(World world);

  /**
   * The world's own knobs (a semantic profile, fixes, oracles turned off), recorded in every trace
   * header beside the run options so that a replay can rebuild the same world. Empty by default.
   */
  default java.util.SortedMap<String, String> options() {
    return java.util.Collections.emptySortedMap();
  }

  /** Fresh monitors for one iteration. */
  default List<Monitor> monitors(World world) {
    return List.of();
  }

  /**
   * When the world loses power: after the step {@link PowerCut#after} names, the run ends there (the
   * event log's last entry is a {@link Summaries.PowerLost}), no actor runs again, and the monitors hear
   * {@link Monitor#onPowerLoss} instead of {@link Monitor#onEnd}. A pure function of the step and
   * {@link World#seed()}, so a replay cuts at the same step. Null (the default): never.
   */
  default PowerCut powerCut() {
    return null;
  }

  /**
   * What boots after a power loss: a fresh kernel over the surviving images, and the monitors that check
   * it ({@code firstBoot}: the monitors of the world that lost power, after their {@link Monitor#onPowerLoss},
   * for what they kept). The run goes on with it: the same strategy, the same recorded choices and event
   * log (a {@link Summaries.Rebooted} entry between the two), so a replay reboots the same way. Null (the
   * default): the run ends at the loss.
   */
  default Reboot reboot(World world, List<Monitor> firstBoot) {
    return null;
  }

  /** The world a power loss reboots into ({@link #reboot}): its root and its oracles. */
  record Reboot(Behavior<?> root, List<Monitor> monitors) {
    public Reboot {
      java.util.Objects.requireNonNull(root, "root");
      monitors = List.copyOf(monitors);
    }
  }

  /** See {@link #powerCut}. */
  interface PowerCut {
    /** Whether the power fails once step {@code step} (1-based) of a world whose seed is {@code worldSeed} has run. */
    boolean after(int step, long worldSeed);
  }

  static WorldSpec of(
      String name,
      String modelVersion,
      String text,
      Function<World, Behavior<?>> root,
      Function<World, List<Monitor>> monitors) {
    return new WorldSpec() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String modelVersion() {
        return modelVersion;
      }

      @Override
      public String text() {
        return text;
      }

      @Override
      public Behavior<?> root(World world) {
        return root.apply(world);
      }

      @Override
      public List<Monitor> monitors(World world) {
        return monitors.apply(world);
      }
    };
  }

  /**
   * This world with {@code first}'s monitors ahead of its own on every iteration (a recorder, a
   * collector): monitors only observe, so the world runs, logs and hashes exactly as without them.
   */
  default WorldSpec withMonitorsFirst(Function<World, List<Monitor>> first) {
    WorldSpec world = this;
    return new WorldSpec() {
      @Override
      public String name() {
        return world.name();
      }

      @Override
      public String modelVersion() {
        return world.modelVersion();
      }

      @Override
      public String text() {
        return world.text();
      }

      @Override
      public java.util.SortedMap<String, String> options() {
        return world.options();
      }

      @Override
      public Behavior<?> root(World w) {
        return world.root(w);
      }

      @Override
      public PowerCut powerCut() {
        return world.powerCut();
      }

      @Override
      public Reboot reboot(World w, List<Monitor> firstBoot) {
        return world.reboot(w, firstBoot);
      }

      @Override
      public List<Monitor> monitors(World w) {
        List<Monitor> all = new java.util.ArrayList<>(first.apply(w));
        all.addAll(world.monitors(w));
        return all;
      }
    };
  }
}
