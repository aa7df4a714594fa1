package io.oad.topology.internal;

import io.oad.contract.FutureStep;
import io.oad.contract.Prediction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one row of model output (class probabilities now and at each future step) into a {@link
 * Prediction}: the top class, all scores in class order, and the top class per future offset.
 */
public final class PredictionMapper {
  private final List<String> classNames;
  private final String modelId;

  /** A mapper for a model with these class names (model order) and id. */
  public PredictionMapper(List<String> classNames, String modelId) {
    if (classNames == null || classNames.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one class name");
    }
    this.classNames = List.copyOf(classNames);
    this.modelId = java.util.Objects.requireNonNull(modelId, "modelId");
  }

  /** The id of the model whose outputs this maps. */
  public String modelId() {
    return modelId;
  }

  /** The class names, in model order. */
  public List<String> classNames() {
    return classNames;
  }

  /** Facts about the step being predicted, independent of the model output. */
  public record StepInfo(
      String camera, long sequence, long captureTimeMs, long step, boolean warm, long nowMs) {}

  /**
   * Builds the prediction.
   *
   * @param current probabilities now, one per class
   * @param future probabilities at offsets 1..F, one row per offset
   * @throws IllegalStateException if a row's length differs from the number of class names
   */
  public Prediction map(StepInfo info, float[] current, float[][] future) {
    checkRow(current, "current");
    int top = argmax(current);
    Map<String, Double> scores = new LinkedHashMap<>();
    for (int c = 0; c < current.length; c++) {
      scores.put(classNames.get(c), (double) current[c]);
    }
    List<FutureStep> steps = new ArrayList<>(future.length);
    for (int f = 0; f < future.length; f++) {
      checkRow(future[f], "future step " + (f + 1));
      int best = argmax(future[f]);
      steps.add(new FutureStep(f + 1, classNames.get(best), future[f][best]));
    }
    return new Prediction(
        info.camera(),
        info.sequence(),
        info.captureTimeMs(),
        info.step(),
        modelId,
        classNames.get(top),
        current[top],
        scores,
        steps,
        info.warm(),
        info.nowMs() - info.captureTimeMs());
  }

  private void checkRow(float[] row, String what) {
    if (row == null || row.length != classNames.size()) {
      throw new IllegalStateException(
          "model returned "
              + (row == null ? "no" : String.valueOf(row.length))
              + " scores for "
              + what
              + " but has "
              + classNames.size()
              + " class names");
    }
  }

  /** Index of the largest value; the first one on ties. */
  static int argmax(float[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }
}
