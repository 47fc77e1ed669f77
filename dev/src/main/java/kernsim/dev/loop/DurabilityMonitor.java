package kernsim.dev.loop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import kernsim.actors.Monitor;
import kernsim.dev.SysResult;
import kernsim.dev.file.BackingFile;
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
 */
public final class DurabilityMonitor implements Monitor {
  public static final String NAME = "durability";

  /** How to read a hart's call observations (they belong to a module above this one). */
  public interface Calls {
    /** The call if {@code o} says one started, else null. */
    Started started(Object o);

    /** The hart, statement text and result if {@code o} says a call returned, else null. */
    Object[] returned(Object o);
  }

  /** A call that started: its hart, its statement's text, and whether it is an umount2. */
  public record Started(String hart, String text, boolean umount) {}

  private record Ack(String device, String file, long block, int landing, String hart) {}

  private record Current(String text, boolean umount, int mark, TreeSet<String> devices) {}

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

  public DurabilityMonitor(Calls calls) {
    this.calls = calls;
  }

  @Override
  public String name() {
    return NAME;
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
      byte[] img = written.getOrDefault(w.file(), new byte[0]);
      int end = (int) (w.offset() + w.data().length);
      byte[] next = Arrays.copyOf(img, Math.max(img.length, end));
      System.arraycopy(w.data(), 0, next, (int) w.offset(), w.data().length);
      written.put(w.file(), next);
    } else if (o instanceof BackingFile.Synced s) {
      // no image: a backend's sync (what was written through backends is durable), or a file actor's image
      // too large to keep (not checked: null)
      durable.put(s.file(), s.durable() != null ? s.durable() : written.get(s.file()));
    } else if (o instanceof LoopEvents.PersistReturned p) {
      attribute(actor, p.device());
    } else if (o instanceof LoopEvents.AdapterDropped d) {
      Current c = running.get(actor);
      if (c != null && c.umount()) {
        c.devices().add(d.device());
      }
    } else {
      Started s = calls.started(o);
      if (s != null) {
        running.put(s.hart(), new Current(s.text(), s.umount(), acks.size(), new TreeSet<>()));
        return;
      }
      Object[] r = calls.returned(o);
      if (r != null) {
        Current c = running.remove((String) r[0]);
        if (c != null && r[2] instanceof SysResult.Ok) {
          for (String device : c.devices()) {
            check((String) r[0], c, device, verdict);
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
