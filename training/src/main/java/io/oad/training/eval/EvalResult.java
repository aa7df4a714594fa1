package io.oad.training.eval;

import io.oad.datasets.ClassLayout;
import java.util.List;
import java.util.Objects;

/**
 * The per-frame metrics of one evaluation run. Per-class lists have one entry per class index
 * (length C); entries are NaN for the background class, the ambiguous class and classes without a
 * positive frame, which are exactly the classes left out of the means.
 *
 * @param layout the class layout that was evaluated
 * @param ap per-class non-interpolated AP
 * @param mAP mean AP over the action classes that have positives (NaN if none)
 * @param cap per-class calibrated AP
 * @param mcAP mean calibrated AP over the same classes
 * @param futureMAP mAP per future step; index 0 is t+1 (empty without future scores)
 * @param futureMAPPersistence mAP per future step of the persistence baseline (current-step scores
 *     held for every future step), same frames as {@code futureMAP}
 * @param futureMAPOracle mAP per future step of the segment oracle (see {@link FrameMetrics}), an
 *     upper bound for the protocol
 * @param evaluatedFrames frames scored for the current step (ambiguous frames removed)
 * @param ambiguousFrames frames removed because their ground truth is ambiguous
 */
public record EvalResult(
    ClassLayout layout,
    List<Double> ap,
    double mAP,
    List<Double> cap,
    double mcAP,
    List<Double> futureMAP,
    List<Double> futureMAPPersistence,
    List<Double> futureMAPOracle,
    int evaluatedFrames,
    int ambiguousFrames) {

  public EvalResult {
    Objects.requireNonNull(layout, "layout");
    ap = List.copyOf(ap);
    cap = List.copyOf(cap);
    futureMAP = List.copyOf(futureMAP);
    futureMAPPersistence = List.copyOf(futureMAPPersistence);
    futureMAPOracle = List.copyOf(futureMAPOracle);
    if (!futureMAPPersistence.isEmpty() && futureMAPPersistence.size() != futureMAP.size()
        || !futureMAPOracle.isEmpty() && futureMAPOracle.size() != futureMAP.size()) {
      throw new IllegalArgumentException(
          "baseline lists need "
              + futureMAP.size()
              + " future steps (or none), got persistence="
              + futureMAPPersistence.size()
              + " oracle="
              + futureMAPOracle.size());
    }
    if (ap.size() != layout.numClasses() || cap.size() != layout.numClasses()) {
      throw new IllegalArgumentException(
          "per-class lists need "
              + layout.numClasses()
              + " entries, got ap="
              + ap.size()
              + " cap="
              + cap.size());
    }
    if (evaluatedFrames < 0 || ambiguousFrames < 0) {
      throw new IllegalArgumentException("frame counts must be >= 0");
    }
  }

  /** A result without anticipation baselines. */
  public EvalResult(
      ClassLayout layout,
      List<Double> ap,
      double mAP,
      List<Double> cap,
      double mcAP,
      List<Double> futureMAP,
      int evaluatedFrames,
      int ambiguousFrames) {
    this(
        layout,
        ap,
        mAP,
        cap,
        mcAP,
        futureMAP,
        List.of(),
        List.of(),
        evaluatedFrames,
        ambiguousFrames);
  }

  /**
   * Whether the model's future mAP is above persistence's at every future step (false without
   * future steps or baselines, or when a value is undefined).
   */
  public boolean beatsPersistence() {
    if (futureMAP.isEmpty() || futureMAPPersistence.size() != futureMAP.size()) {
      return false;
    }
    for (int i = 0; i < futureMAP.size(); i++) {
      if (!(futureMAP.get(i) > futureMAPPersistence.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Future steps at which the model's mAP is not above persistence's (1-based). */
  public List<Integer> stepsNotBeatingPersistence() {
    List<Integer> out = new java.util.ArrayList<>();
    for (int i = 0; i < futureMAPPersistence.size(); i++) {
      if (!(futureMAP.get(i) > futureMAPPersistence.get(i))) {
        out.add(i + 1);
      }
    }
    return out;
  }

  /** AP of class {@code c} (NaN if undefined or not an action). */
  public double ap(int c) {
    return ap.get(c);
  }

  /** Calibrated AP of class {@code c} (NaN if undefined or not an action). */
  public double cap(int c) {
    return cap.get(c);
  }

  /** mAP for future step {@code k}, 1-based (t+k). */
  public double futureMAP(int k) {
    return futureMAP.get(k - 1);
  }
}
