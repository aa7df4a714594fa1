package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The CSV files of a clip folder and a composed dataset, read and written with Commons CSV (RFC
 * 4180: a value holding a comma, quote or line break is quoted).
 */
final class CsvFiles {
  /** A header row, blank lines skipped, values trimmed. */
  private static final CSVFormat READ =
      CSVFormat.DEFAULT
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .setIgnoreEmptyLines(true)
          .setTrim(true)
          .get();

  /** LF line ends like the rest of the files here; quotes only where a value needs them. */
  private static final CSVFormat WRITE = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

  private CsvFiles() {}

  /** One data row and the file line it starts on. */
  record Row(int line, CSVRecord record) {
    /**
     * The value of a column.
     *
     * @throws IllegalArgumentException if the row is shorter than the header
     */
    String get(String column) {
      return record.get(column);
    }
  }

  /** A whole file: the header's column names (empty for an empty file) and the data rows. */
  record Table(List<String> header, List<Row> rows) {}

  /**
   * Reads a CSV file with a header row.
   *
   * @param what what the file is, for messages ("labels", "manifest")
   * @throws IngestException naming the file (and the line, where the CSV is malformed)
   */
  static Table read(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IngestException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    }
    try (CSVParser parser = CSVParser.parse(text, READ)) {
      List<Row> rows = new ArrayList<>();
      int line = 1;
      int scanned = 0;
      for (CSVRecord r : parser) {
        // positions only grow: count the line breaks up to this record's start once
        for (long start = r.getCharacterPosition(); scanned < start; scanned++) {
          if (text.charAt(scanned) == '\n') {
            line++;
          }
        }
        // the position is where the previous record ended: skip the empty lines before this one
        for (; scanned < text.length() && isLineBreak(text.charAt(scanned)); scanned++) {
          if (text.charAt(scanned) == '\n') {
            line++;
          }
        }
        if (r.size() == 1 && r.get(0).isEmpty()) {
          continue; // a line of blanks
        }
        rows.add(new Row(line, r));
      }
      return new Table(List.copyOf(parser.getHeaderNames()), List.copyOf(rows));
    } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
      // malformed quoting, a header with a blank or repeated name
      throw new IngestException(file + ": not a valid CSV " + what + " file: " + e.getMessage(), e);
    }
  }

  /** Writes a file: the header, then the rows. */
  static void write(Path file, List<String> header, List<List<?>> rows) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, WRITE)) {
      p.printRecord(header);
      p.printRecords(rows);
    }
  }

  private static boolean isLineBreak(char c) {
    return c == '\n' || c == '\r';
  }
}
