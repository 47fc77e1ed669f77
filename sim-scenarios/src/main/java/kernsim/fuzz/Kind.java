package kernsim.fuzz;

/** The type of a resource a hart holds in a variable: what a call may be given where it takes an fd. */
public enum Kind {
  /** An fd of a loop device ({@code /dev/loopN}). */
  LOOP("ld"),
  /** An fd of {@code /dev/loop-control}. */
  CTL("ctl"),
  /** An fd of a regular file on tmpfs (a backing image). */
  FILE("img"),
  /** An fd of a regular file on a mounted ext4. */
  EXT4_FILE("f"),
  /** A pipe's read end. */
  PIPE_R("pr"),
  /** A pipe's write end. */
  PIPE_W("pw"),
  /** A memfd. */
  MEMFD("mfd"),
  /** A systemd loop-util device handle. */
  SD("sd"),
  /** A Monogon pkg/loop device handle. */
  MONO("mono");

  /** The prefix of the variables the generator names for this kind. */
  public final String prefix;

  Kind(String prefix) {
    this.prefix = prefix;
  }

  /** Whether the kind is an fd of the kernel (the clients' handles are not). */
  public boolean isFd() {
    return this != SD && this != MONO;
  }
}
