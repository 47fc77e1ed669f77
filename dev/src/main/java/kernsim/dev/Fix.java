package kernsim.dev;

import java.util.Arrays;
import java.util.Optional;

/**
 * A named change to the model that stands for a kernel patch, one per known race (`--fix NAME`). Each
 * is off unless a scenario or the command line turns it on; {@code docs/fixes.md} gives the patch each
 * stands for and the catalog scenario that shows the race it closes.
 */
public enum Fix {
  /** as_dyn_block_device's install step refuses (EBUSY) when the slot was filled since step 1. */
  MOUNT_RECHECK_SLOT("mount-recheck-slot", "as_dyn_block_device: re-check the cache slot is still empty before installing"),
  /** write_at clones the file first and reads {@code ro} after it (publication order: flags, then file). */
  WRITE_AT_FILE_FIRST("write-at-file-first", "write_at: take the file, then check ro (the order LOOP_SET_FD publishes them in)"),
  /** LOOP_CONFIGURE computes and stores the read-only flag before it publishes the file. */
  CONFIGURE_FLAGS_FIRST("configure-flags-first", "LOOP_CONFIGURE: set LO_FLAGS_READ_ONLY before the file is visible"),
  /** as_dyn_block_device's install step re-checks, under the file lock, that the same file is bound. */
  MOUNT_RECHECK_FILE("mount-recheck-file", "as_dyn_block_device: re-check the backing file under its lock before installing"),
  /** as_dyn_block_device stores mounted=true in the region that installs the cache. */
  MARK_MOUNTED_AT_INSTALL("mark-mounted-at-install", "as_dyn_block_device: set mounted in the same cache-lock region as the install"),
  /** flush_cache_to_file no longer stores mounted=false (the adapter's drop already did, for its own cache). */
  FLUSH_OWN_CACHE("flush-own-cache", "flush_cache_to_file: do not clear mounted on whatever cache is current"),
  /** mount_ext4 puts the write-back callback on the mountpoint it created instead of resolving the target again. */
  MOUNT_RESOLVE_ONCE("mount-resolve-once", "mount_ext4: attach the write-back callback to the mountpoint it made");

  private final String id;
  private final String summary;

  Fix(String id, String summary) {
    this.id = id;
    this.summary = summary;
  }

  /** The name used on the command line, in scenarios, traces and reports. */
  public String id() {
    return id;
  }

  /** One line: what the patch changes. */
  public String summary() {
    return summary;
  }

  public static Optional<Fix> byId(String id) {
    return Arrays.stream(values()).filter(f -> f.id.equals(id)).findFirst();
  }

  @Override
  public String toString() {
    return id;
  }
}
