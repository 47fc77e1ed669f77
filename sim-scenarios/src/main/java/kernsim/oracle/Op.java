package kernsim.oracle;

/**
 * What a statement asks for, as the errno oracle understands its text: paths as written, fd arguments
 * already resolved to the fd numbers the hart's variables held when the statement started (-1 for a
 * variable that was never set or holds a failed call's -1). Statements the oracle does not recognise are
 * {@link Unmodelled}; those it knows leave its state alone are {@link NoEffect}.
 */
sealed interface Op {
  /** mkdir(path). */
  record Mkdir(String path) implements Op {}

  /** mknod(path) of a device node: {@code node} is a loop device's number, or {@link Nodes#CONTROL}/{@link Nodes#OTHER_DEVICE}. */
  record Mknod(String path, int node) implements Op {}

  /** mount(source, target, type, flags); the data argument is not in the text. */
  record Mount(String source, String target, String type, int flags) implements Op {}

  record Umount(String target, int flags) implements Op {}

  /** open(path, flags): the fd is the call's result. */
  record Open(String path, int flags) implements Op {}

  record Close(int fd) implements Op {}

  /** dup(fd): the new fd is the call's result. */
  record Dup(int fd) implements Op {}

  /** fcntl(fd, F_DUPFD…): a new fd (the result) the oracle knows nothing about. */
  record NewFd() implements Op {}

  /** memfd_create: a new fd (the result) on no mount. */
  record NewAnon() implements Op {}

  /** pipe2: two new fds (the result's data) on no mount. */
  record Pipe() implements Op {}

  /**
   * ioctl(fd, cmd[, arg]): {@code value} for an integer argument, {@code argFd} for an fd variable
   * (LOOP_SET_FD; for a structure, its {@code fd} field), {@code raw} for any other argument text,
   * {@code loFlags} for a structure's {@code flags} field (LOOP_CONFIGURE, LOOP_SET_STATUS[64]); absent
   * or unknown parts are null.
   */
  record Ioctl(int fd, String cmd, Long value, Integer argFd, String raw, Long loFlags) implements Op {}

  /** flock(fd, cmd): {@code cmd} is LOCK_SH, LOCK_EX or LOCK_UN with LOCK_NB, or anything else (EINVAL). */
  record Flock(int fd, int cmd) implements Op {}

  /** The scenario helper mkfs.ext4(device). */
  record Mkfs(String path) implements Op {}

  /** A call that touches nothing the oracle tracks (reads, writes, seeks, syncs, …): any outcome. */
  record NoEffect(String name) implements Op {}

  /** A call the oracle does not model: any outcome; a success makes the state unknown. */
  record Unmodelled(String name) implements Op {}
}
