package io.oad.training.cv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of one fold, read from its {@code eval/report.json} (as {@code EvalReport} writes
 * it). Undefined values ({@code null} in the report) are NaN.
 *
 * @param test test subject
 * @param validation validation subject
 * @param train training subjects
 * @param mAP per-frame mAP
 * @param mcAP calibrated mAP
 * @param ap per-class AP by action name, in class order
 * @param cap per-class calibrated AP by action name
 * @param futureMAP mAP per future step (index 0 is t+1)
 * @param persistence the persistence baseline per future step (empty in reports without it)
 * @param oracle the oracle baseline per future step (empty in reports without it)
 * @param instances action instances
 * @param detected instances detected
 * @param detectionRate detected / instances
 * @param delayMeanSeconds mean detection delay
 * @param delayMedianSeconds median detection delay
 * @param frames evaluated frames
 */
public record FoldMetrics(
    String test,
    String validation,
    List<String> train,
    double mAP,
    double mcAP,
    Map<String, Double> ap,
    Map<String, Double> cap,
    List<Double> futureMAP,
    List<Double> persistence,
    List<Double> oracle,
    double instances,
    double detected,
    double detectionRate,
    double delayMeanSeconds,
    double delayMedianSeconds,
    double frames) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public FoldMetrics {
    train = List.copyOf(train);
    ap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ap));
    cap = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(cap));
    futureMAP = List.copyOf(futureMAP);
    persistence = List.copyOf(persistence);
    oracle = List.copyOf(oracle);
  }

  /**
   * Reads a fold's report.
   *
   * @throws IllegalArgumentException if the file is not an evaluation report (names the file)
   */
  public static FoldMetrics read(Path report, String test, String validation, List<String> train) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readString(report));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fold report " + report, e);
    }
    if (root == null || !root.has("mAP") || !root.path("classes").isArray()) {
      throw new IllegalArgumentException(
          report + " is not an evaluation report (no mAP or classes)");
    }
    Map<String, Double> ap = new LinkedHashMap<>();
    Map<String, Double> cap = new LinkedHashMap<>();
    for (JsonNode c : root.get("classes")) {
      if ("action".equals(c.path("role").asText())) {
        String name = c.path("name").asText();
        ap.put(name, number(c.get("ap")));
        cap.put(name, number(c.get("cap")));
      }
    }
    JsonNode d = root.path("detectionDelay");
    return new FoldMetrics(
        test,
        validation,
        train,
        number(root.get("mAP")),
        number(root.get("mcAP")),
        ap,
        cap,
        numbers(root.get("futureMAP")),
        numbers(root.get("futureMAPPersistence")),
        numbers(root.get("futureMAPOracle")),
        number(d.get("instances")),
        number(d.get("detected")),
        number(d.get("detectionRate")),
        number(d.get("meanSeconds")),
        number(d.get("medianSeconds")),
        number(root.get("evaluatedFrames")));
  }

  /** Whether the model's future mAP is above persistence's at every future step. */
  public boolean beatsPersistence() {
    if (futureMAP.isEmpty() || persistence.size() != futureMAP.size()) {
      return false;
    }
    for (int i = 0; i < futureMAP.size(); i++) {
      if (!(futureMAP.get(i) > persistence.get(i))) {
        return false;
      }
    }
    return true;
  }

  private static double number(JsonNode n) {
    return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
  }

  private static List<Double> numbers(JsonNode n) {
    List<Double> out = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(v -> out.add(number(v)));
    }
    return out;
  }
}
