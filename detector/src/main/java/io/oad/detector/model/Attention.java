package io.oad.detector.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * Multi-head scaled dot-product attention written with plain tensor operations.
 *
 * <p>Queries, keys and values come in the layout the projections produce, [B, N, H*E] with the
 * heads side by side in the last axis, and may be strided views (e.g. the q, k and v thirds of a
 * packed qkv projection, whose rows are 3·H·E apart). The products are batched matrix products on
 * 3-D views of them, so no head is copied into a [B, H, N, E] tensor first: with B ≤ H one product
 * per batch element runs over the heads ([H, N, E] views), otherwise one product per head runs over
 * the batch ([B, N, E] views). Only the output is written once, as [B, L, H*E].
 */
final class Attention {
  private Attention() {}

  /**
   * softmax(q k^T / sqrt(E) [+ causal mask]) v, per head.
   *
   * @param q [B or 1, L, H*E]; a batch of 1 is shared by every element of the batch of {@code k}
   * @param k [B, S, H*E]
   * @param v [B, S, H*E]
   * @param heads H
   * @param causal whether query i may only see keys 0..i (needs L == S)
   * @return [B, L, H*E]
   */
  static NDArray attend(
      NDArray q, NDArray k, NDArray v, int heads, boolean causal, float dropout, boolean training) {
    Shape qs = q.getShape();
    long batch = k.getShape().get(0);
    long queries = qs.get(1);
    long keys = k.getShape().get(1);
    long width = qs.get(2);
    if (width % heads != 0 || k.getShape().get(2) != width || v.getShape().get(2) != width) {
      throw new IllegalArgumentException(
          "attention of "
              + heads
              + " heads over q "
              + qs
              + ", k "
              + k.getShape()
              + ", v "
              + v.getShape());
    }
    if (qs.get(0) != batch) {
      if (qs.get(0) != 1) {
        throw new IllegalArgumentException("q batch " + qs.get(0) + " does not fit k " + batch);
      }
      q = q.broadcast(new Shape(batch, queries, width)); // a view, batch stride 0
    }
    float scale = (float) (1.0 / Math.sqrt(width / (double) heads));
    NDArray mask = causal ? causalMask(q, (int) queries, (int) keys) : null;
    if (batch <= heads) {
      // one product over the heads per batch element: [H, N, E] views of row b
      NDList outs = new NDList((int) batch);
      NDList qb = q.split(batch, 0);
      NDList kb = k.split(batch, 0);
      NDList vb = v.split(batch, 0);
      for (int b = 0; b < batch; b++) {
        NDArray o =
            heads(
                    headsFirst(qb.get(b), heads),
                    headsFirst(kb.get(b), heads),
                    headsFirst(vb.get(b), heads),
                    scale,
                    mask,
                    dropout,
                    training)
                .transpose(1, 0, 2); // [L, H, E]
        outs.add(o);
      }
      NDArray out = batch == 1 ? outs.get(0).expandDims(0) : NDArrays.stack(outs);
      return out.reshape(new Shape(batch, queries, width));
    }
    // one product over the batch per head: [B, N, E] column blocks
    NDList qh = q.split(heads, 2);
    NDList kh = k.split(heads, 2);
    NDList vh = v.split(heads, 2);
    NDList outs = new NDList(heads);
    for (int h = 0; h < heads; h++) {
      outs.add(heads(qh.get(h), kh.get(h), vh.get(h), scale, mask, dropout, training));
    }
    return NDArrays.concat(outs, 2);
  }

  /** [1, N, H*E] (one row of a batch) → [H, N, E] view. */
  private static NDArray headsFirst(NDArray row, int heads) {
    Shape s = row.getShape();
    return row.reshape(new Shape(s.get(1), heads, s.get(2) / heads)).transpose(1, 0, 2);
  }

  /** Batched attention over the first axis: q [G, L, E], k and v [G, S, E] → [G, L, E]. */
  private static NDArray heads(
      NDArray q, NDArray k, NDArray v, float scale, NDArray mask, float dropout, boolean training) {
    NDArray scores = q.batchMatMul(k.transpose(0, 2, 1)); // [G, L, S]
    if (training) {
      scores = scores.mul(scale);
      if (mask != null) {
        scores = scores.add(mask);
      }
    } else {
      // no autograd graph to keep intact: scale and mask the fresh product in place
      scores.muli(scale);
      if (mask != null) {
        scores.addi(mask);
      }
    }
    NDArray probs = scores.softmax(-1);
    if (training && dropout > 0f) {
      probs = Dropout.dropout(probs, dropout, true).singletonOrThrow();
    }
    return probs.batchMatMul(v);
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
