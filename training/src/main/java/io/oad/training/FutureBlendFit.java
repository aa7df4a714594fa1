package io.oad.training;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.detector.Detector;
import io.oad.detector.FutureBlend;
import io.oad.training.eval.FrameMetrics;
import io.oad.training.eval.FrameScores;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Fits a model's {@link FutureBlend} on validation data: for each future offset k, the weight
 * {@code a_k} on the grid 0, 0.05, ..., 1 that maximises that offset's future mAP as {@link
 * FrameMetrics} computes it (ties go to the smaller weight). Offset k's mAP depends on {@code a_k}
 * only, so each grid value is evaluated once for all offsets.
 *
 * @param blend the fitted blend
 * @param unblendedMAP future mAP per offset without a blend (index 0 is t+1)
 * @param blendedMAP future mAP per offset with the fitted blend
 * @param persistenceMAP the persistence baseline per offset on the same frames
 */
public record FutureBlendFit(
    FutureBlend blend,
    List<Double> unblendedMAP,
    List<Double> blendedMAP,
    List<Double> persistenceMAP) {

  /** Grid points: a = i / {@value #GRID} for i = 0 … {@value #GRID}. */
  public static final int GRID = 20;

  public FutureBlendFit {
    unblendedMAP = List.copyOf(unblendedMAP);
    blendedMAP = List.copyOf(blendedMAP);
    persistenceMAP = List.copyOf(persistenceMAP);
  }

  /**
   * Scores {@code validation} with the decoder's own future rows (any blend the model has is
   * ignored) and fits on them.
   *
   * @throws IllegalArgumentException if there is no validation video
   */
  public static FutureBlendFit fit(
      Detector detector, List<LabeledSequence> validation, ClassLayout layout, int batch) {
    if (validation.isEmpty()) {
      throw new IllegalArgumentException(
          "fitting the future blend of " + detector.modelId() + " needs validation videos");
    }
    return fit(layout, Evaluator.scoreUnblended(detector, validation, layout.ambiguous(), batch));
  }

  /**
   * Fits on scores whose future rows are unblended.
   *
   * @throws IllegalArgumentException if the scores have no future steps
   */
  public static FutureBlendFit fit(ClassLayout layout, List<FrameScores> unblended) {
    int steps =
        unblended.stream()
            .mapToInt(FrameScores::futureSteps)
            .filter(k -> k > 0)
            .findFirst()
            .orElse(0);
    if (steps == 0) {
      throw new IllegalArgumentException("no future-step scores to fit a future blend on");
    }
    double[] best = new double[steps];
    double[] bestMap = new double[steps];
    List<Double> raw = null;
    List<Double> persistence = null;
    for (int i = 0; i <= GRID; i++) {
      double a = (double) i / GRID;
      var result =
          FrameMetrics.evaluate(
              layout, blend(unblended, FutureBlend.of(Collections.nCopies(steps, a))));
      List<Double> map = result.futureMAP();
      if (i == 0) {
        raw = map;
        persistence = result.futureMAPPersistence();
      }
      for (int k = 0; k < steps; k++) {
        double m = map.get(k);
        if (i == 0 || m > bestMap[k] || (Double.isNaN(bestMap[k]) && !Double.isNaN(m))) {
          best[k] = a;
          bestMap[k] = m;
        }
      }
    }
    List<Double> weights = new ArrayList<>(steps);
    List<Double> fitted = new ArrayList<>(steps);
    for (int k = 0; k < steps; k++) {
      weights.add(best[k]);
      fitted.add(bestMap[k]);
    }
    return new FutureBlendFit(FutureBlend.of(weights), raw, fitted, persistence);
  }

  /** The scores with their future rows blended by {@code blend}. */
  public static List<FrameScores> blend(List<FrameScores> scores, FutureBlend blend) {
    List<FrameScores> out = new ArrayList<>(scores.size());
    for (FrameScores s : scores) {
      double[][] current = s.scores();
      double[][][] future = s.future();
      for (int t = 0; t < future.length; t++) {
        future[t] = blend.apply(current[t], future[t]);
      }
      out.add(new FrameScores(s.videoId(), s.labels(), current, future));
    }
    return out;
  }

  /** One line per offset for a log: weight, validation mAP unblended → blended, persistence. */
  public String describe() {
    StringBuilder b = new StringBuilder("future blend fitted on validation:");
    for (int k = 0; k < blendedMAP.size(); k++) {
      b.append(
          String.format(
              Locale.ROOT,
              "%n  t+%d  a %.2f  mAP %.4f -> %.4f  (persistence %.4f)",
              k + 1,
              blend.weight(k + 1),
              unblendedMAP.get(k),
              blendedMAP.get(k),
              k < persistenceMAP.size() ? persistenceMAP.get(k) : Double.NaN));
    }
    return b.toString();
  }
}
