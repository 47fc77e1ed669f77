package kernsim.scenario;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads scenario files ({@code .ksim}): the language is described in docs/scenarios.md. Every mistake
 * in a file is a {@link ScenarioException} naming its file, line and column; nothing else escapes.
 */
public final class Scenarios {
  /** The oracle names an {@code expect} line may give (besides {@code none}): every oracle's. */
  public static final List<String> ORACLES = kernsim.oracle.Oracles.NAMES;

  private Scenarios() {}

  /** Parses and compiles {@code text}, which came from {@code file} (used in messages and as the default name). */
  public static Scenario parse(String text, String file) throws ScenarioException {
    return parse(text, file, java.util.Set.of(), java.util.Set.of());
  }

  /**
   * The same, with client options turned on ({@code on}) and off ({@code off}) for every statement, on top of
   * the text's {@code client-option} lines: the command line's {@code --client-option}, a trace header's.
   */
  public static Scenario parse(String text, String file, java.util.Set<String> on, java.util.Set<String> off)
      throws ScenarioException {
    java.util.Objects.requireNonNull(text, "text");
    String f = file == null ? "<input>" : file;
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    try {
      return new Parser(new Source(f, t), false, on, off).parse(text);
    } catch (RuntimeException | StackOverflowError e) {
      // A bug of ours, not the user's: still reported as a ScenarioException, and visibly so.
      throw new ScenarioException(f, "internal error while reading the scenario: " + e, e);
    }
  }

  /**
   * One statement as a hart's line writes it ({@code fd = open("/mnt/f", O_RDWR)}), compiled on its own:
   * a name that is no constant is taken for a variable, set or not (so {@code close(nothing)} is the
   * close of an fd variable never set). For tests and tools that write calls as text.
   */
  public static kernsim.cpu.Stmt statement(String line) throws ScenarioException {
    Parser p = new Parser(new Source("<statement>", "hart 1:\n  " + line + "\n"), true);
    return p.parse("hart 1:\n  " + line + "\n").harts().get(0).get(0);
  }

  /** Reads {@code path} as UTF-8 and parses it; an unreadable file is a ScenarioException too. */
  public static Scenario load(Path path) throws ScenarioException {
    String file = path.toString();
    byte[] bytes;
    try {
      bytes = kernsim.actors.BoundedFiles.read(path, kernsim.actors.BoundedFiles.SCENARIO_LIMIT, "scenario");
    } catch (IOException | RuntimeException e) {
      throw new ScenarioException(file, "cannot read the file: " + describe(e), e);
    }
    return parse(utf8(bytes, file), file);
  }

  /** {@code bytes} as UTF-8 text; the first byte that is not is an error at its line and column. */
  static String utf8(byte[] bytes, String file) throws ScenarioException {
    java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = d.decode(in, out, true);
    if (!r.isError()) {
      r = d.flush(out);
    }
    if (r.isError()) {
      int at = in.position(); // the first byte of the sequence that is not UTF-8
      int lineStart = 0;
      int line = 1;
      for (int i = 0; i < at; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      int lineEnd = lineStart;
      while (lineEnd < bytes.length && bytes[lineEnd] != '\n') {
        lineEnd++;
      }
      String before = new String(bytes, lineStart, at - lineStart, StandardCharsets.UTF_8);
      String shown = new String(bytes, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8).replace("\r", "");
      throw new ScenarioException(file, line, before.length() + 1, String.format(java.util.Locale.ROOT,
          "byte 0x%02X is not UTF-8 text (a scenario file is UTF-8)", bytes[at] & 0xFF), shown);
    }
    out.flip();
    return out.toString();
  }

  private static String describe(Exception e) {
    String kind = e instanceof java.nio.file.NoSuchFileException ? "no such file"
        : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null ? fse.getReason()
        : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return kind;
  }
}
