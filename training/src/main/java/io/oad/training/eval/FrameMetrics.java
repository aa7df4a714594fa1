package io.oad.training.eval;

import io.oad.datasets.ClassLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes the per-frame metrics of online action detection over a set of videos: per-class AP and
 * mAP (THUMOS14), calibrated AP and mcAP (TVSeries), and mAP per future step (anticipation).
 *
 * <p>All frames of all videos are pooled into one ranking per class. Frames whose ground truth is
 * ambiguous are removed. For future step k, frame t is scored with its step-k prediction against
 * the label at t+k; frames with t+k past the end of their video, or whose label at t+k is
 * ambiguous, are left out.
 *
 * <p><b>Anticipation baselines</b>, computed on exactly the same frames as the model's future mAP:
 *
 * <ul>
 *   <li><b>Persistence</b>: frame t's current-step scores are used as its prediction for every
 *       future step (t+k is scored with the row of t).
 *   <li><b>Oracle</b> (an upper bound for this protocol): the oracle knows the ground-truth class
 *       of t and where t's segment ends; a segment is a maximal run of equal ground-truth labels
 *       (in composed streams: one clip or one background gap). While the segment still covers t+k
 *       it predicts its class with score 1 and every other class with 0. Once the segment has ended
 *       it knows only that: it predicts the same constant row for every such frame, the uniform
 *       distribution over the action classes (1/A each, background 0). Any constant strictly
 *       between 0 and 1 gives the same AP (those frames form one tie group between the certain
 *       positives at 1 and the certain negatives at 0), so uniform and class-prior rows are
 *       equivalent here.
 * </ul>
 */
public final class FrameMetrics {
  private FrameMetrics() {}

  /**
   * Evaluates the videos.
   *
   * @throws IllegalArgumentException if a label or score row does not fit the layout, or videos
   *     disagree on the number of future steps
   */
  public static EvalResult evaluate(ClassLayout layout, List<FrameScores> videos) {
    int futureSteps = commonFutureSteps(videos);
    videos.forEach(v -> v.checkAgainst(layout));

    Pool current = new Pool();
    int ambiguous = 0;
    for (FrameScores v : videos) {
      for (int t = 0; t < v.length(); t++) {
        if (layout.isAmbiguous(v.label(t))) {
          ambiguous++;
        } else {
          current.add(v.label(t), v.scoreRow(t));
        }
      }
    }
    double[] ap = current.perClass(layout, false);
    double[] cap = current.perClass(layout, true);

    List<Double> futureMap = new ArrayList<>();
    List<Double> persistence = new ArrayList<>();
    List<Double> oracle = new ArrayList<>();
    double[] unknownNext = unknownNextRow(layout);
    for (int k = 1; k <= futureSteps; k++) {
      Pool step = new Pool();
      Pool still = new Pool();
      Pool known = new Pool();
      for (FrameScores v : videos) {
        int[] segmentEnd = segmentEnds(v);
        for (int t = 0; t + k < v.length(); t++) {
          int label = v.label(t + k);
          if (!layout.isAmbiguous(label)) {
            step.add(label, v.futureRow(t, k));
            still.add(label, v.scoreRow(t));
            known.add(label, t + k <= segmentEnd[t] ? oneHot(layout, v.label(t)) : unknownNext);
          }
        }
      }
      futureMap.add(AveragePrecision.meanOfDefined(step.perClass(layout, false)));
      persistence.add(AveragePrecision.meanOfDefined(still.perClass(layout, false)));
      oracle.add(AveragePrecision.meanOfDefined(known.perClass(layout, false)));
    }
    return new EvalResult(
        layout,
        boxed(ap),
        AveragePrecision.meanOfDefined(ap),
        boxed(cap),
        AveragePrecision.meanOfDefined(cap),
        futureMap,
        persistence,
        oracle,
        current.size(),
        ambiguous);
  }

  /** For each frame, the last frame of its segment (the run of equal labels it belongs to). */
  static int[] segmentEnds(FrameScores v) {
    int n = v.length();
    int[] end = new int[n];
    for (int t = n - 1; t >= 0; t--) {
      end[t] = t + 1 < n && v.label(t + 1) == v.label(t) ? end[t + 1] : t;
    }
    return end;
  }

  private static double[] oneHot(ClassLayout layout, int c) {
    double[] row = new double[layout.numClasses()];
    row[c] = 1;
    return row;
  }

  /** The oracle's row once the current segment has ended: uniform over the action classes. */
  private static double[] unknownNextRow(ClassLayout layout) {
    int[] actions = layout.actionClasses();
    double[] row = new double[layout.numClasses()];
    for (int c : actions) {
      row[c] = 1.0 / actions.length;
    }
    return row;
  }

  private static int commonFutureSteps(List<FrameScores> videos) {
    int k = -1;
    for (FrameScores v : videos) {
      if (v.length() == 0) {
        continue;
      }
      if (k >= 0 && v.futureSteps() != k) {
        throw new IllegalArgumentException(
            "videos disagree on future steps: "
                + v.videoId()
                + " has "
                + v.futureSteps()
                + ", earlier videos "
                + k);
      }
      k = v.futureSteps();
    }
    return Math.max(k, 0);
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  /** The frames of one ranking: their labels and score rows. */
  private static final class Pool {
    private final List<Integer> labels = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();

    void add(int label, double[] row) {
      labels.add(label);
      rows.add(row);
    }

    int size() {
      return labels.size();
    }

    /** AP (or calibrated AP) per class index; NaN for non-action classes. */
    double[] perClass(ClassLayout layout, boolean calibrated) {
      double[] out = new double[layout.numClasses()];
      Arrays.fill(out, Double.NaN);
      int n = size();
      for (int c : layout.actionClasses()) {
        double[] s = new double[n];
        boolean[] pos = new boolean[n];
        for (int i = 0; i < n; i++) {
          s[i] = rows.get(i)[c];
          pos[i] = labels.get(i) == c;
        }
        out[c] = calibrated ? AveragePrecision.calibrated(s, pos) : AveragePrecision.of(s, pos);
      }
      return out;
    }
  }
}
