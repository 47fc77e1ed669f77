package kernsim.oracle;

import java.util.function.IntConsumer;
import kernsim.dev.Errno;

/**
 * A loop device in the sequential specification, after {@code dev.loop.LoopIoctls}: its checks and
 * their errno precedence, with no lock regions (every call is one atomic step).
 *
 * <p>A <em>concrete</em> device is six bits: {@link #BOUND} (a backing file), {@link #RO}, {@link #CACHE}
 * (a CacheData in the slot), {@link #MOUNTED} and {@link #DIRTY} (that cache's flags) and {@link #EXCL}
 * (held by an O_EXCL open). The state keeps an <em>abstract</em> word: per bit, two bits saying which
 * values it may have ({@code 01} false, {@code 10} true, {@code 11} either). An operation runs on every
 * concrete device the word allows and emits each outcome it may have with the device after it; the
 * states after the actual outcome are joined back into one word. Choices the model makes that the
 * specification does not track are emitted as alternatives: a write-back may fail (EIO), a superblock
 * may be unreadable (EIO), mkfs may fail.
 */
final class Loops {
  private Loops() {}

  static final int BOUND = 1;
  static final int RO = 2;
  static final int CACHE = 4;
  static final int MOUNTED = 8;
  static final int DIRTY = 16;
  static final int EXCL = 32;
  private static final int FIELDS = 6;
  private static final String[] NAMES = {"bound", "ro", "cache", "mounted", "dirty", "excl"};

  /** Unbound, read-write, no cache, not held. */
  static final int INITIAL = abs(0);

  private static final int EIO = Outcomes.err(Errno.EIO);
  private static final int EBUSY = Outcomes.err(Errno.EBUSY);
  private static final int ENXIO = Outcomes.err(Errno.ENXIO);

  /** Where an operation reports an outcome and the concrete device after it. */
  interface Emit {
    void emit(int outcome, int device, String why);
  }

  /** An operation on one concrete device. */
  interface Op {
    void run(int device, Emit out);
  }

  /** The abstract word of one concrete device. */
  static int abs(int concrete) {
    int w = 0;
    for (int f = 0; f < FIELDS; f++) {
      w |= ((concrete >> f & 1) != 0 ? 2 : 1) << (2 * f);
    }
    return w;
  }

  /** Whether field {@code bit} may be true / may be false. */
  static boolean mayBe(int word, int bit, boolean value) {
    int f = Integer.numberOfTrailingZeros(bit);
    return ((word >> (2 * f)) & (value ? 2 : 1)) != 0;
  }

  /** The word with field {@code bit} set to exactly {@code value}. */
  static int set(int word, int bit, boolean value) {
    int f = Integer.numberOfTrailingZeros(bit);
    return (word & ~(3 << (2 * f))) | ((value ? 2 : 1) << (2 * f));
  }

  /** The word with field {@code bit} unknown: either value. */
  static int unknown(int word, int bit) {
    return word | 3 << (2 * Integer.numberOfTrailingZeros(bit));
  }

  /** The word after the join: no cache means neither mounted nor dirty; a live mount may dirty its cache at any time. */
  static int normalize(int word) {
    if (!mayBe(word, CACHE, true)) {
      word = set(set(word, MOUNTED, false), DIRTY, false);
    }
    if (mayBe(word, MOUNTED, true)) {
      word |= 3 << (2 * Integer.numberOfTrailingZeros(DIRTY));
    }
    return word;
  }

