package kernsim.dev.loop;

import java.util.Objects;
import kernsim.dev.file.BackingFile;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A backing file as the loop device holds it (the source's {@code FileBackend}): the file's owner, its
 * path (for reports; the source does not store it in {@code file_name}), and whether the fd it came
 * from was opened {@code O_RDONLY}.
 */
public record BoundFile(ActorRef<BackingFile.Command> ref, String path, boolean readOnlyOpen) {
  public BoundFile {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(path, "path");
  }
}
