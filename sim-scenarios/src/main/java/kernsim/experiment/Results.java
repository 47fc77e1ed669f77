package kernsim.experiment;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/** {@code results.csv}: one {@link Row} per cell, with a header line of {@link Row#COLUMNS}. */
public final class Results {
  /** The results' file name in an experiment's directory. */
  public static final String FILE = "results.csv";
  /** Where rows of cells that are no longer in the plan go when it is run again. */
  public static final String STALE = "stale.csv";

  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  private Results() {}

  /** A CSV file that is not an experiment's results (other columns, a bad value). */
  public static final class BadResults extends Exception {
    private static final long serialVersionUID = 1L;

    BadResults(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The rows of {@code file}, in its order; none if there is no such file. */
  public static List<Row> read(Path file) throws IOException, BadResults {
    List<Row> rows = new ArrayList<>();
    if (!Files.exists(file)) {
      return rows;
    }
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      if (!p.getHeaderNames().equals(Row.COLUMNS)) {
        throw new BadResults(file + ": not an experiment's results (its columns are " + p.getHeaderNames()
            + ", expected " + Row.COLUMNS + "); move it away or use another output directory", null);
      }
      for (CSVRecord rec : p) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String c : Row.COLUMNS) {
          m.put(c, rec.isSet(c) ? rec.get(c) : "");
        }
        try {
          rows.add(Row.of(m));
        } catch (RuntimeException e) {
          throw new BadResults(file + ":" + p.getCurrentLineNumber() + ": a bad row (" + e.getMessage()
              + "); fix or remove it", e);
        }
      }
    } catch (java.io.UncheckedIOException e) {
      throw new BadResults(file + ": not a CSV file: " + e.getMessage(), e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new BadResults(file + ": not an experiment's results: " + e.getMessage(), e);
    }
    return rows;
  }

  /** Replaces {@code file} by {@code rows} (written beside it, then moved over it). */
  public static void write(Path file, List<Row> rows) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); CSVPrinter p = new CSVPrinter(w, FORMAT)) {
      p.printRecord(Row.COLUMNS);
      for (Row r : rows) {
        p.printRecord(r.values());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Appends {@code rows} to {@code file}, with a header line first if the file is new. */
  public static void append(Path file, List<Row> rows) throws IOException {
    boolean fresh = !Files.exists(file) || Files.size(file) == 0;
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND); CSVPrinter p = new CSVPrinter(w, FORMAT)) {
      if (fresh) {
        p.printRecord(Row.COLUMNS);
      }
      for (Row r : rows) {
        p.printRecord(r.values());
      }
    }
  }
}