  /**
   * Runs {@code op} on every concrete device {@code word} allows; returns the joined word after the
   * outcomes that match {@code out}'s actual result (0 when none does). Every emitted outcome is
   * recorded in {@code out} when it explains, with the device's name before the reason.
   */
  static int run(int word, int number, Op op, Outcomes out) {
    int[] joined = {0};
    Emit e = (outcome, device, why) -> {
      if (out.explaining()) {
        out.note(outcome, why == null ? null : "loop" + number + " " + why);
      }
      if (out.matches(outcome)) {
        joined[0] |= abs(device);
      }
    };
    int concrete = concrete(word);
    if (concrete >= 0) { // the usual case: every field known
      op.run(concreteNormal(concrete), e);
      return joined[0] == 0 ? 0 : normalize(joined[0]);
    }
    int[] cs = new int[1 << FIELDS];
    int n = 1;
    for (int f = 0; f < FIELDS; f++) {
      int v = (word >> (2 * f)) & 3;
      if (v == 2) {
        for (int i = 0; i < n; i++) {
          cs[i] |= 1 << f;
        }
      } else if (v == 3) {
        for (int i = 0; i < n; i++) {
          cs[n + i] = cs[i] | 1 << f;
        }
        n *= 2;
      }
    }
    long seen = 0;
    for (int i = 0; i < n; i++) {
      int c = concreteNormal(cs[i]);
      if ((seen & (1L << c)) == 0) {
        seen |= 1L << c;
        op.run(c, e);
      }
    }
    return joined[0] == 0 ? 0 : normalize(joined[0]);
  }

  /** The one concrete device {@code word} allows, or -1 when some field may be either. */
  private static int concrete(int word) {
    int c = 0;
    for (int f = 0; f < FIELDS; f++) {
      int v = (word >> (2 * f)) & 3;
      if (v == 3) {
        return -1;
      }
      if (v == 2) {
        c |= 1 << f;
      }
    }
    return c;
  }

  private static int concreteNormal(int c) {
    return (c & CACHE) == 0 ? c & ~(MOUNTED | DIRTY) : c;
  }

  private static boolean has(int d, int bit) {
    return (d & bit) != 0;
  }

  /** LOOP_CLR_FD's end: file, cache (and its flags) cleared; ro and the exclusive holder stay. */
  private static int cleared(int d) {
    return d & ~(BOUND | CACHE | MOUNTED | DIRTY);
  }

  // ==== the operations ====

  /** LOOP_SET_FD / LOOP_CONFIGURE after the fd checks: EBUSY if bound; binds, ro as the call sets it. */
  static Op bind(boolean... ro) {
    return (d, out) -> {
      if (has(d, BOUND)) {
        out.emit(EBUSY, d, "has a backing file");
        return;
      }
      for (boolean r : ro) {
        out.emit(Outcomes.OK, (r ? d | RO : d & ~RO) | BOUND, null);
      }
    };
  }

  /** LOOP_CLR_FD. */
  static final Op CLR_FD = (d, out) -> {
    if (!has(d, BOUND)) {
      out.emit(ENXIO, d, "has no backing file");
    } else if (!has(d, CACHE)) {
      out.emit(Outcomes.OK, cleared(d), null);
    } else if (has(d, MOUNTED)) {
      out.emit(EBUSY, d, "is mounted");
    } else if (!has(d, DIRTY)) {
      out.emit(Outcomes.OK, cleared(d), null);
    } else if (has(d, RO)) {
      out.emit(EIO, d, "is read-only with a dirty cache");
    } else {
      out.emit(Outcomes.OK, cleared(d), null);
      out.emit(EIO, d, "may fail to write its dirty cache back");
    }
  };

  /** LOOP_GET_STATUS(64), BLKGETSIZE(64): ENXIO unbound. */
  static final Op REQUIRE_BOUND = (d, out) -> {
    if (has(d, BOUND)) {
      out.emit(Outcomes.OK, d, null);
    } else {
      out.emit(ENXIO, d, "has no backing file");
    }
  };

  /** BLKFLSBUF. */
  static final Op FLSBUF = (d, out) -> {
    if (!has(d, CACHE) || !has(d, BOUND)) {
      out.emit(Outcomes.OK, d, null);
    } else if (has(d, RO)) {
      out.emit(EIO, d, "is read-only and has a cache");
    } else if (!has(d, DIRTY)) {
      out.emit(Outcomes.OK, d, null);
    } else {
      out.emit(Outcomes.OK, d & ~DIRTY, null);
      out.emit(EIO, d, "may fail to write its dirty cache back");
    }
  };

