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
 * the batch ([B, N, E] views). Only the output is written once, as [B, L, H*E]. Small inputs (fewer
 * than {@link #SMALL} elements in k) take the classic form with copied heads instead, which needs
 * fewer native calls.
 */
final class Attention {
  /**
   * Below this many elements in k ([B, S, H*E]) the heads are copied into [B, H, N, E] tensors
   * (about 14 native calls in all) instead of being read in place by one product per head or per
   * batch element (about 5 calls each): at that size a native call costs more than the copies.
   */
  static final long SMALL = 32_768;

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
    return attend(q, k, v, heads, causal, dropout, training, SMALL);
  }

  /** {@link #attend} with copied heads below {@code small} elements in k (tests force a path). */
  static NDArray attend(
      NDArray q,
      NDArray k,
      NDArray v,
      int heads,
      boolean causal,
      float dropout,
      boolean training,
      long small) {
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
    int headWidth = (int) (width / heads);
    // one scalar for every head: DJL turns a Java number into a new native tensor on each use
    NDArray scale = q.getManager().create((float) (1.0 / Math.sqrt(headWidth)));
    NDArray mask = causal ? causalMask(q, (int) queries, (int) keys) : null;
    if (batch * keys * width < small) {
      // small tensors: native calls cost more than the copies, so the fewest calls win
      NDArray qh = q.reshape(batch, queries, heads, headWidth).transpose(0, 2, 1, 3);
      NDArray kt = k.reshape(batch, keys, heads, headWidth).transpose(0, 2, 3, 1);
      NDArray vh = v.reshape(batch, keys, heads, headWidth).transpose(0, 2, 1, 3);
      return attendHeads(qh.matMul(kt), vh, scale, mask, dropout, training, true)
          .transpose(0, 2, 1, 3)
          .reshape(batch, queries, width);
    }
    if (batch <= heads) {
      // one product over the heads per batch element: [H, N, E] views of row b
      NDList outs = new NDList((int) batch);
      NDList qb = q.split(batch, 0);
      NDList kb = k.split(batch, 0);
      NDList vb = v.split(batch, 0);
      for (int b = 0; b < batch; b++) {
        NDArray qh = headsFirst(qb.get(b), heads);
        NDArray kt = headsFirst(kb.get(b), heads).transpose(0, 2, 1);
        NDArray o =
            attendHeads(
                qh.batchMatMul(kt),
                headsFirst(vb.get(b), heads),
                scale,
                mask,
                dropout,
                training,
                false);
        outs.add(o.transpose(1, 0, 2)); // [L, H, E]
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
      NDArray scores = qh.get(h).batchMatMul(kh.get(h).transpose(0, 2, 1));
      outs.add(attendHeads(scores, vh.get(h), scale, mask, dropout, training, false));
    }
    return NDArrays.concat(outs, 2);
  }

  /** [1, N, H*E] (one row of a batch) → [H, N, E] view. */
  private static NDArray headsFirst(NDArray row, int heads) {
    Shape s = row.getShape();
    return row.reshape(new Shape(s.get(1), heads, s.get(2) / heads)).transpose(1, 0, 2);
  }

  /**
   * softmax(scores · scale [+ mask]) v for unscaled scores [..., L, S] and v [..., S, E]; {@code
   * general} picks the broadcasting product (4-D) over the batched one (3-D).
   */
  private static NDArray attendHeads(
      NDArray scores,
      NDArray v,
      NDArray scale,
      NDArray mask,
      float dropout,
      boolean training,
      boolean general) {
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
    return general ? probs.matMul(v) : probs.batchMatMul(v);
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
