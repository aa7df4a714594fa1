package io.oad.training.eval;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Non-interpolated average precision of one class over a set of frames, plain and calibrated.
 *
 * <p>Frames are ranked by score, descending. AP is the mean, over the true positives, of the
 * precision at the rank where the positive appears. <b>Ties:</b> frames with equal scores form one
 * threshold group; every positive in a group gets the precision measured after the whole group,
 * which equals scikit-learn's {@code average_precision_score} (sum over distinct thresholds of
 * ΔRecall × Precision). The result therefore never depends on the input order.
 *
 * <p><b>Calibrated AP</b> (TVSeries mcAP) uses the same ranking with precision calibrated by w =
 * #negatives / #positives: cPrec = w·TP / (w·TP + FP). It is what precision would be if positives
 * and negatives were equally frequent. When there are no negatives, every precision is 1.
 *
 * <p>A class with no positives has an undefined AP: both methods return {@link Double#NaN}, and
 * callers leave such classes out of the mean.
 */
public final class AveragePrecision {
  private AveragePrecision() {}

  /** Plain non-interpolated AP; NaN if there is no positive. */
  public static double of(double[] scores, boolean[] positive) {
    return average(scores, positive, false);
  }

  /** Calibrated AP with w = #negatives / #positives; NaN if there is no positive. */
  public static double calibrated(double[] scores, boolean[] positive) {
    return average(scores, positive, true);
  }

  private static double average(double[] scores, boolean[] positive, boolean calibrated) {
    if (scores.length != positive.length) {
      throw new IllegalArgumentException(
          scores.length + " scores but " + positive.length + " positive flags");
    }
    int n = scores.length;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      if (positive[i]) {
        positives++;
      }
    }
    if (positives == 0) {
      return Double.NaN;
    }
    double w = (double) (n - positives) / positives;
    int[] order =
        IntStream.range(0, n)
            .boxed()
            .sorted(Comparator.comparingDouble((Integer i) -> scores[i]).reversed())
            .mapToInt(Integer::intValue)
            .toArray();
    long tp = 0;
    long fp = 0;
    double sum = 0;
    int start = 0;
    while (start < n) {
      // one threshold group: all frames sharing this score
      double s = scores[order[start]];
      int end = start;
      int groupTp = 0;
      while (end < n && scores[order[end]] == s) {
        if (positive[order[end]]) {
          groupTp++;
        } else {
          fp++;
        }
        end++;
      }
      tp += groupTp;
      if (groupTp > 0) {
        sum += groupTp * (calibrated ? calibratedPrecision(w, tp, fp) : (double) tp / (tp + fp));
      }
      start = end;
    }
    return sum / positives;
  }

  private static double calibratedPrecision(double w, long tp, long fp) {
    if (fp == 0) {
      return 1.0;
    }
    return w * tp / (w * tp + fp);
  }

  /** Mean of the finite values, NaN if there is none: how per-class APs become a mAP. */
  public static double meanOfDefined(double[] values) {
    return Arrays.stream(values).filter(Double::isFinite).average().orElse(Double.NaN);
  }
}
