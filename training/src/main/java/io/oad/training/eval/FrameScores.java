package io.oad.training.eval;

import io.oad.datasets.ClassLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * One video's frames (time steps) as the evaluator sees them: the ground-truth class of each frame,
 * the predicted probability row over C classes for the current step, and optionally the predicted
 * rows for the K future steps t+1 … t+K.
 *
 * <p>Arrays are copied in and out, so an instance never changes. Probabilities are expected to be
 * softmax outputs over the non-ambiguous logits; the ambiguous column, if any, is ignored by the
 * metrics.
 *
 * @param videoId name of the video, used in reports
 * @param labels ground-truth class per frame, length T
 * @param scores current-step probabilities, [T][C]
 * @param future future-step probabilities, [T][K][C]; K may be 0 (use {@link #of})
 */
public record FrameScores(String videoId, int[] labels, double[][] scores, double[][][] future) {

  public FrameScores {
    Objects.requireNonNull(videoId, "videoId");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(future, "future (use an empty array for no future steps)");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          videoId + ": " + labels.length + " labels but " + scores.length + " score rows");
    }
    if (future.length != 0 && future.length != labels.length) {
      throw new IllegalArgumentException(
          videoId + ": " + labels.length + " labels but " + future.length + " future rows");
    }
    labels = labels.clone();
    scores = deepCopy(scores);
    double[][][] f = new double[future.length][][];
    for (int t = 0; t < future.length; t++) {
      f[t] = deepCopy(Objects.requireNonNull(future[t], "future row " + t));
    }
    future = f;
    int k = f.length == 0 ? 0 : f[0].length;
    for (int t = 0; t < f.length; t++) {
      if (f[t].length != k) {
        throw new IllegalArgumentException(
            videoId + ": frame " + t + " has " + f[t].length + " future steps, frame 0 has " + k);
      }
    }
  }

  /** A video with current-step scores only. */
  public static FrameScores of(String videoId, int[] labels, double[][] scores) {
    return new FrameScores(videoId, labels, scores, new double[0][][]);
  }

  /** Number of frames T. */
  public int length() {
    return labels.length;
  }

  /** Number of future steps K (0 when none were given). */
  public int futureSteps() {
    return future.length == 0 ? 0 : future[0].length;
  }

  /** Ground-truth class of frame {@code t}. */
  public int label(int t) {
    return labels[t];
  }

  /** Probability of class {@code c} at frame {@code t}. */
  public double score(int t, int c) {
    return scores[t][c];
  }

  /** Probability of class {@code c} at frame {@code t} for future step {@code k} (1-based). */
  public double futureScore(int t, int k, int c) {
    return future[t][k - 1][c];
  }

  /** The stored row for frame {@code t}, not copied: callers in this package must not modify it. */
  double[] scoreRow(int t) {
    return scores[t];
  }

  /** The stored future row for frame {@code t}, step {@code k} (1-based), not copied. */
  double[] futureRow(int t, int k) {
    return future[t][k - 1];
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public double[][] scores() {
    return deepCopy(scores);
  }

  @Override
  public double[][][] future() {
    double[][][] f = new double[future.length][][];
    for (int t = 0; t < future.length; t++) {
      f[t] = deepCopy(future[t]);
    }
    return f;
  }

  /**
   * Checks that every label and row fits the layout: labels are class indices, rows have C finite
   * values.
   */
  public void checkAgainst(ClassLayout layout) {
    for (int t = 0; t < labels.length; t++) {
      layout.checkClass(videoId + " frame " + t + " label", labels[t]);
      checkRow(layout, scores[t], "frame " + t);
      for (int k = 0; k < futureSteps(); k++) {
        checkRow(layout, future[t][k], "frame " + t + " future step " + (k + 1));
      }
    }
  }

  private void checkRow(ClassLayout layout, double[] row, String where) {
    if (row == null || row.length != layout.numClasses()) {
      throw new IllegalArgumentException(
          videoId
              + " "
              + where
              + ": expected "
              + layout.numClasses()
              + " scores, got "
              + (row == null ? "null" : row.length));
    }
    for (double v : row) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(videoId + " " + where + ": score " + v + " not finite");
      }
    }
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] == null ? null : a[i].clone();
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FrameScores other
        && videoId.equals(other.videoId)
        && Arrays.equals(labels, other.labels)
        && Arrays.deepEquals(scores, other.scores)
        && Arrays.deepEquals(future, other.future);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        videoId, Arrays.hashCode(labels), Arrays.deepHashCode(scores), Arrays.deepHashCode(future));
  }

  @Override
  public String toString() {
    return "FrameScores[" + videoId + ", T=" + length() + ", K=" + futureSteps() + "]";
  }
}
