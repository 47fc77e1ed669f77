package kernsim.dev;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A named change to the linux profile that brings back a race Linux's loop driver once had: the
 * pre-patch kernel behaviour, the inverse of a fix ({@code --regress NAME}, {@code regress NAME} in a
 * scenario). The linux profile is the patched 6.x kernel; each toggle undoes one patch, at the step the
 * patch changed, and nothing else. {@code docs/linux-races.md} gives each one's commit, its race and the
 * Linux catalog scenario that shows it; {@code ../shared/linux-loop-races.md} is the catalogue they come from.
 */
public enum Regress {
  /** R2, CVE-2018-5344: lo_release's last-close teardown is not serialised with lo_open. */
  CONCURRENT_OPEN_RELEASE("concurrent-open-release", "ae6650163c66",
      "lo_release: drop open_mutex after the opener count, tear down under lo_mutex alone (before \"loop: fix concurrent lo_open/lo_release\")"),
  /** R10: LOOP_CTL_REMOVE holds loop_ctl_mutex across del_gendisk, and lo_open takes loop_ctl_mutex. */
  REMOVE_OPEN_ABBA("remove-open-abba", "990e78116d38",
      "LOOP_CTL_REMOVE: del_gendisk (open_mutex) under loop_ctl_mutex; lo_open takes loop_ctl_mutex (before \"block: loop: fix deadlock between open and remove\")"),
  /** R11: the autoclear detach at the last close runs in a work item, after close() has returned. */
  ASYNC_AUTOCLEAR("async-autoclear", "322c4293ecc5",
      "lo_release: queue the autoclear __loop_clr_fd to a work item (\"loop: make autoclear operation asynchronous\", reverted)"),
  /** R14: LOOP_CLR_FD by the only opener detaches at once, and lo_open lets openers into rundown. */
  CLR_FD_SYNC("clr-fd-sync", "18048c1af783",
      "LOOP_CLR_FD by the only opener: __loop_clr_fd at once; lo_open refuses only Lo_deleting (before \"loop: Fix a race between loop detach and loop open\")"),
  /** R5: LOOP_CONFIGURE / LOOP_SET_STATUS re-read partitions while holding lo_mutex. */
  REREAD_PARTITIONS_LOCKED("reread-partitions-locked", "85b0a54a82e4",
      "loop_reread_partitions (open_mutex) with lo_mutex still held (before \"loop: Move loop_reread_partitions() out of loop_ctl_mutex\")");

  /** The profile every toggle applies to. */
  public static final String PROFILE = "linux";

  private final String id;
  private final String commit;
  private final String summary;

  Regress(String id, String commit, String summary) {
    this.id = id;
    this.commit = commit;
    this.summary = summary;
  }

  /** The name used on the command line, in scenarios, traces, reports and CSVs. */
  public String id() {
    return id;
  }

  /** The upstream commit whose change this toggle undoes (abbreviated id). */
  public String commit() {
    return commit;
  }

  /** One line: what the pre-patch kernel did. */
  public String summary() {
    return summary;
  }

  public static Optional<Regress> byId(String id) {
    return Arrays.stream(values()).filter(r -> r.id.equals(id)).findFirst();
  }

  /** Every toggle's name, in declaration order. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Regress::id).toList();
  }

  @Override
  public String toString() {
    return id;
  }
}
