package io.oad.detector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The anticipation blend of a model: for future offset k (1-based) the served probabilities are
 * {@code p'_k = a_k * p_current + (1 - a_k) * p_future_k}, in probability space (after the
 * softmax). With every {@code a_k = 0} the future rows are the decoder's own; with {@code a_k = 1}
 * they are the current-step row held (the persistence baseline). Stored in {@code model.json} as
 * {@code futureBlend}; absent means {@link #none}.
 */
public final class FutureBlend {
  private static final FutureBlend NONE = new FutureBlend(new double[0]);

  private final double[] weights;

  private FutureBlend(double[] weights) {
    this.weights = weights;
  }

  /** No blend: the decoder's future rows unchanged. */
  public static FutureBlend none() {
    return NONE;
  }

  /**
   * The blend with weight {@code weights.get(k - 1)} for offset k; null or empty means {@link
   * #none}.
   *
   * @throws IllegalArgumentException if a weight is not a number in [0, 1]
   */
  public static FutureBlend of(List<Double> weights) {
    if (weights == null || weights.isEmpty()) {
      return NONE;
    }
    double[] a = new double[weights.size()];
    for (int k = 0; k < a.length; k++) {
      Double w = weights.get(k);
      if (w == null || !(w >= 0 && w <= 1)) {
        throw new IllegalArgumentException(
            "futureBlend weight for t+" + (k + 1) + " must be in [0, 1], got " + w);
      }
      a[k] = w;
    }
    return new FutureBlend(a);
  }

  /** Whether this is {@link #none}. */
  public boolean isNone() {
    return weights.length == 0;
  }

  /** The weights per offset (index 0 is t+1); empty for {@link #none}. */
  public List<Double> weights() {
    List<Double> out = new ArrayList<>(weights.length);
    for (double w : weights) {
      out.add(w);
    }
    return Collections.unmodifiableList(out);
  }

  /** The weight of offset {@code k} (1-based); 0 for {@link #none}. */
  public double weight(int k) {
    return weights.length == 0 ? 0 : weights[k - 1];
  }

  /**
   * Checks that this blend fits a model with {@code futureSteps} offsets.
   *
   * @throws IllegalArgumentException if it has weights for another number of offsets
   */
  public void checkSteps(int futureSteps) {
    if (weights.length != 0 && weights.length != futureSteps) {
      throw new IllegalArgumentException(
          "futureBlend has "
              + weights.length
              + " weights for a model of "
              + futureSteps
              + " future steps");
    }
  }

  /** Blends the future rows {@code future[k-1]} of one window with its {@code current} row. */
  public float[][] apply(float[] current, float[][] future) {
    if (isNone()) {
      return future;
    }
    checkSteps(future.length);
    float[][] out = new float[future.length][];
    for (int k = 0; k < future.length; k++) {
      float a = (float) weights[k];
      float b = 1 - a;
      float[] row = new float[future[k].length];
      for (int c = 0; c < row.length; c++) {
        row[c] = a == 0 ? future[k][c] : a == 1 ? current[c] : a * current[c] + b * future[k][c];
      }
      out[k] = row;
    }
    return out;
  }

  /** As {@link #apply(float[], float[][])}, in double precision. */
  public double[][] apply(double[] current, double[][] future) {
    if (isNone()) {
      return future;
    }
    checkSteps(future.length);
    double[][] out = new double[future.length][];
    for (int k = 0; k < future.length; k++) {
      double a = weights[k];
      double[] row = new double[future[k].length];
      for (int c = 0; c < row.length; c++) {
        row[c] =
            a == 0 ? future[k][c] : a == 1 ? current[c] : a * current[c] + (1 - a) * future[k][c];
      }
      out[k] = row;
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FutureBlend f && Arrays.equals(weights, f.weights);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(weights);
  }

  @Override
  public String toString() {
    return isNone() ? "none" : Arrays.toString(weights);
  }

  static FutureBlend requireNonNull(FutureBlend blend) {
    return Objects.requireNonNull(blend, "blend (use FutureBlend.none())");
  }
}
