package kernsim.dev;

/**
 * The one errno table of the whole model (Linux numbering). Results that can fail carry one of these;
 * reports print the name.
 */
public enum Errno {
  EPERM(1),
  ENOENT(2),
  EINTR(4),
  EIO(5),
  ENXIO(6),
  E2BIG(7),
  EBADF(9),
  EAGAIN(11),
  ENOMEM(12),
  EACCES(13),
  EFAULT(14),
  ENOTBLK(15),
  EBUSY(16),
  EEXIST(17),
  EXDEV(18),
  ENODEV(19),
  ENOTDIR(20),
  EISDIR(21),
  EINVAL(22),
  ENFILE(23),
  EMFILE(24),
  ENOTTY(25),
  EFBIG(27),
  ENOSPC(28),
  ESPIPE(29),
  EROFS(30),
  EPIPE(32),
  ERANGE(34),
  ENAMETOOLONG(36),
  ENOSYS(38),
  ENOTEMPTY(39),
  ELOOP(40),
  EOVERFLOW(75),
  EOPNOTSUPP(95),
  EUCLEAN(117),
  ENOBUFS(105),
  ENOANO(55),
  EBADFD(77);

  private final int number;

  Errno(int number) {
    this.number = number;
  }

  public int number() {
    return number;
  }

  /** The errno with this name, e.g. {@code "EBUSY"}. */
  public static Errno byName(String name) {
    return valueOf(name);
  }
}
