package kernsim.fs.vfs;

import static kernsim.fs.vfs.Flags.MNT_DETACH;
import static kernsim.fs.vfs.Flags.MNT_EXPIRE;
import static kernsim.fs.vfs.Flags.MNT_FORCE;
import static kernsim.fs.vfs.Flags.MS_BIND;
import static kernsim.fs.vfs.Flags.MS_MOVE;
import static kernsim.fs.vfs.Flags.MS_PRIVATE;
import static kernsim.fs.vfs.Flags.MS_RDONLY;
import static kernsim.fs.vfs.Flags.MS_REC;
import static kernsim.fs.vfs.Flags.MS_REMOUNT;
import static kernsim.fs.vfs.Flags.MS_SHARED;
import static kernsim.fs.vfs.Flags.MS_SILENT;
import static kernsim.fs.vfs.Flags.MS_SLAVE;
import static kernsim.fs.vfs.Flags.PROPAGATION_FLAGS;
import static kernsim.fs.vfs.Flags.UMOUNT_NOFOLLOW;
import static kernsim.fs.vfs.Flags.VALID_UMOUNT_FLAGS;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.dev.Errno;
import kernsim.dev.Fix;
import kernsim.dev.Semantics;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.fs.memfs.MemFs;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The mount syscalls and path resolution as kernel code, following starry-mount.rs line by line: each
 * {@code FS_CONTEXT.lock()} scope of the source is {@link #withCtx}, each mountpoint operation one
 * message to the {@link MountTable}, each directory lookup one message to the filesystem's owner.
 * Between them other harts run.
 *
 * @param table the mount table (FS_CONTEXT and the mount tree)
 * @param ext4 the block filesystem driver for {@code "ext4"}, or null when the kernel has none (the
 *     source's {@code cfg(feature = "ext4")}: the type is then ENODEV)
 * @param tasks the task list, for the busy check and pivot_root's propagation
 */
public record Vfs(ActorRef<MountTable.Command> table, BlockFsDriver ext4, Tasks tasks, Semantics semantics) {
  public Vfs(ActorRef<MountTable.Command> table, BlockFsDriver ext4, Tasks tasks) {
    this(table, ext4, tasks, Semantics.STARRY);
  }

  // ---- FS_CONTEXT and path resolution ----

  /** {@code let ctx = FS_CONTEXT.lock(); body; drop(ctx)}: the lock is released on every path out of body. */
  public Code withCtx(Function<MountTable.Ctx, Code> body) {
    return Code.ask(table, MountTable.LockCtx::new, "FS_CONTEXT.lock",
        g -> Code.bind(body.apply(g),
            v -> Code.call(table, MountTable.UnlockCtx::new, "FS_CONTEXT.unlock", u -> Code.done(v))));
  }

  /** {@code FS_CONTEXT.lock().resolve(path)}: ends in {@code Ok(0, Location)}. */
  public Code resolve(String path) {
    return withCtx(ctx -> resolveIn(ctx, path, true));
  }

  /** {@code FS_CONTEXT.lock().resolve_no_follow(path)}. */
  public Code resolveNoFollow(String path) {
    return withCtx(ctx -> resolveIn(ctx, path, false));
  }

  /**
   * {@code ctx.resolve(path)} with the context held: a lookup at the directory's filesystem, then a
   * step onto whatever is mounted there, per component. Without symlinks, following and not following
   * the last component resolve alike. ".." is not modelled (EINVAL).
   */
  public Code resolveIn(MountTable.Ctx ctx, String path, boolean follow) {
    if (path.isEmpty()) {
      return Code.err(Errno.ENOENT);
    }
    List<String> parts = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.equals("..")) {
        return Code.err(Errno.EINVAL);
      }
      if (!p.isEmpty() && !p.equals(".")) {
        parts.add(p);
      }
    }
    return walk(path.startsWith("/") ? ctx.root() : ctx.cwd(), parts, 0);
  }

  private Code walk(Location at, List<String> parts, int i) {
    if (i == parts.size()) {
      return Code.done(SysResult.ok(0, at));
    }
    if (!at.node().isDir()) {
      return Code.err(Errno.ENOTDIR);
    }
    return FileSystem.node(at.fs().lookup(at.ino(), parts.get(i)),
        found -> MountTable.cross(table, at.mountId(), at.fs(), found, next -> walk(next, parts, i + 1)));
  }

  private static Location loc(SysResult.Ok ok) {
    return (Location) ok.data();
  }

  /**
   * {@code code} (a {@link #resolve}, {@link #open}, {@link #create} or {@link #mknod}), then {@code then} of
   * the {@link Location} it ended in; a failure ends the whole as it is. The typed way to read those results.
   */
  public static Code located(Code code, Function<Location, Code> then) {
    return Code.then(code, ok -> then.apply(loc(ok)));
  }

  /** {@link #located}, with {@code failed} of the error when {@code code} fails. */
  public static Code located(Code code, Function<SysResult.Err, Code> failed, Function<Location, Code> then) {
    return Code.bind(code, v -> v instanceof SysResult.Err e ? failed.apply(e) : located(Code.done(v), then));
  }

  private Code mountCall(Function<ActorRef<kernsim.dev.code.Reply<SysResult>>, MountTable.Command> request, String what) {
    return Code.call(table, request, what, Code::done);
  }

  private Code setReadonly(int mountId, boolean readonly) {
    return mountCall(r -> new MountTable.SetReadonly(mountId, readonly, r), "set_readonly");
  }

  // ---- sys_mount ----

  /** {@code sys_mount}; null strings are the source's null pointers. Ends in {@code Ok(0)} or {@code Err}. */
  public Code mount(String source, String target, String fsType, int flags, String data) {
    if (source == null || target == null) {
      return Code.err(Errno.EFAULT); // vm_load_string
    }
    String type = fsType == null ? "" : fsType;

    int propagation = flags & PROPAGATION_FLAGS;
    if (Integer.bitCount(propagation) > 1) {
      return Code.err(Errno.EINVAL);
    }
    if (propagation != 0) {
      int allowed = propagation | MS_REC | MS_SILENT;
      if ((flags & ~allowed) != 0) {
        return Code.err(Errno.EINVAL);
      }
      MountTable.Propagation p = switch (propagation) {
        case MS_SHARED -> MountTable.Propagation.SHARED;
        case MS_PRIVATE -> MountTable.Propagation.PRIVATE;
        case MS_SLAVE -> MountTable.Propagation.SLAVE;
        default -> MountTable.Propagation.UNBINDABLE;
      };
      return Code.then(resolve(target), ok -> {
        Location t = loc(ok);
        if (!t.rootOfMount()) {
          return Code.err(Errno.EINVAL);
        }
        return Code.then(mountCall(r -> new MountTable.SetPropagation(t.mountId(), p, r), "set_propagation"),
            x -> Code.ok(0));
      });
    }

    if ((flags & MS_REMOUNT) != 0) {
      return Code.then(resolve(target), ok -> {
        Location t = loc(ok);
        if (!t.rootOfMount()) {
          return Code.err(Errno.EINVAL);
        }
        if ((flags & MS_RDONLY) != 0) {
          return Code.then(setReadonly(t.mountId(), true), x -> Code.ok(0));
        }
        return Code.ok(0);
      });
    }

    if ((flags & MS_MOVE) != 0) {
      return withCtx(ctx -> Code.then(resolveIn(ctx, source, true),
          s -> Code.then(resolveIn(ctx, target, true),
              t -> Code.then(mountCall(r -> new MountTable.Move(loc(s), loc(t), r), "move_mount"),
                  x -> Code.ok(0)))));
    }

    if ((flags & MS_BIND) != 0) {
      return withCtx(ctx -> Code.then(resolveIn(ctx, source, true),
          s -> Code.then(resolveIn(ctx, target, true),
              t -> Code.then(
                  mountCall(r -> new MountTable.Bind(loc(s), loc(t), (flags & MS_REC) != 0, r), "bind_mount"),
                  mp -> (flags & MS_RDONLY) != 0
                      ? Code.then(setReadonly((int) mp.value(), true), x -> Code.ok(0))
                      : Code.ok(0)))));
    }

    return switch (type) {
      case "proc", "sysfs", "devtmpfs", "devpts", "tmpfs" ->
          mountNew(memfs(type, new TreeMap<>()), target, flags);
      case "cgroup2" -> mountNew(memfs("cgroup2", cgroupFiles()), target, flags);
      case "ext4" -> ext4 == null ? Code.err(Errno.ENODEV) : mountExt4(source, target, (flags & MS_RDONLY) != 0);
      case "overlay" -> mountOverlay(target, flags, data);
      default -> Code.err(Errno.ENODEV);
    };
  }

  private static MountTable.FsFactory memfs(String type, TreeMap<String, byte[]> files) {
    return (ctx, world, name) -> new TmpFs(type, ctx.spawn(MemFs.create(world, files), name));
  }

  /** {@code new_cgroup2fs()}: enough of cgroup2 to be told apart, its controllers file. */
  private static TreeMap<String, byte[]> cgroupFiles() {
    TreeMap<String, byte[]> files = new TreeMap<>();
    files.put("cgroup.controllers", "cpu io memory pids\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return files;
  }

  /**
   * The pseudo filesystems and cgroup2: {@code let fs = MemoryFs::new(); let target =
   * FS_CONTEXT.lock().resolve(target)?; let mp = target.mount(&fs)?; if RDONLY { mp.set_readonly(true) }}
   * — the context is dropped before the mount, so another hart can mount in between.
   */
  private Code mountNew(MountTable.FsFactory factory, String target, int flags) {
    return MountTable.spawn(table, factory, fs -> {
      return Code.then(resolve(target),
          t -> Code.then(mountCall(r -> new MountTable.Mount(loc(t), fs, r), "mount"),
              mp -> (flags & MS_RDONLY) != 0
                  ? Code.then(setReadonly((int) mp.value(), true), x -> Code.ok(0))
                  : Code.ok(0)));
    });
  }

  /**
   * {@code mount_ext4}, all with FS_CONTEXT held: resolve the source, check it is a device (ENODEV),
   * the driver (loop check, block handle, filesystem), resolve the target, mount (any error is EIO; a
   * failure from here to the mount releases the filesystem, as the source drops it on return),
   * {@code set_readonly(readonly)}, resolve the target again and put the write-back callback in that
   * mount's user_data.
   */
  private Code mountExt4(String source, String target, boolean readonly) {
    return withCtx(ctx -> Code.then(resolveIn(ctx, source, true), s -> {
      Location src = loc(s);
      if (src.kind() != FileSystem.Kind.DEVICE) {
        return Code.err(Errno.ENODEV);
      }
      kernsim.fs.file.DeviceNode node = src.node().device();
      return ext4.mount(node == null ? null : node.block(), readonly, table, mounted -> {
        // `?` after this point drops `fs`, and with it the loop adapter, before returning the error.
        Function<Errno, Code> dropFs = e -> Code.bind(mounted.fs().release(), x -> Code.err(e));
        return located(resolveIn(ctx, target, true), e -> dropFs.apply(e.errno()), t -> {
          return Code.bind(mountCall(r -> new MountTable.Mount(t, mounted.fs(), r), "mount"), mv -> {
            if (!(mv instanceof SysResult.Ok mp)) {
              return dropFs.apply(Errno.EIO);
            }
            Function<Integer, Code> insert = id -> {
              Supplier<Code> wb = mounted.writeback();
              if (wb == null) {
                return Code.ok(0);
              }
              return Code.then(mountCall(r -> new MountTable.SetWriteback(id, wb, r), "user_data.insert"),
                  y -> Code.ok(0));
            };
            if (semantics.has(Fix.MOUNT_RESOLVE_ONCE)) {
              // The patch: the callback goes on the mountpoint target.mount() returned.
              return Code.then(setReadonly((int) mp.value(), readonly), x -> insert.apply((int) mp.value()));
            }
            return Code.then(setReadonly((int) mp.value(), readonly),
                x -> Code.then(resolveIn(ctx, target, true), rootOk -> insert.apply(loc(rootOk).mountId())));
          });
        });
      });
    }));
  }

  /**
   * The overlay arm: parse the options, then with FS_CONTEXT held resolve each lower dir, the upper and
   * work dirs, make the filesystem, resolve the target, mount, and set read-only when there is no upper
   * dir or MS_RDONLY.
   */
  private Code mountOverlay(String target, int flags, String data) {
    Object parsed = Overlay.parseOptions(data);
    if (parsed instanceof Errno e) {
      return Code.err(e);
    }
    Overlay.Options o = (Overlay.Options) parsed;
    return withCtx(ctx -> resolveAll(ctx, o.lowerDirs(), 0, new ArrayList<>(), lowers -> {
      Code upper = o.upperDir() == null ? Code.ok(0) : resolveIn(ctx, o.upperDir(), true);
      return Code.then(upper, u -> {
        Code work = o.workDir() == null ? Code.ok(0) : resolveIn(ctx, o.workDir(), true);
        return Code.then(work, w -> {
          boolean readonly = o.upperDir() == null;
          for (Location l : lowers) {
            if (!l.node().isDir()) {
              return Code.err(Errno.ENOTDIR); // new_overlayfs wants directories
            }
          }
          if (o.upperDir() != null && !loc(u).node().isDir()) {
            return Code.err(Errno.ENOTDIR);
          }
          FileSystem fs = new Overlay.Fs(lowers, o.upperDir() == null ? null : loc(u));
          return Code.then(resolveIn(ctx, target, true),
              t -> Code.then(mountCall(r -> new MountTable.Mount(loc(t), fs, r), "mount"),
                  mp -> readonly || (flags & MS_RDONLY) != 0
                      ? Code.then(setReadonly((int) mp.value(), true), x -> Code.ok(0))
                      : Code.ok(0)));
        });
      });
    }));
  }

  /** Resolves each of {@code paths} in order, then {@code then} of their locations; the first failure ends it. */
  private Code resolveAll(MountTable.Ctx ctx, List<String> paths, int i, List<Location> acc,
      Function<List<Location>, Code> then) {
    if (i == paths.size()) {
      return then.apply(List.copyOf(acc));
    }
    return located(resolveIn(ctx, paths.get(i), true), l -> {
      List<Location> more = new ArrayList<>(acc);
      more.add(l);
      return resolveAll(ctx, paths, i + 1, more, then);
    });
  }

  // ---- sys_umount2 ----

  /** {@code sys_umount2}. Ends in {@code Ok(0)} or {@code Err}. */
  public Code umount2(String target, int flags) {
    if (target == null) {
      return Code.err(Errno.EFAULT);
    }
    if ((flags & ~VALID_UMOUNT_FLAGS) != 0) {
      return Code.err(Errno.EINVAL);
    }
    if ((flags & MNT_EXPIRE) != 0 && (flags & (MNT_FORCE | MNT_DETACH)) != 0) {
      return Code.err(Errno.EINVAL);
    }
    Code resolved = (flags & UMOUNT_NOFOLLOW) != 0 ? resolveNoFollow(target) : resolve(target);
    return Code.then(resolved, ok -> {
      Location t = loc(ok);
      // Linux umount2 returns EINVAL for paths that are not mount points.
      if (!t.rootOfMount()) {
        return Code.err(Errno.EINVAL);
      }
      int id = t.mountId();
      Code expire = (flags & MNT_EXPIRE) == 0
          ? Code.ok(0)
          : Code.then(mountCall(r -> new MountTable.MarkExpired(id, r), "mark_expired"),
              was -> was.value() == 1 ? Code.ok(0) : Code.err(Errno.EAGAIN));
      return Code.then(expire, x -> {
        if ((flags & MNT_DETACH) != 0) {
          // target.detach_mount()?; return Ok(0): no busy check, no write-back callback.
          return MountTable.detach(table, id, gone -> Code.bind(settleDetached(gone, 0), z -> Code.ok(0)));
        }
        return Code.bind(isMountBusy(id), busy -> {
          if (Boolean.TRUE.equals(busy)) {
            return Code.err(Errno.EBUSY);
          }
          return MountTable.writeback(table, id,
              wb -> MountTable.unmount(table, id,
                  // unmount() drops the filesystem (ext4: its umount, then the loop adapter) before the callback.
                  dropped -> Code.bind(release(dropped), released -> wb.isEmpty()
                      ? Code.ok(0)
                      // After unmount, filesystem block I/O has stopped: write back, and return its error.
                      : Code.then(wb.get().get(), z -> Code.ok(0)))));
        });
      });
    });
  }

  /**
   * The lazy part of {@code detach_mount}: each detached mount (in id order) lives on while processes
   * hold fds on it, as the source's open files hold {@code Arc<Mountpoint>} clones. The holders are
   * counted (one FD_TABLE region per task, {@link Tasks#holdMount}); a mount none holds is let go now,
   * its filesystem released on this hart (ext4's unmount, then the loop adapter's drop); otherwise the
   * holder whose close drops the last fd on it releases it ({@link #putDetached}). Ends in {@code Ok(0)}.
   */
  private Code settleDetached(List<Integer> gone, int i) {
    if (i == gone.size()) {
      return Code.ok(0);
    }
    int id = gone.get(i);
    return Code.bind(tasks.holdMount(id), n -> MountTable.held(table, id, (Integer) n,
        dropped -> Code.bind(release(dropped), z -> settleDetached(gone, i + 1))));
  }

  /**
   * A process closed its last fd on detached mount {@code mountId}: that reference goes, and when it was
   * the mount's last, the filesystem is released on the closing hart. Ends in {@code Ok(0)}.
   */
  public Code putDetached(int mountId) {
    return MountTable.put(table, mountId, dropped -> release(dropped));
  }

  /** Releases, in order, the filesystems an Unmount, Held or Put dropped. Ends in {@code Ok(0)}. */
  private static Code release(List<FileSystem> dropped) {
    return Code.forEach(0, dropped.size(), i -> Code.bind(dropped.get(i).release(), v -> Code.ok(0)));
  }

  /** {@code is_mount_busy}: the vfs's own check, then every task's fds (ends in {@code Done(Boolean)}). */
  public Code isMountBusy(int mountId) {
    return Code.then(mountCall(r -> new MountTable.IsBusy(mountId, r), "fs_is_mount_busy"),
        b -> b.value() == 1 ? Code.done(Boolean.TRUE) : tasks.usesMount(mountId));
  }

  // ---- sys_pivot_root ----

  /** {@code sys_pivot_root}, its checks in the source's order. Ends in {@code Ok(0)} or {@code Err}. */
  public Code pivotRoot(String newRoot, String putOld) {
    if (newRoot == null || putOld == null) {
      return Code.err(Errno.EFAULT);
    }
    // put_old must be at or under new_root, separator-aware (trim_end_matches('/') trims them all).
    String nr = newRoot.replaceAll("/+$", "");
    String nrSlash = nr + "/";
    if (!(putOld.equals(nr) || putOld.startsWith(nrSlash))) {
      return Code.err(Errno.EINVAL);
    }
    if (newRoot.equals("/")) {
      return Code.err(Errno.EINVAL);
    }
    Code pivot = withCtx(ctx -> {
      if (!ctx.root().rootOfMount()) {
        return Code.err(Errno.EINVAL);
      }
      return Code.then(resolveIn(ctx, newRoot, true), n -> {
        Location newLoc = loc(n);
        if (!newLoc.node().isDir()) {
          return Code.err(Errno.ENOTDIR);
        }
        return Code.then(resolveIn(ctx, putOld, true), p -> {
          Location oldLoc = loc(p);
          if (!oldLoc.node().isDir()) {
            return Code.err(Errno.ENOTDIR);
          }
          if (!newLoc.rootOfMount()) {
            return Code.err(Errno.EINVAL); // not the root of a mounted filesystem
          }
          Location oldRoot = ctx.root();
          return MountTable.pivot(table, newLoc, oldLoc,
              ctx2 -> Code.done(SysResult.ok(0, new Pivoted(oldRoot, ctx2.root()))));
        });
      });
    });
    // The context is dropped before touching other tasks.
    return Code.then(pivot, ok -> {
      if (!(ok.data() instanceof Pivoted p)) {
        throw new IllegalStateException("pivot_root ended in no roots: " + ok);
      }
      return Code.then(tasks.propagatePivotRoot(p.oldRoot(), p.newRoot()), x -> Code.ok(0));
    });
  }

  /** What {@link #pivotRoot} carries past the context's unlock: the old root and the new one. */
  private record Pivoted(Location oldRoot, Location newRoot) {}

  // ---- helpers for scenarios (not part of starry-mount.rs) ----

  /** The parent directory's path and the last name of {@code path}; null when there is no last name. */
  private static String[] split(String path) {
    String p = path.replaceAll("/+$", "");
    int slash = p.lastIndexOf('/');
    String name = p.substring(slash + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return null;
    }
    String parent = slash < 0 ? "." : slash == 0 ? "/" : p.substring(0, slash);
    return new String[] {parent, name};
  }

  /** {@code mnt_want_write}: EROFS on a read-only mount. */
  private Code wantWrite(int mountId) {
    return mountCall(r -> new MountTable.WantWrite(mountId, r), "mnt_want_write");
  }

  /** The parent's location resolved with the context held, then {@code op(parent, name)} after it is dropped. */
  private Code inParent(String path, boolean write, java.util.function.BiFunction<Location, String, Code> op) {
    String[] pn = split(path);
    if (pn == null) {
      return Code.err(Errno.EEXIST);
    }
    return Code.then(resolve(pn[0]), ok -> {
      Location dir = loc(ok);
      if (!dir.node().isDir()) {
        return Code.err(Errno.ENOTDIR);
      }
      return write ? Code.then(wantWrite(dir.mountId()), x -> op.apply(dir, pn[1])) : op.apply(dir, pn[1]);
    });
  }

  /** mkdir: ends in {@code Ok(ino, Location)}. */
  public Code mkdir(String path) {
    return inParent(path, true, (dir, name) -> located(dir, dir.fs().mkdir(dir.ino(), name)));
  }

  /** open(O_CREAT|O_EXCL) of a regular file: ends in {@code Ok(ino, Location)}; the node carries the file's owner. */
  public Code create(String path) {
    return inParent(path, true, (dir, name) -> located(dir, dir.fs().create(dir.ino(), name)));
  }

  /**
   * open(O_CREAT) without O_EXCL: the parent resolved once, the file created in it, or, when the name
   * exists there, looked up in that same parent (crossing a mount on it): ends in {@code Ok(ino,
   * Location)}. One walk, not a create and then a second walk of the whole path, so a mount attached over
   * the parent in between is not crossed halfway (docs/model.md, "open(O_CREAT)").
   */
  public Code createOrOpen(String path) {
    if (split(path) == null) {
      return open(path); // no last name ("/", "."): create's EEXIST, then the path itself
    }
    return inParent(path, true, (dir, name) -> Code.bind(located(dir, dir.fs().create(dir.ino(), name)),
        r -> r instanceof SysResult.Err e && e.errno() == Errno.EEXIST ? walk(dir, List.of(name), 0) : Code.done(r)));
  }

  /** mknod of a device node naming {@code device}: ends in {@code Ok(ino, Location)}. */
  public Code mknod(String path, kernsim.fs.file.DeviceNode device) {
    return inParent(path, true, (dir, name) -> located(dir, dir.fs().mknod(dir.ino(), name, device)));
  }

  /**
   * The kernel's own removal of a node (devtmpfs and sysfs when a disk goes away): {@code path}'s entry,
   * an empty directory if {@code directory}; no write access is needed. Ends in {@code Ok(0)}.
   */
  public Code remove(String path, boolean directory) {
    return inParent(path, false, (dir, name) -> dir.fs().remove(dir.ino(), name, directory));
  }

  private static Code located(Location dir, Code fsOp) {
    return Code.then(fsOp, ok -> FileSystem.node(Code.done(ok),
        n -> Code.done(SysResult.ok(ok.value(), new Location(dir.mountId(), dir.fs(), n, false)))));
  }

  /**
   * An overlay's copy-up of the lower regular file {@code lower} that {@code path} names (an open for
   * writing): the parent resolved with the context held and {@code mnt_want_write}, then
   * {@link Overlay.Fs#copyUp}; ends in {@code Ok(ino, Location)} of the copy in the upper dir.
   */
  public Code copyUp(String path, FileSystem.Node lower) {
    return inParent(path, true, (dir, name) -> dir.fs() instanceof Overlay.Fs o
        ? located(dir, o.copyUp(dir.ino(), name, lower)) : Code.err(Errno.EROFS));
  }

  /** open of an existing path: ends in {@code Ok(0, Location)} (registering the fd is the caller's). */
  public Code open(String path) {
    return resolve(path);
  }

  /** readdir of a directory: ends in {@code Ok(n, List<String>)}. */
  public Code readdir(String path) {
    return Code.then(resolve(path), ok -> {
      Location d = loc(ok);
      return d.node().isDir() ? d.fs().readdir(d.ino()) : Code.err(Errno.ENOTDIR);
    });
  }

  /** chdir: resolve and set the cwd with the context held. */
  public Code chdir(String path) {
    return withCtx(ctx -> Code.then(resolveIn(ctx, path, true), ok -> {
      Location d = loc(ok);
      if (!d.node().isDir()) {
        return Code.err(Errno.ENOTDIR);
      }
      return Code.then(mountCall(r -> new MountTable.SetCwd(d, r), "set_cwd"), x -> Code.ok(0));
    }));
  }

  /** The mount table as a list of {@link MountTable.MountInfo}: ends in {@code Ok(n, List)}. */
  public Code mounts() {
    return mountCall(MountTable.Mounts::new, "mounts");
  }
}
