package kernsim.fs.file;

/**
 * The Linux userspace constants the file syscalls take, by their C names (x86-64/generic values), so
 * scenarios and tests read like the C they model.
 */
public final class Uapi {
  private Uapi() {}

  // open(2) flags
  public static final int O_RDONLY = 0;
  public static final int O_WRONLY = 01;
  public static final int O_RDWR = 02;
  public static final int O_ACCMODE = 03;
  public static final int O_CREAT = 0100;
  public static final int O_EXCL = 0200;
  public static final int O_TRUNC = 01000;
  public static final int O_APPEND = 02000;
  public static final int O_NONBLOCK = 04000;
  public static final int O_DIRECT = 040000;
  public static final int O_DIRECTORY = 0200000;
  public static final int O_CLOEXEC = 02000000;
  public static final int O_PATH = 010000000;

  // lseek(2)
  public static final int SEEK_SET = 0;
  public static final int SEEK_CUR = 1;
  public static final int SEEK_END = 2;

  // fcntl(2)
  public static final int F_DUPFD = 0;
  public static final int F_GETFL = 3;
  public static final int F_ADD_SEALS = 1033;
  public static final int F_GET_SEALS = 1034;

  // memfd seals
  public static final int F_SEAL_SEAL = 0x0001;
  public static final int F_SEAL_SHRINK = 0x0002;
  public static final int F_SEAL_GROW = 0x0004;
  public static final int F_SEAL_WRITE = 0x0008;
  public static final int F_SEAL_FUTURE_WRITE = 0x0010;

  // memfd_create(2)
  public static final int MFD_CLOEXEC = 0x0001;
  public static final int MFD_ALLOW_SEALING = 0x0002;
  public static final int MFD_HUGETLB = 0x0004;
  public static final int MFD_NOEXEC_SEAL = 0x0008;
  public static final int MFD_EXEC = 0x0010;
  /** memfd names longer than this (excluding the NUL) are EINVAL. */
  public static final int MFD_NAME_MAX_LEN = 249;

  // splice(2)
  public static final int SPLICE_F_MOVE = 0x01;
  public static final int SPLICE_F_NONBLOCK = 0x02;
  public static final int SPLICE_F_MORE = 0x04;
  public static final int SPLICE_F_GIFT = 0x08;

  // fallocate(2)
  public static final int FALLOC_FL_KEEP_SIZE = 0x01;
  public static final int FALLOC_FL_PUNCH_HOLE = 0x02;
  public static final int FALLOC_FL_ZERO_RANGE = 0x10;

  // posix_fadvise(2)
  public static final int POSIX_FADV_NORMAL = 0;
  public static final int POSIX_FADV_RANDOM = 1;
  public static final int POSIX_FADV_SEQUENTIAL = 2;
  public static final int POSIX_FADV_WILLNEED = 3;
  public static final int POSIX_FADV_DONTNEED = 4;
  public static final int POSIX_FADV_NOREUSE = 5;

  // preadv2/pwritev2
  public static final int RWF_HIPRI = 0x01;
  public static final int RWF_DSYNC = 0x02;
  public static final int RWF_SYNC = 0x04;
  public static final int RWF_NOWAIT = 0x08;
  public static final int RWF_APPEND = 0x10;

  // sync_file_range(2)
  public static final int SYNC_FILE_RANGE_WAIT_BEFORE = 1;
  public static final int SYNC_FILE_RANGE_WRITE = 2;
  public static final int SYNC_FILE_RANGE_WAIT_AFTER = 4;

  // flock(2)
  public static final int LOCK_SH = 1;
  public static final int LOCK_EX = 2;
  public static final int LOCK_NB = 4;
  public static final int LOCK_UN = 8;

  /** readv/writev: more iovecs than this is EINVAL. */
  public static final int IOV_MAX = 1024;
  /** Linux's default pipe capacity; writes up to PIPE_BUF are atomic. */
  public static final int PIPE_CAPACITY = 65536;
  public static final int PIPE_BUF = 4096;

  /** The source's size limit (ext4: u32 block numbers × 4 KiB blocks): larger is EFBIG. */
  public static final long MAX_FILE_SIZE = 0xFFFF_FFFFL * 4096;
}
