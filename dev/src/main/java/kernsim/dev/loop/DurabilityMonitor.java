package kernsim.dev.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.actors.Monitor;
import kernsim.dev.SysResult;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.FaultPlan;
import kernsim.dev.file.FileBackend;

/**
 * The {@code durability} oracle: once a call the profile promises persists a loop device's data has
 * returned success, every {@code write_block} to that device acknowledged before the call started is
 * in the backing file's durable image (or a later write to the same block is).
 *
 * <p>In the starry profile the promising calls are BLKFLSBUF, LOOP_CLR_FD and umount2 of a
 * filesystem on the device (its {@code flush()} is a no-op, so fsync is not one); under linux also
 * fsync and fdatasync, whose write-back reports {@code PersistReturned} ({@code LinuxLoop}). A call is
 * attributed to a device when, during the call, its hart reports a {@link LoopEvents.PersistReturned}
 * for it, or (umount2) drops the device's block adapter — so an umount2 whose write-back never ran
 * still promised. A write's backing file is the one bound to its device when it was acknowledged (or
 * the last one bound before). Durable images come from {@link BackingFile.Synced}; for a backing file no
 * actor owns (a file on ext4, a device node: {@link FileBackend}), a sync's image is what the devices
 * wrote to it ({@link FileBackend.Wrote}) until then: the oracle holds each layer to its own backing file's
 * sync (a file on ext4 is durable once ext4's fsync returned, whatever ext4's device does with it).
 *
 * <p>The hart's calls are followed through the {@code Started}/{@code Returned} observations of its
 * program; this module cannot see their types, so a {@link Calls} adapter says how to read them.
 *
 * <p>{@link #atPowerLoss} makes the {@code power-loss} oracle of the same promises: it checks nothing when a
 * call returns, but keeps every promise; when the world loses power ({@link Monitor#onPowerLoss}) each
 * file's image after the loss is its durable image with every write since its last successful sync
 * dropped, kept, or torn at a {@link FaultPlan#SECTOR} boundary ({@link FaultPlan#keptBytes}, drawn from
 * the world's seed), and every promised block must be in that image: what a kernel rebooted over the
 * backing files would read (docs/faults.md).
 */
public final class DurabilityMonitor implements Monitor {
  public static final String NAME = "durability";
  /** The oracle of the same promises after a power loss ({@link #atPowerLoss}). */
  public static final String POWER_LOSS = "power-loss";

  /** How to read a hart's call observations (they belong to a module above this one). */
  public interface Calls {
    /** The call if {@code o} says one started, else null. */
    Started started(Object o);

    /** The hart, statement text and result if {@code o} says a call returned, else null. */
    Object[] returned(Object o);

    /**
     * The file (its key), offset and bytes if {@code o} says a file actor's write landed (a file actor
     * belongs to a module above this one), else null; only the power-loss oracle asks.
     */
    default Object[] fileWritten(Object o) {
      return null;
    }
  }

  /** A call that started: its hart, its statement's text, and whether it is an umount2. */
  public record Started(String hart, String text, boolean umount) {}

  private record Ack(String device, String file, long block, int landing, String hart) {}

  private record Current(String text, boolean umount, int mark, int done, TreeSet<String> devices) {}

  private final Calls calls;
  private final TreeMap<String, String> lastFile = new TreeMap<>();
  /** (device, block) → the data of every landing on it, in order. */
  private final TreeMap<String, List<byte[]>> landings = new TreeMap<>();
  private final List<Ack> acks = new ArrayList<>();
  private final TreeMap<String, byte[]> durable = new TreeMap<>();
  /** A file no actor owns (on ext4, a device node): what the devices wrote to it ({@link FileBackend.Wrote}). */
  private final TreeMap<String, byte[]> written = new TreeMap<>();
  /** Backend-written files past {@link kernsim.dev.file.BackingImage#SNAPSHOT_LIMIT}: not followed. */
  private final java.util.TreeSet<String> tooLarge = new java.util.TreeSet<>();
  private final TreeMap<String, Current> running = new TreeMap<>();

