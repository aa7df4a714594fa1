package io.oad.datasets.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oad.ingest.IngestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Temporal action annotations of untrimmed videos: which action happens in which interval of which
 * video. Two formats, chosen by the file's extension:
 *
 * <ul>
 *   <li>{@code .csv}, THUMOS style, header {@code video,action,start_s,end_s} (any column order, no
 *       other column): one row per action instance; {@code video} is the file name relative to the
 *       videos folder, with or without its extension.
 *   <li>{@code .json}, ActivityNet style: {@code {"database": {"<video id>": {"duration": s,
 *       "subset": "...", "annotations": [{"segment": [start, end], "label": "..."}]}}}}; a video
 *       with no annotation shows only background. Entries of the {@code testing} subset without
 *       annotations are skipped (ActivityNet publishes no labels for them).
 * </ul>
 *
 * Times are in seconds. Reading checks only the file itself (header, numbers, {@code start >= 0},
 * {@code end > start}); the videos are checked against it by {@link AnnotatedVideos}.
 *
 * @param file the annotation file (absolute)
 * @param videos every video the file names, in order of first appearance
 * @param intervals every action instance, in file order
 */
public record Annotations(Path file, List<String> videos, List<Interval> intervals) {
  /** The columns of the CSV form, in the order the documentation writes them. */
  public static final List<String> CSV_COLUMNS = List.of("video", "action", "start_s", "end_s");

  /** Compact form: copies. */
  public Annotations {
    videos = List.copyOf(videos);
    intervals = List.copyOf(intervals);
  }

  /**
   * One action instance.
   *
   * @param video the video as the file names it (a file name or an ActivityNet id)
   * @param action the action label
   * @param start start in seconds, inclusive
   * @param end end in seconds, exclusive
   * @param where the record it was read from, for messages ({@code FILE line 3}, {@code FILE
   *     database.<id>.annotations[0]})
   */
  public record Interval(String video, String action, double start, double end, String where) {}

