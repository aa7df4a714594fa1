package io.oad.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/** Multi-head scaled dot-product attention written with plain tensor operations. */
final class Attention {
  private Attention() {}

  /** [B, N, H*E] → [B, H, N, E]. */
  static NDArray splitHeads(NDArray x, int heads) {
    Shape s = x.getShape();
    return x.reshape(new Shape(s.get(0), s.get(1), heads, s.get(2) / heads)).transpose(0, 2, 1, 3);
  }

  /** [B, H, N, E] → [B, N, H*E]. */
  static NDArray mergeHeads(NDArray x) {
    Shape s = x.getShape();
    return x.transpose(0, 2, 1, 3).reshape(new Shape(s.get(0), s.get(2), s.get(1) * s.get(3)));
  }

  /**
   * softmax(q k^T / sqrt(E) [+ causal mask]) v.
   *
   * @param q [B, H, L, E]
   * @param k [B, H, S, E]
   * @param v [B, H, S, E]
   * @param causal whether query i may only see keys 0..i (needs L == S)
   * @return [B, H, L, E]
   */
  static NDArray attend(
      NDArray q, NDArray k, NDArray v, boolean causal, float dropout, boolean training) {
    long queries = q.getShape().get(2);
    long keys = k.getShape().get(2);
    float scale = (float) (1.0 / Math.sqrt(q.getShape().get(3)));
    // scores [B, H, L, S]
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).mul(scale);
    if (causal) {
      scores = scores.add(causalMask(q, (int) queries, (int) keys));
    }
    NDArray probs = scores.softmax(-1);
    if (training && dropout > 0f) {
      probs = Dropout.dropout(probs, dropout, true).singletonOrThrow();
    }
    return probs.matMul(v);
  }

  /** [L, S] with -inf above the diagonal, 0 elsewhere. */
  private static NDArray causalMask(NDArray like, int queries, int keys) {
    float[] mask = new float[queries * keys];
    for (int i = 0; i < queries; i++) {
      for (int j = i + 1; j < keys; j++) {
        mask[i * keys + j] = Float.NEGATIVE_INFINITY;
      }
    }
    return like.getManager()
        .create(mask, new Shape(queries, keys))
        .toDevice(like.getDevice(), false);
  }

  /** Dropout in training only. */
  static NDArray drop(NDArray x, float rate, boolean training) {
    if (!training || rate <= 0f) {
      return x;
    }
    return Dropout.dropout(x, rate, true).singletonOrThrow();
  }
}
