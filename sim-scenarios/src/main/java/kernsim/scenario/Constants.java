package kernsim.scenario;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kernsim.dev.loop.LoopAbi;
import kernsim.dev.loop.LoopControl;
import kernsim.dev.loop.LoopIoctl;
import kernsim.fs.file.Uapi;
import kernsim.fs.vfs.Flags;

/**
 * The C constants a scenario may name, grouped by what they are for. The values come from the model's
 * own tables ({@code fs.file.Uapi}, {@code fs.vfs.Flags}, {@code dev.loop.LoopAbi}, {@code LoopIoctl},
 * {@code LoopControl}), read by name, so a constant added there is usable here at once. Each argument
 * takes one family (open's flags take {@code O_*}), so passing a mount flag to open is an error that
 * says which family the name belongs to.
 */
final class Constants {
  /** A family of constants and what the language calls an argument of that family. */
  enum Family {
    OPEN("open flags", "an open flag", "O_* names"),
    MOUNT("mount flags", "a mount flag", "MS_* names"),
    UMOUNT("umount2 flags", "a umount2 flag", "MNT_* names or UMOUNT_NOFOLLOW"),
    SEEK("an lseek whence", "an lseek whence", "SEEK_SET, SEEK_CUR or SEEK_END"),
    FALLOC("fallocate mode flags", "a fallocate mode flag", "FALLOC_FL_* names"),
    FCNTL("an fcntl command", "an fcntl command", "F_* names"),
    SEAL("memfd seals", "a memfd seal", "F_SEAL_* names"),
    MFD("memfd_create flags", "a memfd_create flag", "MFD_* names"),
    SPLICE("splice flags", "a splice flag", "SPLICE_F_* names"),
    RWF("preadv2/pwritev2 flags", "a preadv2/pwritev2 flag", "RWF_* names"),
    FADV("a posix_fadvise advice", "a posix_fadvise advice", "POSIX_FADV_* names"),
    SYNC_RANGE("sync_file_range flags", "a sync_file_range flag", "SYNC_FILE_RANGE_* names"),
    LO_FLAGS("loop flags", "a loop flag", "LO_FLAGS_* names"),
    FLOCK("flock operations", "a flock operation", "LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB"),
    IOCTL("an ioctl command", "an ioctl command", "a loop or loop-control ioctl name");

    /** What an argument of the family is ("open flags"). */
    final String what;
    /** What one constant of the family is ("an open flag"). */
    final String member;
    /** How to write one ("O_* names"). */
    final String pattern;

    Family(String what, String member, String pattern) {
      this.what = what;
      this.member = member;
      this.pattern = pattern;
    }
  }

  record Const(String name, Family family, long value) {}

  private static final Map<String, Const> ALL = new LinkedHashMap<>();

  static {
    Set<String> notFlags = Set.of("O_ACCMODE", "MFD_NAME_MAX_LEN");
    for (Field f : sorted(Uapi.class)) {
      String n = f.getName();
      if (notFlags.contains(n)) {
        continue;
      }
      Family fam = n.startsWith("O_") ? Family.OPEN
          : n.startsWith("SEEK_") ? Family.SEEK
          : n.startsWith("F_SEAL_") ? Family.SEAL
          : n.startsWith("F_") ? Family.FCNTL
          : n.startsWith("MFD_") ? Family.MFD
          : n.startsWith("SPLICE_F_") ? Family.SPLICE
          : n.startsWith("FALLOC_FL_") ? Family.FALLOC
          : n.startsWith("POSIX_FADV_") ? Family.FADV
          : n.startsWith("RWF_") ? Family.RWF
          : n.startsWith("SYNC_FILE_RANGE_") ? Family.SYNC_RANGE
          : n.startsWith("LOCK_") ? Family.FLOCK
          : null;
      if (fam != null) {
        add(n, fam, intValue(f));
      }
    }
    for (Field f : sorted(Flags.class)) {
      String n = f.getName();
      if (n.startsWith("MS_")) {
        add(n, Family.MOUNT, intValue(f));
      } else if (n.startsWith("MNT_") || n.equals("UMOUNT_NOFOLLOW")) {
        add(n, Family.UMOUNT, intValue(f));
      }
    }
    for (Field f : sorted(LoopAbi.class)) {
      if (f.getName().startsWith("LO_FLAGS_")) {
        add(f.getName(), Family.LO_FLAGS, intValue(f));
      }
    }
    for (LoopIoctl c : LoopIoctl.values()) {
      add(c.name(), Family.IOCTL, c.number());
    }
    add("LOOP_CTL_ADD", Family.IOCTL, LoopControl.LOOP_CTL_ADD);
    add("LOOP_CTL_REMOVE", Family.IOCTL, LoopControl.LOOP_CTL_REMOVE);
    add("LOOP_CTL_GET_FREE", Family.IOCTL, LoopControl.LOOP_CTL_GET_FREE);
  }

  private Constants() {}

  private static List<Field> sorted(Class<?> c) {
    List<Field> out = new ArrayList<>();
    for (Field f : c.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == int.class) {
        out.add(f);
      }
    }
    // Declared order is what a reader expects, but reflection does not promise it: sort by value, then name.
    out.sort(Comparator.comparingLong(Constants::intValue).thenComparing(Field::getName));
    return out;
  }

  private static long intValue(Field f) {
    try {
      return f.getInt(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(f.toString(), e);
    }
  }

  private static void add(String name, Family family, long value) {
    ALL.put(name, new Const(name, family, value));
  }

  /** The constant with this name, or null. */
  static Const get(String name) {
    return ALL.get(name);
  }

  /** The names of a family, in value order. */
  static List<String> names(Family family) {
    return ALL.values().stream().filter(c -> c.family() == family).map(Const::name).toList();
  }

  /** Every constant, by family then value. */
  static Collection<Const> all() {
    return ALL.values();
  }

  /** The closest of {@code candidates} to {@code word}, when it is close enough to be a typo; else null. */
  static String didYouMean(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String upper = word.toUpperCase(java.util.Locale.ROOT);
    for (String c : candidates) {
      int d = c.equals(upper) ? 0 : distance(word, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    int allowed = Math.max(1, Math.min(3, word.length() / 3));
    return best != null && bestDistance <= allowed ? best : null;
  }

  /**
   * Edit distance counting a swap of two neighbours as one edit (optimal string alignment), so
   * {@code opne} is one edit from {@code open}; inputs longer than 64 characters are never close.
   */
  static int distance(String a, String b) {
    if (a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
