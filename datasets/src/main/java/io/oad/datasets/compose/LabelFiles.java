package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes the CSV files beside a composed video: per-frame labels ({@code
 * frame,time_s,label,label_name}) and segments ({@code start,end,label,label_name,clip}).
 */
public final class LabelFiles {
  /** Header of a labels file. */
  public static final String LABELS_HEADER = "frame,time_s,label,label_name";

  /** Header of a segments file. */
  public static final String SEGMENTS_HEADER = "start,end,label,label_name,clip";

  private static final List<String> LABELS_COLUMNS = List.of(LABELS_HEADER.split(","));
  private static final List<String> SEGMENTS_COLUMNS = List.of(SEGMENTS_HEADER.split(","));

  private LabelFiles() {}

  /** {@code <video name without extension>.labels.csv} beside the video. */
  public static Path labelsFileFor(Path video) {
    return video.resolveSibling(stem(video) + ".labels.csv");
  }

  /** {@code <video name without extension>.segments.csv} beside the video. */
  public static Path segmentsFileFor(Path video) {
    return video.resolveSibling(stem(video) + ".segments.csv");
  }

  static void writeLabels(Path file, int[] labels, double fps, List<String> classNames) {
    List<List<?>> rows = new ArrayList<>(labels.length);
    for (int i = 0; i < labels.length; i++) {
      rows.add(
          List.of(
              i,
              String.format(Locale.ROOT, "%.6f", i / fps),
              labels[i],
              classNames.get(labels[i])));
    }
    try {
      CsvFiles.write(file, LABELS_COLUMNS, rows);
    } catch (IOException e) {
      throw new IngestException("cannot write labels " + file + ": " + e.getMessage(), e);
    }
  }

  static void writeSegments(Path file, List<Segment> segments) {
    List<List<?>> rows = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      rows.add(List.of(s.start(), s.end(), s.label(), s.labelName(), s.clipPath().orElse("")));
    }
    try {
      CsvFiles.write(file, SEGMENTS_COLUMNS, rows);
    } catch (IOException e) {
      throw new IngestException("cannot write segments " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the label column of a labels file; frames must be numbered 0, 1, 2, ... in order.
   *
   * @throws IngestException if the file is missing or malformed
   */
  public static int[] readLabels(Path file) {
    CsvFiles.Table table = CsvFiles.read(file, "labels");
    if (!table.header().equals(LABELS_COLUMNS)) {
      throw new IngestException(file + " does not start with '" + LABELS_HEADER + "'");
    }
    int[] labels = new int[table.rows().size()];
    for (int i = 0; i < labels.length; i++) {
      CsvFiles.Row row = table.rows().get(i);
      try {
        if (Integer.parseInt(row.get("frame")) != i) {
          throw new IngestException(file + " line " + row.line() + ": expected frame " + i);
        }
        labels[i] = Integer.parseInt(row.get("label"));
      } catch (IllegalArgumentException e) {
        // a number that is not one, a row shorter than the header
        throw new IngestException(file + " line " + row.line() + ": " + e.getMessage(), e);
      }
    }
    return labels;
  }

  private static String stem(Path video) {
    String name = video.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
