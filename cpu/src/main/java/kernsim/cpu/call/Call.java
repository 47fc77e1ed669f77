package kernsim.cpu.call;

/**
 * A call a program makes, as a value: a {@link Syscall} (one record per syscall of the model's table,
 * typed arguments, fds as variables resolved when the call starts) or a {@link LibraryCall} (a userspace
 * library's operation, such as a loop client's). The scenario language builds them, harts run them and
 * emit them ({@code cpu.Calls}, resolved), and the oracles read them; {@link #text()} is how every
 * timeline and report shows a call that has no source line of its own.
 */
public sealed interface Call permits Syscall, LibraryCall {
  /** The call's name as a program writes it ({@code open}, {@code mkfs.ext4}, {@code loop_device_make}). */
  String name();

  /** The call as C (or the library's scenario form) writes it, e.g. {@code open("/mnt/f", O_RDWR|O_CREAT)}. */
  String text();
}
