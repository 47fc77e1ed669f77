package kernsim.actors;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Reads and writes traces with Kryo's streams: a magic, variable-length ints and strings, and a
 * CRC-32 of everything before it at the end, so truncation and corruption are told apart from a
 * trace that merely does not match.
 *
 * <pre>
 * magic "KSIMTRACE" | format varint | header | keys | choices | footer | crc32 (4 bytes)
 * </pre>
 */
public final class TraceCodec {
  private static final byte[] MAGIC = "KSIMTRACE".getBytes(StandardCharsets.US_ASCII);

  private TraceCodec() {}

  public static byte[] encode(Trace t) {
    Output out = new Output(256, -1);
    out.writeBytes(MAGIC);
    Trace.Header h = t.header();
    out.writeVarInt(h.formatVersion(), true);
    out.writeString(h.modelVersion());
    out.writeString(h.scenario());
    out.writeString(h.scenarioHash());
    out.writeString(h.text());
    out.writeString(h.strategy());
    out.writeVarLong(h.seed(), false);
    out.writeVarInt(h.iteration(), true);
    out.writeVarInt(h.options().size(), true);
    for (Map.Entry<String, String> e : h.options().entrySet()) {
      out.writeString(e.getKey());
      out.writeString(e.getValue());
    }
    out.writeVarInt(t.keys().size(), true);
    for (String k : t.keys()) {
      out.writeString(k);
    }
    int[] c = t.choices();
    out.writeVarInt(c.length, true);
    for (int v : c) {
      out.writeVarInt(v, true);
    }
    Trace.Footer f = t.footer();
    out.writeVarInt(f.steps(), true);
    out.writeString(f.outcome());
    out.writeString(f.eventLogHash());
    CRC32 crc = new CRC32();
    crc.update(out.getBuffer(), 0, out.position());
    out.writeInt((int) crc.getValue());
    return out.toBytes();
  }

  public static Trace decode(byte[] bytes, String source) throws TraceFormatException {
    if (bytes.length < MAGIC.length + 4 || !startsWithMagic(bytes)) {
      throw new TraceFormatException(source + ": not a kernsim trace (no KSIMTRACE header)");
    }
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - 4);
    int stored;
    try (Input tail = new Input(bytes, bytes.length - 4, 4)) {
      stored = tail.readInt();
    }
    if ((int) crc.getValue() != stored) {
      throw new TraceFormatException(source + ": the trace is truncated or corrupt (checksum mismatch over "
          + bytes.length + " bytes)");
    }
    try (Input in = new Input(bytes, MAGIC.length, bytes.length - MAGIC.length - 4)) {
      int format = in.readVarInt(true);
      if (format != Trace.FORMAT_VERSION) {
        throw new TraceFormatException(source + ": trace format " + format
            + " is not supported (this kernsim reads format " + Trace.FORMAT_VERSION + ")");
      }
      String model = in.readString();
      String scenario = in.readString();
      String scenarioHash = in.readString();
      String text = in.readString();
      String strategy = in.readString();
      long seed = in.readVarLong(false);
      int iteration = in.readVarInt(true);
      int nOptions = count(in, "options", source);
      TreeMap<String, String> options = new TreeMap<>();
      for (int i = 0; i < nOptions; i++) {
        options.put(in.readString(), in.readString());
      }
      int nKeys = count(in, "actor keys", source);
      List<String> keys = new ArrayList<>(nKeys);
      for (int i = 0; i < nKeys; i++) {
        keys.add(in.readString());
      }
      int nChoices = count(in, "choices", source);
      int[] choices = new int[nChoices];
      for (int i = 0; i < nChoices; i++) {
        choices[i] = in.readVarInt(true);
      }
      checkChoices(choices, nKeys, source);
      Trace.Footer footer = new Trace.Footer(in.readVarInt(true), in.readString(), in.readString());
      if (in.position() != bytes.length - 4) {
        throw new TraceFormatException(source + ": trailing bytes after the trace footer");
      }
      return new Trace(
          new Trace.Header(format, model, scenario, scenarioHash, text, strategy, seed, iteration, options),
          keys, choices, footer);
    } catch (KryoException | NullPointerException e) {
      throw new TraceFormatException(source + ": the trace is corrupt (" + e.getMessage() + ")");
    }
  }

  /** Every actor choice names a key of the table, and every integer choice is followed by its bound. */
  private static void checkChoices(int[] choices, int nKeys, String source) throws TraceFormatException {
    for (int i = 0; i < choices.length; i++) {
      int v = choices[i];
      if ((v & 3) == ChoiceLog.ACTOR && (v >>> 2) >= nKeys) {
        throw new TraceFormatException(source + ": the trace is corrupt (choice " + i + " names actor key "
            + (v >>> 2) + ", but its key table has " + nKeys + (nKeys == 1 ? " key)" : " keys)"));
      }
      if ((v & 3) == ChoiceLog.INT) {
        if (i + 1 >= choices.length || choices[i + 1] <= (v >>> 2)) {
          throw new TraceFormatException(source + ": the trace is corrupt (integer choice " + i
              + " has no bound above its value)");
        }
        i++; // the bound
      }
    }
  }

  private static int count(Input in, String what, String source) throws TraceFormatException {
    int n = in.readVarInt(true);
    if (n < 0 || n > in.limit()) {
      throw new TraceFormatException(source + ": the trace is corrupt (impossible number of " + what + ": " + n + ")");
    }
    return n;
  }

  private static boolean startsWithMagic(byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  public static void write(Trace t, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(file, encode(t));
  }

  public static Trace read(Path file) throws IOException, TraceFormatException {
    return decode(BoundedFiles.read(file, BoundedFiles.TRACE_LIMIT, "trace"), file.toString());
  }
}
