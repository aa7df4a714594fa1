package io.oad.deploy.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Test helper: reads the files under {@code deploy/ops} and pulls metric names out of PromQL. */
public final class OpsFiles {
  public static final Path OPS =
      (java.nio.file.Files.isDirectory(Path.of("ops"))
              ? Path.of("ops")
              : Path.of("..", "deploy", "ops"))
          .toAbsolutePath();

  /** The operations page of the docs, whose metrics table lists every metric. */
  public static final Path README = Path.of("..", "docs", "operations.md").toAbsolutePath();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "offset",
          "bool",
          "sum",
          "min",
          "max",
          "avg",
          "count",
          "stddev",
          "stdvar",
          "topk",
          "bottomk",
          "quantile",
          "count_values",
          "group",
          "inf",
          "nan");

  private OpsFiles() {}

  /** Every YAML and JSON file under {@code deploy/ops}. */
  public static List<Path> all() {
    try (Stream<Path> files = Files.walk(OPS)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The documents of one file (a YAML file may hold several, separated by {@code ---}). */
  public static List<JsonNode> read(Path file) {
    try {
      if (file.toString().endsWith(".json")) {
        return List.of(JSON.readTree(file.toFile()));
      }
      List<JsonNode> docs = new ArrayList<>();
      YAML.readerFor(JsonNode.class)
          .readValues(file.toFile())
          .forEachRemaining(d -> docs.add((JsonNode) d));
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file + ": " + e.getMessage(), e);
    }
  }

  public static JsonNode one(String relative) {
    List<JsonNode> docs = read(OPS.resolve(relative));
    if (docs.size() != 1) {
      throw new IllegalStateException(relative + " holds " + docs.size() + " documents, not 1");
    }
    return docs.get(0);
  }

  /**
   * The metric names a PromQL expression reads: label matchers, ranges, strings, grouping clauses,
   * functions and keywords removed, what is left are series names.
   */
  public static Set<String> metricNames(String promql) {
    String s = promql.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    s = s.replaceAll("\\{[^}]*}", " ");
    s = s.replaceAll("\\[[^]]*]", " ");
    s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(s);
    while (m.find()) {
      String word = m.group(1);
      boolean call = m.group(2) != null;
      if (!call && !PROMQL_WORDS.contains(word.toLowerCase())) {
        names.add(word);
      }
    }
    return names;
  }

  /** Metric names listed in the docs' metrics table, histograms with their series suffixes. */
  public static Set<String> readmeMetricNames() throws IOException {
    String text = Files.readString(README);
    int start = text.indexOf("## Metrics");
    if (start < 0) {
      throw new IllegalStateException(README + " has no '## Metrics' section");
    }
    int end = text.indexOf("\n## ", start + 1);
    String section = text.substring(start, end < 0 ? text.length() : end);
    Set<String> names = new LinkedHashSet<>();
    for (String line : section.split("\n")) {
      if (!line.startsWith("| `")) {
        continue;
      }
      String[] cells = line.split("\\|");
      boolean histogram = cells.length > 2 && cells[2].trim().equals("histogram");
      Matcher m = Pattern.compile("`([a-z_:][a-z0-9_:]*)`").matcher(cells[1]);
      while (m.find()) {
        String name = m.group(1);
        names.add(name);
        if (histogram) {
          names.add(name + "_bucket");
          names.add(name + "_sum");
          names.add(name + "_count");
        }
      }
    }
    return names;
  }
}
