package io.oad.datasets.compose;

import io.oad.ingest.IngestException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(LABELS_HEADER);
      w.newLine();
      for (int i = 0; i < labels.length; i++) {
        w.write(
            String.format(
                Locale.ROOT, "%d,%.6f,%d,%s", i, i / fps, labels[i], classNames.get(labels[i])));
        w.newLine();
      }
    } catch (IOException e) {
      throw new IngestException("cannot write labels " + file + ": " + e.getMessage(), e);
    }
  }

  static void writeSegments(Path file, List<Segment> segments) {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(SEGMENTS_HEADER);
      w.newLine();
      for (Segment s : segments) {
        w.write(
            s.start()
                + ","
                + s.end()
                + ","
                + s.label()
                + ","
                + s.labelName()
                + ","
                + s.clipPath().orElse(""));
        w.newLine();
      }
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
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IngestException("cannot read labels " + file + ": " + e.getMessage(), e);
    }
    if (lines.isEmpty() || !lines.get(0).strip().equals(LABELS_HEADER)) {
      throw new IngestException(file + " does not start with '" + LABELS_HEADER + "'");
    }
    int[] labels = new int[lines.size() - 1];
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",", -1);
      try {
        if (f.length < 3 || Integer.parseInt(f[0]) != i - 1) {
          throw new IngestException(file + " line " + (i + 1) + ": expected frame " + (i - 1));
        }
        labels[i - 1] = Integer.parseInt(f[2]);
      } catch (NumberFormatException e) {
        throw new IngestException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
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
