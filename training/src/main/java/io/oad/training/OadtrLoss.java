package io.oad.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.OptionalInt;

/**
 * The OadTR training loss: soft-target cross-entropy over the non-ambiguous logits for the current
 * step (weight 1, mean over the batch) plus {@code futureWeight} × the same cross-entropy averaged
 * over all valid future rows of the batch (rows past a video's end or with an ambiguous label are
 * masked out). The ambiguous column is pushed to -1e9 before the log-softmax, which removes it from
 * the normalisation without producing 0 × -inf.
 */
public final class OadtrLoss {
  private static final float REMOVED = -1e9f;

  private final OptionalInt ambiguous;
  private final float futureWeight;

  /**
   * @param ambiguous the class whose logit is left out, if any
   * @param futureWeight weight of the future term (0.5 in the paper)
   */
  public OadtrLoss(OptionalInt ambiguous, float futureWeight) {
    if (!(futureWeight >= 0)) {
      throw new IllegalArgumentException("futureWeight must be >= 0, got " + futureWeight);
    }
    this.ambiguous = ambiguous;
    this.futureWeight = futureWeight;
  }

  /**
   * The scalar loss.
   *
   * @param logits current [B, C] and future [B, F, C] logits, as OadtrBlock returns them
   * @param current one-hot current targets [B, C]
   * @param future one-hot future targets [B, F, C]
   * @param futureMask 1 for rows that count, 0 otherwise [B, F]
   */
  public NDArray compute(NDList logits, NDArray current, NDArray future, NDArray futureMask) {
    NDArray cur = withoutAmbiguous(logits.get(0)); // [B, C]
    NDArray fut = withoutAmbiguous(logits.get(1)); // [B, F, C]
    // current: -sum_c y log p, mean over B
    NDArray currentLoss = current.mul(cur.logSoftmax(-1)).sum(new int[] {1}).neg().mean();
    // future: -sum_c y log p per row [B, F], masked, averaged over the valid rows
    NDArray rows = future.mul(fut.logSoftmax(-1)).sum(new int[] {2}).neg();
    NDArray valid = futureMask.sum().maximum(1f);
    NDArray futureLoss = rows.mul(futureMask).sum().div(valid);
    return currentLoss.add(futureLoss.mul(futureWeight));
  }

  private NDArray withoutAmbiguous(NDArray logits) {
    if (ambiguous.isEmpty()) {
      return logits;
    }
    int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    float[] offset = new float[classes];
    offset[ambiguous.getAsInt()] = REMOVED;
    NDArray row = logits.getManager().create(offset, new Shape(classes));
    return logits.add(row);
  }
}
