package kernsim.fs.vfs;

import kernsim.dev.code.Code;

/**
 * What the mount syscalls need from the task list ({@code tasks()} and each thread's {@code FD_TABLE}
 * and {@code FsContext}). The cpu module implements it over its processes; tests fake it. Each task's
 * fd table is its own lock in the source, so an implementation should make one region per task.
 */
public interface Tasks {
  /**
   * {@code is_mount_busy}'s loop over tasks: whether any task has an open fd on mount {@code mountId}
   * (its file's or directory's location is on that mount), or a cwd or root inside it. Code ending in
   * {@code Done(Boolean)}.
   */
  Code usesMount(int mountId);

  /**
   * After MNT_DETACH took mount {@code mountId} out of the namespace: how many tasks hold an open fd on
   * it, each of which, from then on, reports the close of its last fd on it ({@code MountTable.Put}).
   * Stands for the {@code Arc<Mountpoint>} clones the source's open files hold. Code ending in
   * {@code Done(Integer)}. With no tasks, none.
   */
  default Code holdMount(int mountId) {
    return Code.done(0);
  }

  /**
   * {@code FsContext::propagate_pivot_root}: every other task whose root or cwd is exactly
   * {@code oldRoot} moves to {@code newRoot} (Linux's {@code chroot_fs_refs}). Code ending in
   * {@code Ok(0)}.
   */
  Code propagatePivotRoot(Location oldRoot, Location newRoot);

  /** No other tasks: nothing is ever busy, nothing to propagate. */
  Tasks NONE = new Tasks() {
    @Override
    public Code usesMount(int mountId) {
      return Code.done(Boolean.FALSE);
    }

    @Override
    public Code propagatePivotRoot(Location oldRoot, Location newRoot) {
      return Code.ok(0);
    }

    @Override
    public String toString() {
      return "Tasks.NONE";
    }
  };
}