  /**
   * Reads a {@code .csv} or {@code .json} annotation file.
   *
   * @throws IngestException naming the file (and the line or JSON path) for a missing or unreadable
   *     file, an unknown extension, a header other than {@link #CSV_COLUMNS}, malformed JSON or a
   *     value that is missing, not a number, negative, or an {@code end <= start}
   */
  public static Annotations read(Path file) {
    Path path = file.toAbsolutePath().normalize();
    if (!Files.isRegularFile(path)) {
      throw new IngestException("annotation file " + path + " does not exist");
    }
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return readCsv(path);
    }
    if (name.endsWith(".json")) {
      return readJson(path);
    }
    throw new IngestException(
        "annotation file "
            + path
            + " is neither .csv (video,action,start_s,end_s) nor .json (ActivityNet)");
  }

  /** The actions named, sorted and distinct. */
  public List<String> actions() {
    return intervals.stream().map(Interval::action).distinct().sorted().toList();
  }

  private static Annotations readCsv(Path file) {
    CsvFiles.Table table = CsvFiles.read(file, "annotations");
    List<String> header = table.header();
    if (header.isEmpty()) {
      throw new IngestException(file + " is empty; expected the header " + csvHeader());
    }
    for (String column : header) {
      if (!CSV_COLUMNS.contains(column)) {
        throw new IngestException(
            file + " header has unknown column '" + column + "'; expected " + csvHeader());
      }
    }
    for (String column : CSV_COLUMNS) {
      if (!header.contains(column)) {
        throw new IngestException(
            file + " header lacks column '" + column + "'; expected " + csvHeader());
      }
    }
    Set<String> videos = new LinkedHashSet<>();
    List<Interval> intervals = new ArrayList<>();
    for (CsvFiles.Row row : table.rows()) {
      String where = file + " line " + row.line();
      String video;
      String action;
      String start;
      String end;
      try {
        video = row.get("video");
        action = row.get("action");
        start = row.get("start_s");
        end = row.get("end_s");
      } catch (IllegalArgumentException e) {
        throw new IngestException(where + ": fewer values than the header has columns", e);
      }
      Interval interval =
          interval(
              where,
              nonBlank(where, "video", video),
              nonBlank(where, "action", action),
              number(where, "start_s", start),
              number(where, "end_s", end));
      videos.add(interval.video());
      intervals.add(interval);
    }
    if (intervals.isEmpty()) {
      throw new IngestException(file + " has a header but no annotation rows");
    }
    return new Annotations(file, List.copyOf(videos), intervals);
  }

  private static Annotations readJson(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw new IngestException(
          file + " is not valid JSON: " + e.getOriginalMessage() + locationOf(e), e);
    } catch (IOException e) {
      throw new IngestException("cannot read annotation file " + file + ": " + e.getMessage(), e);
    }
    JsonNode database = root == null ? null : root.get("database");
    if (database == null || !database.isObject()) {
      throw new IngestException(
          file
              + " has no \"database\" object; expected ActivityNet's"
              + " {\"database\": {\"<video id>\": {\"annotations\": [{\"segment\": [s, e],"
              + " \"label\": \"...\"}]}}}");
    }
    List<String> videos = new ArrayList<>();
    List<Interval> intervals = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = database.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String id = entry.getKey();
      JsonNode video = entry.getValue();
      String where = file + " database." + id;
      if (id.isBlank()) {
        throw new IngestException(where + ": empty video id");
      }
      if (!video.isObject()) {
        throw new IngestException(where + ": not an object");
      }
      JsonNode annotations = video.get("annotations");
      boolean unlabelled = annotations == null || annotations.isEmpty();
      if (unlabelled && "testing".equals(video.path("subset").asText(""))) {
        continue;
      }
      if (annotations != null && !annotations.isArray()) {
        throw new IngestException(where + ".annotations: not an array");
      }
      videos.add(id);
      for (int k = 0; annotations != null && k < annotations.size(); k++) {
        String at = where + ".annotations[" + k + "]";
        JsonNode a = annotations.get(k);
        JsonNode segment = a.get("segment");
        JsonNode label = a.get("label");
        if (segment == null
            || !segment.isArray()
            || segment.size() != 2
            || !segment.get(0).isNumber()
            || !segment.get(1).isNumber()) {
          throw new IngestException(at + ": \"segment\" must be [start, end] in seconds: " + a);
        }
        if (label == null || !label.isTextual() || label.asText().isBlank()) {
          throw new IngestException(at + ": \"label\" must be a non-empty string: " + a);
        }
        intervals.add(
            interval(
                at,
                id,
                label.asText().trim(),
                segment.get(0).asDouble(),
                segment.get(1).asDouble()));
      }
    }
    if (intervals.isEmpty()) {
      throw new IngestException(file + " annotates no action instance");
    }
    return new Annotations(file, videos, intervals);
  }

  private static Interval interval(
      String where, String video, String action, double start, double end) {
    if (!Double.isFinite(start) || !Double.isFinite(end)) {
      throw new IngestException(where + ": start and end must be finite: " + start + ", " + end);
    }
    if (start < 0) {
      throw new IngestException(where + ": start " + start + " s is before the video starts");
    }
    if (end <= start) {
      throw new IngestException(
          where + ": end " + end + " s is not after start " + start + " s (" + action + ")");
    }
    return new Interval(video, action, start, end, where);
  }

  private static String nonBlank(String where, String column, String value) {
    if (value == null || value.isBlank()) {
      throw new IngestException(where + ": empty " + column);
    }
    return value;
  }

  private static double number(String where, String column, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IngestException(where + ": " + column + " '" + value + "' is not a number", e);
    }
  }

  private static String csvHeader() {
    return "'" + String.join(",", CSV_COLUMNS) + "'";
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " (line "
            + e.getLocation().getLineNr()
            + ", column "
            + e.getLocation().getColumnNr()
            + ")";
  }
}
