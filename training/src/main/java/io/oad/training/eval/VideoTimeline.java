package io.oad.training.eval;

import io.oad.datasets.ClassLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the HTML report draws for one video: per frame the ground-truth class, the predicted top
 * class, and the predicted probability of the ground-truth class.
 *
 * @param videoId name shown above the timeline
 * @param labels ground-truth class per frame
 * @param predicted top class per frame (argmax over the non-ambiguous classes)
 * @param groundTruthProbability predicted probability of the ground-truth class per frame
 */
public record VideoTimeline(
    String videoId, int[] labels, int[] predicted, double[] groundTruthProbability) {

  public VideoTimeline {
    Objects.requireNonNull(videoId, "videoId");
    if (labels.length != predicted.length || labels.length != groundTruthProbability.length) {
      throw new IllegalArgumentException(
          videoId
              + ": lengths differ: labels "
              + labels.length
              + ", predicted "
              + predicted.length
              + ", probabilities "
              + groundTruthProbability.length);
    }
    labels = labels.clone();
    predicted = predicted.clone();
    groundTruthProbability = groundTruthProbability.clone();
  }

  /** Derives the timeline from a video's current-step scores. */
  public static VideoTimeline of(ClassLayout layout, FrameScores video) {
    video.checkAgainst(layout);
    int n = video.length();
    int[] predicted = new int[n];
    double[] p = new double[n];
    for (int t = 0; t < n; t++) {
      predicted[t] = DetectionDelay.topClass(layout, video.scoreRow(t));
      p[t] = video.score(t, video.label(t));
    }
    return new VideoTimeline(video.videoId(), video.labels(), predicted, p);
  }

  /** Number of frames. */
  public int length() {
    return labels.length;
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public int[] predicted() {
    return predicted.clone();
  }

  @Override
  public double[] groundTruthProbability() {
    return groundTruthProbability.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VideoTimeline other
        && videoId.equals(other.videoId)
        && Arrays.equals(labels, other.labels)
        && Arrays.equals(predicted, other.predicted)
        && Arrays.equals(groundTruthProbability, other.groundTruthProbability);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        videoId,
        Arrays.hashCode(labels),
        Arrays.hashCode(predicted),
        Arrays.hashCode(groundTruthProbability));
  }

  @Override
  public String toString() {
    return "VideoTimeline[" + videoId + ", T=" + length() + "]";
  }
}
