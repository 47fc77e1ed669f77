package kernsim.conform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** util-linux's own view, a second witness beside {@link HostState}: {@code losetup -a} and {@code /proc/mounts}. */
final class Losetup {
  private Losetup() {}

  static Optional<Path> binary() {
    return List.of(Path.of("/usr/sbin/losetup"), Path.of("/sbin/losetup"), Path.of("/usr/bin/losetup")).stream()
        .filter(Files::isExecutable).findFirst();
  }

  /** The lines of {@code losetup -a} that name {@code text} (a sandbox's root, a device); empty without losetup. */
  static List<String> linesWith(String text) throws IOException, InterruptedException {
    Optional<Path> bin = binary();
    if (bin.isEmpty()) {
      return List.of();
    }
    Process p = new ProcessBuilder(bin.get().toString(), "-a").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "losetup -a finished");
    return out.lines().filter(l -> l.contains(text)).collect(Collectors.toList());
  }

  /** The lines of {@code /proc/mounts} that name {@code text}. */
  static List<String> mountsWith(String text) throws IOException {
    return Files.readAllLines(Path.of("/proc/mounts")).stream().filter(l -> l.contains(text))
        .collect(Collectors.toList());
  }
}
