package kernsim.fs.vfs;

import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.fs.memfs.MemFs;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A stand-in for ext4 on a loop device: the device node names a backing file directly; the
 * "filesystem" is a fresh MemFs typed "ext4" (a {@link TrackedFs}, so its release is observed), and the
 * write-back callback syncs the backing file (what {@code flush_cache_to_file} ends in), so its EIO can
 * be injected with the file's faults.
 */
record FakeExt4() implements BlockFsDriver {
  @Override
  public Code mount(Object device, boolean readonly, ActorRef<MountTable.Command> table) {
    if (!(device instanceof ActorRef<?> ref)) {
      return Code.err(Errno.ENODEV); // not a loop device
    }
    @SuppressWarnings("unchecked")
    ActorRef<BackingFile.Command> file = (ActorRef<BackingFile.Command>) ref;
    return Code.then(
        MountTable.spawn(table,
            (ctx, w, name) -> new TrackedFs(new TmpFs("ext4", ctx.spawn(MemFs.create(w), name)), w, name)),
        ok -> Code.done(SysResult.ok(0, new Mounted((FileSystem) ok.data(),
            () -> Code.sleepingCall(file, BackingFile.Sync::new, "flush_cache_to_file", Code::done)))));
  }
}
