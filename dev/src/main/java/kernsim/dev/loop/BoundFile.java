package kernsim.dev.loop;

import java.util.Objects;
import kernsim.dev.file.BackingFile;
import kernsim.dev.file.FileBackend;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A backing file as the loop device holds it: {@code ref} is the source's {@code FileBackend} (a tmpfs
 * file's actor, a file on ext4, a device node: {@link FileBackend}), {@code path} the path it was opened
 * by (for reports; the source does not store it in {@code file_name}), and whether the fd it came from
 * was opened {@code O_RDONLY}. A tmpfs file's backend renders as its actor's key, as before.
 */
public record BoundFile(FileBackend ref, String path, boolean readOnlyOpen) {
  public BoundFile {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(path, "path");
  }

  /** A tmpfs file (a file actor). */
  public BoundFile(ActorRef<BackingFile.Command> file, String path, boolean readOnlyOpen) {
    this(FileBackend.of(file), path, readOnlyOpen);
  }

  /** The file's name in observations ({@link FileBackend#key}). */
  public String key() {
    return ref.key();
  }
}