  /** BLKROSET(0|1), LOOP_SET_STATUS(64) (whose flags the text may not show): stores ro, nothing else. */
  static Op setRo(boolean... ro) {
    return (d, out) -> {
      for (boolean r : ro) {
        out.emit(Outcomes.OK, r ? d | RO : d & ~RO, null);
      }
    };
  }

  /** open of /dev/loopN: EBUSY while held exclusively; an O_EXCL open takes it. */
  static Op open(boolean excl) {
    return (d, out) -> {
      if (has(d, EXCL)) {
        out.emit(EBUSY, d, "is held by an O_EXCL open");
      } else {
        out.emit(Outcomes.OK, excl ? d | EXCL : d, null);
      }
    };
  }

  /**
   * {@code as_dyn_block_device}, then {@code then} with the fresh device (a new clean cache, not yet
   * mounted): ENXIO unbound; with a cache, EBUSY mounted, a dirty one written back (EIO read-only or on
   * failure); a short read of the file is EIO with the slot empty.
   */
  private static void asDyn(int d, Emit out, IntConsumer then) {
    if (!has(d, BOUND)) {
      out.emit(ENXIO, d, "has no backing file");
      return;
    }
    if (has(d, CACHE)) {
      if (has(d, MOUNTED)) {
        out.emit(EBUSY, d, "is mounted");
        return;
      }
      if (has(d, DIRTY)) {
        if (has(d, RO)) {
          out.emit(EIO, d, "is read-only with a dirty cache");
          return;
        }
        out.emit(EIO, d, "may fail to write its dirty cache back");
      }
    }
    out.emit(EIO, cleared(d) | BOUND, "may fail to read its backing file");
    then.accept((d | CACHE) & ~(MOUNTED | DIRTY));
  }

  /**
   * mount ext4 on the device: as_dyn_block_device, the superblock (EIO when unreadable: the adapter is
   * dropped), then the target as the caller resolved it ({@code target}: OK, an errno class, or ANY when
   * unsure); on success the cache is mounted.
   */
  static Op mountExt4(int target, String targetWhy) {
    return (d, out) -> asDyn(d, out, fresh -> {
      out.emit(EIO, fresh, "may hold no readable superblock");
      if (target == Outcomes.OK || target == Outcomes.ANY) {
        out.emit(Outcomes.OK, fresh | MOUNTED, null);
      }
      if (target != Outcomes.OK) {
        out.emit(target, fresh, targetWhy);
      }
    });
  }

  /**
   * An ext4 mount's block handle alone ({@code as_dyn_block_device}), taken before the rest of the mount:
   * with {@code succeeded}, only the way it succeeds (the device claimed: a fresh cache, mounted; the
   * mount's own result is decided later, so any matches); without, only the ways it fails.
   */
  static Op claimExt4(boolean succeeded) {
    return (d, out) -> asDyn(d, succeeded ? (o, dev, why) -> { } : out, fresh -> {
      if (succeeded) {
        out.emit(Outcomes.ANY, fresh | MOUNTED, null);
      }
    });
  }