  /** A promise kept so far (power-loss mode): the call, its hart, its device, and the acks before it started. */
  private record Promise(String hart, String text, String device, int mark, int done) {}

  /** A write to a file since its last successful sync (power-loss mode). */
  private record Unsynced(long offset, byte[] data) {}

  /** Power-loss mode: the world's seed, which draws the tears; null: the durability oracle. */
  private final Long worldSeed;
  private final int sector;
  private final List<Promise> promises = new ArrayList<>();
  private final TreeMap<String, List<Unsynced>> unsynced = new TreeMap<>();
  private int lastStep;
  /** Power-loss mode: the text of every call that returned success, in order (a promise counts those before it). */
  private final List<String> okCalls = new ArrayList<>();
  /** Power-loss mode: whether the power failed (then the images after the loss can be read). */
  private boolean lost;

  public DurabilityMonitor(Calls calls) {
    this.calls = calls;
    this.worldSeed = null;
    this.sector = FaultPlan.SECTOR;
  }

  private DurabilityMonitor(Calls calls, long worldSeed, int sector) {
    this.calls = calls;
    this.worldSeed = worldSeed;
    this.sector = sector;
  }

  /**
   * The {@code power-loss} oracle: the same promises, checked when the world loses power against each
   * file's image after the loss, its writes not yet durable torn in {@code sector}-byte units
   * ({@link FaultPlan#SECTOR}; another unit only to show what a disk that tears inside a block would lose).
   */
  public static DurabilityMonitor atPowerLoss(Calls calls, long worldSeed, int sector) {
    if (sector < 1) {
      throw new IllegalArgumentException("sector " + sector);
    }
    return new DurabilityMonitor(calls, worldSeed, sector);
  }

  @Override
  public String name() {
    return worldSeed == null ? NAME : POWER_LOSS;
  }

  @Override
  public void onStep(Step step, Verdict verdict) {
    lastStep = step.index() + 1;
  }

  @Override
  public void onObservation(Object o, String actor, Verdict verdict) {
    if (o instanceof LoopEvents.FileBound b) {
      lastFile.put(b.device(), b.file());
    } else if (o instanceof LoopEvents.BlockWritten w) {
      landings.computeIfAbsent(key(w.device(), w.blockId()), k -> new ArrayList<>()).add(w.data());
    } else if (o instanceof LoopEvents.WriteBlockAcked a) {
      List<byte[]> l = landings.get(key(a.device(), a.blockId()));
      int landing = l == null ? -1 : lastEqual(l, a.data());
      String file = lastFile.get(a.device());
      if (landing >= 0 && file != null) {
        acks.add(new Ack(a.device(), file, a.blockId(), landing, actor));
      }
    } else if (o instanceof FileBackend.Wrote w) {
      if (w.offset() + w.data().length > kernsim.dev.file.BackingImage.SNAPSHOT_LIMIT || tooLarge.contains(w.file())) {
        tooLarge.add(w.file()); // as a file actor's image past the limit: not checked
        written.remove(w.file());
        return;
      }
      if (worldSeed != null) {
        unsynced.computeIfAbsent(w.file(), k -> new ArrayList<>()).add(new Unsynced(w.offset(), w.data()));
      }
      byte[] img = written.getOrDefault(w.file(), new byte[0]);
      int end = (int) (w.offset() + w.data().length);
      byte[] next = Arrays.copyOf(img, Math.max(img.length, end));
      System.arraycopy(w.data(), 0, next, (int) w.offset(), w.data().length);
      written.put(w.file(), next);
    } else if (o instanceof BackingFile.Synced s) {
      // no image: a backend's sync (what was written through backends is durable), or a file actor's image
      // too large to keep (not checked: null)
      durable.put(s.file(), s.durable() != null ? s.durable() : written.get(s.file()));
      unsynced.remove(s.file());
    } else if (o instanceof LoopEvents.PersistReturned p) {
      attribute(actor, p.device());
    } else if (o instanceof LoopEvents.AdapterDropped d) {
      Current c = running.get(actor);
      if (c != null && c.umount()) {
        c.devices().add(d.device());
      }
    } else {
      if (worldSeed != null) {
        Object[] fw = calls.fileWritten(o);
        if (fw != null) {
          unsynced.computeIfAbsent((String) fw[0], k -> new ArrayList<>()).add(new Unsynced((Long) fw[1], (byte[]) fw[2]));
          return;
        }
      }
      Started s = calls.started(o);
      if (s != null) {
        running.put(s.hart(), new Current(s.text(), s.umount(), acks.size(), okCalls.size(), new TreeSet<>()));
        return;
      }
      Object[] r = calls.returned(o);
      if (r != null) {
        Current c = running.remove((String) r[0]);
        if (worldSeed != null && r[2] instanceof SysResult.Ok) {
          okCalls.add((String) r[1]);
        }
        if (c != null && r[2] instanceof SysResult.Ok) {
          for (String device : c.devices()) {
            if (worldSeed != null) {
              promises.add(new Promise((String) r[0], c.text(), device, c.mark(), c.done()));
            } else {
              check((String) r[0], c, device, verdict);
            }
          }
        }
      }
    }
  }

