package kernsim.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Whether stderr, where every progress bar and progress line draws, is a terminal: {@code isatty(2)}
 * through JNA. {@code System.console()} answers for stdin and stdout instead, so with {@code 2>log} on a
 * terminal the log filled with frames. The one place that decides whether progress is drawn.
 */
public final class Terminal {
  private Terminal() {}

  interface Isatty extends Library {
    int isatty(int fd);
  }

  private static final class Holder {
    static final boolean STDERR = probe();

    private static boolean probe() {
      try {
        return Native.load("c", Isatty.class).isatty(2) == 1;
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        return false; // no C library to ask: draw nothing rather than frames into a file
      }
    }
  }

  /** Whether progress may be drawn on stderr ({@code quiet}: asked not to, e.g. by {@code --json}). */
  public static boolean progressOnStderr(boolean quiet) {
    return !quiet && Holder.STDERR;
  }
}