  /**
   * mkfs.ext4, a scenario helper rather than a syscall of the source, may be written either way, and the
   * specification allows both: through the device file as userspace does it (EROFS read-only, EPERM
   * unbound, ENOSPC or EIO; the cache is not touched), or through the block cache (as_dyn_block_device,
   * the writes, which fail on a read-only device, the adapter dropped, BLKFLSBUF).
   */
  static final Op MKFS = (d, out) -> {
    if (has(d, RO)) {
      out.emit(Outcomes.err(Errno.EROFS), d, "is read-only");
    } else if (!has(d, BOUND)) {
      out.emit(Outcomes.err(Errno.EPERM), d, "has no backing file");
    } else {
      out.emit(Outcomes.OK, d, null);
      out.emit(Outcomes.ANY_ERR, d, "may fail to format its image");
    }
    asDyn(d, out, fresh -> {
      if (!has(fresh, RO)) {
        out.emit(Outcomes.OK, fresh, null);
      }
      out.emit(Outcomes.ANY_ERR, fresh, "may fail to format its image");
      out.emit(Outcomes.ANY_ERR, fresh | DIRTY, "may fail to format its image");
    });
  };

  /**
   * {@code write_at} of {@code /dev/loopN}: EROFS read-only (checked first), EPERM unbound, else the
   * backing file's write: success, or its own errors (EIO, EINVAL and EFBIG at offsets past its limits).
   */
  static final Op WRITE_AT = (d, out) -> {
    if (has(d, RO)) {
      out.emit(Outcomes.err(Errno.EROFS), d, "is read-only");
    } else if (!has(d, BOUND)) {
      out.emit(Outcomes.err(Errno.EPERM), d, "has no backing file");
    } else {
      backingIo(d, out);
    }
  };

  /**
   * {@code write_at} under the {@code write-at-file-first} fix: the file is cloned first, so EPERM unbound
   * comes before EROFS read-only.
   */
  static final Op WRITE_AT_FILE_FIRST = (d, out) -> {
    if (!has(d, BOUND)) {
      out.emit(Outcomes.err(Errno.EPERM), d, "has no backing file");
    } else if (has(d, RO)) {
      out.emit(Outcomes.err(Errno.EROFS), d, "is read-only");
    } else {
      backingIo(d, out);
    }
  };

  /** {@code read_at} of {@code /dev/loopN}: EPERM unbound, else the backing file's read. */
  static final Op READ_AT = (d, out) -> {
    if (!has(d, BOUND)) {
      out.emit(Outcomes.err(Errno.EPERM), d, "has no backing file");
    } else {
      backingIo(d, out);
    }
  };

  private static void backingIo(int d, Emit out) {
    out.emit(Outcomes.OK, d, null);
    out.emit(EIO, d, "may fail its backing file's I/O");
    out.emit(Outcomes.err(Errno.EINVAL), d, "may be past its backing file's limits");
    out.emit(Outcomes.err(Errno.EFBIG), d, "may be past its backing file's limits");
  }

  /** umount2 of its ext4 mount, after the unmount: the adapter dropped, then flush_cache_to_file. */
  static final Op UMOUNT_WRITEBACK = (d, out) -> {
    int down = d & ~MOUNTED;
    if (!has(d, CACHE) || !has(d, DIRTY) || !has(d, BOUND)) {
      out.emit(Outcomes.OK, down & ~DIRTY, null);
    } else if (has(d, RO)) {
      out.emit(EIO, down, "is read-only with a dirty cache");
    } else {
      out.emit(Outcomes.OK, down & ~DIRTY, null);
      out.emit(EIO, down, "may fail to write its dirty cache back");
    }
  };

  /** A detached ext4 mount: the adapter dropped, no write-back. */
  static final Op DETACH = (d, out) -> out.emit(Outcomes.OK, d & ~MOUNTED, null);

  /** close of an O_EXCL fd. */
  static final Op RELEASE_EXCL = (d, out) -> out.emit(Outcomes.OK, d & ~EXCL, null);

  /** {@code bound=T ro=F cache=T|F …}. */
  static String describe(int word) {
    StringBuilder b = new StringBuilder();
    for (int f = 0; f < FIELDS; f++) {
      int v = (word >> (2 * f)) & 3;
      b.append(f == 0 ? "" : ",").append(NAMES[f]).append('=').append(v == 1 ? "F" : v == 2 ? "T" : "?");
    }
    return b.toString();
  }
}
