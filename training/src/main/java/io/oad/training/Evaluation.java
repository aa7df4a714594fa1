package io.oad.training;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.detector.Detector;
import io.oad.training.eval.DelayReport;
import io.oad.training.eval.DetectionDelay;
import io.oad.training.eval.EvalReport;
import io.oad.training.eval.EvalResult;
import io.oad.training.eval.FrameMetrics;
import io.oad.training.eval.FrameScores;
import io.oad.training.eval.HtmlReport;
import io.oad.training.eval.VideoTimeline;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The metrics of one model on a data set, as {@code oad eval} (and every fold of {@code oad eval
 * --cv}) reports them: per-frame metrics with the anticipation baselines, detection delay, and the
 * scores they came from.
 */
public record Evaluation(
    EvalResult result, DelayReport delay, List<FrameScores> scores, ClassLayout layout) {

  /** Scores every step of {@code data} with {@code detector} and computes every metric. */
  public static Evaluation of(
      Detector detector, List<LabeledSequence> data, ClassLayout layout, double stepSeconds) {
    List<FrameScores> scores =
        Evaluator.score(detector, data, layout.ambiguous(), Evaluator.DEFAULT_BATCH);
    return new Evaluation(
        FrameMetrics.evaluate(layout, scores),
        DetectionDelay.measure(layout, scores, stepSeconds),
        scores,
        layout);
  }

  /** Writes {@code report.json} and {@code report.html} into {@code dir}. */
  public void write(Path dir, List<String> classNames) {
    EvalReport.write(dir.resolve("report.json"), result, delay, classNames);
    HtmlReport.write(
        dir.resolve("report.html"),
        result,
        scores.stream().map(s -> VideoTimeline.of(layout, s)).toList(),
        classNames);
  }

  /** The printed summary. */
  public void print(PrintStream out, Detector detector) {
    out.printf(
        Locale.ROOT,
        "model %s (%s) on %d videos, %d frames%n",
        detector.modelId(),
        detector.config().variant().label(),
        scores.size(),
        result.evaluatedFrames());
    out.printf(
        Locale.ROOT, "per-frame mAP %.4f   calibrated mAP %.4f%n", result.mAP(), result.mcAP());
    out.println(futureLine("future-step mAP:            ", result.futureMAP()));
    if (!result.futureMAPPersistence().isEmpty()) {
      out.println(futureLine("  persistence (held scores):", result.futureMAPPersistence()));
      out.println(futureLine("  oracle (knows segment):   ", result.futureMAPOracle()));
      out.println("  " + HtmlReport.persistenceVerdict(result));
    }
    out.printf(
        Locale.ROOT,
        "detection: %d/%d action instances detected (%.0f%%), delay mean %.2f s, median %.2f s%n",
        delay.detected(),
        delay.total(),
        100 * delay.detectionRate(),
        delay.meanSeconds(),
        delay.medianSeconds());
    List<String> names = detector.classNames();
    StringBuilder ap = new StringBuilder("per-class AP:");
    for (int c = 0; c < names.size(); c++) {
      if (layout.isAction(c)) {
        ap.append(String.format(Locale.ROOT, " %s %.3f", names.get(c), result.ap(c)));
      }
    }
    out.println(ap);
  }

  private static String futureLine(String title, List<Double> values) {
    StringBuilder f = new StringBuilder(title);
    for (int k = 1; k <= values.size(); k++) {
      f.append(String.format(Locale.ROOT, " t+%d %.3f", k, values.get(k - 1)));
    }
    return f.toString();
  }
}
