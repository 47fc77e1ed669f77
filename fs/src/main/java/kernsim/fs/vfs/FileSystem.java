package kernsim.fs.vfs;

import java.util.List;
import kernsim.dev.Errno;
import kernsim.dev.code.Code;
import kernsim.dev.file.BackingFile;
import kernsim.fs.file.DeviceNode;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A mounted filesystem as the VFS sees it (axfs-ng's {@code Filesystem} plus the directory operations
 * path resolution and the scenario helpers need). Implementations are immutable handles, usually a
 * record around the actor that owns the filesystem's data; every operation is {@link Code} whose
 * regions are messages to that owner.
 *
 * <p>Results: {@code lookup}, {@code mkdir}, {@code create} end in {@code Ok(ino, Node)};
 * {@code readdir} in {@code Ok(count, List<String>)} (sorted); failures in {@code Err(errno)}.
 */
public interface FileSystem {
  enum Kind {
    DIR,
    FILE,
    DEVICE
  }

  /**
   * An inode as a directory entry names it. {@code file} is a regular file's data owner (a backing file
   * for a loop device), {@code device} the handle a device node names; each is null otherwise.
   */
  record Node(long ino, Kind kind, ActorRef<BackingFile.Command> file, DeviceNode device) {
    public boolean isDir() {
      return kind == Kind.DIR;
    }
  }

  /**
   * Continues with the {@link Node} an operation ending in {@code Ok(ino, Node)} found or made
   * ({@code lookup}, {@code mkdir}, {@code create}, {@code mknod}); an error ends the chain.
   */
  static Code node(Code op, java.util.function.Function<Node, Code> then) {
    return Code.then(op, ok -> {
      if (!(ok.data() instanceof Node n)) {
        throw new IllegalStateException("a filesystem operation answered no node: " + ok);
      }
      return then.apply(n);
    });
  }

  /** Continues with the names an operation ending in {@code Ok(count, List<String>)} ({@code readdir}) gave. */
  static Code names(Code readdir, java.util.function.Function<List<String>, Code> then) {
    return Code.then(readdir, ok -> {
      List<String> out = new java.util.ArrayList<>();
      if (ok.data() instanceof List<?> l) {
        l.forEach(o -> out.add(String.valueOf(o)));
      }
      return then.apply(List.copyOf(out));
    });
  }

  /** The type name as {@code /proc/mounts} would show it ("tmpfs", "ext4", "overlay", …). */
  String type();

  /** The root directory's inode number. */
  long rootIno();

  Code lookup(long dir, String name);

  Code readdir(long dir);

  default Code mkdir(long dir, String name) {
    return Code.err(Errno.EROFS);
  }

  default Code create(long dir, String name) {
    return Code.err(Errno.EROFS);
  }

  /**
   * Removes {@code name} from directory {@code dir}: an empty directory ({@code directory}) or anything
   * else; only pseudo filesystems can (devtmpfs and sysfs, when a disk goes away). Ends in {@code Ok(0)}.
   */
  default Code remove(long dir, String name, boolean directory) {
    return Code.err(Errno.EPERM);
  }

  /** Makes a device node naming {@code device}; only pseudo filesystems (devtmpfs) can. */
  default Code mknod(long dir, String name, DeviceNode device) {
    return Code.err(Errno.EPERM);
  }

  /**
   * The source's drop of the {@code Filesystem}, run by the hart whose call dropped the last mount of
   * it: {@code sys_umount2} right after the unmount region and before the write-back callback (the
   * source drops it inside {@code target.unmount()}), {@code MNT_DETACH} after the detach (no callback),
   * and {@code mount_ext4} when it fails after the driver made the filesystem. A filesystem still
   * mounted elsewhere (a bind mount) is not dropped. Ends in {@code Ok(0)}; a drop cannot fail.
   */
  default Code release() {
    return Code.ok(0);
  }
}
