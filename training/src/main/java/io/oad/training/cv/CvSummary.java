package io.oad.training.cv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The aggregate of the folds of a cross-validation: {@link Stats} of every metric over folds, and
 * the files {@code cv.json}, {@code cv.md} and {@code cv.html}.
 *
 * @param folds the folds, in run order
 * @param mAP per-frame mAP
 * @param mcAP calibrated mAP
 * @param ap per-class AP by action name
 * @param cap per-class calibrated AP by action name
 * @param futureMAP the model's mAP per future step (index 0 is t+1)
 * @param persistence persistence's mAP per future step
 * @param oracle the oracle's mAP per future step
 * @param detectionRate share of action instances detected
 * @param detected action instances detected
 * @param instances action instances
 * @param delayMeanSeconds mean detection delay
 * @param delayMedianSeconds median detection delay
 */
public record CvSummary(
    List<FoldMetrics> folds,
    Stats mAP,
    Stats mcAP,
    Map<String, Stats> ap,
    Map<String, Stats> cap,
    List<Stats> futureMAP,
    List<Stats> persistence,
    List<Stats> oracle,
    Stats detectionRate,
    Stats detected,
    Stats instances,
    Stats delayMeanSeconds,
    Stats delayMedianSeconds) {

  /** Seconds per future step (the model's 4 steps per second). */
  public static final double STEP_SECONDS = 0.25;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Aggregates the folds.
   *
   * @throws IllegalArgumentException if there is no fold
   */
  public static CvSummary of(List<FoldMetrics> folds) {
    if (folds.isEmpty()) {
      throw new IllegalArgumentException("no fold to aggregate");
    }
    Set<String> classes = new LinkedHashSet<>();
    folds.forEach(f -> classes.addAll(f.ap().keySet()));
    Map<String, Stats> ap = new LinkedHashMap<>();
    Map<String, Stats> cap = new LinkedHashMap<>();
    for (String c : classes) {
      ap.put(c, over(folds, f -> f.ap().getOrDefault(c, Double.NaN)));
      cap.put(c, over(folds, f -> f.cap().getOrDefault(c, Double.NaN)));
    }
    return new CvSummary(
        List.copyOf(folds),
        over(folds, FoldMetrics::mAP),
        over(folds, FoldMetrics::mcAP),
        ap,
        cap,
        perStep(folds, FoldMetrics::futureMAP),
        perStep(folds, FoldMetrics::persistence),
        perStep(folds, FoldMetrics::oracle),
        over(folds, FoldMetrics::detectionRate),
        over(folds, FoldMetrics::detected),
        over(folds, FoldMetrics::instances),
        over(folds, FoldMetrics::delayMeanSeconds),
        over(folds, FoldMetrics::delayMedianSeconds));
  }

  private static Stats over(List<FoldMetrics> folds, Function<FoldMetrics, Double> metric) {
    return Stats.of(folds.stream().map(metric).toList());
  }

  private static List<Stats> perStep(
      List<FoldMetrics> folds, Function<FoldMetrics, List<Double>> metric) {
    int steps = folds.stream().mapToInt(f -> metric.apply(f).size()).max().orElse(0);
    List<Stats> out = new ArrayList<>();
    for (int k = 0; k < steps; k++) {
      int i = k;
      out.add(over(folds, f -> i < metric.apply(f).size() ? metric.apply(f).get(i) : Double.NaN));
    }
    return out;
  }

  /** Whether the mean future mAP is above the mean persistence at every future step. */
  public boolean meanBeatsPersistence() {
    if (futureMAP.isEmpty() || persistence.size() != futureMAP.size()) {
      return false;
    }
    for (int i = 0; i < futureMAP.size(); i++) {
      if (!(futureMAP.get(i).mean() > persistence.get(i).mean())) {
        return false;
      }
    }
    return true;
  }

  /** Folds whose model beats persistence at every future step. */
  public long foldsBeatingPersistence() {
    return folds.stream().filter(FoldMetrics::beatsPersistence).count();
  }

  /** The sentence on persistence, for cv.md, cv.html and the console. */
  public String persistenceVerdict() {
    if (persistence.isEmpty()) {
      return "No persistence baseline in the fold reports.";
    }
    return String.format(
        java.util.Locale.ROOT,
        "Mean over folds: the model %s persistence at every future step (t+1..t+%d); %d of %d folds"
            + " beat it at every step.",
        meanBeatsPersistence() ? "beats" : "does NOT beat",
        futureMAP.size(),
        foldsBeatingPersistence(),
        folds.size());
  }

  // ---------------------------------------------------------------------------------- cv.json

  /** The JSON text of cv.json; {@code settings} (may be null) is recorded as given. */
  public String toJson(Map<String, Object> settings) {
    ObjectNode root = MAPPER.createObjectNode();
    if (settings != null) {
      root.set("settings", MAPPER.valueToTree(settings));
    }
    ArrayNode folds = root.putArray("folds");
    for (FoldMetrics f : this.folds) {
      ObjectNode n = folds.addObject();
      n.put("test", f.test());
      n.put("validation", f.validation());
      n.set("train", MAPPER.valueToTree(f.train()));
      n.put("report", f.test() + "/eval/report.json");
      number(n, "mAP", f.mAP());
      number(n, "mcAP", f.mcAP());
      ObjectNode ap = n.putObject("ap");
      f.ap().forEach((c, v) -> number(ap, c, v));
      ObjectNode cap = n.putObject("cap");
      f.cap().forEach((c, v) -> number(cap, c, v));
      numbers(n.putArray("futureMAP"), f.futureMAP());
      numbers(n.putArray("futureMAPPersistence"), f.persistence());
      numbers(n.putArray("futureMAPOracle"), f.oracle());
      n.put("futureBeatsPersistence", f.beatsPersistence());
      number(n, "instances", f.instances());
      number(n, "detected", f.detected());
      number(n, "detectionRate", f.detectionRate());
      number(n, "delayMeanSeconds", f.delayMeanSeconds());
      number(n, "delayMedianSeconds", f.delayMedianSeconds());
      number(n, "evaluatedFrames", f.frames());
    }
    ObjectNode agg = root.putObject("aggregate");
    agg.put("folds", this.folds.size());
    stats(agg.putObject("mAP"), mAP);
    stats(agg.putObject("mcAP"), mcAP);
    ObjectNode ap = agg.putObject("ap");
    this.ap.forEach((c, s) -> stats(ap.putObject(c), s));
    ObjectNode cap = agg.putObject("cap");
    this.cap.forEach((c, s) -> stats(cap.putObject(c), s));
    futureMAP.forEach(s -> stats(agg.withArray("futureMAP").addObject(), s));
    persistence.forEach(s -> stats(agg.withArray("futureMAPPersistence").addObject(), s));
    oracle.forEach(s -> stats(agg.withArray("futureMAPOracle").addObject(), s));
    agg.put("meanBeatsPersistence", meanBeatsPersistence());
    agg.put("foldsBeatingPersistence", foldsBeatingPersistence());
    stats(agg.putObject("detectionRate"), detectionRate);
    stats(agg.putObject("detected"), detected);
    stats(agg.putObject("instances"), instances);
    stats(agg.putObject("delayMeanSeconds"), delayMeanSeconds);
    stats(agg.putObject("delayMedianSeconds"), delayMedianSeconds);
    try {
      return MAPPER.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise cv.json", e);
    }
  }

  private static void stats(ObjectNode n, Stats s) {
    n.put("n", s.n());
    number(n, "mean", s.mean());
    number(n, "std", s.std());
    number(n, "min", s.min());
    number(n, "max", s.max());
  }

  private static void numbers(ArrayNode a, List<Double> values) {
    values.forEach(
        v -> {
          if (Double.isFinite(v)) {
            a.add(v);
          } else {
            a.addNull();
          }
        });
  }

  private static void number(ObjectNode n, String field, double v) {
    if (Double.isFinite(v)) {
      n.put(field, v);
    } else {
      n.putNull(field);
    }
  }

  // ---------------------------------------------------------------------- cv.md and cv.html

  /** One table: a title, a header and rows of cells. */
  record Table(String title, List<String> header, List<List<String>> rows) {}

  /** The tables of cv.md and cv.html. */
  List<Table> tables() {
    List<Table> out = new ArrayList<>();
    List<List<String>> main = new ArrayList<>();
    main.add(List.of("per-frame mAP", mAP.format(3)));
    main.add(List.of("calibrated mAP (mcAP)", mcAP.format(3)));
    main.add(List.of("action instances detected (share)", detectionRate.format(3)));
    main.add(List.of("action instances detected (count)", detected.format(1)));
    main.add(List.of("action instances (count)", instances.format(1)));
    main.add(List.of("detection delay, mean (s)", delayMeanSeconds.format(2)));
    main.add(List.of("detection delay, median (s)", delayMedianSeconds.format(2)));
    out.add(new Table("Metrics", List.of("metric", "mean ± std [min–max]"), main));

    List<List<String>> perClass = new ArrayList<>();
    ap.forEach((c, s) -> perClass.add(List.of(c, s.format(3), cap.get(c).format(3))));
    out.add(
        new Table(
            "Per-class AP",
            List.of("class", "AP mean ± std [min–max]", "calibrated AP mean ± std [min–max]"),
            perClass));

    List<List<String>> future = new ArrayList<>();
    for (int k = 0; k < futureMAP.size(); k++) {
      future.add(
          List.of(
              String.format(java.util.Locale.ROOT, "t+%d (%.2f s)", k + 1, (k + 1) * STEP_SECONDS),
              futureMAP.get(k).format(3),
              k < persistence.size() ? persistence.get(k).format(3) : "n/a",
              k < oracle.size() ? oracle.get(k).format(3) : "n/a"));
    }
    out.add(
        new Table(
            "Future-step mAP (anticipation)",
            List.of("offset", "model", "persistence", "oracle (upper bound)"),
            future));

    List<List<String>> folds = new ArrayList<>();
    for (FoldMetrics f : this.folds) {
      int last = f.futureMAP().size();
      folds.add(
          List.of(
              f.test(),
              f.validation(),
              String.join(",", f.train()),
              fmt(f.mAP(), 3),
              fmt(f.mcAP(), 3),
              last == 0 ? "n/a" : fmt(f.futureMAP().get(0), 3),
              last == 0 ? "n/a" : fmt(f.futureMAP().get(last - 1), 3),
              fmt(f.detected(), 0) + "/" + fmt(f.instances(), 0),
              fmt(f.delayMeanSeconds(), 2),
              f.beatsPersistence() ? "yes" : "no"));
    }
    out.add(
        new Table(
            "Folds",
            List.of(
                "test",
                "validation",
                "train",
                "mAP",
                "mcAP",
                "t+1 mAP",
                "t+" + (futureMAP.isEmpty() ? "K" : futureMAP.size()) + " mAP",
                "detected",
                "delay mean (s)",
                "beats persistence"),
            folds));
    return out;
  }

  private static String fmt(double v, int digits) {
    return Double.isFinite(v)
        ? String.format(java.util.Locale.ROOT, "%." + digits + "f", v)
        : "n/a";
  }

  private String heading() {
    return "Leave-one-subject-out cross-validation: "
        + folds.size()
        + " folds (test subjects "
        + String.join(", ", folds.stream().map(FoldMetrics::test).toList())
        + ")";
  }

  private static final String BASELINES =
      "Persistence: the model's current-step scores held as the prediction for every future step."
          + " Oracle: knows the current step's true class and where its segment ends; predicts it"
          + " with score 1 while the segment lasts, then a uniform score over the actions (an upper"
          + " bound for this protocol).";

  /** The markdown text of cv.md. */
  public String toMarkdown() {
    StringBuilder m = new StringBuilder();
    m.append("## ").append(heading()).append("\n\n");
    m.append("Mean ± sample standard deviation [min–max] over folds.\n\n");
    for (Table t : tables()) {
      m.append("### ").append(t.title()).append("\n\n");
      m.append("| ").append(String.join(" | ", t.header())).append(" |\n|");
      t.header().forEach(h -> m.append(" --- |"));
      m.append('\n');
      for (List<String> r : t.rows()) {
        m.append("| ").append(String.join(" | ", r)).append(" |\n");
      }
      m.append('\n');
      if (t.title().startsWith("Future")) {
        m.append(persistenceVerdict()).append("\n\n").append(BASELINES).append("\n\n");
      }
    }
    return m.toString();
  }

  /** The self-contained page cv.html. */
  public String toHtml() {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Cross-validation</title>")
        .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}")
        .append("td:first-child{text-align:left}</style></head><body>\n")
        .append("<h1>")
        .append(escape(heading()))
        .append("</h1>\n<p>Mean ± sample standard deviation [min–max] over folds.</p>\n");
    for (Table t : tables()) {
      h.append("<h2>").append(escape(t.title())).append("</h2>\n<table><tr>");
      t.header().forEach(c -> h.append("<th>").append(escape(c)).append("</th>"));
      h.append("</tr>\n");
      for (List<String> r : t.rows()) {
        h.append("<tr>");
        r.forEach(c -> h.append("<td>").append(escape(c)).append("</td>"));
        h.append("</tr>\n");
      }
      h.append("</table>\n");
      if (t.title().startsWith("Future")) {
        h.append("<p><b>")
            .append(escape(persistenceVerdict()))
            .append("</b></p>\n<p>")
            .append(escape(BASELINES))
            .append("</p>\n");
      }
    }
    return h.append("</body></html>\n").toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Writes cv.json, cv.md and cv.html into {@code dir}. */
  public void write(Path dir, Map<String, Object> settings) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("cv.json"), toJson(settings));
      Files.writeString(dir.resolve("cv.md"), toMarkdown());
      Files.writeString(dir.resolve("cv.html"), toHtml());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the cross-validation summary in " + dir, e);
    }
  }
}