  private void attribute(String hart, String device) {
    Current c = running.get(hart);
    if (c != null) {
      c.devices().add(device);
    }
  }

  private void check(String hart, Current call, String device, Verdict verdict) {
    for (int i = 0; i < call.mark(); i++) {
      Ack a = acks.get(i);
      if (!a.device().equals(device)) {
        continue;
      }
      List<byte[]> l = landings.get(key(a.device(), a.block()));
      byte[] img = durable.get(a.file());
      if (img == null && durable.containsKey(a.file())) {
        continue; // synced, but too large an image to keep (BackingImage.SNAPSHOT_LIMIT): not checked
      }
      if (!persisted(img, a.block(), l.subList(a.landing(), l.size()))) {
        verdict.fail(hart + ": " + call.text() + " returned success, but block " + a.block() + " of " + device
            + ", written by " + a.hart() + " before the call started, is not in " + a.file() + "'s durable image");
        return;
      }
    }
  }

  /**
   * Power-loss mode: the power failed. Nothing is checked here: the promises are checked through what a
   * kernel rebooted over the images after the loss reads ({@link #blocksPromised}, {@link RebootCheck}).
   */
  @Override
  public void onPowerLoss(Verdict verdict) {
    lost = worldSeed != null;
  }

  /** The step after which the power failed (power-loss mode, after {@link #onPowerLoss}). */
  public int lostAfterStep() {
    return lastStep;
  }

  /**
   * A block that a promise made before the power loss says is durable: block {@code block} of
   * {@code device} (512 bytes at {@code block * 512}) must read as one of {@code allowed} (the data
   * {@code writer} wrote before {@code promiser}'s {@code promise}, or a later write of the block);
   * {@code fate} says what became of the writes since the last sync of {@code file} that cover it.
   */
  public record PromisedBlock(String device, String file, long block, List<byte[]> allowed, String writer,
      String promiser, String promise, String fate) {
    public PromisedBlock {
      allowed = List.copyOf(allowed);
    }
  }

