package kernsim.fs.vfs;

/** The mount and umount2 flags by their C names, with the source's values (starry-mount.rs). */
public final class Flags {
  private Flags() {}

  public static final int MNT_FORCE = 1;
  public static final int MNT_DETACH = 2;
  public static final int MNT_EXPIRE = 4;
  public static final int UMOUNT_NOFOLLOW = 8;

  public static final int MS_RDONLY = 1;
  public static final int MS_REMOUNT = 1 << 5;
  public static final int MS_BIND = 1 << 12;
  public static final int MS_MOVE = 1 << 13;
  public static final int MS_REC = 1 << 14;
  public static final int MS_SILENT = 1 << 15;
  public static final int MS_UNBINDABLE = 1 << 17;
  public static final int MS_PRIVATE = 1 << 18;
  public static final int MS_SLAVE = 1 << 19;
  public static final int MS_SHARED = 1 << 20;

  public static final int PROPAGATION_FLAGS = MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE;
  public static final int VALID_UMOUNT_FLAGS = MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW;
}
