package io.oad.training;

import io.oad.datasets.ClassLayout;
import io.oad.datasets.LabeledSequence;
import io.oad.detector.Detector;
import io.oad.detector.FutureBlend;
import io.oad.detector.OadtrConfig;
import io.oad.detector.Windows;
import io.oad.training.eval.FrameScores;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Scores every step of labelled videos with a {@link Detector}, as the streaming service would: the
 * window of step t ends at t and is left-padded at the start of a video ({@link Windows#leftPad}).
 * Windows go to the model in batches. The result feeds {@code FrameMetrics.evaluate}, {@code
 * DetectionDelay.measure} and {@code HtmlReport}.
 *
 * <p>Probabilities are a softmax over the non-ambiguous logits (the ambiguous column gets 0), as
 * the official evaluation computes them. The future rows are then blended with the current row by
 * the model's {@link Detector#futureBlend}, as {@link Detector#predict} serves them.
 */
public final class Evaluator {
  /** Windows per predict call when none is given. */
  public static final int DEFAULT_BATCH = 64;

  private Evaluator() {}

  /** Scores with a softmax over all classes (for layouts without an ambiguous class). */
  public static List<FrameScores> score(Detector detector, List<LabeledSequence> videos) {
    return score(detector, videos, OptionalInt.empty(), DEFAULT_BATCH);
  }

  /** Scores with a softmax over the classes of {@code layout} other than its ambiguous class. */
  public static List<FrameScores> score(
      Detector detector, List<LabeledSequence> videos, ClassLayout layout) {
    if (layout.numClasses() != detector.config().numClasses()) {
      throw new IllegalArgumentException(
          "layout has "
              + layout.numClasses()
              + " classes, model "
              + detector.modelId()
              + " has "
              + detector.config().numClasses());
    }
    return score(detector, videos, layout.ambiguous(), DEFAULT_BATCH);
  }

  /**
   * Scores every step of every video.
   *
   * @param ambiguous class left out of the softmax, if any
   * @param batch windows per predict call
   */
  public static List<FrameScores> score(
      Detector detector, List<LabeledSequence> videos, OptionalInt ambiguous, int batch) {
    return score(detector, videos, ambiguous, batch, detector.futureBlend());
  }

  /**
   * Scores every step of every video with the decoder's own future rows, ignoring the model's
   * future blend: what a blend is fitted on ({@code FutureBlendFit}).
   */
  public static List<FrameScores> scoreUnblended(
      Detector detector, List<LabeledSequence> videos, OptionalInt ambiguous, int batch) {
    return score(detector, videos, ambiguous, batch, FutureBlend.none());
  }

  private static List<FrameScores> score(
      Detector detector,
      List<LabeledSequence> videos,
      OptionalInt ambiguous,
      int batch,
      FutureBlend blend) {
    if (batch <= 0) {
      throw new IllegalArgumentException("batch must be positive, got " + batch);
    }
    OadtrConfig config = detector.config();
    List<FrameScores> out = new ArrayList<>(videos.size());
    for (LabeledSequence video : videos) {
      if (video.dim() != config.featureDim()) {
        throw new IllegalArgumentException(
            video.videoId()
                + " has "
                + video.dim()
                + "-d features, model "
                + detector.modelId()
                + " takes "
                + config.featureDim());
      }
      out.add(scoreVideo(detector, video, ambiguous, batch, blend));
    }
    return out;
  }

  private static FrameScores scoreVideo(
      Detector detector,
      LabeledSequence video,
      OptionalInt ambiguous,
      int batch,
      FutureBlend blend) {
    int window = detector.config().window();
    int steps = video.length();
    List<float[]> rows = Arrays.asList(video.features());
    double[][] current = new double[steps][];
    double[][][] future = new double[steps][][];
    for (int start = 0; start < steps; start += batch) {
      int n = Math.min(batch, steps - start);
      float[][][] windows = new float[n][][];
      for (int i = 0; i < n; i++) {
        int t = start + i;
        windows[i] = Windows.leftPad(rows.subList(Math.max(0, t - window + 1), t + 1), window);
      }
      Detector.Output logits = detector.logits(windows);
      for (int i = 0; i < n; i++) {
        current[start + i] = softmax(logits.current()[i], ambiguous);
        double[][] ahead = new double[logits.future()[i].length][];
        for (int k = 0; k < ahead.length; k++) {
          ahead[k] = softmax(logits.future()[i][k], ambiguous);
        }
        future[start + i] = blend.apply(current[start + i], ahead);
      }
    }
    return new FrameScores(video.videoId(), video.labels(), current, future);
  }

  /** Softmax in double precision; the ambiguous column, if any, is left out and gets 0. */
  static double[] softmax(float[] logits, OptionalInt ambiguous) {
    int skip = ambiguous.orElse(-1);
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < logits.length; c++) {
      if (c != skip) {
        max = Math.max(max, logits[c]);
      }
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int c = 0; c < logits.length; c++) {
      if (c != skip) {
        p[c] = Math.exp(logits[c] - max);
        sum += p[c];
      }
    }
    for (int c = 0; c < p.length; c++) {
      p[c] /= sum;
    }
    return p;
  }
}
