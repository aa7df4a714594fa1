package io.oad.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * One video as training or evaluation data: a feature vector per time step and the class index of
 * each step. Arrays are copied in and out, so an instance never changes.
 *
 * @param videoId name of the video
 * @param features [steps][dim], every row of the same width
 * @param labels class index per step, length steps
 */
public record LabeledSequence(String videoId, float[][] features, int[] labels) {

  /** Validates and copies. */
  public LabeledSequence {
    if (videoId == null || videoId.isBlank()) {
      throw new IllegalArgumentException("videoId must be non-blank");
    }
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (features.length == 0) {
      throw new IllegalArgumentException(videoId + ": a sequence needs at least one step");
    }
    if (features.length != labels.length) {
      throw new IllegalArgumentException(
          videoId + ": " + features.length + " feature rows but " + labels.length + " labels");
    }
    int dim = features[0] == null ? 0 : features[0].length;
    if (dim == 0) {
      throw new IllegalArgumentException(videoId + ": step 0 has no features");
    }
    float[][] copy = new float[features.length][];
    for (int t = 0; t < features.length; t++) {
      if (features[t] == null || features[t].length != dim) {
        throw new IllegalArgumentException(
            videoId
                + ": step "
                + t
                + " has "
                + (features[t] == null ? "no" : features[t].length)
                + " features, step 0 has "
                + dim);
      }
      copy[t] = features[t].clone();
    }
    for (int t = 0; t < labels.length; t++) {
      if (labels[t] < 0) {
        throw new IllegalArgumentException(videoId + ": step " + t + " has label " + labels[t]);
      }
    }
    features = copy;
    labels = labels.clone();
  }

  /** Number of time steps. */
  public int length() {
    return labels.length;
  }

  /** Width of one feature vector. */
  public int dim() {
    return features[0].length;
  }

  /** The stored row of step {@code t}, not copied: package code must not modify it. */
  float[] row(int t) {
    return features[t];
  }

  /** Class index of step {@code t}. */
  public int label(int t) {
    return labels[t];
  }

  @Override
  public float[][] features() {
    float[][] out = new float[features.length][];
    for (int t = 0; t < features.length; t++) {
      out[t] = features[t].clone();
    }
    return out;
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabeledSequence other
        && videoId.equals(other.videoId)
        && Arrays.deepEquals(features, other.features)
        && Arrays.equals(labels, other.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(videoId, Arrays.deepHashCode(features), Arrays.hashCode(labels));
  }

  @Override
  public String toString() {
    return "LabeledSequence[" + videoId + ", steps=" + length() + ", dim=" + dim() + "]";
  }
}