  /**
   * Every block promised durable before the power loss, in promise order (power-loss mode, after
   * {@link #onPowerLoss}); a block whose file's image was too large to keep is left out (not checked).
   */
  public List<PromisedBlock> blocksPromised() {
    requireLost();
    List<PromisedBlock> out = new ArrayList<>();
    for (Promise p : promises) {
      for (int i = 0; i < p.mark(); i++) {
        Ack a = acks.get(i);
        if (!a.device().equals(p.device())) {
          continue;
        }
        if (durable.containsKey(a.file()) && durable.get(a.file()) == null) {
          continue; // too large an image to keep (BackingImage.SNAPSHOT_LIMIT): not checked
        }
        List<byte[]> l = landings.get(key(a.device(), a.block()));
        out.add(new PromisedBlock(a.device(), a.file(), a.block(), l.subList(a.landing(), l.size()), a.hart(),
            p.hart(), p.text(), fate(a.file(), a.block())));
      }
    }
    return out;
  }

  /**
   * Whether a call of text {@code text} returned success before a call that promised {@code device}
   * durable started (power-loss mode, after {@link #onPowerLoss}): what it did there is promised.
   */
  public boolean promisedOn(String text, String device) {
    requireLost();
    for (Promise p : promises) {
      if (p.device().equals(device) && okCalls.subList(0, p.done()).contains(text)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code file} as a kernel rebooted after the loss finds it: its durable image ({@code boot} when no
   * sync of it was seen: a boot file is durable as it boots), then each write since the last sync's
   * surviving part; null if its image was too large to keep (power-loss mode, after {@link #onPowerLoss}).
   */
  public byte[] imageAfterLoss(String file, byte[] boot) {
    requireLost();
    if (durable.containsKey(file) && durable.get(file) == null) {
      return null;
    }
    byte[] base = durable.getOrDefault(file, boot);
    byte[] img = base == null ? new byte[0] : base.clone();
    List<Unsynced> ws = unsynced.getOrDefault(file, List.of());
    for (int j = 0; j < ws.size(); j++) {
      Unsynced w = ws.get(j);
      int kept = FaultPlan.keptBytes(worldSeed, file, j, w.offset(), w.data().length, sector);
      if (kept == 0 || w.offset() + kept > kernsim.dev.file.BackingImage.SNAPSHOT_LIMIT) {
        continue;
      }
      int end = (int) (w.offset() + kept);
      if (end > img.length) {
        img = Arrays.copyOf(img, end);
      }
      System.arraycopy(w.data(), 0, img, (int) w.offset(), kept);
    }
    return img;
  }

  private void requireLost() {
    if (!lost) {
      throw new IllegalStateException("the power has not failed (or this is not the power-loss oracle)");
    }
  }

  /** What became of the writes since the last sync that cover {@code block} of {@code file}, for the message. */
  private String fate(String file, long block) {
    List<String> out = new ArrayList<>();
    List<Unsynced> ws = unsynced.getOrDefault(file, List.of());
    long from = block * 512;
    for (int j = 0; j < ws.size(); j++) {
      Unsynced w = ws.get(j);
      if (w.offset() < from + 512 && w.offset() + w.data().length > from) {
        int kept = FaultPlan.keptBytes(worldSeed, file, j, w.offset(), w.data().length, sector);
        out.add("the write of " + w.data().length + " bytes at " + w.offset() + " "
            + (kept == 0 ? "dropped" : kept == w.data().length ? "kept" : "torn after " + kept + " bytes"));
      }
    }
    return (durable.containsKey(file) ? "its durable image" : "no sync of it") + (out.isEmpty()
        ? " and no write since the last sync covers it" : ", then since the last sync: " + String.join("; ", out));
  }

  private static boolean persisted(byte[] img, long block, List<byte[]> allowed) {
    int off = (int) (block * 512);
    for (byte[] data : allowed) {
      if (img != null && off + data.length <= img.length
          && Arrays.equals(img, off, off + data.length, data, 0, data.length)) {
        return true;
      }
    }
    return false;
  }

  private static int lastEqual(List<byte[]> l, byte[] data) {
    for (int i = l.size() - 1; i >= 0; i--) {
      if (Arrays.equals(l.get(i), data)) {
        return i;
      }
    }
    return -1;
  }

  private static String key(String device, long block) {
    return device + "#" + block;
  }
}
