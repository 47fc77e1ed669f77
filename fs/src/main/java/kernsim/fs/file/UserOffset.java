package kernsim.fs.file;

/**
 * A user-memory {@code loff_t} that sendfile, copy_file_range and splice read and write back after
 * every chunk (the source's {@code *mut u64}). It lives in the calling hart's program, never in a
 * message; a Java {@code null} in its place is a NULL pointer.
 */
public final class UserOffset {
  private long value;

  public UserOffset(long value) {
    this.value = value;
  }

  public long get() {
    return value;
  }

  public void set(long value) {
    this.value = value;
  }

  @Override
  public String toString() {
    return "&" + value;
  }
}
