package io.oad.training;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Gradient clipping by the global L2 norm over ALL gradients, as PyTorch's {@code clip_grad_norm_}
 * does (DJL's optimizer option clips each value on its own, which is not the same).
 */
final class GlobalNormClip {
  private GlobalNormClip() {}

  /**
   * Scales the gradients in place by {@code maxNorm / (norm + 1e-6)} when their global norm exceeds
   * {@code maxNorm}.
   *
   * @return the norm before clipping
   */
  static double clip(List<NDArray> gradients, double maxNorm) {
    double squares = 0;
    for (NDArray g : gradients) {
      try (NDArray s = g.square();
          NDArray sum = s.sum()) {
        squares += sum.getFloat();
      }
    }
    double norm = Math.sqrt(squares);
    if (maxNorm > 0 && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray g : gradients) {
        g.muli(scale);
      }
    }
    return norm;
  }
}
